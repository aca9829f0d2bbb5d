"""The join requests' tables (created by migration 0008): the requests themselves, and the
audit trail of what happened to each (who, when, what)."""

from __future__ import annotations

import sqlalchemy as sa

from portal_adapter.db import metadata

join_requests = sa.Table(
    "join_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("siret", sa.String(14), nullable=False, index=True),
    sa.Column("first_name", sa.String(100), nullable=False),
    sa.Column("last_name", sa.String(100), nullable=False),
    sa.Column("email", sa.String(255), nullable=False, index=True),  # lower-cased
    sa.Column("job_title", sa.String(100), nullable=False),
    sa.Column("message", sa.String(1000), nullable=False, default=""),
    sa.Column("ip", sa.String(64), nullable=False, index=True),  # the client address, for its limit
    # rules.State: unconfirmed | pending | escalated | accepted | refused | expired
    sa.Column("state", sa.String(16), nullable=False, index=True),
    sa.Column("token_digest", sa.String(64), nullable=True, unique=True),  # of the confirmation link
    sa.Column("created_at", sa.Float, nullable=False, index=True),
    sa.Column("confirmed_at", sa.Float, nullable=True),
    sa.Column("escalated_at", sa.Float, nullable=True),
    sa.Column("decided_at", sa.Float, nullable=True),
    sa.Column("decided_by", sa.String(200), nullable=True),  # « pro.prenom.nom (Prénom Nom) »
    sa.Column("profile", sa.String(16), nullable=True),  # given on acceptance
    sa.Column("reason", sa.String(500), nullable=True),  # given on refusal, or staff's motive
    sa.Column("username", sa.String(255), nullable=True),  # the identifier of the account created
    # filed through ProConnect (migration 0014): its identity, linked to the account at acceptance,
    # and the CGU the person accepted on the join page (written to the account then)
    sa.Column("idp_user_id", sa.String(255), nullable=True),
    sa.Column("idp_username", sa.String(255), nullable=True),
    sa.Column("cgu_version", sa.String(32), nullable=True),
    sa.Column("cgu_sha256", sa.String(64), nullable=True),
    sa.Column("cgu_accepted_at", sa.String(32), nullable=True),
)

join_request_events = sa.Table(
    "join_request_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.Integer, nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),  # « pro.prenom.nom (Prénom Nom) », « demandeur », « tâche »
    sa.Column("action", sa.String(32), nullable=False),  # filed | confirmed | escalated | accepted | refused | expired
    sa.Column("detail", sa.String(500), nullable=True),
)
