"""The logged-in user of this request (from the login session), and the decorator of the pages
that need one."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import redirect, request, session, url_for


def current_user() -> dict | None:
    return session.get("user")


def actor_label(user: dict | None = None) -> str:
    """Who acts, as audit trails and e-mails show them: « pro.prenom.nom (Prénom Nom) »."""
    user = current_user() if user is None else user
    user = user or {}
    name = " ".join(part for part in (user.get("given_name"), user.get("family_name")) if part)
    return f"{user.get('username') or user.get('sub')}" + (f" ({name})" if name else "")


def login_required(view: Callable) -> Callable:
    """Send anonymous visitors to the login, then back to where they were going."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            session["after_login"] = request.path
            return redirect(url_for("auth.login"))
        return view(*args, **kwargs)

    return wrapper
