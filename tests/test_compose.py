"""docker-compose.yml, checked with compose-go (what `docker compose config` runs) since
this machine has no Docker engine; and kept consistent with the realm, the pinned version and
the cluster of devstack/cluster.py (two Keycloak nodes on one PostgreSQL behind HAProxy)."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from devstack import paths
from devstack.cluster import HAPROXY
from devstack.keycloak import READ_ONLY_ATTRIBUTES, keycloak_version

KEYCLOAK_DOCKERFILE = paths.ROOT / "deploy" / "keycloak" / "Dockerfile"
HAPROXY_CONFIG = paths.ROOT / "deploy" / "haproxy" / "haproxy.cfg"
NODES = ("keycloak-1", "keycloak-2")


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
    services = project["services"]
    assert set(services) == {"postgres", *NODES, "loadbalancer", "portal-adapter", "mailpit"}
    for name in NODES:
        assert services[name]["build"]["dockerfile"] == "deploy/keycloak/Dockerfile"
        assert services[name]["image"] == services[NODES[0]]["image"]  # one image for both nodes
    # node 1 creates the schema and imports the realm, then node 2 joins
    assert services["keycloak-1"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["keycloak-2"]["depends_on"]["keycloak-1"]["condition"] == "service_healthy"
    assert services["loadbalancer"]["depends_on"]["keycloak-1"]["condition"] == "service_healthy"
    assert [p["published"] for p in services["loadbalancer"]["ports"]] == ["8080"]  # the only way in
    assert all("ports" not in services[name] for name in NODES)
    adapter = services["portal-adapter"]
    assert adapter["depends_on"]["keycloak-1"]["condition"] == "service_healthy"
    assert adapter["environment"]["KEYCLOAK_URL"] == "http://loadbalancer:8080"
    assert adapter["environment"]["PORTAL_ENV"] == "production"


def test_the_two_nodes_share_the_database_and_form_one_cluster(project):
    environments = [project["services"][name]["environment"] for name in NODES]
    assert environments[0] == environments[1]
    assert environments[0]["KC_DB_URL"] == "jdbc:postgresql://postgres:5432/keycloak"
    assert (environments[0]["KC_CACHE"], environments[0]["KC_CACHE_STACK"]) == ("ispn", "jdbc-ping")
    commands = {name: project["services"][name]["command"] for name in NODES}
    assert "--import-realm" in commands["keycloak-1"] and "--import-realm" not in commands["keycloak-2"]
    for name in NODES:
        assert f"--spi-cache-embedded--default--node-name={name}" in commands[name]


def test_the_load_balancer_checks_both_nodes_and_its_config_is_valid(project):
    volumes = project["services"]["loadbalancer"]["volumes"]
    assert [(v["source"], v["target"]) for v in volumes] == [
        (str(HAPROXY_CONFIG), "/usr/local/etc/haproxy/haproxy.cfg")]
    config = HAPROXY_CONFIG.read_text()
    for name in NODES:
        assert re.search(rf"^\s+server {name} {name}:8080 check port 9000$", config, re.M)
    assert "http-check send meth GET uri /health/ready" in config
    checked = subprocess.run([str(HAPROXY), "-c", "-f", str(HAPROXY_CONFIG)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr  # node names unresolvable here: servers start without address


def test_every_realm_placeholder_is_given_to_keycloak(project):
    placeholders = set(re.findall(r"\$\{([A-Z_]+)\}", paths.REALM_FILE.read_text()))
    for name in NODES:
        assert placeholders <= set(project["services"][name]["environment"])


def test_keycloak_runs_with_the_same_read_only_attributes_as_make_run(project):
    for name in NODES:
        command = project["services"][name]["command"]
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
