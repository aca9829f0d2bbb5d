"""Which step of the inactive-account lifecycle an account is due for, from dates alone
(docs/account-lifecycle.md). Pure: no Keycloak, no database, no clock of its own.

An account's *last activity* is the latest of its last login's day, its creation's day and the
day staff re-enabled it after the lifecycle had disabled it (a re-enable restarts the clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

WARN = "warn"
DISABLE = "disable"
DELETE = "delete"
REENABLED = "reenabled"


@dataclass(frozen=True)
class Delays:
    """Days without login before each step; the defaults are 23, 24 and 36 months."""

    warn_days: int = 700
    disable_days: int = 730
    delete_days: int = 1095

    @property
    def notice_days(self) -> int:
        """The days a warning comes before the disabling it announces (30 by default)."""
        return self.disable_days - self.warn_days


@dataclass(frozen=True)
class Account:
    last_activity: date
    enabled: bool
    warned_on: date | None = None  # the warning of this inactivity period was sent that day
    disabled_on: date | None = None  # the lifecycle disabled the account that day (this period)


def last_activity(
    last_login: date | None, created: date, reenabled: date | None = None, tracked_since: date | None = None
) -> date:
    """``tracked_since``: the day the last login began to be recorded, on a realm older than that."""
    return max(d for d in (last_login, created, reenabled, tracked_since) if d is not None)


def parse_day(value: str | None) -> date | None:
    """An ISO day as the login listener writes it; None when absent or unreadable."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def due(account: Account, today: date, delays: Delays) -> str | None:
    """The step due today: WARN, DISABLE, DELETE, REENABLED (staff re-enabled an account the
    lifecycle had disabled: its clock restarts) or None.

    - nobody is disabled without a warning sent ``notice_days`` before, even when the job ran
      late or the account was already older than the delays;
    - an account disabled by anyone is deleted once inactive ``delete_days``; one the lifecycle
      disabled stays disabled at least ``notice_days`` first;
    - an account disabled by someone else (its structure, staff) gets no warning: it cannot log in.
    """
    idle = (today - account.last_activity).days
    if account.enabled:
        if account.disabled_on is not None:
            return REENABLED
        if account.warned_on is None:
            return WARN if idle >= delays.warn_days else None
        if idle >= delays.disable_days and today >= account.warned_on + timedelta(days=delays.notice_days):
            return DISABLE
        return None
    if idle < delays.delete_days:
        return None
    if account.disabled_on is not None and today < account.disabled_on + timedelta(days=delays.notice_days):
        return None
    return DELETE


def disabling_on(account: Account, today: date, delays: Delays) -> date:
    """The day a warning sent today announces for the disabling."""
    return max(account.last_activity + timedelta(days=delays.disable_days), today + timedelta(days=delays.notice_days))
