"""The pure rules of a join request (docs/join-requests.md): the clock's moves, the limits,
the requester's form, the confirmation token and the neutral wording of the e-mails."""

from __future__ import annotations

from portal_adapter.join_requests import letters
from portal_adapter.join_requests.rules import (
    DAY,
    Limits,
    State,
    Timing,
    due_state,
    new_token,
    over_limit,
    token_digest,
    validate_request,
)

TIMING = Timing()


def due(state: State, *, age: float, confirmed_age: float | None = None) -> State:
    now = 100 * DAY
    confirmed = None if confirmed_age is None else now - confirmed_age
    return due_state(state, created_at=now - age, confirmed_at=confirmed, now=now, timing=TIMING)


def test_the_clock_escalates_an_unanswered_request_after_seven_days_and_expires_any_after_thirty():
    assert due(State.PENDING, age=6 * DAY, confirmed_age=6 * DAY) is State.PENDING
    assert due(State.PENDING, age=7 * DAY, confirmed_age=7 * DAY) is State.ESCALATED
    assert due(State.ESCALATED, age=29 * DAY, confirmed_age=29 * DAY) is State.ESCALATED
    for state in (State.UNCONFIRMED, State.PENDING, State.ESCALATED):
        assert due(state, age=30 * DAY, confirmed_age=30 * DAY) is State.EXPIRED


def test_an_unconfirmed_request_expires_with_its_link_and_decided_ones_never_move():
    assert due(State.UNCONFIRMED, age=DAY - 1) is State.UNCONFIRMED
    assert due(State.UNCONFIRMED, age=DAY) is State.EXPIRED
    for state in (State.ACCEPTED, State.REFUSED, State.EXPIRED):
        assert due(state, age=90 * DAY, confirmed_age=90 * DAY) is state


def test_the_escalation_delay_is_a_setting():
    quick = Timing(escalation=0.0)
    assert due_state(State.PENDING, created_at=10.0, confirmed_at=10.0, now=10.0, timing=quick) is State.ESCALATED


def test_limits_allow_up_to_their_count_then_refuse():
    limits = Limits(per_address=3, per_structure=10, per_client=10)
    assert not over_limit(limits, by_address=2, by_structure=9, by_client=9)
    assert over_limit(limits, by_address=3, by_structure=0, by_client=0)
    assert over_limit(limits, by_address=0, by_structure=10, by_client=0)
    assert over_limit(limits, by_address=0, by_structure=0, by_client=10)


def test_the_requesters_form_is_checked_field_by_field_in_french():
    assert validate_request("Léa", "Durand-Petit", "lea.durand@exemple.fr", "Conductrice de travaux", "") == {}
    errors = validate_request("", "Jean2", "pas-un-courriel", "", "x" * 1001)
    assert errors == {
        "prenom": "Indiquez votre prénom.",
        "nom": "Ce champ ne peut contenir que des lettres, des espaces, des apostrophes et des traits d'union.",
        "courriel": "Indiquez une adresse de courriel valide, par exemple : prenom.nom@exemple.fr.",
        "fonction": "Indiquez votre fonction (100 caractères au maximum).",
        "message": "Votre message ne peut dépasser 1000 caractères.",
    }


def test_the_confirmation_token_is_kept_as_a_digest_only():
    token, digest = new_token()
    other, _ = new_token()
    assert token != other and len(token) >= 40
    assert digest == token_digest(token) and token not in digest


def test_the_refusal_is_neutral_and_names_no_administrator():
    subject, body = letters.refused("Léa", "RESEAUX NORMANDS TRAVAUX", "")
    assert "n'a pas été acceptée" in body and "Motif" not in body
    assert "administrat" not in body.lower() and "@" not in body
    _, with_reason = letters.refused("Léa", "RESEAUX NORMANDS TRAVAUX", "Nous ne vous connaissons pas.")
    assert "Motif indiqué : Nous ne vous connaissons pas." in with_reason
