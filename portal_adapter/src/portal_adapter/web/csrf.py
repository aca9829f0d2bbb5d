"""The CSRF protection of every form (flask-wtf); server-to-server endpoints are exempted
where they are declared."""

from flask_wtf import CSRFProtect

csrf = CSRFProtect()
