"""The rules of a road-opening authorisation request (« demande d'autorisation d'ouverture
de voirie »). Pure: the form's values, the concession ids of the token and today's date in,
the cleaned request or a French message per field out.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

NATURES = ("Branchement", "Réparation / fuite", "Extension de réseau", "Renouvellement de réseau", "Autre")
MAX_ADDRESS = 200
MAX_COMMUNE = 100
MAX_DESCRIPTION = 1000
MAX_DURATION_DAYS = 365  # counted inclusively: works starting and ending the same day last 1 day
FIELDS = ("concession", "adresse", "commune", "date_debut", "date_fin", "nature", "description")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class CleanRequest:
    concession_id: str
    address: str
    commune: str
    start_date: date
    end_date: date
    nature: str
    description: str


def form_values(form: Mapping[str, object]) -> dict[str, str]:
    """The form's fields as trimmed strings (missing ones empty), as they will be shown again."""
    values = {}
    for name in FIELDS:
        value = form.get(name, "")
        # browsers send a textarea's line breaks as CRLF but count them as one character
        values[name] = value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""
    return values


def _parse_date(value: str) -> date | None:
    if not ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _date_errors(values: Mapping[str, str], today: date) -> tuple[dict[str, str], date | None, date | None]:
    errors: dict[str, str] = {}
    start = end = None
    if not values["date_debut"]:
        errors["date_debut"] = "Indiquez la date de début des travaux."
    elif (start := _parse_date(values["date_debut"])) is None:
        errors["date_debut"] = "La date de début des travaux n'est pas une date valide (format attendu : AAAA-MM-JJ)."
    elif start < today:
        errors["date_debut"] = "La date de début des travaux ne peut pas être dans le passé."
    if not values["date_fin"]:
        errors["date_fin"] = "Indiquez la date de fin des travaux."
    elif (end := _parse_date(values["date_fin"])) is None:
        errors["date_fin"] = "La date de fin des travaux n'est pas une date valide (format attendu : AAAA-MM-JJ)."
    elif start is not None and end < start:
        errors["date_fin"] = "La date de fin des travaux doit être postérieure ou égale à la date de début."
    elif start is not None and (end - start).days + 1 > MAX_DURATION_DAYS:
        errors["date_fin"] = f"La durée des travaux ne peut pas dépasser {MAX_DURATION_DAYS} jours."
    return errors, start, end


def request_errors(values: Mapping[str, str], concession_ids: Collection[str], today: date) -> dict[str, str]:
    """A French message per wrong field (empty when the request can be filed)."""
    errors: dict[str, str] = {}
    if not values["concession"]:
        errors["concession"] = "Choisissez le compte de concession concerné."
    elif values["concession"] not in concession_ids:
        errors["concession"] = "Ce compte de concession n'est pas rattaché à votre structure."
    if not values["adresse"]:
        errors["adresse"] = "Indiquez l'adresse des travaux."
    elif len(values["adresse"]) > MAX_ADDRESS:
        errors["adresse"] = f"L'adresse des travaux ne doit pas dépasser {MAX_ADDRESS} caractères."
    if not values["commune"]:
        errors["commune"] = "Indiquez la commune."
    elif len(values["commune"]) > MAX_COMMUNE:
        errors["commune"] = f"Le nom de la commune ne doit pas dépasser {MAX_COMMUNE} caractères."
    errors |= _date_errors(values, today)[0]
    if values["nature"] not in NATURES:
        errors["nature"] = "Choisissez la nature des travaux."
    if len(values["description"]) > MAX_DESCRIPTION:
        errors["description"] = f"La description des travaux ne doit pas dépasser {MAX_DESCRIPTION} caractères."
    return errors


def validate_request(
    form: Mapping[str, object], concession_ids: Collection[str], today: date
) -> tuple[CleanRequest | None, dict[str, str], dict[str, str]]:
    """(the clean request or None, the errors by field, the values to show again)."""
    values = form_values(form)
    errors = request_errors(values, concession_ids, today)
    if errors:
        return None, errors, values
    _, start, end = _date_errors(values, today)
    return (
        CleanRequest(
            concession_id=values["concession"],
            address=values["adresse"],
            commune=values["commune"],
            start_date=start,
            end_date=end,
            nature=values["nature"],
            description=values["description"],
        ),
        {},
        values,
    )
