"""A broken environment stops with a message saying what is wrong and what to do."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from portal_adapter.config import ConfigError, Settings

from devstack import jdk, paths
from devstack.errors import StackError
from devstack.ports import ensure_port_free


def test_given_a_taken_port_then_the_message_names_it_and_the_way_out():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(StackError) as error:
            ensure_port_free(port, "Keycloak HTTP")
    assert f"Port {port} (Keycloak HTTP) is already in use" in str(error.value)
    assert "HARIANE_" in str(error.value)


def test_given_make_run_on_a_taken_port_then_it_exits_with_a_message_not_a_traceback(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "devstack.run"],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin", "HARIANE_RUN_DIR": str(tmp_path), "HARIANE_SMTP_PORT": str(port)},
        )
    assert result.returncode == 1
    assert "already in use" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_given_no_supported_jdk_then_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setattr(jdk, "SEARCH_DIRS", ())
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(jdk.shutil, "which", lambda name: None)
    with pytest.raises(StackError) as error:
        jdk.choose_jdk()
    assert "No JDK that Keycloak supports was found" in str(error.value)
    assert "apt-get install" in str(error.value)


def test_the_newest_supported_jdk_is_chosen():
    chosen = jdk.choose_jdk()
    assert chosen.major in jdk.SUPPORTED_MAJORS
    assert all(j.major <= chosen.major for j in jdk.find_jdks() if j.major in jdk.SUPPORTED_MAJORS)


def test_given_an_unreachable_registry_then_prepare_says_so(tmp_path, monkeypatch):
    from devstack import prepare

    monkeypatch.setattr(prepare.paths, "VENV", tmp_path / "venv")
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    monkeypatch.setenv("PIP_NO_INDEX", "")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    with pytest.raises(StackError) as error:
        prepare.python_env()
    assert "Installing the Python packages failed" in str(error.value)
    assert "registry" in str(error.value)


def test_given_production_with_development_secrets_then_the_adapter_refuses_to_start():
    with pytest.raises(ConfigError) as error:
        Settings.from_env({"PORTAL_ENV": "production"})
    assert "secret_key" in str(error.value)


def test_given_a_non_numeric_timeout_then_the_config_error_names_the_variable():
    with pytest.raises(ConfigError) as error:
        Settings.from_env({"PORTAL_HTTP_TIMEOUT_SECONDS": "vite"})
    assert "PORTAL_HTTP_TIMEOUT_SECONDS" in str(error.value)


def test_the_database_switch_is_embedded_by_default_and_refuses_unknown_values():
    from devstack.postgres import database_mode

    assert database_mode({}) == database_mode({"HARIANE_DATABASE": ""}) == "embedded"
    assert database_mode({"HARIANE_DATABASE": " Postgres "}) == "postgres"
    with pytest.raises(StackError) as error:
        database_mode({"HARIANE_DATABASE": "mysql"})
    assert "HARIANE_DATABASE='mysql'" in str(error.value) and "embedded or postgres" in str(error.value)
