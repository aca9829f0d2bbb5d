"""Wiring of the structure lookup from the settings (one per process)."""

from __future__ import annotations

import sqlalchemy as sa

from portal_adapter.config import Settings
from portal_adapter.sirene.cache import SiretCache
from portal_adapter.sirene.insee import InseeClient
from portal_adapter.sirene.lookup import StructureLookup
from portal_adapter.sirene.offline import OfflineRegister
from portal_adapter.sirene.rate_limit import DatabaseSlots, RateLimiter
from portal_adapter.sirene.recherche_entreprises import RechercheEntreprisesClient
from portal_adapter.sirene.upstream_http import UpstreamHttp


def build_structure_lookup(settings: Settings, engine: sa.Engine) -> StructureLookup:
    cache = SiretCache(engine, settings.sirene_found_ttl_seconds, settings.sirene_not_found_ttl_seconds)
    if settings.sirene_offline:
        return StructureLookup(OfflineRegister(), cache)
    slots = DatabaseSlots(engine)
    primary = RechercheEntreprisesClient(
        settings.recherche_url,
        UpstreamHttp(
            "recherche-entreprises",
            RateLimiter("recherche-entreprises", settings.recherche_rate_per_second, slots),
            timeout=settings.sirene_timeout_seconds,
        ),
    )
    secondary = None
    if settings.insee_api_key:
        secondary = InseeClient(
            settings.insee_url,
            settings.insee_api_key,
            UpstreamHttp(
                "insee",
                RateLimiter("insee", settings.insee_rate_per_minute / 60.0, slots),
                timeout=settings.sirene_timeout_seconds,
            ),
        )
    return StructureLookup(primary, cache, secondary)
