"""Load: 20 concurrent registrations and 50 concurrent logins for 60 s against one
Keycloak (our realm and extension) and the adapter, the register faked locally. Every
request must succeed; throughput and latency are written in docs/benchmarks.md."""

from __future__ import annotations

import os
import random
import string
import threading
import time
import traceback

from bench.stack import Stack
from bench.stats import percentile
from tests.support.accounts import login
from tests.support.registration_http import STRUCTURE, RegistrationClient, person, synthetic_siret
from tests.support.structures import structure_member

DURATION = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
REGISTERING = 20
LOGGING_IN = 50


def _letters(n: int = 8) -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(n))


def run_with(stack: Stack, work_dir) -> str:
    kc_admin = stack.admin()
    members = [structure_member(kc_admin) for _ in range(LOGGING_IN)]
    results: dict[str, list[float]] = {"registration": [], "login": []}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + DURATION

    def record(kind: str, started: float) -> None:
        with lock:
            results[kind].append((time.perf_counter() - started) * 1000)

    def registering() -> None:
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                client = RegistrationClient(stack.adapter.url).start()
                client.submit(siret=synthetic_siret())
                client.submit(**STRUCTURE)
                client.submit(**person("Charge", "Test" + _letters()))
                if not client.identifier():
                    raise AssertionError(f"registration ended on {client.title!r}")
                record("registration", started)
            except Exception:  # noqa: BLE001 - every failure is counted and shown
                with lock:
                    errors.append("registration: " + traceback.format_exc(limit=2))

    def logging_in(member) -> None:
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                login(stack.adapter.url, member.username)
                record("login", started)
            except Exception:  # noqa: BLE001
                with lock:
                    errors.append("login: " + traceback.format_exc(limit=2))

    threads = [threading.Thread(target=registering) for _ in range(REGISTERING)]
    threads += [threading.Thread(target=logging_in, args=(m,)) for m in members]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    lines = [
        "## Load: registrations and logins together (`bench/load.py`)",
        "",
        f"{REGISTERING} threads registering structures (« Créer un compte Pro », 3 steps, e-mail sent) and "
        f"{LOGGING_IN} threads logging in through the portal (authorization code + PKCE, Keycloak's login page, "
        f"callback, dashboard), all at once for {DURATION:.0f} s against one Keycloak (dev mode) and the adapter.",
        "",
        "| journey | completed | per second | p50 (ms) | p95 (ms) |",
        "|---|---|---|---|---|",
    ]
    for kind, values in results.items():
        lines.append(
            f"| {kind} | {len(values)} | {len(values) / elapsed:.1f} | {percentile(values, 50):.0f} | "
            f"{percentile(values, 95):.0f} |"
        )
    lines += ["", f"Errors: **{len(errors)}**." + (f" First: `{errors[0].splitlines()[-1]}`" if errors else ""), ""]
    return "\n".join(lines)
