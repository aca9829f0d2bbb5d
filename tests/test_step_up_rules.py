"""Step-up's building blocks without servers: when an ID token proves a recent second factor,
and the forms kept server-side while Keycloak asks for it (one-time, 10 minutes, sealed,
bound to their login session)."""

from __future__ import annotations

import sqlalchemy as sa
from portal_adapter.db import make_engine, step_up_pending, upgrade
from portal_adapter.web import step_up_pending as pending
from portal_adapter.web.login_sessions import (
    end_sessions,
    is_live,
    last_authentication,
    open_session,
    record_authentication,
)
from portal_adapter.web.step_up_rules import Refusal, second_factor_is_recent, step_up_refusal

NOW = 1_800_000_000.0
SECRET = "a portal secret key for the tests, long enough"


def test_a_second_factor_within_15_minutes_is_recent_and_nothing_else():
    assert second_factor_is_recent("mfa", NOW - 900, NOW, 900)
    assert second_factor_is_recent("mfa", int(NOW - 10), NOW, 900)
    assert second_factor_is_recent("mfa", NOW + 30, NOW, 900)  # clocks a little apart
    assert not second_factor_is_recent("mfa", NOW - 901, NOW, 900)
    assert not second_factor_is_recent("pwd", NOW - 10, NOW, 900)
    assert not second_factor_is_recent("1", NOW - 10, NOW, 900)
    assert not second_factor_is_recent(None, NOW - 10, NOW, 900)
    assert not second_factor_is_recent("mfa", None, NOW, 900)
    assert not second_factor_is_recent("mfa", "1800000000", NOW, 900)
    assert not second_factor_is_recent("mfa", True, NOW, 900)
    assert not second_factor_is_recent("mfa", NOW + 3600, NOW, 900)


def test_a_step_up_token_must_be_the_same_person_with_a_fresh_second_factor():
    fresh = {"sub": "u1", "acr": "mfa", "auth_time": int(NOW - 5)}
    assert step_up_refusal(fresh, "u1", NOW, 900) is None
    assert step_up_refusal({**fresh, "sub": "u2"}, "u1", NOW, 900) is Refusal.OTHER_USER
    assert step_up_refusal({**fresh, "acr": "pwd"}, "u1", NOW, 900) is Refusal.NO_SECOND_FACTOR
    assert step_up_refusal({**fresh, "auth_time": int(NOW - 1000)}, "u1", NOW, 900) is Refusal.STALE
    assert step_up_refusal({"sub": "u1", "acr": "mfa"}, "u1", NOW, 900) is Refusal.STALE


def _engine(tmp_path) -> sa.Engine:
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    upgrade(url)  # the migrations make the tables (0012: acr, auth_time, step_up_pending, resets)
    return make_engine(url)


def test_a_login_session_remembers_its_last_authentication(tmp_path):
    engine = _engine(tmp_path)
    key = open_session(engine, "u1", "sid-1", acr="pwd", auth_time=int(NOW - 3000))
    assert last_authentication(engine, key) == ("pwd", NOW - 3000)
    record_authentication(engine, key, "mfa", int(NOW))
    assert last_authentication(engine, key) == ("mfa", NOW)
    assert last_authentication(engine, "no such key") == (None, None)
    assert last_authentication(engine, open_session(engine, "u2", None, auth_time="x")) == (None, None)
    record_authentication(engine, key, "mfa", int(NOW), sid="sid-2")  # Keycloak opened a new session
    assert end_sessions(engine, "sid-2", "u1") == 1 and not is_live(engine, key)  # its logout ends this one


def test_a_kept_form_is_given_back_once_to_its_own_session_person_and_action(tmp_path):
    engine = _engine(tmp_path)
    mine = {"session_key": "s1", "sub": "u1", "action": "concessions.link"}
    payload = {"intitule": "Eau Nord", "code": "0427"}
    kept = pending.keep(engine, SECRET, payload=payload, now=NOW, **mine)
    assert pending.take(engine, SECRET, kept, now=NOW + 1, **mine) == payload
    assert pending.take(engine, SECRET, kept, now=NOW + 2, **mine) is None  # one-time

    for other in ({"session_key": "s2"}, {"sub": "u2"}, {"action": "concessions.unlink"}):
        kept = pending.keep(engine, SECRET, payload=payload, now=NOW, **mine)
        assert pending.take(engine, SECRET, kept, now=NOW + 1, **{**mine, **other}) is None
        assert pending.take(engine, SECRET, kept, now=NOW + 1, **mine) is None  # gone after a wrong try

    kept = pending.keep(engine, SECRET, payload=payload, now=NOW, **mine)
    assert pending.take(engine, SECRET, kept, now=NOW + 601, **mine) is None  # 10 minutes at most
    kept = pending.keep(engine, "another secret key of the same length, or not", payload=payload, now=NOW, **mine)
    assert pending.take(engine, SECRET, kept, now=NOW + 1, **mine) is None


def test_a_kept_form_is_sealed_and_a_session_keeps_one(tmp_path):
    engine = _engine(tmp_path)
    mine = {"session_key": "s1", "sub": "u1", "action": "concessions.link"}
    first = pending.keep(engine, SECRET, payload={"intitule": "Eau Nord", "code": "0427"}, now=NOW, **mine)
    pending.keep(engine, SECRET, payload={"intitule": "Gaz Sud", "code": "9876"}, now=NOW, **mine)
    pending.keep(engine, SECRET, payload={"x": 1}, now=NOW - 700, session_key="s9", sub="u9", action="a")
    pending.keep(engine, SECRET, payload={"x": 1}, now=NOW, session_key="s3", sub="u3", action="a")
    with engine.connect() as connection:
        rows = connection.execute(sa.select(step_up_pending)).all()
    assert sorted(r.session_key for r in rows) == ["s1", "s3"]  # the older one replaced, the expired purged
    stored = " ".join(str(value) for row in rows for value in row)
    assert "9876" not in stored and "Gaz Sud" not in stored  # sealed
    assert pending.take(engine, SECRET, first, now=NOW, **mine) is None
