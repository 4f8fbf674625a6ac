"""Citation keys: readable, ASCII, unique, and pinned once given.

The key format is a template over these fields (default ``{auth}{year}{title}``, e.g.
``jiang2024mixtral``):

``{auth}``       first author's family name, lower case ASCII (an organisation: its first word);
                 with no author, the title's first significant word
``{Auth}``       the same, capitalised
``{year}``       year of publication (``nd`` when unknown)
``{title}``      first significant word of the title not already used by ``{auth}``
``{Title}``      the same, capitalised
``{shorttitle}`` first three significant title words, joined
``{venue}``      short venue name, lower case (``neurips``, ``arxiv``)

Keys are pinned in the lockfile: adding, removing or reordering other entries never changes a key.
New keys that clash get ``a``, ``b``, … ``z``, ``aa`` … in the order of their record ids, never in
the order of the file, so the suffix a paper gets does not depend on where it stands in the list.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Mapping

from awesome_bib.errors import AwesomeBibError
from awesome_bib.records.csl import issued_date_parts
from awesome_bib.records.model import CSLItem, Record

DEFAULT_KEY_FORMAT = "{auth}{year}{title}"
FIELDS = ("auth", "Auth", "year", "title", "Title", "shorttitle", "venue")

_STOPWORDS = frozenset(
    """a an the and or of on in at to for from by with without via into onto over under up down is are
    be as its it this that these those towards toward through using use how what why when do does
    not no can we our your all
    """.split()
)


def _ascii_word(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded)


def _title_words(title: str) -> list[str]:
    words = [_ascii_word(w).lower() for w in re.split(r"[\s:;,!?/()\[\]{}\"]+|\.(?!\d)", title)]
    return [w for w in words if w and w not in _STOPWORDS]


def _family(item: CSLItem) -> str:
    authors = item.get("author") or []
    if not authors:
        return ""
    first = authors[0]
    name = first.get("family") or first.get("literal") or ""
    if "family" not in first and name:
        name = name.split()[0]
    particle = first.get("non-dropping-particle", "")
    return _ascii_word(particle + name).lower()


def key_fields(item: CSLItem) -> dict[str, str]:
    """The values a key format can use, for one CSL item."""
    words = _title_words(str(item.get("title", "")))
    auth = _family(item)
    if not auth and words:
        auth, words = words[0], words[1:]
    title = next((w for w in words if w != auth), "")
    parts = issued_date_parts(item)
    year = str(parts[0]) if parts else "nd"
    venue = _ascii_word(str(item.get("container-title-short") or item.get("container-title") or ""))
    return {
        "auth": auth,
        "Auth": auth.capitalize(),
        "year": year,
        "title": title,
        "Title": title.capitalize(),
        "shorttitle": "".join(words[:3]),
        "venue": venue.lower(),
    }


def validate_format(key_format: str) -> str:
    """Reject formats naming unknown fields, with the list of fields that exist."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(key_format) if name is not None]
    except ValueError as error:
        raise AwesomeBibError(f"key format {key_format!r}: {error}") from None
    unknown = [name for name in names if name not in FIELDS]
    if unknown or not names:
        raise AwesomeBibError(
            f"key format {key_format!r}: unknown field {{{(unknown or [''])[0]}}}; "
            f"use fields from {', '.join('{' + f + '}' for f in FIELDS)}"
        )
    return key_format


def base_key(item: CSLItem, key_format: str = DEFAULT_KEY_FORMAT) -> str:
    """The key a record would get before clash suffixes: ASCII letters, digits and ``-_:``."""
    raw = key_format.format(**key_fields(item))
    key = re.sub(r"[^A-Za-z0-9_:\-]", "", raw)
    return key or "ref"


def _suffixes() -> Iterable[str]:
    """a … z, aa … az, ba … (bibtex-tidy runs out after z; we do not)."""
    letters = string.ascii_lowercase
    length = 1
    while True:
        indices = [0] * length
        while True:
            yield "".join(letters[i] for i in indices)
            position = length - 1
            while position >= 0 and indices[position] == len(letters) - 1:
                indices[position] = 0
                position -= 1
            if position < 0:
                break
            indices[position] += 1
        length += 1


def assign_keys(
    records: Iterable[Record],
    pinned: Mapping[str, str],
    key_format: str = DEFAULT_KEY_FORMAT,
) -> dict[str, str]:
    """Keys for every record: pinned ones kept, new ones unique (case-insensitively) across all.

    ``pinned`` maps record ids to the keys the lockfile already gave them.
    """
    records = list(records)
    keys: dict[str, str] = {}
    taken: set[str] = set()
    # Two papers pinned to one key (lists merged in git can do that): the first, by record id, keeps it.
    for record_id in sorted(r.id for r in records if r.id in pinned):
        if pinned[record_id].lower() not in taken:
            keys[record_id] = pinned[record_id]
            taken.add(pinned[record_id].lower())
    fresh: dict[str, list[str]] = {}
    for record in sorted((r for r in records if r.id not in keys), key=lambda r: r.id):
        fresh.setdefault(base_key(record.csl, key_format), []).append(record.id)
    for base, ids in sorted(fresh.items()):
        candidates = _candidates(base, len(ids) > 1)
        for record_id in ids:
            key = next(c for c in candidates if c.lower() not in taken)
            keys[record_id] = key
            taken.add(key.lower())
    return keys


def _candidates(base: str, clash: bool) -> Iterable[str]:
    """Papers that share a base key all get a suffix, so none looks like "the" one."""
    if not clash:
        yield base
    for suffix in _suffixes():
        yield base + suffix
