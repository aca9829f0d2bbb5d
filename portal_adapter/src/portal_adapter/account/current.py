"""The account rights use case of this request (the members service, its lock and notices)."""

from __future__ import annotations

from flask import g

from portal_adapter.account.service import AccountRights
from portal_adapter.members.current import structure_users
from portal_adapter.runtime import current_engine


def account_rights() -> AccountRights:
    if "account_rights" not in g:
        g.account_rights = AccountRights(structure_users(), current_engine())
    return g.account_rights
