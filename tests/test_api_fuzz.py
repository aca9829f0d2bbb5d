"""Fuzzing the adapter's API on the running adapter (gunicorn, its register faked on loopback)
against the OpenAPI document it serves.

schemathesis generates SIRETs of the documented form and others, other methods, missing
credentials: every answer must be documented (status code, content type, body, headers) and
none may be a 5xx. The same without a token and with a wrong one: nothing gets past
authentication. Then Hypothesis makes up bearer tokens (JWT-shaped or not, forged with the
realm's key id, ``alg: none``...): always 401, never a 5xx.

Bounded: about 450 requests in all, well under a minute.
"""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from devstack.stack import REALM

# A SIRET of the documented form may still fail its checksum (400 invalid_checksum) or be a
# closed establishment (422 closed): for those two, "schema-valid request rejected" is no bug.
VALID_FORM_ANSWERS = ["2xx", "400", "401", "404", "422", "429", "503"]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_UNAUTHENTICATED = settings(FUZZ, max_examples=40)


def _load(portal, authorization: str | None):
    config = SchemathesisConfig.from_dict(
        {
            "headers": {"Authorization": authorization} if authorization else {},
            "checks": {"positive_data_acceptance": {"expected-statuses": VALID_FORM_ANSWERS}},
            "request-timeout": 20,
        }
    )
    return schemathesis.openapi.from_url(f"{portal.url}/api/openapi.json", config=config, timeout=10)


@pytest.fixture(scope="module")
def api_with_secret(portal, secrets):
    return _load(portal, f"Bearer {secrets['PORTAL_API_SECRET']}")


@pytest.fixture(scope="module")
def api_anonymous(portal):
    return _load(portal, None)


@pytest.fixture(scope="module")
def api_wrong_secret(portal):
    return _load(portal, "Bearer pas-le-bon-secret")


@pytest.fixture(autouse=True)
def _schemathesis_node_id(request):
    """schemathesis 4.32 renames its tests through ``Node._nodeid``, which pytest 9.2 no longer has."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


with_secret = schemathesis.pytest.from_fixture("api_with_secret")
anonymous = schemathesis.pytest.from_fixture("api_anonymous")
wrong_secret = schemathesis.pytest.from_fixture("api_wrong_secret")


def _refused(response: requests.Response) -> bool:
    """401, or a routing error for a URL that names no operation (empty SIRET): never data."""
    return response.status_code == 401 or (
        response.status_code in (404, 405) and response.json()["error"]["code"] == "http_error"
    )


@with_secret.parametrize()
@FUZZ
def test_every_answer_is_documented(case):
    case.call_and_validate()


@anonymous.parametrize()
@FUZZ_UNAUTHENTICATED
def test_without_credentials_everything_is_refused(case):
    response = case.call_and_validate()
    assert _refused(response), (response.status_code, response.text)


@wrong_secret.parametrize()
@FUZZ_UNAUTHENTICATED
def test_with_a_wrong_secret_everything_is_refused(case):
    response = case.call_and_validate()
    assert _refused(response), (response.status_code, response.text)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64_json(value) -> str:
    return _b64(json.dumps(value).encode())


@pytest.fixture(scope="module")
def realm_key_ids(keycloak) -> list[str]:
    certs = requests.get(f"{keycloak.url}/realms/{REALM}/protocol/openid-connect/certs", timeout=10).json()
    return [key["kid"] for key in certs["keys"]]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)
HEADER_NAMES = ("typ", "crit", "b64", "zip", "enc", "jku", "jwk", "x5c", "x5u", "cty")
ALGORITHMS = ("RS256", "RS512", "PS256", "ES256", "EdDSA", "HS256", "none", "dir", "A128KW", "RSA-OAEP")
# Printable ASCII: what an HTTP client can put in a header.
HEADER_TEXT = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=80)


def _tokens(key_ids: list[str]):
    kid = st.sampled_from(key_ids) | st.text(max_size=12) | JSON
    header = (
        st.fixed_dictionaries(
            {"alg": st.sampled_from(ALGORITHMS) | JSON},
            optional={"kid": kid, **{name: JSON for name in HEADER_NAMES}},
        )
        | JSON
    )
    claims = (
        st.fixed_dictionaries(
            {"azp": st.sampled_from(["portal-adapter", "intrus"]) | JSON, "exp": st.integers() | JSON},
            optional={"iss": st.text(max_size=20) | JSON, "client_id": JSON},
        )
        | JSON
    )
    signature = st.binary(max_size=64).map(_b64)
    jwt_shaped = st.builds(lambda h, c, s: f"{_b64_json(h)}.{_b64_json(c)}.{s}", header, claims, signature)
    three_parts = st.builds(lambda a, b, c: f"{a}.{b}.{c}", HEADER_TEXT, HEADER_TEXT, HEADER_TEXT)
    return jwt_shaped | three_parts | HEADER_TEXT


@given(data=st.data())
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_made_up_bearer_tokens_are_refused(portal, realm_key_ids, data):
    token = data.draw(_tokens(realm_key_ids), label="token")
    response = requests.get(
        f"{portal.url}/api/structures/20008495200015", headers={"Authorization": f"Bearer {token}"}, timeout=20
    )
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthenticated"


def test_forged_tokens_with_the_right_claims_are_refused(portal, keycloak, realm_key_ids):
    """Claims an allowed client's token would carry, without the realm's signature; and
    ill-typed headers (``"crit": true`` made the adapter answer 500 before the fix)."""
    claims = _b64_json(
        {
            "iss": f"{keycloak.url}/realms/{REALM}",
            "exp": int(time.time()) + 600,
            "azp": "portal-adapter",
            "client_id": "portal-adapter",
        }
    )
    forged = [f"{_b64_json({'alg': 'none'})}.{claims}."]
    for kid in realm_key_ids:
        forged += [
            f"{_b64_json({'alg': 'none', 'kid': kid})}.{claims}.",
            f"{_b64_json({'alg': 'HS256', 'kid': kid})}.{claims}.{_b64(b'0' * 32)}",
            f"{_b64_json({'alg': 'RS256', 'kid': kid})}.{claims}.{_b64(b'0' * 256)}",
        ]
        for header in ({"crit": True}, {"crit": None}, {"crit": [1]}, {"crit": [{}]}, {"kid": 5}, {"alg": ["RS256"]}):
            forged.append(f"{_b64_json({'alg': 'RS256', 'kid': kid, **header})}.{claims}.{_b64(b'0' * 256)}")
    for token in forged:
        response = requests.get(
            f"{portal.url}/api/structures/20008495200015", headers={"Authorization": f"Bearer {token}"}, timeout=20
        )
        assert response.status_code == 401, (token, response.text)
