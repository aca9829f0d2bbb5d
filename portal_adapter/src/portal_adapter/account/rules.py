"""Who may delete their own account, as pure rules: no Flask, no database, no Keycloak."""

from __future__ import annotations

from portal_adapter.members.service import Member

LAST_ADMINISTRATOR = (
    "Vous êtes le seul administrateur de votre structure et d'autres utilisateurs en font partie : "
    "nommez d'abord un autre administrateur dans « Gestion des utilisateurs », puis supprimez votre compte."
)


def deletion_refusal(user_id: str, members: list[Member]) -> str | None:
    """The French reason ``user_id`` may not delete their account now (None when they may):
    a structure's last active administrator may not leave its other members (in any state)
    without anyone to administer them. Alone in their structure, they may."""
    me = next((m for m in members if m.id == user_id), None)
    if me is None or me.profile != "admin" or me.state != "active":
        return None
    other_admins = [m for m in members if m.id != user_id and m.profile == "admin" and m.state == "active"]
    others = [m for m in members if m.id != user_id]
    return LAST_ADMINISTRATOR if others and not other_admins else None
