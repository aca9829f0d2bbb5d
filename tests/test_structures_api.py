"""GET /api/structures/{siret} on the running adapter (gunicorn), its register faked on
loopback: authentication, every error code with its French message, the published schema."""

from __future__ import annotations

import json
import subprocess

import pytest
import requests
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from devstack import paths
from devstack.fake_sirene import Scenario
from devstack.stack import REALM


@pytest.fixture(scope="module")
def spec(portal) -> dict:
    response = requests.get(f"{portal.url}/api/openapi.json", timeout=10)
    assert response.status_code == 200
    return response.json()


def _validator(spec: dict, schema: str) -> Draft202012Validator:
    registry = Registry().with_resource("urn:api", Resource.from_contents(spec, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"urn:api#/components/schemas/{schema}"}, registry=registry)


@pytest.fixture
def call(portal, secrets):
    def get(siret: str, token: str | None = secrets["PORTAL_API_SECRET"]) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.get(f"{portal.url}/api/structures/{siret}", headers=headers, timeout=20)

    return get


def test_anonymous_and_wrong_credentials_get_401(call):
    for token in (None, "not-the-secret", "a.b.c"):
        response = call("20008495200015", token=token)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_shared_secret_gets_the_record_in_the_published_schema(call, spec):
    response = call("200 084 952 00015")
    assert response.status_code == 200
    record = response.json()
    _validator(spec, "Structure").validate(record)
    assert record["siret"] == "20008495200015"
    assert record["address"]["city"] == "LE HAVRE CEDEX"
    assert record["structure_type"] == {"code": "intercommunalite", "label": "Intercommunalité"}


def test_a_service_account_token_of_an_allowed_client_is_accepted(call, keycloak, secrets):
    token = requests.post(
        f"{keycloak.url}/realms/{REALM}/protocol/openid-connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "portal-adapter",
            "client_secret": secrets["PORTAL_ADAPTER_CLIENT_SECRET"],
        },
        timeout=10,
    ).json()["access_token"]
    assert call("20008495200015", token=token).status_code == 200


def test_a_token_of_another_client_is_refused(call, keycloak, kc_admin):
    client_uuid = kc_admin.create_client(
        {
            "clientId": "intrus",
            "secret": "intrus-secret-123",
            "serviceAccountsEnabled": True,
            "standardFlowEnabled": False,
            "publicClient": False,
        }
    )
    try:
        token = requests.post(
            f"{keycloak.url}/realms/{REALM}/protocol/openid-connect/token",
            data={"grant_type": "client_credentials", "client_id": "intrus", "client_secret": "intrus-secret-123"},
            timeout=10,
        ).json()["access_token"]
        assert call("20008495200015", token=token).status_code == 401
    finally:
        kc_admin.delete_client(client_uuid)


@pytest.mark.parametrize(
    ("siret", "status", "code"),
    [
        ("2000849520001A", 400, "invalid_format"),
        ("1234567890123", 400, "invalid_format"),
        ("20008495200016", 400, "invalid_checksum"),
        ("21920023500022", 404, "not_found"),
        ("88087814500015", 422, "closed"),
    ],
)
def test_each_error_has_its_code_and_a_french_message(call, spec, siret, status, code):
    response = call(siret)
    assert response.status_code == status
    body = response.json()
    _validator(spec, "Error").validate(body)
    assert body["error"]["code"] == code
    assert body["error"]["message"].endswith(".")
    assert "Traceback" not in response.text


def test_a_closed_establishment_comes_with_its_record(call):
    body = call("88087814500015").json()
    assert body["error"]["structure"]["state"] == "closed"


def test_the_register_down_is_upstream_unavailable(call, fake_sirene):
    fake_sirene.scenarios[("recherche", "73282932000074")] = Scenario(status=503)
    fake_sirene.scenarios[("insee", "73282932000074")] = Scenario(status=503)
    try:
        response = call("73282932000074")
    finally:
        fake_sirene.reset()
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "upstream_unavailable"


def test_the_register_rate_limiting_is_rate_limited_with_retry_after(call, fake_sirene):
    fake_sirene.scenarios[("recherche", "21920023500014")] = Scenario(status=429, retry_after="60")
    fake_sirene.scenarios[("insee", "21920023500014")] = Scenario(status=429, retry_after="60")
    try:
        response = call("21920023500014")
    finally:
        fake_sirene.reset()
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


def test_unknown_api_path_is_json_not_html(portal, secrets):
    response = requests.get(
        f"{portal.url}/api/nothing-here",
        headers={"Authorization": f"Bearer {secrets['PORTAL_API_SECRET']}"},
        timeout=10,
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "http_error"


def test_the_cli_prints_the_offline_record(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    cli = str(paths.VENV / "bin" / "portal-adapter")
    result = subprocess.run(
        [cli, "siret", "lookup", "20008495200015", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["name"] == "LE HAVRE SEINE METROPOLE" and record["source"] == "offline"
    human = subprocess.run(
        [cli, "siret", "lookup", "20008495200015"], env=env, capture_output=True, text=True, timeout=60
    )
    assert "Type et nom de la voie" in human.stdout and "RUE GEORGES BRAQUE" in human.stdout
    bad = subprocess.run(
        [cli, "siret", "lookup", "20008495200016"], env=env, capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 1 and "invalid_checksum" in bad.stderr
