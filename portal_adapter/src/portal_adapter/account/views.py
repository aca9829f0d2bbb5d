"""« Supprimer mon compte » and « Télécharger mes données » (docs/account-deletion.md,
docs/personal-data-export.md): views parse, call :mod:`portal_adapter.account.service`, respond."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, redirect, render_template, session, url_for

from portal_adapter.account.current import account_rights
from portal_adapter.members.service import Refused
from portal_adapter.web.current_user import current_user, login_required
from portal_adapter.web.step_up import FACTOR, PASSWORD, require_step_up, resumed

log = logging.getLogger(__name__)
bp = Blueprint("account", __name__)
DELETE = "account.delete"


def _deletion_page(refusal: str | None = None, status: int = 200):
    situation = account_rights().situation(current_user()["sub"])
    return render_template(
        "account/supprimer_compte.html",
        situation=situation,
        refusal=refusal or situation.refusal,
    ), status


@bp.get("/mon-compte/supprimer")
@login_required
def deletion_form():
    return _deletion_page()


@bp.post("/mon-compte/supprimer")
@login_required
def delete():
    situation = account_rights().situation(current_user()["sub"])
    if situation.refusal:
        return _deletion_page(situation.refusal, 409)
    asked = require_step_up(
        DELETE,
        {},
        return_to=url_for("account.deletion_form"),
        resume_to=url_for("account.delete_resumed"),
        confirm_with=FACTOR if situation.holds_factor else PASSWORD,
    )
    return asked or _delete()


@bp.get("/mon-compte/supprimer/reprise")
@login_required
def delete_resumed():
    """Back from the confirmation through Keycloak (the password, or the second factor)."""
    if resumed(DELETE) is None:
        return redirect(url_for("account.deletion_form"))
    return _delete()


def _delete():
    user_id = current_user()["sub"]
    try:
        account_rights().delete(user_id)
    except Refused as refused:
        log.info("account deletion of %s refused: %s", user_id, refused.message)
        return _deletion_page(refused.message, 409)
    session.clear()  # its server-side row went with the account's records
    session["account_deleted"] = True
    return redirect(url_for("account.deleted"))


@bp.get("/compte-supprime")
def deleted():
    if not session.pop("account_deleted", False):
        return redirect(url_for("pages.home"))
    return render_template("account/compte_supprime.html")


@bp.get("/mon-compte/mes-donnees")
@login_required
def export():
    """« Télécharger mes données »: a JSON file, never shown in the page nor kept in a cache."""
    now = time.time()
    data = account_rights().export(current_user()["sub"], now)
    day = datetime.fromtimestamp(now, ZoneInfo("Europe/Paris")).strftime("%Y-%m-%d")
    log.info("personal data of %s exported", current_user()["sub"])
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="hariane-pro-mes-donnees-{day}.json"',
            "Cache-Control": "no-store",
        },
    )
