"""Reading the legacy registry as metropolis staff export it: UTF-8 (with or without BOM),
Excel's « CSV (séparateur : point-virgule) » in Windows-1252, or Excel's « Texte Unicode »
(UTF-16 with BOM); separated by « ; », « , » or tabs; LF or CRLF. Every record keeps the
number of the file line it starts on (blank lines counted), for the import report.

A file that cannot be read raises :class:`UnreadableRegistry`, whose message is one French
sentence for the person running the import."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
EXPORT_HINT = "enregistrez-le depuis Excel en « CSV UTF-8 » ou en « CSV (séparateur : point-virgule) »"


class UnreadableRegistry(ValueError):
    """The registry file cannot be read; ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """The file's text: ``encoding`` when given, else UTF-8/UTF-16 by their BOM, else UTF-8
    when the bytes are valid UTF-8 (text in Windows-1252 with accents never is), else Windows-1252."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise UnreadableRegistry(
                f"L'encodage « {encoding} » est inconnu : indiquez par exemple utf-8 ou windows-1252."
            ) from error
        candidates = [encoding]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        if b"\x00" in data:
            raise UnreadableRegistry(
                f"Le fichier {name} n'est pas un fichier texte (un classeur Excel ?) : {EXPORT_HINT}."
            )
        candidates = ["utf-8", "cp1252"]
    for candidate in candidates:
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise UnreadableRegistry(
        f"Le fichier {name} n'est lisible ni en UTF-8 ni en Windows-1252 : {EXPORT_HINT}, "
        "ou indiquez son encodage avec --encodage."
    )


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def choose_delimiter(text: str, recognised: Callable[[list[str]], int]) -> str:
    """The separator whose header line gives the most recognised columns; on a tie, the one
    :class:`csv.Sniffer` prefers for that line."""
    header = _first_line(text)
    try:
        sniffed = csv.Sniffer().sniff(header, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = max(DELIMITERS, key=header.count)
    ordered = [sniffed, *(d for d in DELIMITERS if d != sniffed)]
    return max(ordered, key=lambda d: recognised(next(csv.reader([header], delimiter=d), [])))


def numbered_records(text: str, delimiter: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, and every non-blank record after it with the file line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    for record in reader:
        if any(cell.strip() for cell in record):
            header = record
            break
    if not header:
        raise UnreadableRegistry("Le fichier est vide : la première ligne doit nommer les colonnes.")

    def records() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1  # where the next record starts
        try:
            for record in reader:
                if any(cell.strip() for cell in record):
                    yield line, record
                line = reader.line_num + 1
        except csv.Error as error:
            raise UnreadableRegistry(
                f"Ligne {reader.line_num} : le fichier n'est pas un CSV valide ({error})."
            ) from error

    return header, records()


def read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as error:
        raise UnreadableRegistry(f"Le fichier {path} n'existe pas.") from error
    except IsADirectoryError as error:
        raise UnreadableRegistry(f"{path} est un dossier, pas un fichier.") from error
    except OSError as error:
        raise UnreadableRegistry(f"Le fichier {path} ne peut pas être lu ({error.strerror}).") from error
