"""deploy/haproxy/haproxy.cfg as shipped (tests/support/shipped_front.py), in front of echo servers that
report what reached them: fast checks of the front's rules without Keycloak.
The same file in front of two real Keycloak nodes: tests/test_tls_front.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from devstack.cluster import HAPROXY, Backend
from devstack.ports import free_port
from tests.support.shipped_front import ShippedFront
from tests.support.tls_cert import self_signed_pem

pytestmark = pytest.mark.skipif(not HAPROXY.exists(), reason="Debian's HAProxy is not installed")
KEYCLOAK_HOST, PORTAL_HOST = "127.0.0.1", "pro.localhost"
SPOOFED = "203.0.113.7"
CLIENT_HEADERS = {
    "X-Forwarded-For": SPOOFED,
    "X-Forwarded-Proto": "http",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Port": "80",
    "Forwarded": f"for={SPOOFED};proto=http",
}


class Echo(ThreadingHTTPServer):
    """Answers 200 with the path and the headers it received, tagged with its name."""

    def __init__(self, name: str) -> None:
        self.name = name

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                body = json.dumps({"server": name, "path": self.path, "headers": dict(self.headers)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server_address[1]


@pytest.fixture(scope="module")
def front(tmp_path_factory) -> Iterator[tuple[ShippedFront, str]]:
    folder: Path = tmp_path_factory.mktemp("haproxy-front")
    pem = self_signed_pem(folder / "tls", ("localhost", PORTAL_HOST))
    keycloak, portal = Echo("keycloak"), Echo("portal")
    balancer = ShippedFront(
        free_port(),
        free_port(),
        [Backend(f"node{i}", keycloak.port, keycloak.port) for i in (1, 2)],
        folder,
        admin_port=free_port(),
        internal_port=free_port(),
        portal_port=portal.port,
        environment={"TLS_CERT_FILE": str(pem), "KEYCLOAK_HOSTNAME": KEYCLOAK_HOST, "PORTAL_HOSTNAME": PORTAL_HOST},
    )
    try:
        balancer.start()
        yield balancer, str(folder / "tls" / "tls.crt")
    finally:
        balancer.stop()
        for echo in (keycloak, portal):
            echo.shutdown()
            echo.server_close()


def _get(url: str, ca: str | bool, host: str | None = None) -> requests.Response:
    headers = CLIENT_HEADERS | ({"Host": host} if host else {})
    return requests.get(url, headers=headers, verify=ca, timeout=10, allow_redirects=False)


def test_the_public_listener_overwrites_every_forwarded_header(front):
    balancer, ca = front
    seen = _get(f"https://127.0.0.1:{balancer.port}/realms/hariane-pro/account", ca).json()
    assert seen["server"] == "keycloak" and seen["path"] == "/realms/hariane-pro/account"
    headers = {k.lower(): v for k, v in seen["headers"].items()}
    assert headers["x-forwarded-for"] == "127.0.0.1"  # the real client, not what it claimed
    assert headers["x-forwarded-proto"] == "https"
    assert headers["x-forwarded-host"] == f"127.0.0.1:{balancer.port}"
    assert "forwarded" not in headers and "x-forwarded-port" not in headers


def test_the_public_listener_routes_by_host_and_refuses_the_admin_side(front):
    balancer, ca = front
    public = f"https://127.0.0.1:{balancer.port}"
    assert _get(f"{public}/", ca, host=PORTAL_HOST).json()["server"] == "portal"
    assert _get(f"{public}/admin/", ca, host=PORTAL_HOST).json()["server"] == "portal"  # the portal's own paths
    for path in (
        "/admin",
        "/admin/",
        "/admin/master/console/",
        "/admin/realms/hariane-pro/users",
        "/realms/master",
        "/realms/master/protocol/openid-connect/token",
    ):
        assert _get(f"{public}{path}", ca).status_code == 403, path
    assert _get(f"{public}/realms/hariane-pro", ca, host="evil.example").status_code == 404  # unknown host


def test_the_admin_listener_serves_the_console_with_its_own_forwarded_headers(front):
    balancer, ca = front
    seen = _get(f"https://localhost:{balancer.admin_port}/admin/master/console/", ca).json()
    headers = {k.lower(): v for k, v in seen["headers"].items()}
    assert seen["server"] == "keycloak" and seen["path"] == "/admin/master/console/"
    assert (headers["x-forwarded-for"], headers["x-forwarded-proto"]) == ("127.0.0.1", "https")


def test_the_internal_listener_serves_the_realms_api_but_not_the_master_realm(front):
    balancer, _ = front
    internal = f"http://127.0.0.1:{balancer.internal_port}"
    seen = _get(f"{internal}/admin/realms/hariane-pro/users", False).json()
    headers = {k.lower(): v for k, v in seen["headers"].items()}
    assert (headers["x-forwarded-for"], headers["x-forwarded-proto"]) == ("127.0.0.1", "http")
    assert "x-forwarded-host" not in headers
    for path in (
        "/realms/master",
        "/realms/master/protocol/openid-connect/token",
        "/admin/master/console/",
        "/admin/realms/master/users",
    ):
        assert _get(f"{internal}{path}", False).status_code == 403, path
