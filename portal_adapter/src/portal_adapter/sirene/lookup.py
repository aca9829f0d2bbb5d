"""The structure lookup: validate locally, cache, Recherche d'entreprises, then INSEE when
the establishment is secondary, masked, unknown or the first answer failed (and a key is
configured), cache again. Concurrent lookups of one SIRET share one upstream call."""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

from portal_adapter.sirene import siret as siret_rules
from portal_adapter.sirene.cache import SiretCache
from portal_adapter.sirene.errors import LookupFailed, StructureNotFound
from portal_adapter.sirene.record import StructureRecord
from portal_adapter.sirene.single_flight import SingleFlight

log = logging.getLogger(__name__)


class Register(Protocol):
    def fetch(self, siret: str) -> StructureRecord: ...


@runtime_checkable
class SuccessionRegister(Protocol):
    def successor(self, siret: str) -> str | None: ...


class StructureLookup:
    def __init__(self, primary: Register, cache: SiretCache, secondary: Register | None = None) -> None:
        self.primary = primary
        self.secondary = secondary
        self.cache = cache
        self._flights: SingleFlight[StructureRecord | None] = SingleFlight()

    def lookup(self, raw_siret: str) -> StructureRecord:
        """The record, or InvalidSiret / StructureNotFound / RegisterUnavailable / RegisterRateLimited."""
        siret = siret_rules.validate(raw_siret)
        cached = self.cache.get(siret)
        if cached is None:
            record = self._flights.do(siret, lambda: self._fetch_and_cache(siret))
        else:
            record = cached.record
        if record is None:
            raise StructureNotFound()
        return record

    def refresh(self, raw_siret: str) -> StructureRecord:
        """What the register says now (the cache is not read, only written): the re-sync of
        registered structures. Same errors as :meth:`lookup`."""
        siret = siret_rules.validate(raw_siret)
        record = self._flights.do(siret, lambda: self._fetch_and_cache(siret, read_cache=False))
        if record is None:
            raise StructureNotFound()
        return record

    def successor(self, siret: str) -> str | None:
        """The successor establishment the register names, when a register able to say it
        (INSEE, with a key) is configured; None otherwise."""
        if isinstance(self.secondary, SuccessionRegister):
            return self.secondary.successor(siret)
        return None

    def _fetch_and_cache(self, siret: str, read_cache: bool = True) -> StructureRecord | None:
        cached = self.cache.get(siret) if read_cache else None  # another process may have filled it meanwhile
        if cached is not None:
            return cached.record
        try:
            record = self._fetch(siret)
        except StructureNotFound:
            self.cache.put(siret, None)
            return None
        self.cache.put(siret, record)
        return record

    def _fetch(self, siret: str) -> StructureRecord:
        try:
            record = self.primary.fetch(siret)
        except StructureNotFound:
            if self.secondary is None:
                raise
            return self.secondary.fetch(siret)
        except LookupFailed as error:
            if self.secondary is None:
                raise
            log.info("primary register failed (%s), asking the secondary", error.code)
            return self.secondary.fetch(siret)
        if self.secondary is not None and (not record.address_complete or not record.public):
            try:
                return self.secondary.fetch(siret)
            except LookupFailed as error:
                log.info("secondary register failed (%s): keeping the partial record", error.code)
        return record
