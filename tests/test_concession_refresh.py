"""A structure detaches a concession while a member is signed in to the reference road-works
app: within the access token's lifetime the app, which refreshes its tokens and re-reads the
``concessions`` claim, refuses the démarche for it and never shows the next holder's requests.

The voirie client's access tokens are made short-lived for this test only (a client setting
through the admin API, put back afterwards); the shipped realm keeps 5 minutes."""

from __future__ import annotations

import datetime
import re
import time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from voirie_app.store import RequestStore

from tests.support.accounts import csrf
from tests.support.concession_http import database, import_registry, logged_in, submit_link, text
from tests.support.structures import structure_member

TOKEN_LIFESPAN_SECONDS = 15
B_ADDRESS = "181 quai de la structure B"


@pytest.fixture
def short_voirie_tokens(kc_admin):
    client_id = kc_admin.get_client_id("voirie")
    client = kc_admin.get_client(client_id)
    before = client.get("attributes", {}).get("access.token.lifespan", "")
    client["attributes"]["access.token.lifespan"] = str(TOKEN_LIFESPAN_SECONDS)
    kc_admin.update_client(client_id, client)
    yield TOKEN_LIFESPAN_SECONDS
    client = kc_admin.get_client(client_id)
    client["attributes"]["access.token.lifespan"] = before
    kc_admin.update_client(client_id, client)


def _public_id(portal, label: str) -> str:
    with database(portal).connect() as connection:
        return connection.execute(
            sa.text("SELECT public_id FROM concession_accounts WHERE label = :label"), {"label": label}
        ).scalar_one()


def _file(app, voirie_url: str, concession: str, address: str):
    form = app.request("GET", f"{voirie_url}/")
    start = datetime.datetime.now(ZoneInfo("Europe/Paris")).date() + datetime.timedelta(days=5)
    return app.request(
        "POST",
        f"{voirie_url}/demandes/nouvelle",
        {
            "csrf_token": csrf(form.text),
            "concession": concession,
            "adresse": address,
            "commune": "Le Havre",
            "date_debut": start.isoformat(),
            "date_fin": (start + datetime.timedelta(days=2)).isoformat(),
            "nature": "Branchement",
            "description": "",
        },
    )


def test_a_detached_concession_is_refused_by_the_reference_app_within_the_token_lifetime(
    tmp_path, portal, voirie, kc_admin, short_voirie_tokens
):
    label = import_registry(portal, tmp_path, ("RESEAU DETACHE", "5821"))[0]
    public_id = _public_id(portal, label)
    member_a, member_b = structure_member(kc_admin), structure_member(kc_admin)
    portal_a = logged_in(portal.url, member_a.username)
    assert "a été rattaché à votre structure" in text(submit_link(portal_a, portal.url, label, "5821"))

    # A's member in the reference app (single sign-on): the démarche opens and a request is filed
    listing = portal_a.request("GET", f"{voirie.url}/demandes")
    assert listing.status_code == 200 and f"{label} ({public_id})" in text(listing)
    filed = _file(portal_a, voirie.url, public_id, "3 rue de la structure A")
    assert re.search(r"Votre demande AOV-\d{4}-\d{6} a été déposée\.", text(filed))

    # A detaches the concession; B links it and files a request for it
    dashboard = portal_a.request("GET", f"{portal.url}/tableau-de-bord")
    detached = portal_a.request(
        "POST", f"{portal.url}/concessions/{public_id}/detacher", {"csrf_token": csrf(dashboard.text)}
    )
    detached_at = time.monotonic()
    assert "Le compte a été détaché de votre structure." in text(detached)
    portal_b = logged_in(portal.url, member_b.username)
    assert "a été rattaché à votre structure" in text(submit_link(portal_b, portal.url, label, "5821"))
    store = RequestStore(voirie.env["VOIRIE_DATABASE_PATH"])
    store.file(
        concession_id=public_id,
        concession_label=label,
        address=B_ADDRESS,
        commune="Le Havre",
        start_date=datetime.date.today(),
        end_date=datetime.date.today(),
        nature="Autre",
        description="",
        filed_by=member_b.user_id,
        filed_by_name="Structure B",
    )

    # A's old session: refused within the token lifetime (until then its token still names the
    # concession), and from then on never shows B's request
    while True:
        listing = portal_a.request("GET", f"{voirie.url}/demandes")
        if listing.status_code == 403:
            break
        assert time.monotonic() - detached_at < short_voirie_tokens + 10, "still open after the token lifetime"
        time.sleep(1)
    print(
        f"the reference app refused the detached concession {time.monotonic() - detached_at:.1f} s after « Détacher »"
    )
    assert "Aucun compte de concession voirie n'est rattaché à votre structure." in text(listing)
    assert B_ADDRESS not in text(listing)
    refused = _file(portal_a, voirie.url, public_id, "5 rue de la structure A")
    assert refused.status_code == 403
    addresses = {r.address for r in store.for_concessions([public_id])}
    assert addresses == {"3 rue de la structure A", B_ADDRESS}  # nothing filed after the detachment
