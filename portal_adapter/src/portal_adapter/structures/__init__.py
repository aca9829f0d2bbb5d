"""Registered structures over time: the SIRENE re-sync (``portal-adapter structures resync``).

- :mod:`.register_values` what the register says that differs from the declared values (pure)
- :mod:`.runs`            the resumable runs and what each structure was last found (database)
- :mod:`.closure_mail`    the French e-mail to a closed structure's administrators
- :mod:`.resync`          the use case: every structure, one after the other, politely
- :mod:`.notice`          the dashboard's notice of a closed establishment
"""
