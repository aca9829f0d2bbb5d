"""What the adapter holds on a person, forgotten when their account is deleted
(docs/account-lifecycle.md « Deletion »): their portal sessions and pending step-up forms go; the
audit rows stay, keyed by the deleted account's random id, without the name they carried."""

from __future__ import annotations

import sqlalchemy as sa

from portal_adapter.db import link_attempts, login_sessions, second_factor_resets, step_up_pending

DELETED = "compte supprimé"


def forget(engine: sa.Engine, user_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(sa.delete(login_sessions).where(login_sessions.c.sub == user_id))
        connection.execute(sa.delete(step_up_pending).where(step_up_pending.c.sub == user_id))
        connection.execute(sa.update(link_attempts).where(link_attempts.c.user_id == user_id).values(actor=DELETED))
        connection.execute(
            sa.update(second_factor_resets).where(second_factor_resets.c.member_id == user_id).values(member=DELETED)
        )
        connection.execute(
            sa.update(second_factor_resets).where(second_factor_resets.c.actor_id == user_id).values(actor=DELETED)
        )
