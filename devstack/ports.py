"""Loopback ports: find free ones, refuse taken ones with a clear message."""

from __future__ import annotations

import socket

from devstack.errors import StackError


def is_port_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when a server could listen on ``port`` now (connections in TIME_WAIT don't count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def ensure_port_free(port: int, what: str) -> None:
    if not is_port_free(port):
        raise StackError(
            f"Port {port} ({what}) is already in use on 127.0.0.1. Stop whatever holds it "
            f"(`ss -ltnp 'sport = :{port}'` shows it: another `make run`?) or choose "
            "other ports (see the README: HARIANE_*_PORT variables)."
        )


def free_port() -> int:
    """A port the kernel considers free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
