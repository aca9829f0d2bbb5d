"""Import of the legacy concession registry (`portal-adapter concessions import`'s code path):
10,000 and 100,000 generated rows into a fresh SQLite database, then the same file again
(idempotent re-import), next to the baseline of parsing and validating the rows alone."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from portal_adapter.concessions.legacy_rows import read_rows
from portal_adapter.concessions.registry_import import import_rows
from portal_adapter.db import make_engine, upgrade

from bench.stats import median_spread

PEPPER = b"bench-pepper-" + b"x" * 32
NETWORKS = ("eau", "gaz", "electricite", "telecom", "assainissement")


def registry_csv(rows: int) -> str:
    lines = ["Intitulé du compte;Code d'accès;Raison sociale;SIRET;Type de réseau;Contact"]
    for n in range(rows):
        lines.append(
            f"Compte {n:06d};{n % 10000:04d};CONCESSIONNAIRE {n % 997};;{NETWORKS[n % 5]};contact{n}@exemple.test"
        )
    return "\n".join(lines) + "\n"


def _time(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def _parse(text: str) -> list:
    return list(read_rows(text, "r.csv"))


def _import(engine, text: str):
    return import_rows(engine, PEPPER, read_rows(text, "r.csv"))


def run(work_dir: Path) -> str:
    lines = [
        "## Legacy registry import (`bench/concession_import.py`)",
        "",
        "Generated CSV rows, SQLite database on local disk, batches of 1,000 rows per transaction; seconds, "
        "median (min–max) over the runs shown.",
        "",
        "| rows | runs | parse + validate only (baseline) | import into a fresh database | re-import (all unchanged) | rows/s (fresh) |",
        "|---|---|---|---|---|---|",
    ]
    for rows, runs in ((10_000, 3), (100_000, 1)):
        text = registry_csv(rows)
        parse, fresh, again = [], [], []
        for run_index in range(runs):
            parse.append(_time(_parse, text))
            db = work_dir / f"import-{rows}-{run_index}.db"
            for leftover in work_dir.glob(f"{db.name}*"):
                leftover.unlink()
            url = f"sqlite:///{db}"
            upgrade(url)
            engine = make_engine(url)
            fresh.append(_time(_import, engine, text))
            again.append(_time(_import, engine, text))
            engine.dispose()
        lines.append(
            f"| {rows:,} | {runs} | {median_spread(parse)} | {median_spread(fresh)} | {median_spread(again)} "
            f"| {rows / statistics.median(fresh):,.0f} |"
        )
    lines.append("")
    return "\n".join(lines)
