"""deploy/haproxy/haproxy.cfg as shipped, run by Debian's HAProxy on loopback: only what Docker
provides is rewritten (listening addresses, the servers' addresses, the Docker resolver), and
the ``"${...}"`` environment references get their values."""

from __future__ import annotations

import dataclasses
import re

from devstack import paths
from devstack.cluster import LoadBalancer
from devstack.ports import free_port

SHIPPED = paths.ROOT / "deploy" / "haproxy" / "haproxy.cfg"


@dataclasses.dataclass
class ShippedFront(LoadBalancer):
    """The shipped HAProxy file with loopback addresses (LoadBalancer's start, states and stop)."""

    admin_port: int = 0
    internal_port: int = 0
    portal_port: int = 0  # the adapter's; 0: nothing listens there
    environment: dict[str, str] = dataclasses.field(default_factory=dict)

    def config(self) -> str:
        text = SHIPPED.read_text()
        text = re.sub(r"^resolvers docker\n(?:[ \t]+.*\n)*\n", "", text, flags=re.M)
        text = text.replace(" resolvers docker init-addr last,libc,none", "")
        for public, local in (
            (":8443 ", f"127.0.0.1:{self.port} "),
            (":9443 ", f"127.0.0.1:{self.admin_port} "),
            (":8080\n", f"127.0.0.1:{self.internal_port}\n"),
        ):
            assert f"bind {public}" in text, public
            text = text.replace(f"bind {public}", f"bind {local}")
        for index, backend in enumerate(self.backends, start=1):
            shipped = f"server keycloak-{index} keycloak-{index}:8080 check port 9000"
            assert shipped in text
            text = text.replace(
                shipped, f"server {backend.name} 127.0.0.1:{backend.http_port} check port {backend.management_port}"
            )
        text = text.replace(
            "server portal-adapter portal-adapter:5000 check",
            f"server portal-adapter 127.0.0.1:{self.portal_port or free_port()} check",
        )
        for name, value in self.environment.items():
            text = text.replace(f'"${{{name}}}"', f'"{value}"')
        assert "${" not in text
        return (
            text
            + f"""
frontend stats
    bind 127.0.0.1:{self.stats_port}
    stats enable
    stats uri /stats
"""
        )
