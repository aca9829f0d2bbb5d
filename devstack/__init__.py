"""Local stack tooling shared by ``make run`` and the test suite.

Everything here starts *real* processes (Keycloak, the mail catcher, the portal
adapter under gunicorn) on loopback; nothing is mocked.  Modules:

- :mod:`devstack.jdk`       choose the JDK Keycloak runs on
- :mod:`devstack.prepare`   install/build everything (venv, npm tools, extension, Keycloak)
- :mod:`devstack.keycloak`  a Keycloak server instance with its own home and data folder
- :mod:`devstack.services`  the mail catcher and the portal adapter processes
- :mod:`devstack.run`       ``make run``: the whole stack on embedded defaults
"""
