"""Two Keycloak nodes behind HAProxy on one PostgreSQL database (devstack/cluster.py).

Users log in through the balancer; under a login load, one node is killed with SIGKILL; then
nothing is lost: users logged in before stay logged in (their refresh tokens keep working),
new logins and registrations work, the accounts, the registration and the concession link
made before are all there, and the service resumes within 30 s (the longest run of failed
requests is measured and printed). This module runs its own PostgreSQL, cluster and adapter
(in PostgreSQL mode) on free loopback ports; all of them are stopped whatever happens."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets as random_secrets
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlalchemy as sa
from portal_adapter.db import concession_links

from devstack.cluster import NODE_HEADER, KeycloakCluster
from devstack.demo import master_admin
from devstack.ports import free_port
from devstack.services import PortalAdapter
from devstack.stack import REALM, Stack
from tests.support.accounts import PASSWORD
from tests.support.concession_http import import_registry, logged_in, submit_link, text
from tests.support.registration_http import person, register, synthetic_siret
from tests.support.session import _LOGS
from tests.support.structures import structure_member

pytestmark = pytest.mark.slow

MAX_OUTAGE = 30.0  # seconds without a successful request, at most, after a node dies


@dataclass
class Cluster:
    keycloak: KeycloakCluster
    portal: PortalAdapter
    secrets: dict[str, str]

    @property
    def url(self) -> str:
        return self.keycloak.url

    def admin(self):
        return master_admin(self.url, "admin", self.secrets["KEYCLOAK_ADMIN_PASSWORD"], REALM)

    def oidc(self) -> Oidc:
        return Oidc(self.url, self.secrets["PORTAL_CLIENT_SECRET"], f"{self.portal.url}/auth/callback")


@pytest.fixture(scope="module")
def cluster(run_dir: Path, secrets: dict[str, str], mail, fake_sirene) -> Iterator[Cluster]:
    folder = run_dir / "cluster"
    parts = Stack(home=folder, secrets=secrets, portal_port=free_port(), smtp_port=mail.smtp_port, trusted_proxies=True)
    keycloak = KeycloakCluster(
        folder,
        secrets["KEYCLOAK_ADMIN_PASSWORD"],
        {"keycloak": secrets["KEYCLOAK_DB_PASSWORD"], "portal": secrets["PORTAL_DB_PASSWORD"]},
        env=parts.keycloak_env(),
    )
    keycloak.layout()
    portal = parts.adapter(
        keycloak.url, sirene=fake_sirene, PORTAL_DATABASE_URL=keycloak.postgres.sqlalchemy_url("portal")
    )
    logs = keycloak.logs() | {"cluster portal adapter": portal.log}
    _LOGS.update(logs)
    started = time.monotonic()
    try:
        keycloak.start()
        portal.start()
        print(
            f"\ncluster of {len(keycloak.nodes)} nodes behind {keycloak.url} ready in {time.monotonic() - started:.0f} s"
        )
        yield Cluster(keycloak, portal, secrets)
    finally:
        portal.stop()
        keycloak.stop()
        for name in logs:
            _LOGS.pop(name, None)


# -- a relying party's login, over plain HTTP --------------------------------------------------
class FlowError(AssertionError):
    pass


def page_message(page: str) -> str:
    """What a Keycloak page says to the user (its error or its title), for failure messages."""
    found = re.search(
        r'(?:id="input-error[^"]*"|class="[^"]*(?:kc-feedback-text|alert__title)[^"]*")[^>]*>(.*?)</', page, re.S
    )
    found = found or re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())) if found else page[:120]


@dataclass
class Oidc:
    """The authorization code flow with PKCE of the ``portal`` client, through the balancer
    (the redirect to the portal is not followed: the code is exchanged here)."""

    base: str
    client_secret: str
    redirect_uri: str
    nodes: set[str] = field(default_factory=set)  # the nodes that answered

    @property
    def endpoints(self) -> str:
        return f"{self.base}/realms/{REALM}/protocol/openid-connect"

    def _seen(self, response: requests.Response) -> requests.Response:
        if NODE_HEADER in response.headers:
            self.nodes.add(response.headers[NODE_HEADER])
        return response

    def login(self, username: str, password: str = PASSWORD) -> dict:
        session = requests.Session()
        verifier = random_secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state = random_secrets.token_urlsafe(12)
        page = self._seen(
            session.get(
                f"{self.endpoints}/auth",
                timeout=30,
                params={
                    "client_id": "portal",
                    "redirect_uri": self.redirect_uri,
                    "response_type": "code",
                    "scope": "openid",
                    "state": state,
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                },
            )
        )
        form = re.search(r'<form id="kc-form-login"[^>]*action="([^"]+)"', page.text)
        if page.status_code != 200 or form is None:
            raise FlowError(f"login page: HTTP {page.status_code} « {page_message(page.text)} »")
        for cookie in session.cookies:
            cookie.secure = False  # browsers send them to http://127.0.0.1; requests does not
        posted = self._seen(
            session.post(
                html.unescape(form.group(1)),
                data={"username": username, "password": password},
                allow_redirects=False,
                timeout=30,
            )
        )
        location = posted.headers.get("Location", "")
        if posted.status_code != 302 or not location.startswith(self.redirect_uri):
            raise FlowError(
                f"login POST: HTTP {posted.status_code} to {location[:80]!r} « {page_message(posted.text)} »"
                f" (answered by {posted.headers.get(NODE_HEADER)})"
            )
        query = parse_qs(urlsplit(location).query)
        assert query["state"] == [state]
        return self._token(
            {
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": self.redirect_uri,
                "code_verifier": verifier,
            }
        )

    def refresh(self, refresh_token: str) -> dict:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _token(self, form: dict) -> dict:
        response = self._seen(
            requests.post(f"{self.endpoints}/token", data=form, auth=("portal", self.client_secret), timeout=30)
        )
        if response.status_code != 200:
            raise FlowError(
                f"token endpoint ({form['grant_type']}): HTTP {response.status_code} {response.text[:200]!r}"
            )
        return response.json()

    def userinfo(self, access_token: str) -> dict:
        response = self._seen(
            requests.get(f"{self.endpoints}/userinfo", timeout=30, headers={"Authorization": f"Bearer {access_token}"})
        )
        if response.status_code != 200:
            raise FlowError(f"userinfo: HTTP {response.status_code} {response.text[:200]!r}")
        return response.json()


# -- the load and its outage measure -----------------------------------------------------------
@dataclass(frozen=True)
class Event:
    start: float
    end: float
    ok: bool
    error: str = ""


def longest_outage(events: list[Event]) -> float:
    """The longest time the service gave only failures: from the start of a failed request
    to the end of the next successful one (infinite when it never recovered)."""
    longest, outage_start = 0.0, None
    for event in sorted(events, key=lambda e: e.end):
        if not event.ok and outage_start is None:
            outage_start = event.start
        elif event.ok and outage_start is not None:
            longest = max(longest, event.end - outage_start)
            outage_start = None
    return float("inf") if outage_start is not None else longest


class LoginLoad:
    """Threads logging users in and refreshing their tokens, in a loop, through the balancer.
    Each thread has users of its own: with brute force detection on, Keycloak refuses
    concurrent logins of one user (« user_temporarily_disabled »), which is not the subject."""

    def __init__(self, oidc: Oidc, usernames: list[str], threads: int = 3) -> None:
        assert len(usernames) >= threads
        self.oidc = oidc
        self.events: list[Event] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(usernames[n::threads],), daemon=True) for n in range(threads)
        ]

    def _run(self, usernames: list[str]) -> None:
        turn = 0
        while not self._stop.is_set():
            username = usernames[turn % len(usernames)]
            turn += 1
            started = time.monotonic()
            try:
                tokens = self.oidc.login(username)
                self.oidc.refresh(tokens["refresh_token"])
                self.events.append(Event(started, time.monotonic(), True))
            except (requests.RequestException, FlowError, KeyError) as error:
                self.events.append(Event(started, time.monotonic(), False, str(error)[:200]))
                time.sleep(0.2)

    def start(self) -> LoginLoad:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def since(self, moment: float) -> list[Event]:
        return [e for e in self.events if e.end >= moment]


# -- the tests -------------------------------------------------------------------------------------
def test_the_nodes_form_one_cluster_behind_the_balancer(cluster):
    balancer = cluster.keycloak.balancer
    assert balancer.states() == {"node1": "UP", "node2": "UP"}
    answered = set()
    for _ in range(6):
        response = requests.get(f"{cluster.url}/realms/{REALM}/.well-known/openid-configuration", timeout=30)
        assert response.status_code == 200
        assert response.json()["issuer"] == f"{cluster.url}/realms/{REALM}"  # the balancer's, from either node
        answered.add(response.headers[NODE_HEADER])
    assert answered == {"node1", "node2"}  # round robin
    # JGroups discovery through the database: both nodes registered in JGROUPS_PING
    members = cluster.keycloak.postgres.psql("SELECT name FROM jgroups_ping ORDER BY name;", database="keycloak")
    assert members.split() == ["node1", "node2"]
    commands = {node.home.name: node.command() for node in cluster.keycloak.nodes}
    assert "--import-realm" in commands["node1"] and "--import-realm" not in commands["node2"]  # imported once


def test_each_database_role_reaches_only_its_own_database(cluster):
    postgres = cluster.keycloak.postgres
    for role, other in (("portal", "keycloak"), ("keycloak", "portal")):
        own = sa.create_engine(postgres.sqlalchemy_url(role))
        with own.connect() as connection:
            assert connection.exec_driver_sql("SHOW listen_addresses").scalar() == "127.0.0.1"
            rights = connection.exec_driver_sql(
                "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user"
            ).one()
            assert tuple(rights) == (False, False, False)
        own.dispose()
        foreign = sa.create_engine(postgres.sqlalchemy_url(role).rsplit("/", 1)[0] + f"/{other}")
        with pytest.raises(sa.exc.OperationalError):
            foreign.connect().close()
        foreign.dispose()


def test_a_node_killed_under_load_loses_nothing_and_service_resumes_within_30_s(cluster, tmp_path, mail):
    admin = cluster.admin()
    oidc = cluster.oidc()
    # Before: accounts, a registration through the portal, a concession link, logged-in users.
    # password-only logins for the raw OIDC load below (administrators give a second factor)
    members = [structure_member(admin, profile="standard") for _ in range(6)]
    registered = register(cluster.portal.url, synthetic_siret(), person("Rémi", "Grappe"))
    identifier = registered.identifier()
    assert identifier, registered.page[:500]
    (label,) = import_registry(cluster.portal, tmp_path, ("Eau Grappe", "0631"))
    linking = structure_member(admin, members[0].siret)  # an administrator links (portal login, second factor)
    done = submit_link(logged_in(cluster.portal.url, linking.username), cluster.portal.url, label, "0631")
    assert f"Le compte « {label} » a été rattaché à votre structure." in text(done)
    sessions = {m.username: oidc.login(m.username) for m in members}

    load = LoginLoad(oidc, [m.username for m in members]).start()
    victim = cluster.keycloak.nodes[0]
    try:
        time.sleep(6)
        last_user = admin.create_user(
            {
                "username": f"pro.juste-avant-{uuid.uuid4().hex[:6]}",
                "enabled": True,
                "email": f"avant.{uuid.uuid4().hex[:6]}@exemple.test",
                "firstName": "Juste",
                "lastName": "Avant",
            }
        )
        killed_at = time.monotonic()
        victim.kill()
        # the load goes on until the service answered well for a while (60 s at most)
        survivor_ready: list[tuple[float, str]] = []  # (seconds after the kill, node2's readiness for HAProxy)
        while time.monotonic() - killed_at < 60:
            time.sleep(1)
            state = cluster.keycloak.balancer.states()["node2"]
            if not survivor_ready or survivor_ready[-1][1] != state:
                survivor_ready.append((time.monotonic() - killed_at, state))
            after = load.since(killed_at)
            recent = sorted(after, key=lambda e: e.end)[-6:]
            if time.monotonic() - killed_at >= 20 and len(recent) == 6 and all(e.ok for e in recent):
                break
    finally:
        load.stop()

    before = [e for e in load.events if e.end < killed_at]
    after = load.since(killed_at)
    outage = longest_outage(load.events)
    failures = [e for e in load.events if not e.ok]
    first_ok = min((e.end for e in after if e.ok and e.start >= killed_at), default=float("inf"))
    print(
        f"\nfailover: {len(before)} logins before the kill, {len(after)} after; {len(failures)} failed; "
        f"longest outage {outage:.2f} s; first login started after the kill done {first_ok - killed_at:.2f} s after it"
    )
    for event in failures[:5]:
        print(f"  failed {event.start - killed_at:+.2f} s: {event.error}")
    print(
        "  node2's /health/ready for HAProxy after the kill: "
        + ", ".join(f"{state} at {moment:.0f} s" for moment, state in survivor_ready)
    )
    assert before and all(e.ok for e in before), [e.error for e in before if not e.ok]
    assert outage < MAX_OUTAGE
    assert first_ok - killed_at < MAX_OUTAGE
    assert sorted(after, key=lambda e: e.end)[-1].ok
    assert cluster.keycloak.balancer.states()["node1"] != "UP"

    # Users logged in before the kill stay logged in: their refresh tokens work through the balancer.
    for username, tokens in sessions.items():
        refreshed = oidc.refresh(tokens["refresh_token"])
        assert oidc.userinfo(refreshed["access_token"])["preferred_username"] == username
    # New logins work; nothing made before the kill is lost.
    admin = cluster.admin()
    for member in members:
        assert oidc.login(member.username)["access_token"]
        assert admin.get_user(member.user_id)["username"] == member.username
    assert admin.get_user(last_user)["firstName"] == "Juste"
    assert admin.get_users({"username": identifier, "exact": True})
    organization = admin.get_organization(linking.organization_id)
    assert [v.split("|", 1)[1] for v in organization["attributes"]["concessions"]] == [label]
    engine = sa.create_engine(cluster.portal.env["PORTAL_DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.execute(sa.select(concession_links.c.siret)).scalars().all().count(linking.siret) == 1
    engine.dispose()
    # A registration after the kill goes through the surviving node.
    assert register(cluster.portal.url, synthetic_siret(), person("Noé", "Survie")).identifier()
