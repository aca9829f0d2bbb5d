"""The lookup through the real client code against local fakes of both register APIs:
every scenario gives the right record or the right error, and no other exception."""

from __future__ import annotations

import threading
import time

import pytest
from portal_adapter.db import make_engine, upgrade
from portal_adapter.sirene.cache import SiretCache
from portal_adapter.sirene.errors import LookupFailed, RegisterRateLimited, RegisterUnavailable, StructureNotFound
from portal_adapter.sirene.insee import InseeClient
from portal_adapter.sirene.lookup import StructureLookup
from portal_adapter.sirene.offline import OfflineRegister
from portal_adapter.sirene.rate_limit import DatabaseSlots, MemorySlots, RateLimiter, reserve
from portal_adapter.sirene.recherche_entreprises import RechercheEntreprisesClient
from portal_adapter.sirene.siret import SiretChecksumError
from portal_adapter.sirene.upstream_http import UpstreamHttp, retry_after_seconds

from devstack.fake_sirene import INSEE_KEY, FakeSirene, Scenario

HEAD_OFFICE = "20008495200015"
SECONDARY = "39860733300059"
CLOSED = "88087814500015"
MASKED = "91234567500017"
UNKNOWN = "21920023500022"  # valid checksum, not in the register


@pytest.fixture(scope="module")
def fake():
    server = FakeSirene().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _reset(fake):
    fake.reset()


@pytest.fixture
def engine(adapter_database_url):
    url = adapter_database_url  # SQLite; a PostgreSQL schema with HARIANE_DATABASE=postgres
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


class Sleeps(list):
    """Records the sleeps asked for instead of sleeping (retries stay fast)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _http(name: str, sleeps: Sleeps | None = None, timeout: float = 2.0, per_second: float = 1000.0) -> UpstreamHttp:
    limiter = RateLimiter(name, per_second, MemorySlots())
    return UpstreamHttp(name, limiter, timeout=timeout, sleep=sleeps if sleeps is not None else Sleeps())


def _lookup(fake, engine, insee_key: str | None = INSEE_KEY, sleeps: Sleeps | None = None, timeout: float = 2.0):
    primary = RechercheEntreprisesClient(fake.recherche_url, _http("recherche", sleeps, timeout))
    secondary = InseeClient(fake.insee_url, insee_key, _http("insee", sleeps, timeout)) if insee_key else None
    return StructureLookup(primary, SiretCache(engine, 3600, 60), secondary)


def test_head_office_comes_from_recherche_with_its_full_address(fake, engine):
    record = _lookup(fake, engine).lookup("200 084 952 00015")
    assert record.source == "recherche-entreprises"
    assert record.name == "LE HAVRE SEINE METROPOLE"
    assert record.structure_type.code == "intercommunalite"
    assert record.head_office and record.active and record.public and record.address_complete
    a = record.address
    assert (a.country, a.postal_code, a.city) == ("FRANCE", "76085", "LE HAVRE CEDEX")
    assert (a.building, a.street_number, a.street) == ("HOTEL DE LA COMMUNAUTE", "19", "RUE GEORGES BRAQUE")
    assert a.recipient == "LE HAVRE SEINE METROPOLE"
    assert [h.api for h in fake.hits] == ["recherche"]


def test_secondary_establishment_gets_its_full_address_from_insee_when_a_key_is_configured(fake, engine):
    record = _lookup(fake, engine).lookup(SECONDARY)
    assert record.source == "insee"
    assert record.address_complete and not record.head_office
    assert (record.address.street_number, record.address.street, record.address.building) == (
        "27",
        "ROUTE INDUSTRIELLE",
        "BATIMENT C",
    )
    assert (record.address.postal_code, record.address.city) == ("76700", "HARFLEUR")


def test_secondary_establishment_without_key_has_a_partial_address_flagged(fake, engine):
    record = _lookup(fake, engine, insee_key=None).lookup(SECONDARY)
    assert record.source == "recherche-entreprises"
    assert record.address_complete is False
    assert (record.address.postal_code, record.address.city) == ("76700", "HARFLEUR")
    assert record.address.street is None
    assert "INDUSTRIELLE" in record.address.one_line


def test_repetition_index_and_street_type_are_written_out(fake, engine):
    record = _lookup(fake, engine).lookup("73282932000074")
    assert (record.address.street_number, record.address.street_number_suffix, record.address.street) == (
        "4",
        "BIS",
        "BOULEVARD DE STRASBOURG",
    )
    assert record.acronym == "SRE"


def test_closed_establishment_is_returned_closed(fake, engine):
    record = _lookup(fake, engine).lookup(CLOSED)
    assert record.active is False and record.state == "closed"


@pytest.mark.parametrize("insee_key", [INSEE_KEY, None])
def test_non_diffusible_values_are_absent_never_masks(fake, engine, insee_key):
    record = _lookup(fake, engine, insee_key=insee_key).lookup(MASKED)
    assert record.public is False
    text = repr(record)
    assert "[ND]" not in text and "NON-DIFFUSIBLE" not in text
    assert record.address.street is None and record.address.postal_code is None
    assert record.structure_type.code == "entrepreneur_individuel"


def test_unknown_siret_is_not_found_in_both_registers_and_cached(fake, engine):
    lookup = _lookup(fake, engine)
    for _ in range(3):
        with pytest.raises(StructureNotFound):
            lookup.lookup(UNKNOWN)
    assert [h.api for h in fake.hits] == ["recherche", "insee"]  # then the cache answers


def test_invalid_siret_never_reaches_the_register(fake, engine):
    with pytest.raises(SiretChecksumError):
        _lookup(fake, engine).lookup("20008495200016")
    assert fake.hits == []


def test_429_with_retry_after_is_honoured_then_succeeds(fake, engine):
    fake.scenarios[("recherche", HEAD_OFFICE)] = Scenario(status=429, times=1, retry_after="2")
    sleeps = Sleeps()
    record = _lookup(fake, engine, sleeps=sleeps).lookup(HEAD_OFFICE)
    assert record.name == "LE HAVRE SEINE METROPOLE"
    assert sleeps == [2.0]


def test_429_that_persists_without_insee_is_rate_limited(fake, engine):
    fake.scenarios[("recherche", HEAD_OFFICE)] = Scenario(status=429, retry_after="1")
    with pytest.raises(RegisterRateLimited) as error:
        _lookup(fake, engine, insee_key=None).lookup(HEAD_OFFICE)
    assert error.value.code == "rate_limited"


def test_a_retry_after_too_long_is_not_waited_for(fake, engine):
    fake.scenarios[("recherche", HEAD_OFFICE)] = Scenario(status=429, retry_after="120")
    sleeps = Sleeps()
    with pytest.raises(RegisterRateLimited):
        _lookup(fake, engine, insee_key=None, sleeps=sleeps).lookup(HEAD_OFFICE)
    assert sleeps == []


def test_503_then_recovery_uses_backoff(fake, engine):
    fake.scenarios[("recherche", HEAD_OFFICE)] = Scenario(status=503, times=2)
    sleeps = Sleeps()
    assert _lookup(fake, engine, sleeps=sleeps).lookup(HEAD_OFFICE).name
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(status=503),
        Scenario(malformed=True),
        Scenario(status=400),
        Scenario(delay=1.5),
    ],
)
def test_primary_failure_falls_back_to_insee(fake, engine, scenario):
    fake.scenarios[("recherche", HEAD_OFFICE)] = scenario
    record = _lookup(fake, engine, timeout=0.5).lookup(HEAD_OFFICE)
    assert record.source == "insee"
    assert record.name == "LE HAVRE SEINE METROPOLE"


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(status=503),
        Scenario(malformed=True),
        Scenario(status=400),
        Scenario(delay=1.5),
    ],
)
def test_both_registers_failing_is_unavailable_never_another_exception(fake, engine, scenario):
    fake.scenarios[("recherche", HEAD_OFFICE)] = scenario
    fake.scenarios[("insee", HEAD_OFFICE)] = scenario
    with pytest.raises(RegisterUnavailable) as error:
        _lookup(fake, engine, timeout=0.5).lookup(HEAD_OFFICE)
    assert error.value.code == "upstream_unavailable"


def test_a_refused_insee_key_is_unavailable(fake, engine):
    fake.scenarios[("recherche", HEAD_OFFICE)] = Scenario(status=503)
    with pytest.raises(RegisterUnavailable):
        _lookup(fake, engine, insee_key="wrong-key").lookup(HEAD_OFFICE)
    assert fake.hits_for("insee")


def test_insee_301_replaced_siret_is_not_found(fake, engine):
    fake.scenarios[("recherche", UNKNOWN)] = Scenario(status=503)
    fake.scenarios[("insee", UNKNOWN)] = Scenario(status=301)
    with pytest.raises(StructureNotFound):
        _lookup(fake, engine).lookup(UNKNOWN)


def test_failures_are_not_cached(fake, engine):
    lookup = _lookup(fake, engine, insee_key=None)
    fake.scenarios[("recherche", HEAD_OFFICE)] = Scenario(status=503, times=3)
    with pytest.raises(LookupFailed):
        lookup.lookup(HEAD_OFFICE)
    assert lookup.lookup(HEAD_OFFICE).name == "LE HAVRE SEINE METROPOLE"


def test_found_answers_are_cached(fake, engine):
    lookup = _lookup(fake, engine)
    first = lookup.lookup(HEAD_OFFICE)
    again = lookup.lookup(HEAD_OFFICE)
    assert again == first
    assert len(fake.hits) == 1


def test_cache_expiry(engine):
    now = [1000.0]
    cache = SiretCache(engine, found_ttl=3600, not_found_ttl=60, clock=lambda: now[0])
    cache.put(UNKNOWN, None)
    assert cache.get(UNKNOWN) is not None
    now[0] += 61
    assert cache.get(UNKNOWN) is None


def test_concurrent_lookups_of_one_siret_share_one_upstream_call(fake, engine):
    fake.latency = 0.3
    try:
        lookup = _lookup(fake, engine)
        results, errors = [], []

        def worker():
            try:
                results.append(lookup.lookup(HEAD_OFFICE))
            except Exception as error:  # noqa: BLE001
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        fake.latency = 0.0
    assert not errors and len(results) == 12
    assert len(fake.hits_for("recherche")) == 1


def test_the_rate_limiter_spaces_calls_across_processes(fake, engine):
    """Two limiters on the same database (as two gunicorn workers) share the rate."""
    rate = 5.0  # slots 250 ms apart: ample slack for scheduling jitter within any second
    limiters = [RateLimiter("recherche", rate, DatabaseSlots(engine), max_wait=30) for _ in range(2)]
    clients = [RechercheEntreprisesClient(fake.recherche_url, UpstreamHttp("r", limiter)) for limiter in limiters]
    sirets = ["20008495200015", "73282932000074", "21920023500014", "88087814500015"] * 3

    def worker(index: int) -> None:
        clients[index % 2].fetch(sirets[index])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(sirets))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    arrivals = sorted(h.at for h in fake.hits_for("recherche"))
    assert len(arrivals) == len(sirets)
    busiest_second = max(sum(1 for t in arrivals if a <= t < a + 1.0) for a in arrivals)
    assert busiest_second <= rate
    assert arrivals[-1] - arrivals[0] >= (len(arrivals) - 1) / rate * 0.9


def test_a_slot_too_far_away_is_refused_not_queued(engine):
    now = [100.0]
    limiter = RateLimiter("insee", 0.5, DatabaseSlots(engine), max_wait=3, clock=lambda: now[0], sleep=lambda s: None)
    limiter.acquire()
    limiter.acquire()  # waits 2.14 s (2 s plus the jitter margin: 5 % and 40 ms)
    with pytest.raises(RegisterRateLimited) as error:
        limiter.acquire()  # would wait 4.28 s
    assert error.value.retry_after == pytest.approx(4.28)
    with pytest.raises(RegisterRateLimited) as again:
        limiter.acquire()  # refusals take no slot: the wait does not grow
    assert again.value.retry_after == pytest.approx(4.28)
    now[0] += 2.2
    limiter.acquire()


def test_slot_arithmetic():
    assert reserve(next_free=0.0, now=10.0, interval=0.2) == (10.0, 10.2)
    assert reserve(next_free=10.2, now=10.0, interval=0.2) == (10.2, pytest.approx(10.4))


@pytest.mark.parametrize(("header", "expected"), [("3", 3.0), ("0", 0.0), (None, None), ("soon", None)])
def test_retry_after_parsing(header, expected):
    assert retry_after_seconds(header) == expected


def test_retry_after_http_date():
    assert retry_after_seconds("Thu, 01 Jan 2099 00:00:00 GMT", now=time.time()) > 1000


def test_the_offline_register_covers_the_kinds_of_structure(engine):
    lookup = StructureLookup(OfflineRegister(), SiretCache(engine, 3600, 60))
    kinds = {
        s: lookup.lookup(s)
        for s in (
            "20008495200015",
            "81234567600017",
            "41234567000019",
            "51234567900017",
            "88087814500015",
            "91234567500017",
            "81234567600025",
        )
    }
    assert kinds["20008495200015"].name == "LE HAVRE SEINE METROPOLE"
    assert kinds["81234567600017"].structure_type.code == "societe_commerciale"
    assert kinds["41234567000019"].structure_type.code == "association"
    assert kinds["51234567900017"].structure_type.code == "entrepreneur_individuel"
    assert kinds["51234567900017"].name == "CLAIRE LEROUX"
    assert kinds["88087814500015"].active is False
    assert kinds["91234567500017"].public is False and kinds["91234567500017"].name is None
    assert kinds["81234567600025"].address_complete is False
    assert all(r.source == "offline" for r in kinds.values())
    with pytest.raises(StructureNotFound):
        lookup.lookup(UNKNOWN)
