"""The SIRET's form is checked by the extension before it asks the adapter:
an empty, blank, line-broken or very long SIRET gets its own French message next to the field,
what was typed is kept, and « momentanément indisponible » stays for a register that really is
(tests/test_registration_rules.py::test_register_down_then_retry_keeps_the_siret)."""

from __future__ import annotations

import pytest

from tests.support.registration_http import RegistrationClient, synthetic_siret

REQUIRED = "Indiquez le numéro SIRET de votre structure (14 chiffres)."
FORMAT = "Le numéro SIRET doit comporter 14 chiffres."


def adapter_warnings(keycloak) -> list[str]:
    lines = keycloak.log_file.read_text(errors="replace").splitlines()
    return [line for line in lines if "portal adapter" in line]


@pytest.mark.parametrize(
    ("typed", "kept", "message"),
    [
        ("", "", REQUIRED),
        ("   \t ", "", REQUIRED),
        ("200 084 952\n00015", "200 084 952\n00015", FORMAT),
        ("200084952\r\n00015", "200084952\r\n00015", FORMAT),
        ("2" * 5000, "2" * 5000, FORMAT),
        (None, None, None),  # a fresh SIRET typed in groups with trailing blanks: no error
    ],
    ids=["empty", "blank", "line-break", "crlf", "very-long", "trailing-blanks"],
)
def test_the_siret_form_is_checked_before_the_adapter_is_asked(portal, keycloak, typed, kept, message):
    client = RegistrationClient(portal.url).start()
    before = adapter_warnings(keycloak)
    if typed is None:  # a SIRET no other test registers (the metropolis's own is taken by the journey test)
        fresh = synthetic_siret()
        typed = f"{fresh[:3]} {fresh[3:6]} {fresh[6:9]} {fresh[9:]} " + " " * 60
    client.submit(siret=typed)
    if message is None:  # the permitted path: on to step 2
        assert client.title == "Les informations sur votre structure (2/3)"
        return
    assert client.title == "Créer un compte Pro (1/3)"
    assert client.error("siret") == message
    assert "indisponible" not in client.page
    assert 'aria-describedby="input-error-siret' in client.page
    assert client.value("siret").replace("\r\n", "\n") == kept.replace("\r\n", "\n")
    assert adapter_warnings(keycloak) == before  # the adapter was not asked
