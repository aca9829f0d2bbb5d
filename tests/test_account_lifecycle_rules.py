"""The inactive-account lifecycle's rule (account_lifecycle/stages.py), from dates alone: which step is
due, with the default delays (23, 24, 36 months as 700, 730 and 1095 days)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from portal_adapter.account_lifecycle.stages import (
    DELETE,
    DISABLE,
    REENABLED,
    WARN,
    Account,
    Delays,
    disabling_on,
    due,
    last_activity,
    parse_day,
)

DELAYS = Delays()
START = date(2024, 3, 1)


def day(n: int) -> date:
    return START + timedelta(days=n)


def test_the_default_delays_are_23_24_and_36_months_with_a_30_day_notice():
    assert (DELAYS.warn_days, DELAYS.disable_days, DELAYS.delete_days) == (700, 730, 1095)
    assert DELAYS.notice_days == 30
    assert round(DELAYS.warn_days * 12 / 365.25) == 23 and round(DELAYS.disable_days * 12 / 365.25) == 24
    assert round(DELAYS.delete_days * 12 / 365.25) == 36


def test_an_active_account_is_left_alone_until_its_warning():
    assert due(Account(START, True), day(699), DELAYS) is None
    assert due(Account(START, True), day(700), DELAYS) == WARN


def test_a_warned_account_is_disabled_at_24_months_and_deleted_at_36():
    warned = Account(START, True, warned_on=day(700))
    assert due(warned, day(729), DELAYS) is None
    assert due(warned, day(730), DELAYS) == DISABLE
    disabled = Account(START, False, warned_on=day(700), disabled_on=day(730))
    assert due(disabled, day(1094), DELAYS) is None
    assert due(disabled, day(1095), DELAYS) == DELETE


def test_nobody_is_disabled_without_a_warning_30_days_before_even_when_the_job_was_late():
    old = Account(START, True)
    assert due(old, day(900), DELAYS) == WARN, "not disabled at once: warned first"
    assert disabling_on(old, day(900), DELAYS) == day(930)
    assert disabling_on(old, day(700), DELAYS) == day(730)
    late = Account(START, True, warned_on=day(900))
    assert due(late, day(929), DELAYS) is None
    assert due(late, day(930), DELAYS) == DISABLE
    assert due(Account(START, True, warned_on=day(900)), day(2000), DELAYS) == DISABLE, "never deleted enabled"


def test_an_account_disabled_late_stays_disabled_30_days_before_its_deletion():
    assert due(Account(START, False, warned_on=day(1070), disabled_on=day(1100)), day(1129), DELAYS) is None
    assert due(Account(START, False, warned_on=day(1070), disabled_on=day(1100)), day(1130), DELAYS) == DELETE


def test_an_account_disabled_by_its_structure_gets_no_warning_and_is_deleted_at_36_months():
    removed = Account(START, False)
    assert due(removed, day(700), DELAYS) is None
    assert due(removed, day(730), DELAYS) is None
    assert due(removed, day(1095), DELAYS) == DELETE


def test_a_re_enable_by_staff_restarts_the_clock():
    reenabled = Account(START, True, warned_on=day(700), disabled_on=day(730))
    assert due(reenabled, day(800), DELAYS) == REENABLED
    assert last_activity(START, date(2020, 1, 1), reenabled=day(800)) == day(800)


def test_the_last_activity_is_the_latest_of_login_creation_and_re_enable():
    assert last_activity(None, START) == START, "never logged in: its creation"
    assert last_activity(day(10), START) == day(10)
    assert last_activity(day(10), START, day(5)) == day(10)
    # a realm older than the recording of logins: nobody counts as inactive from before it
    assert last_activity(None, date(2019, 5, 1), tracked_since=START) == START
    assert last_activity(day(3), date(2019, 5, 1), tracked_since=START) == day(3)
    assert parse_day("2026-12-01") == date(2026, 12, 1)
    assert parse_day("") is None and parse_day("01/12/2026") is None and parse_day(None) is None


def test_other_delays_are_followed():
    short = Delays(warn_days=10, disable_days=20, delete_days=40)
    assert short.notice_days == 10
    assert due(Account(START, True), day(10), short) == WARN
    assert due(Account(START, True, warned_on=day(10)), day(20), short) == DISABLE
    assert due(Account(START, False, disabled_on=day(20)), day(40), short) == DELETE


def test_the_personal_data_page_states_the_delays_the_job_follows():
    """« Données personnelles » reads the same settings as ``portal-adapter accounts lifecycle``."""
    from portal_adapter.app import create_app
    from portal_adapter.config import Settings

    default = create_app(Settings(env="test")).test_client().get("/donnees-personnelles").get_data(as_text=True)
    assert "pendant 23 mois" in " ".join(default.split()) and "désactivé à 24 mois" in " ".join(default.split())
    shorter = Settings(env="test", account_warn_days=335, account_disable_days=365, account_delete_days=730)
    page = " ".join(create_app(shorter).test_client().get("/donnees-personnelles").get_data(as_text=True).split())
    assert "pendant 11 mois" in page and "désactivé à 12 mois et supprimé à 24 mois" in page


def test_the_delays_must_grow():
    from portal_adapter.config import ConfigError, Settings

    Settings.from_env({"ACCOUNT_INACTIVE_WARN_DAYS": "10", "ACCOUNT_INACTIVE_DISABLE_DAYS": "20"})
    with pytest.raises(ConfigError, match="ACCOUNT_INACTIVE_WARN_DAYS"):
        Settings.from_env({"ACCOUNT_INACTIVE_WARN_DAYS": "800"})
    assert Settings.from_env({"ACCOUNT_LAST_LOGIN_SINCE": "2026-12-01"}).account_last_login_since == "2026-12-01"
    with pytest.raises(ConfigError, match="ACCOUNT_LAST_LOGIN_SINCE"):
        Settings.from_env({"ACCOUNT_LAST_LOGIN_SINCE": "01/12/2026"})
