"""Road-works concession accounts of the old « Espace Concessionnaires Réseaux » (issue 6).

Pure building blocks so far:
- :mod:`.access_codes`  the 4-digit codes, stored only as HMAC-SHA-256 under a pepper
- :mod:`.legacy_rows`   rows of the metropolis's legacy registry (CSV / JSON), validated
- :mod:`.lockout`       the lockout table of security.md, as arithmetic over failure times
- :mod:`.label_folding` the one folding of labels, headers and network types
- :mod:`.registry_file` reading the registry file: encoding, separator, file line numbers
"""
