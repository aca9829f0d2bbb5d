"""The account rights' pure rules: who may delete their own account, and when a forced
re-authentication (the password typed again) confirms it."""

from __future__ import annotations

from portal_adapter.account.rules import LAST_ADMINISTRATOR, deletion_refusal
from portal_adapter.members.service import Member
from portal_adapter.web.step_up_rules import Refusal, reauthentication_refusal

NOW = 1_780_000_000.0


def member(user_id: str, profile: str = "standard", state: str = "active") -> Member:
    return Member(user_id, f"pro.{user_id}", "Ada", "Martin", f"{user_id}@exemple.test", profile, state)


def test_members_and_administrators_with_another_administrator_may_delete():
    assert deletion_refusal("m", [member("a", "admin"), member("m")]) is None
    assert deletion_refusal("a", [member("a", "admin"), member("b", "admin"), member("m")]) is None
    assert deletion_refusal("a", [member("a", "admin")]) is None  # alone: the structure stays
    assert deletion_refusal("x", []) is None  # outside any structure


def test_the_last_active_administrator_with_other_members_may_not():
    assert deletion_refusal("a", [member("a", "admin"), member("m")]) == LAST_ADMINISTRATOR
    assert deletion_refusal("a", [member("a", "admin"), member("p", state="pending")]) == LAST_ADMINISTRATOR
    assert deletion_refusal("a", [member("a", "admin"), member("b", "admin", "disabled")]) == LAST_ADMINISTRATOR
    assert "« Gestion des utilisateurs »" in LAST_ADMINISTRATOR


def test_a_reauthentication_is_the_same_person_just_now():
    assert reauthentication_refusal({"sub": "u", "auth_time": NOW - 10, "acr": "pwd"}, "u", NOW, 300) is None
    assert reauthentication_refusal({"sub": "v", "auth_time": NOW}, "u", NOW, 300) is Refusal.OTHER_USER
    assert reauthentication_refusal({"sub": "u", "auth_time": NOW - 301}, "u", NOW, 300) is Refusal.STALE
    assert reauthentication_refusal({"sub": "u"}, "u", NOW, 300) is Refusal.STALE
    assert reauthentication_refusal({"sub": "u", "auth_time": True}, "u", NOW, 300) is Refusal.STALE
