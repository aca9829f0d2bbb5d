"""The lockout table of docs/lockout.md, as pure arithmetic over failure timestamps.

| scope | limit | then |
| per concession | 3 failures | blocked 15 min |
| per concession | 10 cumulative failures, never reset by time | hard lock until unlocked |
| per user account | 5 failures / 24 h | blocked |
| per SIRET (structure) | 10 failures / day | blocked |
| per client IP | 10 / hour, 30 / day | blocked |
| whole service | > 20 failures / 10 min | alert; > 100 / hour: linking paused |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0
HARD_LOCK_FAILURES = 10
# Blocks that depend on the label typed: answered exactly like a wrong label (no label oracle).
CONCESSION_SCOPES = frozenset({"concession", "concession_hard_lock"})


@dataclass(frozen=True)
class Failures:
    """Failure times (epoch seconds) in each scope; ``concession_total`` counts since the last unlock."""

    concession: Sequence[float] = ()
    concession_total: int = 0
    user: Sequence[float] = ()
    siret: Sequence[float] = ()
    ip: Sequence[float] = ()
    service: Sequence[float] = ()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | None = None  # which limit blocks
    retry_after: float | None = None  # seconds; None: until an administrator unlocks
    alert: bool = False  # the whole service sees an unusual failure rate


def _recent(times: Sequence[float], now: float, window: float) -> list[float]:
    return sorted(t for t in times if now - window < t <= now)


def _window_block(times: Sequence[float], now: float, window: float, limit: int, reason: str) -> Decision | None:
    recent = _recent(times, now, window)
    if len(recent) >= limit:
        # blocked until the oldest failure that still counts leaves the window
        return Decision(False, reason, retry_after=recent[len(recent) - limit] + window - now)
    return None


def decide(failures: Failures, now: float) -> Decision:
    """May one more attempt be made now?

    The blocks that do not depend on the label (service, user, structure, address) are decided
    first, so that whether the concession is blocked never changes which block answers."""
    service_hour = _recent(failures.service, now, HOUR)
    if len(service_hour) > 100:
        return Decision(False, "service_paused", retry_after=service_hour[-101] + HOUR - now, alert=True)
    alert = len(_recent(failures.service, now, 10 * MINUTE)) > 20
    for times, window, limit, reason in (
        (failures.user, DAY, 5, "user"),
        (failures.siret, DAY, 10, "siret"),
        (failures.ip, HOUR, 10, "ip_hour"),
        (failures.ip, DAY, 30, "ip_day"),
    ):
        blocked = _window_block(times, now, window, limit, reason)
        if blocked:
            return Decision(False, blocked.reason, blocked.retry_after, alert)
    if failures.concession_total >= HARD_LOCK_FAILURES:
        return Decision(False, "concession_hard_lock", retry_after=None, alert=alert)
    concession = _recent(failures.concession, now, 15 * MINUTE)
    if len(concession) >= 3:
        # blocked for 15 minutes after the latest failure
        return Decision(False, "concession", retry_after=concession[-1] + 15 * MINUTE - now, alert=alert)
    return Decision(True, alert=alert)
