"""The throttle on what sends e-mails (docs/throttles.md), as pure arithmetic over send times.

Each action (a new activation link, a password reset, a security e-mail) has limits per
recipient address and per client address, written ``"3/1h,10/24h"`` (at most 3 e-mails in any
hour and 10 in any 24 hours). Only e-mails actually sent count: a refused request extends no
block, so every block ends by itself when the oldest counted send leaves its window (the
concession lockout's philosophy: temporary, never a permanent denial of service by a third party).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

UNITS = {"s": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_LIMIT = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*(s|min|m|h|d)\s*$")


@dataclass(frozen=True)
class Limit:
    count: int  # at most this many sends…
    window: float  # …in any window of this many seconds


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | None = None  # which limit blocks: "address 3/3600s", "client 20/3600s"
    retry_after: float | None = None  # seconds until the block lifts by itself


def parse_limits(text: str) -> tuple[Limit, ...]:
    """``"3/1h,10/24h"`` -> limits; ValueError names what cannot be read. Empty: no limit."""
    limits = []
    for part in filter(str.strip, text.split(",")):
        match = _LIMIT.match(part)
        if not match or int(match.group(1)) < 1 or int(match.group(2)) < 1:
            raise ValueError(f"not a limit like 3/1h: {part.strip()!r}")
        limits.append(Limit(int(match.group(1)), int(match.group(2)) * UNITS[match.group(3)]))
    return tuple(limits)


def longest_window(*limit_sets: Sequence[Limit]) -> float:
    """How far back the send times must be read to decide."""
    return max((limit.window for limits in limit_sets for limit in limits), default=0.0)


def _block(times: Sequence[float], limits: Sequence[Limit], now: float, scope: str) -> Decision | None:
    worst: Decision | None = None
    for limit in limits:
        recent = sorted(t for t in times if now - limit.window < t <= now)
        if len(recent) >= limit.count:
            # blocked until the oldest send that still counts leaves the window
            retry = recent[len(recent) - limit.count] + limit.window - now
            if worst is None or retry > (worst.retry_after or 0.0):
                worst = Decision(False, f"{scope} {limit.count}/{limit.window:g}s", retry)
    return worst


def decide(
    address_sends: Sequence[float],
    client_sends: Sequence[float],
    address_limits: Sequence[Limit],
    client_limits: Sequence[Limit],
    now: float,
) -> Decision:
    """May one more e-mail go now? The address's limits are decided first; then the client's."""
    return (
        _block(address_sends, address_limits, now, "address")
        or _block(client_sends, client_limits, now, "client")
        or Decision(True)
    )
