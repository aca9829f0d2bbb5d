"""docker-compose.yml, checked with compose-go (what `docker compose config` runs) since
this machine has no Docker engine; and kept consistent with the realm, the pinned version and
the cluster of devstack/cluster.py (two Keycloak nodes on one PostgreSQL behind HAProxy).
The production rules: example and weak secrets refused at start-up, only the TLS
front published, no mail catcher, forwarded headers overwritten by HAProxy and believed from
it only, pools within PostgreSQL's max_connections, restart policies and memory limits.
tests/test_tls_front.py runs deploy/haproxy/haproxy.cfg itself in front of two real nodes."""

from __future__ import annotations

import functools
import json
import os
import re
import secrets as random_secrets
import subprocess

import pytest
from portal_adapter.config import ConfigError, Settings

from devstack import paths, proconnect
from devstack.cluster import HAPROXY
from devstack.keycloak import JAVA_OPTIONS, java_options, keycloak_version
from tests.support.tls_cert import self_signed_pem

KEYCLOAK_DOCKERFILE = paths.ROOT / "deploy" / "keycloak" / "Dockerfile"
HAPROXY_CONFIG = paths.ROOT / "deploy" / "haproxy" / "haproxy.cfg"
ENTRYPOINT = paths.ROOT / "deploy" / "keycloak" / "entrypoint.sh"
ROLES_SCRIPT = paths.ROOT / "deploy" / "postgres" / "10-roles.sh"
ADAPTER_DOCKERFILE = paths.ROOT / "portal_adapter" / "Dockerfile"
NODES = ("keycloak-1", "keycloak-2")
SERVICES = {"postgres", *NODES, "loadbalancer", "portal-adapter", "backup"}
# SQLAlchemy's default pool per adapter process (db.make_engine): pool_size 5 + max_overflow 10
ADAPTER_POOL_PER_PROCESS = 15
EXAMPLE_SECRET = "example-only-replace-me"
MAIL_CATCHERS = ("mailpit", "mailhog", "maildev", "smtp4dev", "mailcatcher", "inbucket")


def _example_env() -> dict[str, str]:
    values = {}
    for line in (paths.ROOT / ".env.example").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    return values


@functools.cache
def _strong_secrets() -> dict[str, str]:
    return {key: random_secrets.token_urlsafe(32) for key, value in _example_env().items() if value == EXAMPLE_SECRET}


def _strong_env() -> dict[str, str]:
    """The example environment with every secret replaced by a random one, as an operator does."""
    return _example_env() | _strong_secrets()


def _config(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(paths.COMPOSECHECK_BIN), str(paths.COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env},
        cwd=paths.ROOT,
    )


@pytest.fixture(scope="module")
def project() -> dict:
    result = _config(_strong_env())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_compose_file_resolves_with_an_operators_environment(project):
    services = project["services"]
    assert set(services) == SERVICES
    for name in NODES:
        assert services[name]["build"]["dockerfile"] == "deploy/keycloak/Dockerfile"
        assert services[name]["image"] == services[NODES[0]]["image"]  # one image for both nodes
    # node 1 creates the schema and imports the realm, then node 2 joins
    assert services["keycloak-1"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["keycloak-2"]["depends_on"]["keycloak-1"]["condition"] == "service_healthy"
    assert services["loadbalancer"]["depends_on"]["keycloak-1"]["condition"] == "service_healthy"
    adapter = services["portal-adapter"]
    assert adapter["depends_on"]["keycloak-1"]["condition"] == "service_healthy"
    assert adapter["environment"]["KEYCLOAK_URL"] == "http://loadbalancer:8080"  # internal listener
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


def test_the_load_balancer_checks_both_nodes_and_its_config_is_valid(project, tmp_path):
    balancer = project["services"]["loadbalancer"]
    volumes = {v["target"]: v["source"] for v in balancer["volumes"]}
    assert volumes["/usr/local/etc/haproxy/haproxy.cfg"] == str(HAPROXY_CONFIG)
    assert volumes[balancer["environment"]["TLS_CERT_FILE"]] == _strong_env()["TLS_CERT_FILE"]  # from .env
    config = HAPROXY_CONFIG.read_text()
    for name in NODES:
        assert re.search(rf"^\s+server {name} {name}:8080 check port 9000$", config, re.M)
    assert "http-check send meth GET uri /health/ready" in config
    env = {
        "PATH": os.environ["PATH"],
        "TLS_CERT_FILE": str(self_signed_pem(tmp_path, ("connexion.test",))),
        "KEYCLOAK_HOSTNAME": "connexion.test",
        "PORTAL_HOSTNAME": "pro.test",
    }
    checked = subprocess.run([str(HAPROXY), "-c", "-f", str(HAPROXY_CONFIG)], capture_output=True, text=True, env=env)
    assert checked.returncode == 0, checked.stderr  # node names unresolvable here: servers start without address


def test_every_realm_placeholder_is_given_to_keycloak(project):
    placeholders = set(re.findall(r"\$\{([A-Z_]+)\}", paths.REALM_FILE.read_text()))
    for name in NODES:
        assert placeholders <= set(project["services"][name]["environment"])


def test_proconnect_left_unconfigured_gets_the_inert_settings_keycloak_accepts(project):
    """An operator who leaves PROCONNECT_* empty (.env.example) gets the provider off with the
    inert addresses devstack uses when ProConnect is off: Keycloak refuses to import a provider
    with an empty JWKS URL, disabled or not (make run, the cluster and TLS tests start that way)."""
    assert _example_env()["PROCONNECT_JWKS_URL"] == ""
    for name in NODES:
        environment = project["services"][name]["environment"]
        assert {key: environment[key] for key in proconnect.OFF} == proconnect.OFF


def test_keycloak_runs_with_the_same_server_options_as_make_run(project):
    """One file of server options (deploy/keycloak/keycloak.conf): the image copies it where
    Keycloak reads it, and no compose service sets one of its options another way."""
    conf = paths.KEYCLOAK_CONF.read_text()
    assert re.search(r"^spi-user-profile--declarative-user-profile--read-only-attributes=\S*structure\*", conf, re.M)
    assert "COPY deploy/keycloak/keycloak.conf /opt/keycloak/conf/keycloak.conf" in KEYCLOAK_DOCKERFILE.read_text()
    options = re.findall(r"^([a-z][a-z0-9-]*)=", conf, re.M)
    for name in NODES:
        service = project["services"][name]
        given = " ".join(service["command"]) + " " + " ".join(service["environment"])
        for option in options:
            assert f"--{option}" not in given
            assert "KC_" + option.replace("--", "_").replace("-", "_").upper() not in given


def test_the_image_uses_the_version_pinned_in_the_pom_and_the_realm_as_code():
    dockerfile = KEYCLOAK_DOCKERFILE.read_text()
    assert f"ARG KEYCLOAK_VERSION={keycloak_version()}" in dockerfile
    assert "COPY realm-config/hariane-pro-realm.json /opt/keycloak/data/import/" in dockerfile


def test_a_missing_secret_is_refused_with_its_name():
    env = _strong_env()
    del env["POSTGRES_PASSWORD"]
    result = _config(env)
    assert result.returncode == 1
    assert "POSTGRES_PASSWORD" in result.stderr


# -- production rules ---------------------------------------------------------------
def _frontends(config: str) -> dict[str, str]:
    """Each HAProxy frontend's body, by name."""
    return {
        m.group(1): m.group(2) for m in re.finditer(r"^frontend (\S+)\n((?:[ \t]+.*\n|\n)*?)(?=^\S|\Z)", config, re.M)
    }


def _run_entrypoint(
    env: dict[str, str], arguments: tuple[str, ...] = ("start", "--optimized"), kc_sh: str = "/bin/echo"
) -> subprocess.CompletedProcess:
    """The image's entrypoint with ``kc_sh`` in place of kc.sh (it gets ``arguments``)."""
    return subprocess.run(
        ["bash", str(ENTRYPOINT), *arguments],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "KC_SH": kc_sh, "HARIANE_JAVA_OPTIONS": str(JAVA_OPTIONS), **env},
        timeout=30,
    )


def _keycloak_env(project: dict) -> dict[str, str]:
    return project["services"][NODES[0]]["environment"]


def test_keycloaks_entrypoint_starts_with_strong_secrets_and_refuses_the_example_ones(project):
    environment = _keycloak_env(project)
    assert project["services"][NODES[0]]["build"]["dockerfile"] == "deploy/keycloak/Dockerfile"
    assert 'ENTRYPOINT ["/opt/keycloak/bin/hariane-entrypoint.sh"]' in KEYCLOAK_DOCKERFILE.read_text()
    started = _run_entrypoint(environment)  # what the operator's strong .env gives Keycloak
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "start --optimized"

    example = _config(_example_env())  # compose itself cannot tell an example value from a secret
    assert example.returncode == 0, example.stderr
    refused = _run_entrypoint(json.loads(example.stdout)["services"][NODES[0]]["environment"])
    assert refused.returncode == 78 and refused.stdout == ""
    for name in (
        "KC_BOOTSTRAP_ADMIN_PASSWORD",
        "KC_DB_PASSWORD",
        "PORTAL_CLIENT_SECRET",
        "VOIRIE_CLIENT_SECRET",
        "PORTAL_ADAPTER_CLIENT_SECRET",
        "HARIANE_ADAPTER_API_SECRET",
    ):
        assert name in refused.stderr
    assert "Secrets d'exemple ou trop faibles" in refused.stderr and "placeholder or weak secrets" in refused.stderr


def test_keycloaks_entrypoint_gives_kc_sh_the_shared_java_options_and_keeps_the_operators(project):
    """The image's nodes get deploy/keycloak/java-options, as make run and the tests do
    (devstack/keycloak.py), before an operator's own JAVA_OPTS_APPEND (docs/keycloak-jvm.md)."""
    assert "COPY deploy/keycloak/java-options /opt/keycloak/conf/java-options" in KEYCLOAK_DOCKERFILE.read_text()
    show = ("-c", 'printf %s "$JAVA_OPTS_APPEND"')  # kc.sh replaced by a shell printing what it got
    alone = _run_entrypoint(_keycloak_env(project), show, kc_sh="/bin/sh")
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout == " ".join(java_options())
    assert "-XX:CompileCommand=inline,org.bouncycastle.crypto.generators.Argon2BytesGenerator*::*" in alone.stdout
    operator = _keycloak_env(project) | {"JAVA_OPTS_APPEND": "-Dexample.operator=1"}
    both = _run_entrypoint(operator, show, kc_sh="/bin/sh")
    assert both.stdout == " ".join([*java_options(), "-Dexample.operator=1"])


@pytest.mark.parametrize(
    "weak",
    [
        "change-me",
        "change-me-to-at-least-32-random-bytes-000000000",
        "a" * 40,
        "abcabcabcabcabcabcabcabcabcabcabcabc",
        "MySecret-" + "k2Lp9QzX" * 4,
    ],
)
def test_keycloaks_entrypoint_refuses_a_weak_secret_by_name(project, weak):
    env = _keycloak_env(project) | {"PORTAL_CLIENT_SECRET": weak}
    refused = _run_entrypoint(env)
    assert refused.returncode == 78
    assert "PORTAL_CLIENT_SECRET" in refused.stderr and "KC_DB_PASSWORD" not in refused.stderr


def test_keycloaks_entrypoint_refuses_an_http_public_url(project):
    refused = _run_entrypoint(_keycloak_env(project) | {"KC_HOSTNAME": "http://connexion.example.invalid"})
    assert refused.returncode == 78 and "KC_HOSTNAME" in refused.stderr and "https://" in refused.stderr


def test_every_secret_given_to_keycloak_is_checked_by_its_entrypoint(project):
    checked = set(re.search(r"^SECRETS=\(([^)]*)\)", ENTRYPOINT.read_text(), re.M).group(1).split())
    secret_values = set(_strong_secrets().values())
    given = {name for name, value in _keycloak_env(project).items() if value in secret_values}
    assert given and given <= checked


def test_the_adapter_starts_with_an_operators_secrets_and_refuses_the_example_ones(project):
    environment = project["services"]["portal-adapter"]["environment"]
    settings = Settings.from_env(environment)  # the permitted path first
    assert settings.env == "production" and settings.secure_cookies

    example = json.loads(_config(_example_env()).stdout)["services"]["portal-adapter"]["environment"]
    with pytest.raises(ConfigError) as error:
        Settings.from_env(example)
    for name in (
        "PORTAL_SECRET_KEY",
        "PORTAL_CLIENT_SECRET",
        "PORTAL_ADAPTER_CLIENT_SECRET",
        "PORTAL_API_SECRET",
        "CONCESSION_CODE_PEPPER",
    ):
        assert name in str(error.value)
    assert "Secrets d'exemple ou trop faibles" in str(error.value)

    with pytest.raises(ConfigError) as error:  # a 37-byte placeholder passes a length check alone
        Settings.from_env(environment | {"CONCESSION_CODE_PEPPER": "change-me-to-at-least-32-random-bytes"})
    assert "CONCESSION_CODE_PEPPER" in str(error.value)

    with pytest.raises(ConfigError) as error:
        Settings.from_env(environment | {"PORTAL_BASE_URL": "http://pro.example.invalid"})
    assert "PORTAL_BASE_URL" in str(error.value) and "https://" in str(error.value)


def test_only_the_tls_front_is_published_to_the_world_and_the_admin_listener_on_loopback(project):
    published = {name: service["ports"] for name, service in project["services"].items() if service.get("ports")}
    assert list(published) == ["loadbalancer"]
    ports = {(p.get("host_ip", ""), p["published"], p["target"]) for p in published["loadbalancer"]}
    assert ports == {("", "443", 8443), ("127.0.0.1", "9443", 9443)}
    frontends = _frontends(HAPROXY_CONFIG.read_text())
    assert re.search(r"^\s+bind :8443 ssl crt \"\$\{TLS_CERT_FILE\}\"", frontends["public"], re.M)
    assert re.search(r"^\s+bind :9443 ssl crt \"\$\{TLS_CERT_FILE\}\"", frontends["admin"], re.M)
    assert re.search(r"^\s+bind :8080$", frontends["internal"], re.M)  # compose network only: not published


def test_the_admin_console_has_its_own_hostname_and_the_public_side_refuses_it(project):
    environment = _keycloak_env(project)
    assert environment["KC_HOSTNAME"].startswith("https://")
    assert environment["KC_HOSTNAME_ADMIN"].startswith("https://")
    assert environment["KC_HOSTNAME_ADMIN"] != environment["KC_HOSTNAME"]
    public = _frontends(HAPROXY_CONFIG.read_text())["public"]
    assert "acl admin_path path /admin /realms/master" in public
    assert "acl admin_path path_beg /admin/ /realms/master/" in public
    assert "http-request deny deny_status 403 if keycloak_host admin_path" in public


def test_no_mail_catcher_in_the_production_file_and_the_smtp_relay_is_required(project):
    for name, service in project["services"].items():
        assert not any(catcher in (name + service.get("image", "")).lower() for catcher in MAIL_CATCHERS)
    lines = [line for line in paths.COMPOSE_FILE.read_text().lower().splitlines() if not line.lstrip().startswith("#")]
    assert not any(catcher in line for line in lines for catcher in MAIL_CATCHERS)
    for name in ("SMTP_HOST", "SMTP_FROM"):
        env = _strong_env()
        del env[name]
        result = _config(env)
        assert result.returncode == 1 and name in result.stderr


def test_haproxy_overwrites_the_forwarded_headers_on_every_listener():
    config = HAPROXY_CONFIG.read_text()
    assert "option forwardfor" not in config  # it would keep the client's X-Forwarded-For
    for name, body in _frontends(config).items():
        assert "http-request set-header X-Forwarded-For %[src]" in body, name
        assert re.search(r"http-request set-header X-Forwarded-Proto https?$", body, re.M), name
        assert "http-request del-header Forwarded" in body, name
        assert "X-Forwarded-Port" in body, name  # deleted: never the client's


def test_keycloak_and_the_adapter_believe_forwarded_headers_from_the_balancer_only(project):
    services = project["services"]
    balancer_address = services["loadbalancer"]["networks"]["backend"]["ipv4_address"]
    for name in NODES:
        environment = services[name]["environment"]
        assert environment["KC_PROXY_HEADERS"] == "xforwarded"
        assert environment["KC_PROXY_TRUSTED_ADDRESSES"] == balancer_address
    assert services["portal-adapter"]["environment"]["PORTAL_TRUSTED_PROXIES"] == "1"  # one hop: HAProxy


def test_the_connection_pools_fit_postgresqls_max_connections(project):
    services = project["services"]
    command = services["postgres"]["command"]
    max_connections = int(next(c.split("=")[1] for c in command if c.startswith("max_connections=")))
    keycloak_pools = sum(int(services[name]["environment"]["KC_DB_POOL_MAX_SIZE"]) for name in NODES)
    workers = int(re.search(r"--workers (\d+)", ADAPTER_DOCKERFILE.read_text()).group(1))
    adapter_pool = workers * ADAPTER_POOL_PER_PROCESS
    backup, superuser_reserved = 1, 3
    assert keycloak_pools + adapter_pool + backup + superuser_reserved <= max_connections


def test_keycloak_and_the_adapter_use_non_superuser_roles(project):
    services = project["services"]
    assert _keycloak_env(project)["KC_DB_USERNAME"] == "keycloak"
    assert "postgresql+psycopg://portal:" in services["portal-adapter"]["environment"]["PORTAL_DATABASE_URL"]
    assert "POSTGRES_USER" not in services["postgres"]["environment"]  # the superuser is the image's own
    script = ROLES_SCRIPT.read_text()
    for role in ("keycloak", "portal"):
        assert re.search(rf"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE", script)
        assert f"CREATE DATABASE {role} OWNER {role};" in script
        assert f"REVOKE ALL ON DATABASE {role} FROM PUBLIC;" in script


def test_every_service_restarts_and_has_a_memory_limit(project):
    for name, service in project["services"].items():
        assert service.get("restart") == "unless-stopped", name
        assert int(service.get("mem_limit", 0)) > 0, name
    for name in NODES:
        assert "-XX:MaxRAMPercentage=" in project["services"][name]["environment"]["JAVA_OPTS_KC_HEAP"]


def test_a_backup_service_dumps_both_databases_as_their_owners(project):
    backup = project["services"]["backup"]
    assert backup["environment"]["BACKUP_INTERVAL_HOURS"] == "24"
    assert "/backups" in {v["target"] for v in backup["volumes"]}
    script = (paths.ROOT / "deploy" / "backup" / "backup.sh").read_text()
    assert "pg_dump --username=keycloak" in script and "pg_dump --username=portal" in script


def test_the_development_override_adds_mailpit_on_loopback_only():
    result = subprocess.run(
        [str(paths.COMPOSECHECK_BIN), str(paths.COMPOSE_FILE), str(paths.ROOT / "docker-compose.dev.yml")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=paths.ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **_strong_env()},
    )
    assert result.returncode == 0, result.stderr
    mailpit = json.loads(result.stdout)["services"]["mailpit"]
    assert [(p.get("host_ip"), p["published"]) for p in mailpit["ports"]] == [("127.0.0.1", "8025")]
