"""Drive « Créer un compte Pro » over plain HTTP with devstack/registration_client.py (the
client make run registers its demo administrator with), for the many rule tests where a
browser adds nothing but time: fresh SIRETs, a test structure and person."""

from __future__ import annotations

import time
import unicodedata

from stdnum import luhn

from devstack.fake_sirene import SYNTHETIC_SIREN_PREFIX
from devstack.registration_client import RegistrationClient

__all__ = ["STRUCTURE", "RegistrationClient", "person", "register", "synthetic_siret"]

_counter = [int(time.time()) % 100000]


def synthetic_siret() -> str:
    """A fresh valid SIRET that the fake register knows (a test company's head office)."""
    _counter[0] += 1
    siren8 = f"{SYNTHETIC_SIREN_PREFIX}{_counter[0] % 100000:05d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    base = siren + "0001"
    return base + luhn.calc_check_digit(base)


STRUCTURE = {
    "structureType": "societe_commerciale",
    "phone": "02 35 19 45 45",
    "structureEmail": "contact@entreprise-test.test",
    "country": "FRANCE",
    "postalCode": "76600",
    "city": "LE HAVRE",
    "recipient": "ENTREPRISE DE TEST",
    "street": "RUE DE PARIS",
    "streetNumber": "10",
}


def person(first: str = "John", last: str = "Doe", email: str | None = None) -> dict[str, str]:
    ascii_name = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    email = email or f"{ascii_name}.{time.time_ns()}@entreprise-test.test".lower().replace(" ", "").replace("'", "")
    return {"firstName": first, "lastName": last, "email": email, "jobTitle": "Conducteur de travaux"}


def register(
    portal_url: str, siret: str, who: dict[str, str], extra: dict[str, str] | None = None
) -> RegistrationClient:
    """A whole registration; returns the client on the recap page. ``extra`` fields are
    posted with every step (what a tampering user would add to the forms)."""
    extra = extra or {}
    client = RegistrationClient(portal_url).start()
    client.submit(siret=siret, **extra)
    client.submit(**STRUCTURE, **extra)
    client.submit(**who)
    return client
