"""Dates as users of Le Havre read them: French formats, the metropolis's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def local_zone() -> tzinfo:
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:  # a system without time zone data
        return UTC


def local_today() -> date:
    """Today in Le Havre: the day a request's works may start at the earliest."""
    return datetime.now(local_zone()).date()


def short_date(value: str) -> str:
    """``2026-12-01`` → ``01/12/2026`` (unchanged when not a date)."""
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return value


def local_timestamp(value: str) -> str:
    """A UTC ``2026-11-26T18:20:00Z`` → ``26/11/2026 à 19:20`` in Le Havre's time."""
    try:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return value
    return moment.astimezone(local_zone()).strftime("%d/%m/%Y à %H:%M")
