"""Step-up for the portal's sensitive forms (docs/step-up.md): linking or detaching a concession
account, changing a member's profile, resetting a member's second factor.

A view calls :func:`require_step_up` once it has parsed a valid submission. When the login
session's last ID token proves a second factor within 15 minutes, it answers None and the view
acts. Otherwise the submission is kept server-side (:mod:`step_up_pending`) and the browser goes
through Keycloak with ``acr_values=mfa`` (``auth.step_up``); the callback checks the new ID
token and sends the browser to the view's *resume* URL, where :func:`resumed` gives the kept
submission back, once, and the view acts as if it had just been posted. A refused or abandoned
step-up goes back to the form with a French message, and the kept submission is dropped.

A submission may instead ask for the **password** again (``confirm_with=PASSWORD``: « Supprimer
mon compte » for a person without a second factor): the same detour, through Keycloak with
``prompt=login``, always taken, and the callback wants an ``auth_time`` of the last 5 minutes.
"""

from __future__ import annotations

import time

from flask import Flask, flash, redirect, request, session, url_for

from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.web import step_up_pending
from portal_adapter.web.login_sessions import last_authentication
from portal_adapter.web.step_up_rules import STEP_UP_MAX_AGE_SECONDS, second_factor_is_recent

REFUSED = (
    "La vérification de votre second facteur n'a pas abouti : rien n'a été enregistré. "
    "Recommencez et confirmez avec votre second facteur (application d'authentification ou clé d'accès)."
)
ABANDONED = "La vérification de votre second facteur a été interrompue : rien n'a été enregistré."
PASSWORD_REFUSED = (
    "La confirmation de votre mot de passe n'a pas abouti : rien n'a été fait. "
    "Recommencez et saisissez votre mot de passe."
)
PASSWORD_ABANDONED = "La confirmation de votre mot de passe a été interrompue : rien n'a été fait."
EXPIRED = "Votre saisie n'est plus disponible (10 minutes au plus) : rien n'a été enregistré. Recommencez."


FACTOR = "factor"  # the second factor within 15 minutes (acr_values=mfa)
PASSWORD = "password"  # the password typed again, now (prompt=login)


def init_app(app: Flask) -> None:
    app.before_request(_abandoned_on_return)


def second_factor_recent() -> bool:
    """The login session's last ID token says second factor, presented within 15 minutes."""
    key = session.get("key")
    if not isinstance(key, str):
        return False
    acr, auth_time = last_authentication(current_engine(), key)
    return second_factor_is_recent(acr, auth_time, time.time(), STEP_UP_MAX_AGE_SECONDS)


def require_step_up(
    action: str,
    payload: dict,
    *,
    return_to: str,
    resume_to: str,
    shown: dict | None = None,
    confirm_with: str = FACTOR,
):
    """None when the second factor is recent; otherwise the redirect that asks for it, the
    submission ``payload`` kept for ``resume_to``. ``shown``: what the form may show again
    (never a secret) if the step-up is refused. ``confirm_with=PASSWORD``: always the redirect,
    which asks for the password again."""
    if confirm_with == FACTOR and second_factor_recent():
        return None
    pending_id = step_up_pending.keep(
        current_engine(),
        current_settings().secret_key,
        session_key=session["key"],
        sub=session["user"]["sub"],
        action=action,
        payload=payload,
    )
    session["step_up"] = {
        "pending": pending_id,
        "action": action,
        "return_to": return_to,
        "resume_to": resume_to,
        "shown": shown or {},
        "confirm_with": confirm_with,
    }
    return redirect(url_for("auth.step_up"))


def pending_step_up() -> dict | None:
    pending = session.get("step_up")
    return pending if isinstance(pending, dict) and "user" in session else None


def passed(pending: dict) -> str:
    """The step-up succeeded: where the browser resumes the kept submission."""
    session.pop("step_up", None)
    session["step_up_passed"] = {"pending": pending["pending"], "action": pending["action"]}
    return pending["resume_to"]


def asks_password(pending: dict) -> bool:
    return pending.get("confirm_with") == PASSWORD


def refused(pending: dict, message: str | None = None) -> str:
    """The step-up failed: the kept submission is dropped; where the browser goes back to."""
    message = message or (PASSWORD_REFUSED if asks_password(pending) else REFUSED)
    session.pop("step_up", None)
    step_up_pending.drop(current_engine(), pending["pending"])
    session["step_up_refill"] = pending.get("shown") or {}
    flash(message, "erreur")
    return pending["return_to"]


def refill() -> dict:
    """What a refused step-up's form may show again (e.g. the label typed), once."""
    values = session.pop("step_up_refill", None)
    return values if isinstance(values, dict) else {}


def resumed(action: str) -> dict | None:
    """The submission kept for ``action`` when a step-up has just succeeded, once; None (with
    a French message flashed) when there is none, it expired or is another action's."""
    passed_for = session.pop("step_up_passed", None)
    payload = None
    if isinstance(passed_for, dict) and passed_for.get("action") == action and isinstance(session.get("key"), str):
        payload = step_up_pending.take(
            current_engine(),
            current_settings().secret_key,
            str(passed_for.get("pending")),
            session_key=session["key"],
            sub=session["user"]["sub"],
            action=action,
        )
    if payload is None:
        flash(EXPIRED, "erreur")
    return payload


def _abandoned_on_return() -> None:
    """Back on the form without finishing Keycloak's page (the browser's « Précédent », a
    bookmark): the step-up is abandoned and its kept submission dropped."""
    pending = pending_step_up()
    if pending and request.method == "GET" and request.path == pending.get("return_to"):
        refused(pending, PASSWORD_ABANDONED if asks_password(pending) else ABANDONED)
