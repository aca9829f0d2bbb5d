"""The SIRENE register: upstream clients, offline sample, cache and the lookup service.

- :mod:`.api`                  the blueprint ``GET /api/structures/{siret}`` (``openapi.json``)
- :mod:`.wiring`               the lookup built from the settings (one per process)
- :mod:`.siret`                SIRET rules (pure)
- :mod:`.record`               the normalised structure record (pure)
- :mod:`.types`                « Type de structure » from the catégorie juridique (pure)

- :mod:`.errors`               the lookup's error kinds (stable API codes, French messages)
- :mod:`.upstream_http`        timeouts, retries with backoff honouring Retry-After, rate limit
- :mod:`.rate_limit`           a cross-process rate limiter (slots reserved in the database)
- :mod:`.single_flight`        concurrent lookups of one SIRET share one upstream call
- :mod:`.recherche_entreprises` API Recherche d'entreprises (no key)
- :mod:`.insee`                INSEE API Sirene 3.11 (API key)
- :mod:`.offline`              the bundled sample, in Recherche d'entreprises' own format
- :mod:`.cache`                answers cached in the adapter's database
- :mod:`.lookup`               the order: validate, cache, Recherche, INSEE, cache
"""
