"""The throttle on what sends e-mails (docs/throttles.md): its arithmetic (pure), and the
durable gate on a real database (counters that survive, audited, two requests counted twice)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from portal_adapter.config import ConfigError, Settings
from portal_adapter.notices import throttle
from portal_adapter.notices.email_gate import EmailGate
from portal_adapter.notices.throttle import Limit, decide, parse_limits

from portal_adapter import db

HOUR = 3600.0
DAY = 86400.0


def test_limits_are_read_from_the_settings_words():
    assert parse_limits("3/1h, 10/24h") == (Limit(3, HOUR), Limit(10, DAY))
    assert parse_limits("5/30min,2/10s,1/2d") == (Limit(5, 1800.0), Limit(2, 10.0), Limit(1, 2 * DAY))
    assert parse_limits("") == ()
    for wrong in ("3", "3/h", "0/1h", "3/0h", "trois/1h", "3/1y"):
        with pytest.raises(ValueError):
            parse_limits(wrong)


def test_the_settings_refuse_unreadable_limits_and_document_their_defaults():
    settings = Settings()
    assert settings.throttle_activation_link_per_address == "3/1h,10/24h"
    assert settings.throttle_password_reset_per_address == "3/1h,10/24h"
    assert (
        Settings.from_env({"THROTTLE_PASSWORD_RESET_PER_CLIENT": "5/1h"}).throttle_password_reset_per_client == "5/1h"
    )
    with pytest.raises(ConfigError, match="THROTTLE_SECURITY_EMAIL_PER_ADDRESS"):
        Settings.from_env({"THROTTLE_SECURITY_EMAIL_PER_ADDRESS": "beaucoup"})


def test_the_nth_send_in_a_window_goes_and_the_next_waits_for_the_oldest_to_leave_it():
    limits = (Limit(3, HOUR),)
    now = 10_000.0
    assert decide([now - 100, now - 50], [], limits, (), now).allowed
    blocked = decide([now - 100, now - 50, now - 10], [], limits, (), now)
    assert not blocked.allowed and blocked.reason == "address 3/3600s"
    assert blocked.retry_after == pytest.approx(HOUR - 100)
    # an hour after the oldest, one more may go: the block ends by itself
    assert decide([now - 100, now - 50, now - 10], [], limits, (), now + HOUR - 99).allowed


def test_the_longest_block_is_the_one_told_and_the_client_counts_too():
    address = (Limit(3, HOUR), Limit(5, DAY))
    now = 100_000.0
    sends = [now - 20 * HOUR, now - 10 * HOUR, now - 3 * HOUR, now - 60, now - 30]
    blocked = decide(sends, [], address, (), now)
    assert blocked.reason == "address 5/86400s" and blocked.retry_after == pytest.approx(4 * HOUR)
    client = decide([], [now - 1] * 20, (), (Limit(20, HOUR),), now)
    assert not client.allowed and client.reason == "client 20/3600s"
    assert decide([], [now - 1] * 19, (), (Limit(20, HOUR),), now).allowed
    assert throttle.longest_window(address, (Limit(1, 10.0),)) == DAY


def test_the_gate_counts_sends_durably_audits_every_request_and_lets_other_addresses_through(adapter_database_url):
    db.upgrade(adapter_database_url)
    engine = db.make_engine(adapter_database_url)
    clock = [50_000.0]
    settings = Settings(throttle_activation_link_per_address="2/1h", throttle_activation_link_per_client="3/1h")
    gate = EmailGate(engine, settings, clock=lambda: clock[0])
    assert gate.request("activation_link", "Ada@Exemple.test", "192.0.2.1").allowed
    assert gate.request("activation_link", "ada@exemple.test", "192.0.2.2").allowed
    refused = gate.request("activation_link", "ada@exemple.test", "192.0.2.3")
    assert not refused.allowed and refused.reason == "address 2/3600s"
    # another action, another address: their own counters
    assert gate.request("password_reset", "ada@exemple.test", "192.0.2.3").allowed
    assert gate.request("activation_link", "bob@exemple.test", "192.0.2.1").allowed
    # the client 192.0.2.1 is at 2 of 3 sends; a third address from it goes, a fourth is refused
    assert gate.request("activation_link", "carl@exemple.test", "192.0.2.1").allowed
    assert gate.request("activation_link", "dora@exemple.test", "192.0.2.1").reason == "client 3/3600s"
    # a new gate on the same database (a restart) still sees the counters; an hour later they are free
    again = EmailGate(db.make_engine(adapter_database_url), settings, clock=lambda: clock[0])
    assert not again.request("activation_link", "ada@exemple.test", "192.0.2.9").allowed
    clock[0] += HOUR
    assert again.request("activation_link", "ada@exemple.test", "192.0.2.9").allowed
    with engine.connect() as connection:
        rows = connection.execute(sa.select(db.email_sends).order_by(db.email_sends.c.id)).all()
    assert [r.result for r in rows] == [
        "sent",
        "sent",
        "throttled",
        "sent",
        "sent",
        "sent",
        "throttled",
        "throttled",
        "sent",
    ]
    assert rows[2].address == "ada@exemple.test" and rows[2].client == "192.0.2.3"
    assert "address 2/3600s" in rows[2].detail
    # the audit trail keeps 90 days
    clock[0] += 91 * DAY
    again.request("activation_link", "zoe@exemple.test", "192.0.2.1")
    with engine.connect() as connection:
        assert [r.address for r in connection.execute(sa.select(db.email_sends))] == ["zoe@exemple.test"]


def test_parallel_requests_for_one_address_are_each_counted(adapter_database_url):
    db.upgrade(adapter_database_url)
    engine = db.make_engine(adapter_database_url)
    gate = EmailGate(engine, Settings(throttle_password_reset_per_address="3/1h"))
    answers: list[bool] = []

    def ask() -> None:
        answers.append(gate.request("password_reset", "eve@exemple.test", "198.51.100.7").allowed)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False] * 5 + [True] * 3
