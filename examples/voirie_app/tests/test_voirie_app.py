"""The road-works reference app (examples/voirie_app) without any server: the request rules,
the ID token validation (with locally generated RSA keys), the requests store and the pages
through Flask's test client (the identity put in the session as the login callback does)."""

from __future__ import annotations

import html
import re
import sqlite3
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey
from voirie_app import create_app
from voirie_app.french_dates import local_today
from voirie_app.login_sessions import SessionStore, Tokens
from voirie_app.rules import MAX_DESCRIPTION, NATURES, validate_request
from voirie_app.settings import Settings
from voirie_app.store import RequestStore, SeedError, seed_requests
from voirie_app.tokens import (
    BACKCHANNEL_LOGOUT_EVENT,
    IdTokenValidator,
    InvalidIdToken,
    LogoutSubject,
    RealmKeys,
    concessions_from,
    identity_from,
)

DEMO = Path(__file__).resolve().parent.parent / "demo_requests.json"  # the app's own demo seed
TODAY = date(2026, 11, 26)
NORD = {"id": "ECR-0001", "label": "EAU DU HAVRE - RESEAU NORD"}
PORT = {"id": "ECR-0002", "label": "GAZ ESTUAIRE - SECTEUR PORT"}


# --- rules ---------------------------------------------------------------------------------


def good_form(**changes: str) -> dict[str, str]:
    form = {
        "concession": "ECR-0001",
        "adresse": "12 rue de Paris",
        "commune": "Le Havre",
        "date_debut": "2026-12-01",
        "date_fin": "2026-12-05",
        "nature": "Branchement",
        "description": "",
    }
    return form | changes


def errors_of(form: dict, concession_ids=("ECR-0001", "ECR-0002")) -> dict[str, str]:
    return validate_request(form, concession_ids, TODAY)[1]


def test_a_complete_request_is_cleaned_and_accepted():
    clean, errors, values = validate_request(
        good_form(adresse="  12 rue de Paris ", description="a\r\nb"), ["ECR-0001"], TODAY
    )
    assert errors == {}
    assert clean.address == "12 rue de Paris" and clean.description == "a\nb"
    assert (clean.start_date, clean.end_date) == (date(2026, 12, 1), date(2026, 12, 5))
    assert values["adresse"] == "12 rue de Paris"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"adresse": ""}, "adresse", "Indiquez l'adresse des travaux."),
        ({"adresse": "x" * 201}, "adresse", "L'adresse des travaux ne doit pas dépasser 200 caractères."),
        ({"commune": "  "}, "commune", "Indiquez la commune."),
        ({"date_debut": ""}, "date_debut", "Indiquez la date de début des travaux."),
        (
            {"date_debut": "01/12/2026"},
            "date_debut",
            "La date de début des travaux n'est pas une date valide (format attendu : AAAA-MM-JJ).",
        ),
        (
            {"date_debut": "2026-02-30"},
            "date_debut",
            "La date de début des travaux n'est pas une date valide (format attendu : AAAA-MM-JJ).",
        ),
        (
            {"date_debut": "20261201"},
            "date_debut",
            "La date de début des travaux n'est pas une date valide (format attendu : AAAA-MM-JJ).",
        ),
        ({"date_debut": "2026-11-25"}, "date_debut", "La date de début des travaux ne peut pas être dans le passé."),
        ({"date_fin": ""}, "date_fin", "Indiquez la date de fin des travaux."),
        (
            {"date_fin": "2026-13-01"},
            "date_fin",
            "La date de fin des travaux n'est pas une date valide (format attendu : AAAA-MM-JJ).",
        ),
        (
            {"date_fin": "2026-11-30"},
            "date_fin",
            "La date de fin des travaux doit être postérieure ou égale à la date de début.",
        ),
        ({"date_fin": "2027-12-01"}, "date_fin", "La durée des travaux ne peut pas dépasser 365 jours."),
        ({"nature": ""}, "nature", "Choisissez la nature des travaux."),
        ({"nature": "Démolition"}, "nature", "Choisissez la nature des travaux."),
        (
            {"description": "x" * (MAX_DESCRIPTION + 1)},
            "description",
            "La description des travaux ne doit pas dépasser 1000 caractères.",
        ),
        ({"concession": ""}, "concession", "Choisissez le compte de concession concerné."),
        ({"concession": "ECR-9999"}, "concession", "Ce compte de concession n'est pas rattaché à votre structure."),
    ],
)
def test_each_wrong_field_gets_its_french_message(changes, field, message):
    assert errors_of(good_form(**changes)) == {field: message}


def test_today_and_a_365_day_duration_are_allowed():
    start = TODAY.isoformat()
    assert errors_of(good_form(date_debut=start, date_fin=start)) == {}
    last_day = (TODAY + timedelta(days=364)).isoformat()
    assert errors_of(good_form(date_debut=start, date_fin=last_day)) == {}
    assert "date_fin" in errors_of(good_form(date_debut=start, date_fin=(TODAY + timedelta(days=365)).isoformat()))


def test_every_listed_nature_and_a_full_description_are_accepted():
    for nature in NATURES:
        assert errors_of(good_form(nature=nature, description="x" * MAX_DESCRIPTION)) == {}


def test_a_concession_of_another_structure_is_refused_even_when_it_exists():
    assert errors_of(good_form(concession="ECR-0002"), concession_ids=["ECR-0001"]) == {
        "concession": "Ce compte de concession n'est pas rattaché à votre structure."
    }


def test_missing_and_non_text_fields_are_reported_not_crashing():
    errors = errors_of({"adresse": ["liste"], "date_debut": None})
    assert set(errors) == {"concession", "adresse", "commune", "date_debut", "date_fin", "nature"}


# --- ID token validation -------------------------------------------------------------------

ISSUER = "http://keycloak.test/realms/hariane-pro"
DISCOVERY = f"{ISSUER}/.well-known/openid-configuration"
JWKS_URI = f"{ISSUER}/protocol/openid-connect/certs"
NOW = 1_800_000_000


def rsa_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})


class FakeRealm:
    """The discovery document and the JWKS, as fetch_json sees them; counts the fetches."""

    def __init__(self, *keys: RSAKey) -> None:
        self.keys = list(keys)
        self.fetches: list[str] = []

    def fetch_json(self, url: str):
        self.fetches.append(url)
        if url == DISCOVERY:
            return {"issuer": ISSUER, "jwks_uri": JWKS_URI}
        if url == JWKS_URI:
            return KeySet(self.keys).as_dict(private=False)
        raise AssertionError(f"unexpected URL {url}")


def validator_for(realm: FakeRealm, clock=None) -> IdTokenValidator:
    keys = RealmKeys(DISCOVERY, realm.fetch_json, clock=clock or time.monotonic)
    return IdTokenValidator(issuer=ISSUER, audience="voirie", keys=keys, now=lambda: NOW)


def claims(**changes) -> dict:
    base = {
        "iss": ISSUER,
        "aud": "voirie",
        "azp": "voirie",
        "typ": "ID",
        "sub": "user-1",
        "iat": NOW - 10,
        "exp": NOW + 300,
        "nonce": "n",
        "preferred_username": "pro.camille.martin",
        "given_name": "Camille",
        "family_name": "Martin",
        "pro_profile": "admin",
        "structure": {"siret": "81234567600017", "name": "RESEAUX NORMANDS TRAVAUX"},
        "concessions": [NORD, PORT],
    }
    return {k: v for k, v in (base | changes).items() if v is not None}


def signed(key, payload: dict, alg: str = "RS256") -> str:
    return jwt.encode({"alg": alg, "kid": key.kid, "typ": "JWT"}, payload, key)


KEY = rsa_key("k1")


def test_a_valid_id_token_is_accepted_and_its_identity_read():
    realm = FakeRealm(KEY)
    verified = validator_for(realm).validate(signed(KEY, claims()))
    identity = identity_from(verified)
    assert identity["sub"] == "user-1" and identity["name"] == "Camille Martin" and identity["profile"] == "admin"
    assert identity["structure"] == {"siret": "81234567600017", "name": "RESEAUX NORMANDS TRAVAUX"}
    assert identity["concessions"] == [NORD, PORT]
    assert realm.fetches == [DISCOVERY, JWKS_URI]


def test_an_audience_list_containing_the_client_is_accepted():
    assert validator_for(FakeRealm(KEY)).validate(signed(KEY, claims(aud=["voirie", "account"])))["sub"] == "user-1"


def test_the_keys_are_cached():
    realm = FakeRealm(KEY)
    validator = validator_for(realm)
    for _ in range(3):
        validator.validate(signed(KEY, claims()))
    assert realm.fetches == [DISCOVERY, JWKS_URI]


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: signed(rsa_key("k1"), claims()), id="signed by another key with the same kid"),
        pytest.param(lambda: signed(KEY, claims(iss="http://evil.test/realms/hariane-pro")), id="wrong issuer"),
        pytest.param(lambda: signed(KEY, claims(aud="portal", azp="portal")), id="wrong audience"),
        pytest.param(
            lambda: signed(KEY, claims(aud=["portal", "account"], azp="portal")), id="audience list without us"
        ),
        pytest.param(lambda: signed(KEY, claims(exp=NOW - 61)), id="expired beyond the leeway"),
        pytest.param(lambda: signed(KEY, claims(exp=None)), id="no expiry"),
        pytest.param(lambda: signed(KEY, claims(sub=None)), id="no subject"),
        pytest.param(lambda: signed(KEY, claims(typ="Bearer")), id="an access token"),
        pytest.param(lambda: signed(KEY, claims(azp="portal")), id="issued to another party"),
        pytest.param(lambda: signed(OctKey.import_key("s" * 32, {"kid": "k1"}), claims(), alg="HS256"), id="HMAC"),
        pytest.param(lambda: "e30.e30.", id="alg none"),
        pytest.param(lambda: "not-a-token", id="garbage"),
    ],
)
def test_invalid_id_tokens_are_rejected(token):
    with pytest.raises(InvalidIdToken):
        validator_for(FakeRealm(KEY)).validate(token())


def test_expiry_within_the_leeway_is_tolerated():
    assert validator_for(FakeRealm(KEY)).validate(signed(KEY, claims(exp=NOW - 30)))["sub"] == "user-1"


def test_a_tampered_payload_is_rejected():
    header, _, signature = signed(KEY, claims()).split(".")
    forged_payload = signed(KEY, claims(concessions=[{"id": "ECR-9999", "label": "AUTRE"}])).split(".")[1]
    with pytest.raises(InvalidIdToken):
        validator_for(FakeRealm(KEY)).validate(f"{header}.{forged_payload}.{signature}")


def test_an_unknown_kid_refetches_the_keys_once():
    realm = FakeRealm(KEY)
    clock = [100.0]
    validator = validator_for(realm, clock=lambda: clock[0])
    validator.validate(signed(KEY, claims()))
    rotated = rsa_key("k2")
    realm.keys.append(rotated)  # Keycloak rotated its keys
    assert validator.validate(signed(rotated, claims()))["sub"] == "user-1"
    assert realm.fetches.count(JWKS_URI) == 2

    stranger = rsa_key("k3")  # never published: refused, without hammering Keycloak
    for _ in range(3):
        with pytest.raises(InvalidIdToken):
            validator.validate(signed(stranger, claims()))
    assert realm.fetches.count(JWKS_URI) == 2  # just refetched: not again so soon
    clock[0] += 60
    for _ in range(3):
        with pytest.raises(InvalidIdToken):
            validator.validate(signed(stranger, claims()))
    assert realm.fetches.count(JWKS_URI) == 3  # once more, then not again


def test_unreachable_keys_reject_the_token():
    def down(url: str):
        raise OSError("connection refused")

    keys = RealmKeys(DISCOVERY, lambda url: down(url))
    validator = IdTokenValidator(issuer=ISSUER, audience="voirie", keys=keys, now=lambda: NOW)
    with pytest.raises(InvalidIdToken):
        validator.validate(signed(KEY, claims()))


def test_malformed_concessions_are_ignored():
    value = [
        NORD,
        "ECR-0003|TEXTE",
        None,
        42,
        {"id": "ECR-0004"},
        {"label": "SANS ID"},
        {"id": "", "label": "VIDE"},
        {"id": "bad id!", "label": "X"},
        {"id": "ECR-0005", "label": ""},
        {"id": "ECR-0006", "label": "x" * 201},
        {"id": 7, "label": "NOMBRE"},
        {"id": "ECR-0001", "label": "DOUBLON"},
        {"id": " ECR-0002 ", "label": " GAZ "},
    ]
    assert [(c.id, c.label) for c in concessions_from({"concessions": value})] == [
        ("ECR-0001", "EAU DU HAVRE - RESEAU NORD"),
        ("ECR-0002", "GAZ"),
    ]
    for absent in (
        {},
        {"concessions": None},
        {"concessions": []},
        {"concessions": "ECR-0001"},
        {"concessions": {"id": "ECR-0001", "label": "X"}},
    ):
        assert concessions_from(absent) == []


def test_a_signed_token_with_malformed_concessions_still_logs_in_without_them():
    token = signed(KEY, claims(concessions=[{"id": "ECR-0001"}, "x"], structure="pas un objet"))
    identity = identity_from(validator_for(FakeRealm(KEY)).validate(token))
    assert identity["concessions"] == [] and identity["structure"] is None


# --- back-channel logout tokens and server-side sessions ----------------------------------


def logout_claims(**changes) -> dict:
    base = {
        "iss": ISSUER,
        "aud": "voirie",
        "iat": NOW - 2,
        "exp": NOW + 120,
        "jti": "j-1",
        "typ": "Logout",
        "sub": "user-1",
        "sid": "sid-1",
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }
    return {k: v for k, v in (base | changes).items() if v is not None}


def test_a_valid_logout_token_names_the_session_and_the_user():
    validator = validator_for(FakeRealm(KEY))
    assert validator.validate_logout_token(signed(KEY, logout_claims())) == LogoutSubject("sid-1", "user-1")
    assert validator.validate_logout_token(signed(KEY, logout_claims(sid=None))) == LogoutSubject(None, "user-1")
    assert validator.validate_logout_token(signed(KEY, logout_claims(sub=None))) == LogoutSubject("sid-1", None)


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "http://elsewhere.test/realms/hariane-pro"},
        {"aud": "portal"},
        {"iat": None},
        {"events": None},
        {"events": {"http://schemas.openid.net/event/other": {}}},
        {"events": {BACKCHANNEL_LOGOUT_EVENT: "yes"}},
        {"nonce": "n"},
        {"sid": None, "sub": None},
        {"exp": NOW - 3600},
    ],
    ids=[
        "issuer",
        "audience",
        "no-iat",
        "no-events",
        "other-event",
        "event-not-object",
        "nonce",
        "no-sid-no-sub",
        "expired",
    ],
)
def test_invalid_logout_tokens_are_refused(changes):
    with pytest.raises(InvalidIdToken):
        validator_for(FakeRealm(KEY)).validate_logout_token(signed(KEY, logout_claims(**changes)))


def test_a_logout_token_signed_by_another_key_or_an_id_token_is_refused():
    validator = validator_for(FakeRealm(KEY))
    with pytest.raises(InvalidIdToken):
        validator.validate_logout_token(signed(rsa_key("k1"), logout_claims()))  # same kid, other key
    with pytest.raises(InvalidIdToken):
        validator.validate_logout_token(signed(KEY, claims()))  # an ID token is not a logout token
    with pytest.raises(InvalidIdToken):
        validator.validate(signed(KEY, logout_claims()))  # nor the other way round


def test_sessions_end_by_sid_or_by_user(tmp_path):
    store = SessionStore(tmp_path / "voirie.db")
    store.initialize()
    tokens = Tokens("id", "access", "refresh", NOW + 300.0)

    def new(sub: str, sid: str) -> str:
        return store.create(sub=sub, sid=sid, identity={"sub": sub}, tokens=tokens)

    first, second, other = new("user-1", "sid-1"), new("user-1", "sid-2"), new("user-2", "sid-3")
    assert store.get(first).identity == {"sub": "user-1"}
    assert store.end(sid="sid-1", sub="user-2") == 0  # a sid of someone else's: nothing
    sidless = store.create(sub="user-1", sid=None, identity={"sub": "user-1"}, tokens=tokens)
    assert store.end(sid="sid-1", sub="user-1") == 2 and store.get(first) is None and store.get(second)
    assert store.get(sidless) is None  # no sid to tell it apart: it ends with that user's logout
    assert store.end(sid=None, sub="user-1") == 1 and store.get(second) is None
    assert store.get(other) is not None and store.end(sid=None, sub=None) == 0
    assert not store.refreshed(first, {"sub": "user-1"}, tokens)  # an ended session stays ended


def test_the_backchannel_endpoint_ends_the_session_and_refuses_bad_tokens(app, monkeypatch):
    validator = app.extensions["voirie_auth"].validator
    monkeypatch.setattr(validator, "keys", RealmKeys(DISCOVERY, FakeRealm(KEY).fetch_json))
    monkeypatch.setattr(validator, "issuer", ISSUER)
    monkeypatch.setattr(validator, "_now", lambda: NOW)
    client = logged_in(app)
    assert client.get("/demandes").status_code == 200
    bad = app.test_client().post(
        "/auth/backchannel-logout", data={"logout_token": signed(KEY, logout_claims(nonce="x"))}
    )
    assert bad.status_code == 400 and bad.json["error"] == "invalid_request"
    assert client.get("/demandes").status_code == 200  # a refused token ends nothing
    done = app.test_client().post("/auth/backchannel-logout", data={"logout_token": signed(KEY, logout_claims())})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"  # no CSRF token needed
    assert client.get("/demandes").headers["Location"] == "/connexion"


class FakeTokenEndpoint:
    """The realm's token endpoint as authlib's client calls it for a refresh."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.calls: list[dict] = []

    def fetch_access_token(self, **params):
        self.calls.append(params)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_an_expired_access_token_is_refreshed_and_the_concessions_read_again(tmp_path):
    from authlib.integrations.base_client import OAuthError
    from voirie_app.auth import Authentication

    store = SessionStore(tmp_path / "voirie.db")
    store.initialize()
    refreshed = {
        "id_token": signed(KEY, claims(concessions=[PORT], exp=NOW + 300)),
        "access_token": "a2",
        "refresh_token": "r2",
        "expires_at": NOW + 300,
    }
    endpoint = FakeTokenEndpoint(refreshed)
    auth = Authentication(endpoint, validator_for(FakeRealm(KEY)), store, clock=lambda: NOW)
    identity = identity_from(claims())
    key = store.create(sub="user-1", sid="sid-1", identity=identity, tokens=Tokens("id", "a1", "r1", NOW + 100))
    assert auth.current(key).identity["concessions"] == [NORD, PORT] and endpoint.calls == []  # still valid
    expired = store.create(sub="user-1", sid="sid-1", identity=identity, tokens=Tokens("id", "a1", "r1", NOW - 1))
    live = auth.current(expired)
    assert endpoint.calls == [{"grant_type": "refresh_token", "refresh_token": "r1"}]
    assert live.identity["concessions"] == [PORT] and store.get(expired).identity["concessions"] == [PORT]
    assert store.get(expired).tokens.refresh_token == "r2"

    endpoint.answer = OAuthError(error="invalid_grant", description="Session not active")
    ended = store.create(sub="user-1", sid="sid-1", identity=identity, tokens=Tokens("id", "a1", "r1", NOW - 1))
    assert auth.current(ended) is None and store.get(ended) is None  # the realm ended it: so does the app
    endpoint.answer = OSError("unreachable")
    kept = store.create(sub="user-1", sid="sid-1", identity=identity, tokens=Tokens("id", "a1", "r1", NOW - 1))
    assert auth.current(kept) is None and store.get(kept) is not None  # not served stale, not ended either


# --- store ---------------------------------------------------------------------------------


def new_store(tmp_path: Path) -> RequestStore:
    store = RequestStore(tmp_path / "sub" / "voirie.db")
    store.initialize()
    return store


def file_one(store: RequestStore, concession: dict = NORD, when: datetime | None = None, **changes):
    values = {
        "concession_id": concession["id"],
        "concession_label": concession["label"],
        "address": "12 rue de Paris",
        "commune": "Le Havre",
        "start_date": date(2026, 12, 1),
        "end_date": date(2026, 12, 5),
        "nature": "Branchement",
        "description": "",
        "filed_by": "user-1",
        "filed_by_name": "Camille Martin",
        "filed_at": when,
    } | changes
    return store.file(**values)


def test_the_store_uses_wal(tmp_path):
    store = new_store(tmp_path)
    with sqlite3.connect(store.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_seed_is_idempotent(tmp_path):
    store = new_store(tmp_path)
    assert store.seed(DEMO) == 4
    assert store.seed(DEMO) == 0
    assert len(store.for_concessions(["ECR-0001", "ECR-0002"])) == 4


def test_the_demo_file_has_requests_for_both_demo_concessions():
    by_concession = [r.concession_id for r in seed_requests(DEMO)]
    assert by_concession.count("ECR-0001") >= 2 and by_concession.count("ECR-0002") == 1


def test_a_broken_seed_file_says_what_is_wrong(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"reference": "AOV-2026-000001"}]')
    with pytest.raises(SeedError, match="request 1"):
        new_store(tmp_path).seed(bad)


def test_references_follow_the_year_and_stay_unique(tmp_path):
    store = new_store(tmp_path)
    store.seed(DEMO)  # AOV-2026-000001 … 000004
    first = file_one(store, when=datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    second = file_one(store, when=datetime(2026, 11, 26, 10, 1, tzinfo=UTC))
    next_year = file_one(store, when=datetime(2027, 1, 2, 8, 0, tzinfo=UTC))
    assert (first.reference, second.reference, next_year.reference) == (
        "AOV-2026-000005",
        "AOV-2026-000006",
        "AOV-2027-000001",
    )
    assert first.status == "Déposée" and first.filed_at == "2026-11-26T10:00:00Z"


def test_references_stay_unique_when_filed_at_once(tmp_path):
    store = new_store(tmp_path)
    references: list[str] = []

    def filer():
        for _ in range(10):
            references.append(file_one(RequestStore(store.path)).reference)

    threads = [threading.Thread(target=filer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(references) == 40 and len(set(references)) == 40


def test_the_listing_is_filtered_by_concession_and_newest_first(tmp_path):
    store = new_store(tmp_path)
    store.seed(DEMO)
    mine = file_one(store, when=datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    other = file_one(store, {"id": "ECR-0003", "label": "CAUX FIBRE"}, when=datetime(2026, 11, 26, 12, 5, tzinfo=UTC))
    nord = store.for_concessions(["ECR-0001"])
    assert {r.concession_id for r in nord} == {"ECR-0001"}
    assert nord[0].reference == mine.reference
    assert [r.filed_at for r in nord] == sorted((r.filed_at for r in nord), reverse=True)
    assert other.reference not in {r.reference for r in store.for_concessions(["ECR-0001", "ECR-0002"])}
    assert store.for_concessions([]) == []


# --- pages (Flask test client) -------------------------------------------------------------


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        base_url="http://voirie.test",
        keycloak_url="http://127.0.0.1:9",
        client_secret="secret",
        secret_key="test-key",
        database_path=tmp_path / "voirie.db",
        demo_requests=DEMO,
        portal_url="http://portal.test",
    )


@pytest.fixture
def app(settings):
    return create_app(settings)


def logged_in(app, concessions=(NORD,), profile: str = "standard", acr: str = "mfa"):
    """A client whose server-side session holds that identity (tokens valid for an hour)."""
    client = app.test_client()
    identity = identity_from(claims(concessions=list(concessions), pro_profile=profile, acr=acr))
    key = SessionStore(app.extensions["voirie_auth"].store.path).create(
        sub=identity["sub"],
        sid="sid-1",
        identity=identity,
        tokens=Tokens("header.payload.signature", "access", "refresh", time.time() + 3600),
    )
    with client.session_transaction() as session:
        session["key"] = key
    return client


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def csrf_of(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_anonymous_visitors_are_sent_to_the_login_and_see_a_french_home(app):
    client = app.test_client()
    assert client.get("/demandes/nouvelle").headers["Location"] == "/connexion"
    home = client.get("/")
    assert home.status_code == 200 and '<html lang="fr">' in page_text(home) and "Se connecter" in page_text(home)


def test_the_home_lists_the_two_demarches_only_with_concessions(app):
    text = page_text(logged_in(app).get("/"))
    assert "Consulter vos demandes d'autorisation" in text
    assert "Demander une autorisation d'ouverture de voirie" in text
    text = page_text(logged_in(app, concessions=()).get("/"))
    assert "Demander une autorisation d'ouverture de voirie" not in text
    assert "Rattacher un compte de concession voirie" in text


def test_without_concessions_the_demarches_answer_a_french_403(app):
    client = logged_in(app, concessions=())
    for path in ("/demandes", "/demandes/nouvelle"):
        response = client.get(path)
        text = page_text(response)
        assert response.status_code == 403
        assert "« Espace Concessionnaires Réseaux »" in text and "déconnectez-vous puis reconnectez-vous" in text
        assert 'href="http://portal.test/tableau-de-bord"' in text


def test_the_listing_shows_only_the_tokens_concessions(app):
    text = page_text(logged_in(app, concessions=(PORT,)).get("/demandes"))
    assert "AOV-2026-000004" in text and "AOV-2026-000001" not in text
    text = page_text(logged_in(app).get("/demandes"))
    assert "AOV-2026-000001" in text and "AOV-2026-000004" not in text
    assert text.index("AOV-2026-000003") < text.index("AOV-2026-000001")  # newest first


def test_a_request_is_filed_and_listed_with_a_flash(app):
    client = logged_in(app)
    form = client.get("/demandes/nouvelle")
    assert "selected>EAU DU HAVRE - RESEAU NORD (ECR-0001)" in form.get_data(as_text=True)  # the only one
    start = local_today() + timedelta(days=3)
    response = client.post(
        "/demandes/nouvelle",
        data={
            "csrf_token": csrf_of(form),
            "concession": "ECR-0001",
            "adresse": "8 place de l'Hôtel de Ville",
            "commune": "Le Havre",
            "date_debut": start.isoformat(),
            "date_fin": (start + timedelta(days=2)).isoformat(),
            "nature": "Réparation / fuite",
            "description": "Fuite sous trottoir",
        },
        follow_redirects=True,
    )
    text = page_text(response)
    reference = re.search(r"Votre demande (AOV-\d{4}-\d{6}) a été déposée\.", text).group(1)
    assert response.request.path == "/demandes"
    assert text.count(reference) == 2 and "8 place de l'Hôtel de Ville" in text and "Déposée" in text


def test_bad_input_is_refused_field_by_field_and_kept(app):
    client = logged_in(app, concessions=(NORD, PORT))
    form = client.get("/demandes/nouvelle")
    response = client.post(
        "/demandes/nouvelle",
        data={
            "csrf_token": csrf_of(form),
            "concession": "ECR-0001",
            "adresse": "<script>x</script>",
            "commune": "",
            "date_debut": "2020-01-01",
            "date_fin": "2026-02-30",
            "nature": "Branchement",
            "description": "gardé",
        },
    )
    raw = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<script>x</script>" not in raw and 'value="&lt;script&gt;x&lt;/script&gt;"' in raw
    assert 'aria-describedby="commune-erreur"' in raw
    assert re.search(r'id="commune-erreur" class="erreur" role="alert">Indiquez la commune\.<', raw)
    assert "ne peut pas être dans le passé" in page_text(response)
    assert ">gardé</textarea>" in raw and 'value="ECR-0001" selected' in raw


def test_a_concession_not_in_the_token_is_refused(app, settings):
    client = logged_in(app)
    form = client.get("/demandes/nouvelle")
    start = local_today().isoformat()  # the app's today: Le Havre's
    response = client.post(
        "/demandes/nouvelle",
        data={
            "csrf_token": csrf_of(form),
            "concession": "ECR-0002",
            "adresse": "Quai",
            "commune": "Le Havre",
            "date_debut": start,
            "date_fin": start,
            "nature": "Autre",
        },
    )
    assert response.status_code == 400
    assert "Ce compte de concession n'est pas rattaché à votre structure." in page_text(response)
    assert len(RequestStore(settings.database_path).for_concessions(["ECR-0001", "ECR-0002"])) == 4  # the seeds


def test_forms_without_csrf_are_refused_in_french(app):
    client = logged_in(app)
    response = client.post("/demandes/nouvelle", data={"concession": "ECR-0001"})
    assert response.status_code == 400 and "Formulaire expiré" in page_text(response)
    assert client.post("/deconnexion").status_code == 400


def test_invoices_stay_reserved_to_privileged_and_admin_profiles(app):
    response = logged_in(app, profile="standard").get("/factures")
    assert response.status_code == 403
    assert "réservés aux profils « privilégié » et « administrateur »" in page_text(response)
    assert logged_in(app, profile="privileged").get("/factures").status_code == 200


def test_invoices_send_a_password_only_login_through_the_second_factor(app, monkeypatch):
    from authlib.integrations.flask_client import FlaskOAuth2App

    assert logged_in(app, profile="admin", acr="mfa").get("/factures").status_code == 200
    client = logged_in(app, profile="admin", acr="pwd")
    response = client.get("/factures")
    assert response.status_code == 302 and response.headers["Location"].endswith("/connexion")
    monkeypatch.setattr(
        FlaskOAuth2App, "load_server_metadata", lambda self: {"authorization_endpoint": "http://keycloak.test/auth"}
    )
    query = parse_qs(urlparse(client.get("/connexion").headers["Location"]).query)
    assert query["acr_values"] == ["mfa"]
    assert "acr_values" not in parse_qs(urlparse(app.test_client().get("/connexion").headers["Location"]).query)


def test_errors_are_french_pages(app):
    client = app.test_client()
    missing = client.get("/nulle-part")
    assert missing.status_code == 404 and "Page introuvable" in page_text(missing)
    assert client.delete("/demandes").status_code == 405
    assert "Action non autorisée" in page_text(client.delete("/demandes"))


def test_logout_without_a_reachable_keycloak_still_clears_the_session(app):
    client = logged_in(app)
    with client.session_transaction() as session:
        key = session["key"]
    response = client.post("/deconnexion", data={"csrf_token": csrf_of(client.get("/"))})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "key" not in session
    assert app.extensions["voirie_auth"].store.get(key) is None  # gone server-side too


def test_logout_ends_the_keycloak_session_with_the_id_token(app, monkeypatch):
    from authlib.integrations.flask_client import FlaskOAuth2App

    monkeypatch.setattr(
        FlaskOAuth2App, "load_server_metadata", lambda self: {"end_session_endpoint": "http://keycloak.test/logout"}
    )
    client = logged_in(app)
    response = client.post("/deconnexion", data={"csrf_token": csrf_of(client.get("/"))})
    location = response.headers["Location"]
    assert location.startswith("http://keycloak.test/logout?")
    assert "id_token_hint=header.payload.signature" in location
    assert "post_logout_redirect_uri=http%3A%2F%2Fvoirie.test%2F" in location and "client_id=voirie" in location
