"""One folding for everything people type or spreadsheets write about concession accounts:
the account labels (at import and at linking), the registry's column headers and its network
types. Two spellings that a person would call « the same » fold to the same key:

- case (``casefold``) and accents (the combining marks of the NFKD form are dropped);
- compatibility forms (NFKD: no-break spaces, full-width letters, « ﬁ »…);
- ligatures NFKD keeps (« Œ » → « oe », « Æ » → « ae », « ß » → « ss »);
- apostrophes (’ ‘ ʼ ′ ` ´ …) → ``'`` and dashes (‐ ‑ ‒ – — ― − …) → ``-``, without the
  spaces people put or leave around them;
- runs of white space → one space, none at the ends.

The vectors in ``tests/vectors/label_folding.json`` are the contract.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "\u2019\u2018\u02bc\u02bb\u2032\u0060\u00b4\uff07\u201b"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u00ad"
_TABLE = str.maketrans(
    {
        **{c: "'" for c in _APOSTROPHES},
        **{c: "-" for c in _DASHES},
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ẞ": "ss",
    }
)
_AROUND_PUNCTUATION = re.compile(r"\s*([-'])\s*")


def fold(text: str | None) -> str:
    """The comparison key of ``text`` (see the module's rules); idempotent."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_TABLE))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().translate(_TABLE)
    spaced = " ".join(bare.split())
    return _AROUND_PUNCTUATION.sub(r"\1", spaced)
