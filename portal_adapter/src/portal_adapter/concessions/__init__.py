"""Road-works concession accounts of the old « Espace Concessionnaires Réseaux ».

- :mod:`.views`         « Rattacher un compte de concession voirie » and « Détacher » (blueprint)
- :mod:`.service`       the use cases: link (check, alerts, identity), detach, publish
- :mod:`.linking`       the guarded code check, its counters in the audit trail
- :mod:`.alerts`        who is told of a second structure's claim or of a hard lock
- :mod:`.identity_sync` the structure's ``concessions`` attribute follows the database
- :mod:`.links`         the linked accounts of a structure
- :mod:`.registry_import` the legacy registry imported (command line)

Pure building blocks:
- :mod:`.access_codes`  the 4-digit codes, stored only as HMAC-SHA-256 under a pepper
- :mod:`.legacy_rows`   rows of the metropolis's legacy registry (CSV / JSON), validated
- :mod:`.lockout`       the lockout table of docs/lockout.md, as arithmetic over failure times
- :mod:`.label_folding` the one folding of labels, headers and network types
- :mod:`.registry_file` reading the registry file: encoding, separator, file line numbers
"""
