"""docker-compose.yml, checked with compose-go (what `docker compose config` runs) since
this machine has no Docker engine; and kept consistent with the realm and the pinned version."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from devstack import paths
from devstack.keycloak import READ_ONLY_ATTRIBUTES, keycloak_version

KEYCLOAK_DOCKERFILE = paths.ROOT / "deploy" / "keycloak" / "Dockerfile"


def _example_env() -> dict[str, str]:
    values = {}
    for line in (paths.ROOT / ".env.example").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    return values


def _config(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(paths.COMPOSECHECK_BIN), str(paths.COMPOSE_FILE)], capture_output=True, text=True, timeout=60,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}, cwd=paths.ROOT,
    )


@pytest.fixture(scope="module")
def project() -> dict:
    result = _config(_example_env())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_compose_file_resolves_with_the_example_environment(project):
    assert set(project["services"]) == {"postgres", "keycloak", "portal-adapter", "mailpit"}
    keycloak = project["services"]["keycloak"]
    assert keycloak["build"]["dockerfile"] == "deploy/keycloak/Dockerfile"
    assert keycloak["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert project["services"]["portal-adapter"]["depends_on"]["keycloak"]["condition"] == "service_healthy"
    assert project["services"]["portal-adapter"]["environment"]["PORTAL_ENV"] == "production"


def test_every_realm_placeholder_is_given_to_keycloak(project):
    placeholders = set(re.findall(r"\$\{([A-Z_]+)\}", paths.REALM_FILE.read_text()))
    assert placeholders <= set(project["services"]["keycloak"]["environment"])


def test_keycloak_runs_with_the_same_read_only_attributes_as_make_run(project):
    command = project["services"]["keycloak"]["command"]
    assert f"--spi-user-profile--declarative-user-profile--read-only-attributes={READ_ONLY_ATTRIBUTES}" in command


def test_the_image_uses_the_version_pinned_in_the_pom_and_the_realm_as_code():
    dockerfile = KEYCLOAK_DOCKERFILE.read_text()
    assert f"ARG KEYCLOAK_VERSION={keycloak_version()}" in dockerfile
    assert "COPY realm-config/hariane-pro-realm.json /opt/keycloak/data/import/" in dockerfile


def test_a_missing_secret_is_refused_with_its_name():
    env = _example_env()
    del env["POSTGRES_PASSWORD"]
    result = _config(env)
    assert result.returncode == 1
    assert "POSTGRES_PASSWORD" in result.stderr
