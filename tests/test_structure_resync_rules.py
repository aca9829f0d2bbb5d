"""The SIRENE re-sync's building blocks without Keycloak: what is recorded beside the declared
values (pure), the register read afresh and its successor links (the fake register, in its real
formats), and the resumable runs in the adapter's database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from portal_adapter.db import make_engine, upgrade
from portal_adapter.sirene.cache import SiretCache
from portal_adapter.sirene.errors import RegisterUnavailable
from portal_adapter.sirene.insee import InseeClient, successor_of
from portal_adapter.sirene.lookup import StructureLookup
from portal_adapter.sirene.rate_limit import MemorySlots, RateLimiter
from portal_adapter.sirene.recherche_entreprises import RechercheEntreprisesClient
from portal_adapter.sirene.upstream_http import UpstreamHttp
from portal_adapter.structures import runs
from portal_adapter.structures.register_values import comparable, differing_values, updated_attributes

from devstack.fake_sirene import INSEE_KEY, FakeSirene

HEAD_OFFICE = "73282932000074"
SECONDARY = "39860733300059"
SUCCESSOR = "20008495200015"
NOW = "2026-12-01T10:00:00Z"


@pytest.fixture(scope="module")
def fake():
    server = FakeSirene().start()
    yield server
    server.stop()


@pytest.fixture
def engine(fake, adapter_database_url):
    """The adapter's database, migrated; the register as it was (no change left by a test)."""
    fake.reset()
    upgrade(adapter_database_url)
    yield (engine := make_engine(adapter_database_url))
    engine.dispose()


def _http(name: str) -> UpstreamHttp:
    return UpstreamHttp(name, RateLimiter(name, 1000.0, MemorySlots()), timeout=2.0, sleep=lambda s: None)


def _lookup(fake, engine, insee: bool = True) -> StructureLookup:
    secondary = InseeClient(fake.insee_url, INSEE_KEY, _http("insee")) if insee else None
    return StructureLookup(
        RechercheEntreprisesClient(fake.recherche_url, _http("recherche")), SiretCache(engine, 3600, 60), secondary
    )


def declared(record) -> dict[str, list[str]]:
    """The organization's attributes as a registration copying the register leaves them."""
    a = record.address
    values = {
        "siret": record.siret,
        "name": record.name,
        "postalCode": a.postal_code,
        "city": a.city.title(),  # typed otherwise: no difference
        "country": a.country,
        "building": a.building,
        "streetNumber": a.street_number,
        "streetNumberSuffix": a.street_number_suffix,
        "street": a.street,
        "poBox": a.po_box_or_locality,
        "concessions": "ECR-0001|EAU DU HAVRE",
    }
    return {k: [v] for k, v in values.items() if v}


def test_comparable_ignores_case_accents_apostrophes_and_spacing():
    assert comparable("Rue de l’Église ") == comparable("RUE  DE L'EGLISE")
    assert comparable("Rue de Paris") != comparable("Rue de Lyon")


def test_what_the_structure_declared_is_kept_and_the_registers_new_name_and_street_recorded_beside(fake, engine):
    lookup = _lookup(fake, engine)
    attributes = declared(lookup.refresh(HEAD_OFFICE))
    same, changed = updated_attributes(attributes, lookup.refresh(HEAD_OFFICE), None, NOW)
    assert (changed, differing_values(attributes, lookup.refresh(HEAD_OFFICE))) == (False, {})
    assert same == attributes | {"sireneState": ["active"]}

    fake.change(HEAD_OFFICE, name="RESEAUX DE L'ESTUAIRE SAS", street_type="AV", street_name="FOCH")
    renamed = lookup.refresh(HEAD_OFFICE)
    after, changed = updated_attributes(same, renamed, None, NOW)
    assert changed
    assert after["sirene.name"] == ["RESEAUX DE L'ESTUAIRE SAS"]
    assert after["sirene.street"] == ["AVENUE FOCH"]
    assert after["sireneChangedAt"] == [NOW]
    for kept in ("name", "street", "city", "concessions"):
        assert after[kept] == attributes[kept], kept
    # a second pass over the same answer changes nothing
    assert updated_attributes(after, renamed, None, "2026-12-02T10:00:00Z") == (after, False)

    fake.reset()  # the register says the declared values again: what it said beside goes
    back, changed = updated_attributes(after, lookup.refresh(HEAD_OFFICE), None, NOW)
    assert changed and not [k for k in back if k.startswith("sirene.")]


def test_a_secondary_establishment_without_insee_is_compared_on_its_postal_code_and_city_only(fake, engine):
    record = _lookup(fake, engine, insee=False).refresh(SECONDARY)
    assert not record.address_complete
    attributes = {"name": [record.name], "postalCode": ["76700"], "city": ["Harfleur"], "street": ["Rue Inconnue"]}
    assert differing_values(attributes, record) == {}


def test_closed_is_flagged_once_with_its_successor_and_reopening_clears_it(fake, engine):
    lookup = _lookup(fake, engine)
    attributes = declared(lookup.refresh(HEAD_OFFICE)) | {"sireneState": ["active"]}
    assert lookup.successor(HEAD_OFFICE) is None  # permitted: no link, no successor

    fake.change(HEAD_OFFICE, closed=True, successor=SUCCESSOR)
    closed = lookup.refresh(HEAD_OFFICE)
    assert not closed.active
    assert lookup.successor(HEAD_OFFICE) == SUCCESSOR
    flagged, changed = updated_attributes(attributes, closed, SUCCESSOR, NOW)
    assert changed
    assert flagged["sireneState"] == ["closed"]
    assert flagged["sireneClosedAt"] == [NOW]
    assert flagged["sireneSuccessorSiret"] == [SUCCESSOR]
    # later runs keep the first closure time, and an unreadable successor keeps the known one
    assert updated_attributes(flagged, closed, None, "2026-12-09T10:00:00Z") == (flagged, False)

    fake.reset()
    reopened, changed = updated_attributes(flagged, lookup.refresh(HEAD_OFFICE), None, NOW)
    assert changed and reopened["sireneState"] == ["active"]
    assert "sireneClosedAt" not in reopened and "sireneSuccessorSiret" not in reopened


def test_refresh_asks_the_register_even_when_the_cache_has_an_answer(fake, engine):
    lookup = _lookup(fake, engine)
    lookup.lookup(HEAD_OFFICE)
    fake.change(HEAD_OFFICE, closed=True)
    assert lookup.lookup(HEAD_OFFICE).active, "the portal's lookups keep using the cache"
    assert not lookup.refresh(HEAD_OFFICE).active
    assert not lookup.lookup(HEAD_OFFICE).active, "the fresh answer is cached for them"


def test_without_an_insee_key_no_successor_is_asked(fake, engine):
    fake.change(HEAD_OFFICE, closed=True, successor=SUCCESSOR)
    assert _lookup(fake, engine, insee=False).successor(HEAD_OFFICE) is None
    assert not fake.hits_for("insee-successions")


def test_the_successor_is_the_latest_link_from_this_establishment():
    links = {
        "liensSuccession": [
            {"siretEtablissementPredecesseur": HEAD_OFFICE, "siretEtablissementSuccesseur": SECONDARY,
             "dateLienSuccession": "2020-01-01"},
            {"siretEtablissementPredecesseur": HEAD_OFFICE, "siretEtablissementSuccesseur": SUCCESSOR,
             "dateLienSuccession": "2026-11-01"},
            {"siretEtablissementPredecesseur": SECONDARY, "siretEtablissementSuccesseur": "12345678900011",
             "dateLienSuccession": "2026-12-01"},
        ]
    }  # fmt: skip
    assert successor_of(links, HEAD_OFFICE) == SUCCESSOR
    with pytest.raises(RegisterUnavailable):  # a malformed answer is the register failing
        successor_of({"liensSuccession": "?"}, HEAD_OFFICE)
    assert successor_of([], HEAD_OFFICE) is None


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_left_unfinished_by_a_dead_process_is_resumed_with_its_cursor_and_counts(engine):
    first = runs.start_or_resume(engine, now=1000.0)
    assert not first.resumed and first.cursor is None
    outcome = {"state": "active", "closed_seen_at": None, "closed_notified_at": None, "successor_siret": None}
    moved = runs.record(engine, first, "20008495200015", outcome, {"checked": 1, "changed": 1}, 1001.0)
    assert (moved.cursor, moved.checked, moved.changed) == ("20008495200015", 1, 1)

    # while its process lives, nobody takes it over
    with engine.begin() as connection:
        connection.execute(runs.runs.update().values(pid=os.getppid()))
    with pytest.raises(runs.RunInProgress, match="déjà en cours"):
        runs.start_or_resume(engine, now=1002.0)

    with engine.begin() as connection:  # its process died
        connection.execute(runs.runs.update().values(pid=_dead_pid()))
    resumed = runs.start_or_resume(engine, now=1003.0)
    assert resumed.resumed and (resumed.id, resumed.cursor, resumed.checked) == (first.id, "20008495200015", 1)
    assert runs.last_check(engine, "20008495200015").checked_at == 1001.0
    runs.finish(engine, resumed, now=1004.0)
    fresh = runs.start_or_resume(engine, now=1005.0)
    assert fresh.id != first.id and not fresh.resumed and fresh.cursor is None


def test_the_notice_reads_only_a_closed_check(engine):
    from portal_adapter.structures.notice import closed_establishment

    run = runs.start_or_resume(engine)
    opened = {"state": "active", "closed_seen_at": None, "closed_notified_at": None, "successor_siret": None}
    runs.record(engine, run, HEAD_OFFICE, opened, {"checked": 1}, 10.0)
    assert closed_establishment(engine, HEAD_OFFICE) is None
    closed = opened | {"state": "closed", "closed_seen_at": 20.0, "successor_siret": SUCCESSOR}
    runs.record(engine, run, HEAD_OFFICE, closed, {"checked": 1}, 20.0)
    notice = closed_establishment(engine, HEAD_OFFICE)
    assert (notice.siret, notice.seen_at, notice.successor_siret) == (HEAD_OFFICE, 20.0, SUCCESSOR)
