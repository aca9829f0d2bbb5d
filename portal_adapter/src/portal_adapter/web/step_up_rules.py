"""When an ID token proves a recent second factor (step-up), as pure rules: no Flask, no
database, no clock of its own.

Keycloak's token says ``acr`` "mfa" when the authentication that issued it reached the
second-factor level (realm attribute ``acr.loa.map`` = {"pwd": 1, "mfa": 2}) and
``auth_time`` when the user last *authenticated* in that Keycloak session: a login, or a
step-up where the factor was asked again. A token issued from the session cookie alone
keeps the earlier ``auth_time``. So "``acr`` is mfa and ``auth_time`` is at most
``max_age`` seconds old" means "the second factor was presented within ``max_age``"
(docs/step-up.md).
"""

from __future__ import annotations

from enum import Enum

from portal_adapter.identity.names import ACR_SECOND_FACTOR as SECOND_FACTOR_ACR

STEP_UP_MAX_AGE_SECONDS = 900.0  # 15 minutes: the realm's LoA-2 condition has the same max age
REAUTHENTICATION_MAX_AGE_SECONDS = 300.0  # a password typed again (prompt=login): just now
CLOCK_SKEW_SECONDS = 60.0  # an auth_time this far in the future is still believed


class Refusal(Enum):
    """Why a step-up's ID token does not prove a recent second factor."""

    OTHER_USER = "other_user"  # another person authenticated in that browser meanwhile
    NO_SECOND_FACTOR = "no_second_factor"  # acr is not "mfa"
    STALE = "stale"  # auth_time missing, too old, or in the future


def second_factor_is_recent(acr: object, auth_time: object, now: float, max_age: float) -> bool:
    """``acr`` says second factor and ``auth_time`` (seconds since the epoch) lies within
    ``max_age`` seconds before ``now``."""
    if acr != SECOND_FACTOR_ACR:
        return False
    if isinstance(auth_time, bool) or not isinstance(auth_time, (int, float)):
        return False
    return now - max_age <= auth_time <= now + CLOCK_SKEW_SECONDS


def step_up_refusal(claims: dict, expected_sub: str, now: float, max_age: float) -> Refusal | None:
    """None when the (already validated) ID token ``claims`` prove that ``expected_sub``
    presented the second factor within ``max_age`` seconds; otherwise why not."""
    if claims.get("sub") != expected_sub:
        return Refusal.OTHER_USER
    if claims.get("acr") != SECOND_FACTOR_ACR:
        return Refusal.NO_SECOND_FACTOR
    if not second_factor_is_recent(claims.get("acr"), claims.get("auth_time"), now, max_age):
        return Refusal.STALE
    return None


def reauthentication_refusal(claims: dict, expected_sub: str, now: float, max_age: float) -> Refusal | None:
    """None when the (already validated) ID token ``claims`` of a forced re-authentication
    (``prompt=login``: the password typed again) are ``expected_sub``'s, authenticated within
    ``max_age`` seconds; otherwise why not. Any level: the password alone is what was asked."""
    if claims.get("sub") != expected_sub:
        return Refusal.OTHER_USER
    auth_time = claims.get("auth_time")
    if isinstance(auth_time, bool) or not isinstance(auth_time, (int, float)):
        return Refusal.STALE
    if not now - max_age <= auth_time <= now + CLOCK_SKEW_SECONDS:
        return Refusal.STALE
    return None
