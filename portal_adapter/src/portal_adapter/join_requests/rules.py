"""The pure rules of a join request (docs/join-requests.md): its states and which move
from which, what the requester's form must hold, the limits on filing, and the confirmation
token. No database, HTTP, Keycloak nor mail here."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from portal_adapter.members import person_fields

DAY = 86400.0
MAX_MESSAGE_LENGTH = 1000
MAX_REASON_LENGTH = 500
MAX_JOB_TITLE_LENGTH = 100


class State(StrEnum):
    UNCONFIRMED = "unconfirmed"  # filed, the requester's address not yet confirmed
    PENDING = "pending"  # confirmed: the structure's administrators decide
    ESCALATED = "escalated"  # no active administrator, or unanswered: the metropolis's agents decide
    ACCEPTED = "accepted"  # an account was created (by an administrator or an agent)
    REFUSED = "refused"
    EXPIRED = "expired"


OPEN = (State.PENDING, State.ESCALATED)  # a decision can be taken
LIVE = (State.UNCONFIRMED, *OPEN)  # counts as « a request already filed »
STATE_LABELS = {
    State.UNCONFIRMED: "Adresse non confirmée",
    State.PENDING: "En attente des administrateurs",
    State.ESCALATED: "Transmise à la Métropole",
    State.ACCEPTED: "Acceptée",
    State.REFUSED: "Refusée",
    State.EXPIRED: "Expirée",
}
EVENT_LABELS = {
    "filed": "Demande déposée",
    "confirmed": "Adresse confirmée",
    "escalated": "Transmise à la Métropole",
    "accepted": "Acceptée",
    "refused": "Refusée",
    "expired": "Expirée",
}


@dataclass(frozen=True)
class Timing:
    """How long each state lasts (seconds); the escalation delay and the expiry are settings."""

    confirmation: float = 1 * DAY  # the confirmation link
    escalation: float = 7 * DAY  # unanswered by the administrators, counted from the confirmation
    expiry: float = 30 * DAY  # from the filing, whatever the state


@dataclass(frozen=True)
class Limits:
    """At most this many requests filed per window (every state counts): durable, in the database."""

    window: float = 1 * DAY
    per_address: int = 3
    per_structure: int = 10
    per_client: int = 10


def due_state(state: State, *, created_at: float, confirmed_at: float | None, now: float, timing: Timing) -> State:
    """Where the clock alone takes a request (the escalation job): an unconfirmed request
    expires with its link; any live one at the expiry; a pending one is escalated once unanswered."""
    if state not in LIVE:
        return state
    if now - created_at >= timing.expiry:
        return State.EXPIRED
    if state is State.UNCONFIRMED and now - created_at >= timing.confirmation:
        return State.EXPIRED
    if state is State.PENDING and confirmed_at is not None and now - confirmed_at >= timing.escalation:
        return State.ESCALATED
    return state


def over_limit(limits: Limits, *, by_address: int, by_structure: int, by_client: int) -> bool:
    """Counts of requests filed within the window, this one not included."""
    return by_address >= limits.per_address or by_structure >= limits.per_structure or by_client >= limits.per_client


def validate_request(first: str, last: str, email: str, job_title: str, message: str) -> dict[str, str]:
    """French error per field of the requester's form; empty when it can be filed."""
    errors = person_fields.person_errors(first, last, email, "votre prénom", "votre nom")
    if not job_title.strip() or len(job_title) > MAX_JOB_TITLE_LENGTH:
        errors["fonction"] = f"Indiquez votre fonction ({MAX_JOB_TITLE_LENGTH} caractères au maximum)."
    if len(message) > MAX_MESSAGE_LENGTH:
        errors["message"] = f"Votre message ne peut dépasser {MAX_MESSAGE_LENGTH} caractères."
    return errors


def new_token() -> tuple[str, str]:
    """A confirmation token (for the link) and its digest (what the database keeps)."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
