"""The adapter's database (SQLAlchemy): SQLite by default, PostgreSQL by URL.

Tables are defined here once; Alembic migrations (``portal_adapter/migrations``) create
them: ``portal-adapter db upgrade``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event

metadata = sa.MetaData()

siret_cache = sa.Table(
    "siret_cache",
    metadata,
    sa.Column("siret", sa.String(14), primary_key=True),
    sa.Column("found", sa.Boolean, nullable=False),
    sa.Column("record_json", sa.Text, nullable=True),
    sa.Column("fetched_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

rate_limit_slots = sa.Table(
    "rate_limit_slots",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("next_free_at", sa.Float, nullable=False),
)


concession_accounts = sa.Table(
    "concession_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    # what relying apps see in the `concessions` claim (the legacy account number when known)
    sa.Column("public_id", sa.String(64), nullable=False, unique=True),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("code_digest", sa.String(64), nullable=False),
    # what the digest is bound to: the key when it was computed (a migration may re-fold the key)
    sa.Column("code_binding", sa.String(200), nullable=True),
    sa.Column("company_name", sa.String(200), nullable=False),
    sa.Column("siret", sa.String(14), nullable=True),
    sa.Column("network_type", sa.String(32), nullable=True),
    sa.Column("contact", sa.String(200), nullable=True),
    sa.Column("imported_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)


link_attempts = sa.Table(
    "link_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("user_id", sa.String(64), nullable=False),  # what the per-user limit counts
    sa.Column("actor", sa.String(200), nullable=True),  # who, as people read it: « pro.prenom.nom (Prénom Nom) »
    sa.Column("siret", sa.String(14), nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),  # as typed (normalised); never the code
    sa.Column("account_id", sa.Integer, nullable=True),
    sa.Column("result", sa.String(32), nullable=False),  # success | failure | blocked | refused | unlinked | unlocked
    sa.Column("detail", sa.String(200), nullable=True),
)

concession_links = sa.Table(
    "concession_links",
    metadata,
    sa.Column("account_id", sa.Integer, primary_key=True),  # one structure at a time
    sa.Column("siret", sa.String(14), nullable=False, index=True),
    sa.Column("linked_at", sa.Float, nullable=False),
    sa.Column("linked_by", sa.String(64), nullable=False),
)

# What metropolis agents did (back-office and command line): who, when, what, on what, why.
agent_actions = sa.Table(
    "agent_actions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("agent_id", sa.String(64), nullable=False),  # the agent's user id (or identifier, command line)
    sa.Column("agent", sa.String(200), nullable=False),  # as people read it: « agent.voirie (Prénom Nom) »
    sa.Column("action", sa.String(32), nullable=False),  # import | unlock | detach
    sa.Column("target", sa.String(300), nullable=False),  # a file name, « ECR-0001 (label) »
    sa.Column("reason", sa.String(200), nullable=True),
    sa.Column("detail", sa.String(300), nullable=True),
)

# The portal's login sessions (the cookie names one by its key): a back-channel logout from the
# realm deletes the rows of that realm session (sid) or user (sub), in every worker at once.
login_sessions = sa.Table(
    "login_sessions",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("sub", sa.String(64), nullable=False, index=True),
    sa.Column("sid", sa.String(64), nullable=True, index=True),
    sa.Column("created_at", sa.Float, nullable=False, index=True),
    # the last ID token's level (acr: "pwd" | "mfa") and authentication time (auth_time): step-up
    sa.Column("acr", sa.String(32), nullable=True),
    sa.Column("auth_time", sa.Float, nullable=True),
)

# A form waiting for a second-factor check (step-up): one-time, 10 minutes; its payload sealed
# (encrypted and authenticated) with a key derived from the portal's secret key.
step_up_pending = sa.Table(
    "step_up_pending",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("session_key", sa.String(64), nullable=False, index=True),
    sa.Column("sub", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("sealed_payload", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)

# Who reset whose second factor, when (« Réinitialiser le second facteur »).
second_factor_resets = sa.Table(
    "second_factor_resets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("siret", sa.String(14), nullable=False, index=True),
    sa.Column("member_id", sa.String(64), nullable=False),
    sa.Column("member", sa.String(200), nullable=False),  # « pro.prenom.nom (Prénom Nom) »
    sa.Column("actor_id", sa.String(64), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Column("removed", sa.String(200), nullable=False),  # credential types removed, e.g. "otp,recovery-authn-codes"
)


# The SIRENE re-sync (structures/resync.py): what it last learnt of each structure, and its
# runs; an unfinished run (finished_at NULL) is resumed after its cursor (the last SIRET done).
structure_register_checks = sa.Table(
    "structure_register_checks",
    metadata,
    sa.Column("siret", sa.String(14), primary_key=True),
    sa.Column("state", sa.String(16), nullable=False),  # active | closed
    sa.Column("closed_seen_at", sa.Float, nullable=True),  # first run that saw it closed
    sa.Column("closed_notified_at", sa.Float, nullable=True),  # its administrators e-mailed
    sa.Column("successor_siret", sa.String(14), nullable=True),
    sa.Column("checked_at", sa.Float, nullable=False),
)

structure_resync_runs = sa.Table(
    "structure_resync_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("finished_at", sa.Float, nullable=True, index=True),
    sa.Column("heartbeat_at", sa.Float, nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("cursor", sa.String(64), nullable=True),  # the last SIRET done (SIRETs in order)
    sa.Column("checked", sa.Integer, nullable=False, default=0),
    sa.Column("changed", sa.Integer, nullable=False, default=0),
    sa.Column("closed", sa.Integer, nullable=False, default=0),
    sa.Column("errors", sa.Integer, nullable=False, default=0),
)

# The e-mails the throttle governs (docs/throttles.md): every request to send one, sent or
# refused, with the counters that decided; the « sent » rows are the throttle's counters.
email_sends = sa.Table(
    "email_sends",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("action", sa.String(32), nullable=False),  # activation_link | password_reset | security_email
    sa.Column("address", sa.String(320), nullable=False, index=True),  # the recipient, lower-cased
    sa.Column("client", sa.String(64), nullable=False, index=True),  # the client address that caused it
    sa.Column("result", sa.String(16), nullable=False),  # sent | throttled
    sa.Column("detail", sa.String(200), nullable=True),  # which e-mail; the limit that refused it
)

# The inactive-account lifecycle (accounts/lifecycle.py): each step done to an account, once per
# inactivity period (``cycle``: the day of its last activity). A step is claimed (the row
# inserted) before it is done and marked done after: a re-run does nothing twice, two runs never
# do the same step, and a claim left undone by a crash is taken over later.
account_lifecycle_steps = sa.Table(
    "account_lifecycle_steps",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(64), nullable=False, index=True),  # the Keycloak user id, nothing else
    sa.Column("cycle", sa.String(10), nullable=False),  # the last activity's day, ISO
    sa.Column("step", sa.String(16), nullable=False),  # warn | disable | delete | reenabled
    sa.Column("claimed_at", sa.Float, nullable=False),
    sa.Column("done_at", sa.Float, nullable=True),
    sa.Column("detail", sa.String(200), nullable=True),  # the e-mail kind; the structures told
    sa.UniqueConstraint("user_id", "cycle", "step", name="uq_account_lifecycle_step"),
)


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


@contextmanager
def serialized(engine: sa.Engine, table: str) -> Iterator[sa.Connection]:
    """One transaction at a time on ``table`` (SQLite: BEGIN IMMEDIATE; PostgreSQL: a table
    lock), so counters read from it inside are exact: committed when the block ends, rolled
    back on error."""
    connection = engine.connect()
    try:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.begin()
            connection.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        yield connection
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the Alembic migrations (every one, or up to ``revision``) to the database at ``url``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "portal_adapter:migrations")
    # Alembic's config is a ConfigParser: a percent-encoded URL (a password with « @ », a libpq
    # ``options=-c...%3D...``) must have its « % » doubled or it is read as an interpolation.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, revision)
