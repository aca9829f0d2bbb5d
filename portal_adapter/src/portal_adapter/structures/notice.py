"""The dashboard's notice of a closed establishment (read from the re-sync's last check)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal_adapter.structures import runs


@dataclass(frozen=True)
class ClosedNotice:
    siret: str
    seen_at: float  # when the re-sync first saw it closed
    successor_siret: str | None


def closed_establishment(engine: sa.Engine, siret: str) -> ClosedNotice | None:
    check = runs.closed_check(engine, siret)
    if check is None:
        return None
    return ClosedNotice(check.siret, check.closed_seen_at or check.checked_at, check.successor_siret)
