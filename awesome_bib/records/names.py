"""Display names ("Albert Q. Jiang") to CSL names ({"given": "Albert Q.", "family": "Jiang"}).

arXiv, DBLP and Semantic Scholar give each author as one string; CSL wants the parts.  Family-name
particles stay in ``family`` ("van der Maaten") so that every exporter, even one that knows only
given and family, keeps them.  One-word names and organisations become ``{"literal": ...}``.

    >>> split_name("Diego de las Casas")
    {'given': 'Diego', 'family': 'de las Casas'}
    >>> split_name("Teven Le Scao")
    {'given': 'Teven', 'family': 'Le Scao'}
    >>> split_name("DeepSeek-AI")
    {'literal': 'DeepSeek-AI'}
    >>> split_name("Nuno Santos 0001")
    {'given': 'Nuno', 'family': 'Santos'}
    >>> split_name('Hai "Helen" Li')
    {'given': 'Hai', 'family': 'Li'}
"""

from __future__ import annotations

import re
from typing import Any

# Lower-case words that start a family name wherever they appear after the first given name.
PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "dei", "degli", "da", "das", "dos", "du",
    "di", "la", "le", "ten", "ter", "bin", "ibn", "al", "el",
})
# Capitalised particles are only taken as such between a given name and the last word
# ("Teven Le Scao", "Allie Del Giorno"); at the end they are family names ("Quoc V. Le").
CAPITALISED_PARTICLES = frozenset(
    {"Van", "Von", "De", "Del", "Della", "Da", "Di", "Le", "La", "El"}
)
SUFFIXES = frozenset({"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"})
ORGANISATION_WORDS = frozenset({
    "team", "collaboration", "consortium", "group", "project", "lab", "laboratory", "inc", "inc.",
    "ltd", "ltd.", "corporation", "institute", "university", "committee",
})
# DBLP tells apart people of the same name with a four-digit suffix ("Nuno Santos 0001").
_DBLP_HOMONYM = re.compile(r"\s+\d{4}$")
# A nickname written in quotes between the names ('Hai "Helen" Li') is no part of the name to cite.
_NICKNAME = re.compile(r"\s+[\"“][^\"“”]+[\"”](?=\s)")


def split_name(display: str) -> dict[str, Any]:
    """Split one display name into CSL name parts (see the module examples)."""
    name = _NICKNAME.sub("", _DBLP_HOMONYM.sub("", " ".join(display.split())))
    if "," in name:
        family, _, rest = name.partition(",")
        given, suffix = _split_suffix(rest.split())
        return _parts(" ".join(given), family.strip(), suffix)
    words = name.split()
    if len(words) < 2 or any(word.lower() in ORGANISATION_WORDS for word in words):
        return {"literal": name}
    words, suffix = _split_suffix(words)
    if len(words) == 1:
        return {"literal": name}
    start = len(words) - 1
    for index in range(1, len(words) - 1):
        if words[index] in PARTICLES or words[index] in CAPITALISED_PARTICLES:
            start = index
            break
    return _parts(" ".join(words[:start]), " ".join(words[start:]), suffix)


def _split_suffix(words: list[str]) -> tuple[list[str], str | None]:
    if len(words) > 1 and words[-1] in SUFFIXES:
        return words[:-1], words[-1]
    return words, None


def _parts(given: str, family: str, suffix: str | None) -> dict[str, Any]:
    parts: dict[str, Any] = {"given": given, "family": family} if given else {"family": family}
    if suffix:
        parts["suffix"] = suffix
    return parts
