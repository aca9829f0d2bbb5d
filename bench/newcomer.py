"""Newcomer time: a fresh clone of the current commit to `make run` ready, then `.ci/run`
(= `make test`) in that clone — what a newcomer and CI go through. Package caches (pip,
npm, Maven, apt) are warm on this machine, as they are on a developer's second project.
``BENCH_NEWCOMER=0`` skips it (about 20 minutes)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from devstack import paths
from devstack.run import READY_LINE, free_port_variables


def _clone(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(paths.ROOT), str(target)], check=True)


def _make_run_ready(clone: Path, log: Path) -> float:
    env = {**os.environ, **free_port_variables()}
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "run"], cwd=clone, env=env, stdout=subprocess.PIPE, stderr=out, text=True, start_new_session=True
        )
        try:
            for line in process.stdout:
                out.write(line)
                if line.strip() == READY_LINE:
                    return time.monotonic() - started
            raise RuntimeError(f"make run stopped before being ready; see {log}")
        finally:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
            process.stdout.close()


def _ci(clone: Path, log: Path) -> tuple[float, int, int, int]:
    started = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run(
            ["bash", ".ci/run"], cwd=clone, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "CI": "true"}
        )
    seconds = time.monotonic() - started
    text = log.read_text(errors="replace")
    junit = sum(
        int(n) for n in re.findall(r"Tests run: (\d+), Failures: \d+, Errors: \d+, Skipped: \d+\s*$", text, re.M)[-1:]
    )
    passed = re.findall(r"(\d+) passed", text)
    if done.returncode != 0:
        raise RuntimeError(f".ci/run failed in the fresh clone; see {log}")
    return seconds, junit, int(passed[-1]) if passed else 0, done.returncode


def run(work_dir: Path) -> str:
    if os.environ.get("BENCH_NEWCOMER", "1") == "0":
        return "## Newcomer time (`bench/newcomer.py`)\n\nSkipped in this run (BENCH_NEWCOMER=0).\n"
    clone = work_dir / "newcomer"
    _clone(clone)
    ready = _make_run_ready(clone, work_dir / "newcomer-make-run.log")
    ci_seconds, junit, pytest_passed, _ = _ci(clone, work_dir / "newcomer-ci.log")
    shutil.rmtree(clone, ignore_errors=True)
    return "\n".join(
        [
            "## Newcomer time (`bench/newcomer.py`)",
            "",
            "A fresh `git clone` of the benchmarked commit (no `.venv`, no `.local`, no built jar), on this machine "
            "with warm package caches (pip, npm, Maven, apt); one run each.",
            "",
            "| step | time |",
            "|---|---|",
            f"| clone → `make run` ready (venv, npm tools, extension build, Keycloak unpacked and started, demo data) "
            f"| {ready:.0f} s |",
            f"| then `.ci/run` (= `make test`: {junit} JUnit + {pytest_passed} pytest tests) | "
            f"{ci_seconds // 60:.0f} min {ci_seconds % 60:.0f} s |",
            "",
        ]
    )
