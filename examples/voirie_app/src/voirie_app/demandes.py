"""« Consulter vos demandes d'autorisation » and « Demander une autorisation d'ouverture de
voirie »: open only to users whose token lists concession accounts, and only about those."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for

from voirie_app.auth import current_user, login_required
from voirie_app.french_dates import local_today
from voirie_app.rules import FIELDS, NATURES, validate_request
from voirie_app.store import RequestStore


def concessions_required(view: Callable) -> Callable:
    """A French 403 page for users whose token lists no concession account."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user().get("concessions"):
            return render_template("sans_concession.html"), 403
        return view(*args, **kwargs)

    return wrapper


def demandes_blueprint(store: RequestStore) -> Blueprint:
    bp = Blueprint("demandes", __name__)

    @bp.get("/demandes")
    @login_required
    @concessions_required
    def list_requests():
        concessions = current_user()["concessions"]
        found = store.for_concessions([c["id"] for c in concessions])
        return render_template("demandes.html", requests=found, concessions=concessions)

    def form_page(values: dict[str, str], errors: dict[str, str], status: int = 200):
        return render_template(
            "nouvelle_demande.html",
            form=values,
            errors=errors,
            natures=NATURES,
            concessions=current_user()["concessions"],
            today=local_today().isoformat(),
        ), status

    @bp.get("/demandes/nouvelle")
    @login_required
    @concessions_required
    def new_request_form():
        concessions = current_user()["concessions"]
        values = dict.fromkeys(FIELDS, "")
        if len(concessions) == 1:
            values["concession"] = concessions[0]["id"]
        return form_page(values, {})

    @bp.post("/demandes/nouvelle")
    @login_required
    @concessions_required
    def file_request():
        user = current_user()
        labels = {c["id"]: c["label"] for c in user["concessions"]}
        clean, errors, values = validate_request(request.form, labels.keys(), local_today())
        if clean is None:
            return form_page(values, errors, 400)
        filed = store.file(
            concession_id=clean.concession_id,
            concession_label=labels[clean.concession_id],
            address=clean.address,
            commune=clean.commune,
            start_date=clean.start_date,
            end_date=clean.end_date,
            nature=clean.nature,
            description=clean.description,
            filed_by=user["sub"],
            filed_by_name=user["name"] or user["preferred_username"],
        )
        flash(f"Votre demande {filed.reference} a été déposée.", "succes")
        return redirect(url_for("demandes.list_requests"))

    return bp
