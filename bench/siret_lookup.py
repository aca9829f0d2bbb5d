"""SIRET lookups through the adapter's HTTP API (gunicorn), register faked locally.

- latency p50/p99 and throughput of cache hits, next to the same server's /health (the
  baseline: a bare Flask round trip) and to cache misses (fake register answering at once);
- 50 concurrent lookups of distinct SIRETs: what the fake register saw, against the
  configured rate.
"""

from __future__ import annotations

import concurrent.futures
import time
from pathlib import Path

import requests
from stdnum import luhn

from bench.stats import median_spread, percentile
from devstack import paths
from devstack.fake_sirene import INSEE_KEY, FakeSirene
from devstack.ports import free_port
from devstack.services import PortalAdapter

API_SECRET = "bench-api-secret"
RATE_PER_SECOND = 5.0
REPEATS = 3
MISS = "cache miss (register asked, spaced by the 5/s limiter)"


def distinct_sirets(count: int, start: int = 10_000_000) -> list[str]:
    """Valid SIRETs the fake register does not know (answered 'not found')."""
    sirets = []
    for n in range(start, start + count):
        siren = f"{n:08d}" + luhn.calc_check_digit(f"{n:08d}")
        base = siren + "0001"
        sirets.append(base + luhn.calc_check_digit(base))
    return sirets


def _timed_gets(session: requests.Session, url: str, count: int, headers: dict) -> list[float]:
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        response = session.get(url, headers=headers, timeout=10)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 404), response.text
    return latencies


def _throughput(url: str, headers: dict, seconds: float = 5.0, clients: int = 8) -> float:
    deadline = time.perf_counter() + seconds

    def client() -> int:
        done = 0
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                session.get(url, headers=headers, timeout=10)
                done += 1
        return done

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        total = sum(pool.map(lambda _: client(), range(clients)))
    return total / seconds


def run(work_dir: Path) -> str:
    for leftover in work_dir.glob("bench-adapter.*"):
        leftover.unlink()  # a fresh cache: earlier runs' answers would hide the register
    fake = FakeSirene().start()
    port = free_port()
    adapter = PortalAdapter(
        port,
        work_dir / "bench-adapter.log",
        env={
            "PORTAL_ENV": "test",
            "PORTAL_DATABASE_URL": f"sqlite:///{work_dir / 'bench-adapter.db'}",
            "PORTAL_API_SECRET": API_SECRET,
            "SIRENE_RECHERCHE_URL": fake.recherche_url,
            "SIRENE_INSEE_URL": fake.insee_url,
            "SIRENE_INSEE_API_KEY": INSEE_KEY,
            "SIRENE_RECHERCHE_RATE_PER_SECOND": str(RATE_PER_SECOND),
            "SIRENE_INSEE_RATE_PER_MINUTE": "6000",
            "KEYCLOAK_URL": "http://127.0.0.1:9",
        },
    )
    adapter.start()
    headers = {"Authorization": f"Bearer {API_SECRET}"}
    rows: dict[str, dict[str, list[float]]] = {"/health (baseline)": {}, "cache hit": {}, MISS: {}}
    try:
        hit_url = f"{adapter.url}/api/structures/20008495200015"
        with requests.Session() as session:
            session.get(hit_url, headers=headers, timeout=10)  # fill the cache
            for _ in range(REPEATS):
                for name, url, count in (
                    ("/health (baseline)", f"{adapter.url}/health", 1000),
                    ("cache hit", hit_url, 1000),
                ):
                    lat = _timed_gets(session, url, count, headers)
                    rows[name].setdefault("p50", []).append(percentile(lat, 50))
                    rows[name].setdefault("p99", []).append(percentile(lat, 99))
                    rows[name].setdefault("rps", []).append(_throughput(url, headers))
            # Misses: distinct unknown SIRETs, rate limiter lifted for this part only.
        miss_sirets = distinct_sirets(REPEATS * 40, start=20_000_000)
        for repeat in range(REPEATS):
            chunk = miss_sirets[repeat * 40 : (repeat + 1) * 40]
            lat = []
            with requests.Session() as session:
                for siret in chunk:
                    started = time.perf_counter()
                    session.get(f"{adapter.url}/api/structures/{siret}", headers=headers, timeout=30)
                    lat.append((time.perf_counter() - started) * 1000)
            rows[MISS].setdefault("p50", []).append(percentile(lat, 50))
            rows[MISS].setdefault("p99", []).append(percentile(lat, 99))

        # 50 concurrent lookups of distinct SIRETs against the configured rate.
        fake.reset()
        burst = distinct_sirets(50, start=30_000_000)
        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            statuses = list(
                pool.map(
                    lambda s: (
                        requests.get(f"{adapter.url}/api/structures/{s}", headers=headers, timeout=60).status_code
                    ),
                    burst,
                )
            )
        elapsed = time.time() - started
        arrivals = sorted(h.at for h in fake.hits_for("recherche"))
        insee_hits = len(fake.hits_for("insee"))
        max_in_window = max(sum(1 for t in arrivals if a <= t < a + 1.0) for a in arrivals)
        min_gap_ms = min((b - a) * 1000 for a, b in zip(arrivals, arrivals[1:], strict=False))
    finally:
        adapter.stop()
        fake.stop()

    lines = [
        "## SIRET lookup (`bench/siret_lookup.py`)",
        "",
        "The adapter under gunicorn (2 workers × 8 threads, SQLite cache with a 60 s in-process layer), API called with the shared secret "
        f"over loopback; median (min–max) over {REPEATS} runs of 1,000 sequential requests each "
        "(throughput: 8 concurrent clients for 5 s). The register is the local fake (no latency).",
        "",
        "| request | p50 (ms) | p99 (ms) | requests/s |",
        "|---|---|---|---|",
    ]
    for name, figures in rows.items():
        rps = median_spread(figures["rps"]) if "rps" in figures else "—"
        lines.append(f"| {name} | {median_spread(figures['p50'])} | {median_spread(figures['p99'])} | {rps} |")
    ok = sum(1 for s in statuses if s == 404)
    lines += [
        "",
        f"**50 concurrent lookups of distinct SIRETs**, limiter at {RATE_PER_SECOND:g} requests/s "
        f"(published limit: 7/s): Recherche d'entreprises received {len(arrivals)} requests, at most "
        f"**{max_in_window} in any 1-second window**, never two closer than {min_gap_ms:.0f} ms; the "
        f"{50 - len(arrivals)} lookups whose slot was more than 3 s away went to INSEE instead "
        f"({insee_hits} INSEE requests in all, limiter at 100/s here: a SIRET Recherche d'entreprises does not know "
        f"is asked to INSEE too). {ok}/50 answered (not found, as expected), "
        f"{statuses.count(429)} were told to retry (429), in {elapsed:.1f} s.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    out = paths.LOCAL / "bench"
    out.mkdir(parents=True, exist_ok=True)
    print(run(out))
