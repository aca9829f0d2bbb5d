"""Session fixtures: a real Keycloak with the extension, a real SMTP catcher, the adapter
under gunicorn, and Debian's Chromium driven by Playwright — all on loopback, on free ports,
with throwaway data folders. Layered like python-keycloak's tests: env -> servers -> admin
-> per-test users (uuid-named, deleted afterwards).

HARIANE_DATABASE=postgres (devstack/postgres.py) runs the session's Keycloak and adapter on a
throwaway PostgreSQL cluster in the run folder instead of dev-file and SQLite."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from devstack import paths, secrets_store
from devstack.demo import DemoUser, master_admin, provision_user
from devstack.fake_sirene import FakeSirene
from devstack.keycloak import KeycloakServer
from devstack.ports import free_port
from devstack.postgres import StackDatabase
from devstack.services import GunicornApp, MailCatcher, PortalAdapter
from devstack.stack import REALM, Stack
from tests.support.accounts import login, new_administrator
from tests.support.csp_watch import watch_csp
from tests.support.session import _LOGS, ARTIFACTS, BANNER

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Tests by kind (CONTRIBUTING.md, « Running part of the tests »): `ops` runs whole deployments
# of its own (a cluster, the TLS front, `make run`, killed servers, a clone of the repository);
# `stack` needs a server of the session (one of these fixtures); `pure` is everything else: no
# server, seconds (`make test-quick`).
OPS_MODULES = frozenset(
    {"test_cluster", "test_faults", "test_make_run", "test_private_clone", "test_realm_sync", "test_tls_front"}
)
SERVER_FIXTURES = frozenset({"mail", "keycloak", "portal", "voirie", "browser", "fake_sirene"})


def kind_of(item: pytest.Item) -> str:
    if item.module.__name__.rpartition(".")[2] in OPS_MODULES or item.get_closest_marker("slow"):
        return "ops"
    # a parameter naming a fixture the test gets with request.getfixturevalue() counts too
    params = getattr(getattr(item, "callspec", None), "params", {}).values()
    named = {p for p in params if isinstance(p, str)}
    return "stack" if SERVER_FIXTURES & (set(item.fixturenames) | named) else "pure"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(kind_of(item))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for name, log in _LOGS.items():
            if log.exists():
                lines = log.read_text(errors="replace").splitlines()[-80:]
                report.sections.append((f"{name} log (last lines of {log})", "\n".join(lines)))


@pytest.fixture(scope="session")
def run_dir() -> Iterator[Path]:
    folder = paths.LOCAL / "test-runs" / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    folder.mkdir(parents=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def secrets() -> dict[str, str]:
    return secrets_store.generate()


@dataclass(frozen=True)
class Ports:
    keycloak: int
    management: int
    portal: int
    voirie: int
    smtp: int
    mail_ui: int


@pytest.fixture(scope="session")
def ports() -> Ports:
    chosen: set[int] = set()
    while len(chosen) < 6:
        chosen.add(free_port())
    return Ports(*sorted(chosen))


@pytest.fixture(scope="session")
def session_stack(run_dir: Path, ports: Ports, secrets: dict[str, str]) -> Stack:
    """The session's stack (devstack/stack.py) on embedded databases; the fixtures below
    build each part from it, the ``database`` fixture's choice given where it matters."""
    return Stack(
        home=run_dir,
        secrets=secrets,
        keycloak_port=ports.keycloak,
        management_port=ports.management,
        portal_port=ports.portal,
        voirie_port=ports.voirie,
        smtp_port=ports.smtp,
        mail_ui_port=ports.mail_ui,
        env="test",
        banner=BANNER,
        # tests play many client addresses through X-Forwarded-For: trusted here, and only here
        trusted_proxies=True,
        # the local ProConnect federation imported, the provider pointed at it but off
        # (tests/test_proconnect.py switches it on)
        proconnect="local-off",
    )


@pytest.fixture(scope="session")
def mail(session_stack: Stack) -> Iterator[MailCatcher]:
    catcher = session_stack.mail()
    _LOGS["maildev"] = catcher.log
    catcher.start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="session")
def database(run_dir: Path, secrets: dict[str, str]) -> Iterator[StackDatabase]:
    """The session's databases as HARIANE_DATABASE chooses: embedded (nothing to start) or PostgreSQL."""
    chosen = StackDatabase.from_switch(
        folder=run_dir / "postgres",
        sqlite_file=run_dir / "portal-adapter.db",
        port=free_port(),
        secrets=secrets,
        throwaway=True,
    )
    if chosen.server is not None:
        _LOGS["postgres"] = chosen.server.log_file
    try:
        chosen.start()
        yield chosen
    finally:
        chosen.stop()


@pytest.fixture
def adapter_database_url(tmp_path: Path, database: StackDatabase) -> Iterator[str]:
    """An empty database for one test of the adapter's storage: a SQLite file, or (PostgreSQL
    mode) a scratch schema of the session's ``portal`` database, dropped afterwards."""
    if database.server is None:
        yield f"sqlite:///{tmp_path / 'adapter.db'}"
        return
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    owner = sa.create_engine(database.server.sqlalchemy_url("portal"))
    with owner.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield database.server.sqlalchemy_url("portal", schema=schema)
    finally:
        with owner.begin() as connection:
            # a connection the test left open (idle in a transaction) would block the DROP forever
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s AND pid <> pg_backend_pid()",
                (schema,),
            )
            connection.exec_driver_sql("SET LOCAL lock_timeout = '30s'")
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        owner.dispose()


@pytest.fixture(scope="session")
def keycloak(session_stack: Stack, mail: MailCatcher, database: StackDatabase) -> Iterator[KeycloakServer]:
    server = replace(session_stack, database=database).keycloak()
    server.prepare()
    _LOGS["keycloak"] = server.log_file
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def kc_admin(keycloak: KeycloakServer, secrets: dict[str, str]):
    """python-keycloak admin logged into master, working on the hariane-pro realm."""
    return master_admin(keycloak.url, "admin", secrets["KEYCLOAK_ADMIN_PASSWORD"], REALM)


@pytest.fixture(scope="session")
def adapter_admin(keycloak: KeycloakServer, secrets: dict[str, str]):
    """python-keycloak admin as the portal adapter's own service account: its roles, nothing more
    (the extension's endpoints take tokens of the hariane-pro realm only)."""
    from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

    return KeycloakAdmin(
        connection=KeycloakOpenIDConnection(
            server_url=keycloak.url,
            realm_name=REALM,
            user_realm_name=REALM,
            client_id="portal-adapter",
            client_secret_key=secrets["PORTAL_ADAPTER_CLIENT_SECRET"],
        )
    )


@pytest.fixture(scope="session")
def fake_sirene() -> Iterator[FakeSirene]:
    """Both SIRENE APIs, faked on loopback in their real formats."""
    server = FakeSirene().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def portal(
    session_stack: Stack, keycloak: KeycloakServer, fake_sirene: FakeSirene, mail: MailCatcher, database: StackDatabase
) -> Iterator[PortalAdapter]:
    adapter = replace(session_stack, database=database).adapter(
        keycloak.url,
        sirene=fake_sirene,
        SIRENE_TIMEOUT_SECONDS="1",
        # the whole session acts from 127.0.0.1: its security e-mails are not one client's flood
        THROTTLE_SECURITY_EMAIL_PER_CLIENT="100000/1h",
    )
    _LOGS["portal adapter"] = adapter.log
    adapter.start()
    yield adapter
    adapter.stop()


@pytest.fixture(scope="session")
def voirie(session_stack: Stack, keycloak: KeycloakServer) -> Iterator[GunicornApp]:
    """The reference road-works relying application (examples/voirie_app), client ``voirie``."""
    app = session_stack.voirie(keycloak.url)
    _LOGS["voirie app"] = app.log
    app.start()
    yield app
    app.stop()


@dataclass(frozen=True)
class TestUser:
    id: str
    username: str
    password: str
    first_name: str
    last_name: str


@pytest.fixture
def make_user(kc_admin):
    """Create users in a profile group; every one is deleted after the test."""
    created: list[str] = []

    def make(profile: str = "admin") -> TestUser:
        suffix = uuid.uuid4().hex[:8]
        user = DemoUser(
            username=f"pro.test-{suffix}.martin",
            first_name="Camille",
            last_name=f"Martin-{suffix}",
            email=f"camille.{suffix}@exemple-reseaux.test",
            job_title="Responsable des travaux",
            profile=profile,
        )
        password = f"Phrase de passe {uuid.uuid4().hex}"
        user_id = provision_user(kc_admin, user, password)
        created.append(user_id)
        return TestUser(user_id, user.username, password, user.first_name, user.last_name)

    yield make
    for user_id in created:
        kc_admin.delete_user(user_id)


@pytest.fixture
def admin(portal, mail):
    """A new structure's administrator, registered and activated through the portal, logged in
    over plain HTTP: (browser, identifier, siret)."""
    identifier, siret = new_administrator(portal.url, mail)
    return login(portal.url, identifier), identifier, siret


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context in French; a screenshot is kept in test-artifacts/; the test
    fails on any Content-Security-Policy violation Chromium reports (tests/support/csp_watch.py)."""
    context = browser.new_context(locale="fr-FR")
    violations = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    except Exception:  # noqa: BLE001 - a screenshot must never hide the test's own result
        pass
    context.close()
    if violations.any:
        pytest.fail(f"Content-Security-Policy violations:\n{violations.report()}")
