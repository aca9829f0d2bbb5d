"""The offline register: a bundled sample in Recherche d'entreprises' answer format.

The embedded default of ``make run`` when no upstream is configured; parsed by the same
code as the real API's answers.
"""

from __future__ import annotations

import json
from functools import cached_property
from importlib import resources

from portal_adapter.sirene import recherche_entreprises
from portal_adapter.sirene.errors import StructureNotFound
from portal_adapter.sirene.record import StructureRecord

SOURCE = "offline"


class OfflineRegister:
    @cached_property
    def answers(self) -> dict[str, dict]:
        text = resources.files("portal_adapter.sirene").joinpath("offline_sample.json").read_text(encoding="utf-8")
        return json.loads(text)["answers"]

    def fetch(self, siret: str) -> StructureRecord:
        answer = self.answers.get(siret)
        if answer is None:
            raise StructureNotFound()
        return recherche_entreprises.parse(answer, siret, source=SOURCE)
