"""Resident memory and CPU time of our own server processes, read from /proc (Linux only)."""

from __future__ import annotations

import os
import statistics
import threading
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _status(pid: int) -> dict[str, str]:
    values = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            key, _, value = line.partition(":")
            values[key] = value.strip()
    return values


def _stat_fields(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        text = stat.read()
    return text[text.rindex(")") + 2 :].split()  # the fields after "pid (comm)"


def group_pids(pgid: int) -> list[int]:
    """Every live process of the process group ``pgid`` (a server started with start_new_session)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if int(_stat_fields(int(entry))[2]) == pgid:  # field 5 of stat: pgrp
                found.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return sorted(found)


def java_pid(pgid: int) -> int:
    """The java process of Keycloak's process group (kc.sh execs it, or runs it as a child)."""
    javas = []
    for pid in group_pids(pgid):
        try:
            if _status(pid).get("Name") == "java":
                javas.append(pid)
        except OSError:
            continue
    if not javas:
        raise RuntimeError(f"no java process in process group {pgid}")
    return max(javas, key=rss_mib)


def rss_mib(pid: int) -> float:
    """VmRSS of ``pid`` in MiB."""
    return int(_status(pid).get("VmRSS", "0 kB").split()[0]) / 1024


def pss_mib(pid: int) -> float:
    """Proportional set size (shared pages split between the processes sharing them), MiB."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def group_memory_mib(pgid: int) -> tuple[float, float, int]:
    """(sum of VmRSS, sum of PSS, process count) over a process group."""
    pids = group_pids(pgid)
    return sum(rss_mib(p) for p in pids), sum(pss_mib(p) for p in pids), len(pids)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time consumed so far by ``pid`` (all its threads)."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)


def cmdline(pid: int) -> list[str]:
    with open(f"/proc/{pid}/cmdline", "rb") as raw:
        return [part.decode(errors="replace") for part in raw.read().split(b"\0") if part]


class RssSampler:
    """Samples one process's VmRSS every ``interval`` seconds while active (``with sampler.active():``)."""

    def __init__(self, pid: int, interval: float = 0.5):
        self.pid = pid
        self.interval = interval
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.samples.append(rss_mib(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def peak(self) -> float:
        return max(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def settle(seconds: float) -> None:
    """Let a server go idle before a 'memory at rest' sample."""
    time.sleep(seconds)
