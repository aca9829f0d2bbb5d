"""The production front on loopback: deploy/haproxy/haproxy.cfg itself, run by
Debian's HAProxy, terminating TLS with a self-signed certificate made at test time, in front
of two production-mode Keycloak nodes on PostgreSQL (devstack/cluster.py's nodes, with the
hostname options of docker-compose.yml: a public hostname and an admin one).

Only what Docker provides is rewritten in the shipped file: the listening addresses (loopback
ports instead of the container's), the servers' addresses (loopback ports instead of compose
service names) and the Docker resolver; ``${...}`` environment references get their values.
Shown: the public listener serves the realm over TLS with https URLs, refuses the admin
console, the admin API and the master realm; the admin listener serves them; a client-sent
X-Forwarded-For is overwritten (the login event's IP address is the real one)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from devstack.cluster import KeycloakCluster
from devstack.ports import free_port
from devstack.stack import REALM, Stack
from tests.support.session import _LOGS
from tests.support.shipped_front import ShippedFront
from tests.support.tls_cert import self_signed_pem

pytestmark = pytest.mark.slow

SPOOFED = "203.0.113.7"  # TEST-NET-3: an address the client claims


@dataclasses.dataclass
class Front:
    public: str  # https://127.0.0.1:<port>, KEYCLOAK_HOSTNAME 127.0.0.1
    admin: str  # https://localhost:<port>, Keycloak's hostname-admin
    ca: str  # the self-signed certificate, to verify both


@pytest.fixture(scope="module")
def front(run_dir: Path, secrets: dict[str, str], mail) -> Iterator[Front]:
    folder = run_dir / "tls-front"
    pem = self_signed_pem(folder / "tls", ("localhost",))
    public_port, admin_port = free_port(), free_port()
    public, admin = f"https://127.0.0.1:{public_port}", f"https://localhost:{admin_port}"
    cluster = KeycloakCluster(
        folder,
        secrets["KEYCLOAK_ADMIN_PASSWORD"],
        {"keycloak": secrets["KEYCLOAK_DB_PASSWORD"], "portal": secrets["PORTAL_DB_PASSWORD"]},
        env=Stack(
            home=folder,
            secrets=secrets,
            smtp_port=mail.smtp_port,
            public_portal_url="https://pro.localhost",
            public_voirie_url="https://voirie.localhost",
        ).keycloak_env(),
        lb_port=public_port,
    )
    cluster.layout()
    for node in cluster.nodes:  # docker-compose.yml's KC_HOSTNAME and KC_HOSTNAME_ADMIN
        args = [a for a in node.extra_args if not a.startswith("--hostname=")]
        node.extra_args = (*args, f"--hostname={public}", f"--hostname-admin={admin}")
    balancer = cluster.balancer
    cluster.balancer = ShippedFront(
        public_port,
        balancer.stats_port,
        balancer.backends,
        balancer.folder,
        admin_port=admin_port,
        internal_port=free_port(),
        environment={"TLS_CERT_FILE": str(pem), "KEYCLOAK_HOSTNAME": "127.0.0.1", "PORTAL_HOSTNAME": "pro.localhost"},
    )
    logs = {f"tls-front {k}": v for k, v in cluster.logs().items()}
    _LOGS.update(logs)
    started = time.monotonic()
    try:
        cluster.start()
        print(f"\ntwo nodes behind the shipped TLS front ready in {time.monotonic() - started:.0f} s")
        yield Front(public, admin, str(folder / "tls" / "tls.crt"))
    finally:
        cluster.stop()
        for name in logs:
            _LOGS.pop(name, None)


def _admin_token(front: Front, secrets: dict[str, str]) -> str:
    response = requests.post(
        f"{front.admin}/realms/master/protocol/openid-connect/token",
        verify=front.ca,
        timeout=30,
        data={
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": "admin",
            "password": secrets["KEYCLOAK_ADMIN_PASSWORD"],
        },
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_the_public_listener_serves_the_realm_over_tls_with_its_public_urls(front):
    response = requests.get(
        f"{front.public}/realms/{REALM}/.well-known/openid-configuration", verify=front.ca, timeout=30
    )
    assert response.status_code == 200
    assert response.json()["issuer"] == f"{front.public}/realms/{REALM}"
    assert response.json()["authorization_endpoint"].startswith(f"{front.public}/")


def test_the_admin_console_is_served_on_the_admin_listener_and_refused_on_the_public_one(front, secrets):
    console = requests.get(f"{front.admin}/admin/master/console/", verify=front.ca, timeout=30)
    assert console.status_code == 200 and "<html" in console.text.lower()
    token = _admin_token(front, secrets)
    realm = requests.get(
        f"{front.admin}/admin/realms/{REALM}", headers={"Authorization": f"Bearer {token}"}, verify=front.ca, timeout=30
    )
    assert realm.status_code == 200 and realm.json()["realm"] == REALM

    for path in (
        "/admin/master/console/",
        "/admin",
        f"/admin/realms/{REALM}",
        "/realms/master",
        "/realms/master/protocol/openid-connect/token",
        "/realms/master/.well-known/openid-configuration",
    ):
        refused = requests.get(
            f"{front.public}{path}",
            headers={"Authorization": f"Bearer {token}"},
            verify=front.ca,
            timeout=30,
            allow_redirects=False,
        )
        assert refused.status_code == 403, path
    spoofed_host = requests.get(
        f"{front.public}/admin/master/console/", headers={"Host": "localhost"}, verify=front.ca, timeout=30
    )
    assert spoofed_host.status_code == 404  # an unknown host name gets nothing on the public side


def test_a_client_sent_x_forwarded_for_is_ignored_in_the_login_event(front, secrets):
    response = requests.post(
        f"{front.public}/realms/{REALM}/protocol/openid-connect/token",
        verify=front.ca,
        timeout=30,
        headers={"X-Forwarded-For": SPOOFED, "X-Forwarded-Proto": "http", "Forwarded": f"for={SPOOFED}"},
        data={
            "grant_type": "client_credentials",
            "client_id": "portal-adapter",
            "client_secret": secrets["PORTAL_ADAPTER_CLIENT_SECRET"],
        },
    )
    assert response.status_code == 200, response.text
    token = _admin_token(front, secrets)
    events = requests.get(
        f"{front.admin}/admin/realms/{REALM}/events",
        params={"type": "CLIENT_LOGIN", "client": "portal-adapter", "max": 5},
        headers={"Authorization": f"Bearer {token}"},
        verify=front.ca,
        timeout=30,
    ).json()
    assert events, "the client login was recorded"
    assert events[0]["ipAddress"] == "127.0.0.1"
    assert all(event["ipAddress"] != SPOOFED for event in events)
