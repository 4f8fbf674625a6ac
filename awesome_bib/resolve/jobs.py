"""What a job knows of its paper, how the sources' answers land in it, and how it is merged.

A job is one record being resolved: the identifiers the list and the overrides give
(:func:`new_job`), what the local files know (:func:`take_local`), and the candidates the
services answer with (:func:`take_lookup`, :func:`take_search`).  Once the resolver has no step
left for it, :class:`Finisher` merges it into its record (:func:`merge`), reports it and hands it on.

The notes below are also state: the lockfile keeps them as they are, and the next run reads them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from awesome_bib.ids import ARXIV_DOI_PREFIX, is_valid_arxiv_id
from awesome_bib.ids.acl import ACL_DOI_PREFIX
from awesome_bib.ids.doi import strip_doi_prefix
from awesome_bib.records.csl import issued_year
from awesome_bib.records.merge import (
    apply_overrides,
    drop_list_venue,
    keep_list_venue,
    keep_venue_table,
    put,
    put_all,
    put_published,
    trusted_part,
)
from awesome_bib.records.model import Record
from awesome_bib.resolve.matching import choose
from awesome_bib.resolve.report import Progress, ResolveReport, RunMonitor
from awesome_bib.resolve.sources import Candidate, Reference
from awesome_bib.resolve.sources.dblp import is_corr
from awesome_bib.resolve.sources.local import LocalBibliography
from awesome_bib.resolve.sources.local_entries import SOURCE as LOCAL_SOURCE
from awesome_bib.resolve.sources.local_files import url_key

FINISHED = ("resolved", "upgraded")
# The preference a preprint was resolved under, and a lookup again that failed and must be taken
# up by the next run.
PREPRINT_KEPT = "arXiv preprint kept (--prefer arxiv): its published version was not sought"
PUBLISHED_UNSOUGHT = "resolved offline: the published version the list names was not sought; the list's venue stands"
EARLIER_KEPT = "earlier result kept, looking up again failed: "
NOTHING_TO_LOOK_UP = {"blog", "web", "software"}
PUBLISHED_KINDS = {"conference", "journal", "workshop"}


@dataclass(eq=False)
class Job:
    """One record being resolved: its identifiers, the candidates found so far, what went wrong."""

    record: Record
    reference: Reference
    arxiv: str | None = None
    doi: str | None = None
    venue_paper: bool = False
    base: Candidate | None = None
    base_score: float = 1.0
    published: Candidate | None = None
    published_score: float = 1.0
    s2: Candidate | None = None
    s2_missing: bool = False
    preprint_of_corr: tuple[Candidate, float] | None = None
    earlier: Record | None = None  # the finished record looked up again, kept if that fails
    upgraded_locally: bool = False  # a local file gave the published version of a listed preprint
    local_key: str | None = None  # the key of the local entry the paper matched
    offline: bool = False  # finished from the local files alone, no service asked
    done: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def new_job(record: Record) -> Job:
    """What to look up, from the list and the overrides only, so that a refresh or a retry
    asks exactly what a first run would."""
    csl, _ = trusted_part(record)
    custom = csl.get("custom") or {}
    job = Job(record, Reference.from_csl(csl))
    ids = custom.get("ids") or {}
    doi = strip_doi_prefix(str(csl.get("DOI") or ids.get("doi") or "")).strip().lower() or None
    arxiv = custom.get("arxiv")
    if doi and doi.startswith(ARXIV_DOI_PREFIX):
        arxiv, doi = arxiv or doi[len(ARXIV_DOI_PREFIX):], None
    if arxiv and not is_valid_arxiv_id(arxiv):
        job.misses.append(f"arxiv: {arxiv!r} is not a valid arXiv id")
        arxiv = None
    if not doi and ids.get("acl"):
        doi = f"{ACL_DOI_PREFIX}{ids['acl']}".lower()  # the ACL Anthology's DOI scheme
    job.arxiv, job.doi = arxiv, doi
    job.venue_paper = bool(set(ids) - {"arxiv", "doi", "acl"})
    return job


def take_local(job: Job, local: LocalBibliography, prefer_published: bool) -> bool:
    """Ask the local files for the paper; True when they know it (``job.base`` set)."""
    csl, _ = trusted_part(job.record)
    custom = csl.get("custom") or {}
    ids = {kind: str(value) for kind, value in (custom.get("ids") or {}).items()}
    ids |= {kind: value for kind, value in (("arxiv", job.arxiv), ("doi", job.doi)) if value}
    if csl.get("URL"):
        ids["url"] = url_key(str(csl["URL"]))
    # The year the list's own record knows, the one an arXiv id spells out included.
    reference = Reference(job.reference.title, job.reference.authors, job.reference.year or issued_year(job.record.csl))
    found = local.match(reference, ids)
    if found is None:
        return False
    listed_preprint = bool(job.arxiv) and job.record.id.startswith("arxiv:")
    published = not found.candidate.evidence.get("preprint")
    if published and listed_preprint and not prefer_published:
        return False  # the preprint is wanted: a service gives it, not this published entry
    base = found.candidate
    if base.csl.get("type") == "webpage" and csl.get("type") == "post-weblog":  # the list knows it is a blog
        base = Candidate(base.source, base.id, {**base.csl, "type": "post-weblog"}, base.evidence)
    job.base, job.base_score = base, found.score
    job.local_key = found.key
    job.upgraded_locally = published and listed_preprint
    for kind, key in (("arxiv", job.arxiv), ("doi", job.doi)):
        if key:
            job.done.add(f"{kind}:{key}")
    if prefer_published and not published:
        later = local.match(Reference.from_csl(found.candidate.csl), {}, published=True)
        if later is not None:
            job.published, job.published_score = later.candidate, later.score
    return True


def wants_published(job: Job, prefer_published: bool) -> bool:
    """Whether a paper the local files gave still needs the services: its published version."""
    return prefer_published and job.published is None and job.base is not None and is_preprint(job.base)


def nothing_to_look_up(job: Job) -> str | None:
    if job.arxiv or job.doi:
        return None
    kind = (job.record.csl.get("custom") or {}).get("venue-kind")
    if kind in NOTHING_TO_LOOK_UP and not job.venue_paper:
        return f"{kind} entry without a paper identifier: nothing to look up"
    if not job.reference.title:
        return "no identifier and no title: nothing to look up"
    return None


def take_lookup(job: Job, kind: str, key: str, found: Candidate | None) -> None:
    """Take a lookup's answer for ``key`` (``None``: the service has no such record)."""
    if kind == "s2":
        job.s2, job.s2_missing = found, found is None
    elif found is None:
        what = "record for arXiv id" if kind == "arxiv" else "work for DOI"
        job.misses.append(f"{'arxiv' if kind == 'arxiv' else 'crossref'}: no {what} {key}")
    elif job.base is None and key in (job.arxiv, job.doi):
        job.base = found
    elif job.base is not None:
        reference = Reference.from_csl(job.base.csl)
        _take_published(job, reference, [found], linked={found.id})


def take_search(
    job: Job, kind: str, reference: Reference, published: bool, found: list[Candidate]
) -> None:
    """Take a title search's candidates: the paper itself, or with ``published`` its published version."""
    if published:
        linked = {job.s2.evidence.get("dblp", "")} if job.s2 is not None else set()
        _take_published(job, reference, [c for c in found if not is_corr(c)], linked)
        return
    choice = choose(reference, found)
    papers = [(c, m) for c, m in choice.accepted if not is_corr(c)]
    preprints = [(c, m) for c, m in choice.accepted if is_corr(c) and arxiv_of(c)]
    if papers:
        job.base, job.base_score = papers[0][0], papers[0][1].score
        if preprints:
            job.preprint_of_corr = (preprints[0][0], preprints[0][1].score)
    elif preprints:
        job.arxiv = arxiv_of(preprints[0][0])  # an arXiv paper: ask arXiv
        job.base_score = preprints[0][1].score
    elif choice.rejected:
        job.misses.append(f"{kind}: no match for the title ({len(choice.rejected)} rejected)")
    else:
        job.misses.append(f"{kind}: nothing found for the title")


def _take_published(
    job: Job, reference: Reference, found: list[Candidate], linked: set[str]
) -> None:
    choice = choose(reference, found, years=(-1, 2), linked=linked)
    if choice.best is not None:
        job.published, job.published_score = choice.best, choice.score
    elif choice.rejected:
        job.misses.append(f"published version not confirmed: {choice.rejected[0]}")


class Finisher:
    """Merges finished jobs into their records, reports them and hands them on."""

    def __init__(
        self, prefer_published: bool, overrides: Mapping[str, Mapping[str, Any]], report: ResolveReport,
        on_batch: Callable[[list[Record]], None] | None, progress: Progress | None,
        monitor: RunMonitor, today: str,
    ) -> None:
        self.today = today
        self.monitor = monitor
        self.prefer_published = prefer_published
        self.overrides = overrides
        self.report = report
        self.on_batch = on_batch
        self.progress = progress

    def finish(self, jobs: Iterable[Job]) -> None:
        changed = []
        for job in jobs:
            merge(job, self.prefer_published)
            apply_overrides(job.record, self.overrides.get(job.record.id))
            record = job.record
            if job.earlier is not None and job.failures and record.status not in FINISHED:
                keep_earlier(job)
                self.report.kept[record.id] = sorted(set(job.failures))
            elif record.status in FINISHED:
                getattr(self.report, record.status).append(record.id)
                if job.local_key is not None:
                    self.report.local_keys[record.id] = job.local_key
            else:
                self.report.unresolved[record.id] = record.notes
            # a miss only when every service answered; looked up again and still missing, from today
            missed = record.status == "unresolved" and not job.failures
            record.missing_since = self.today if missed else ""
            changed.append(record)
        if changed:
            self.monitor.finished += len(changed)
            if self.on_batch is not None:
                self.on_batch(changed)
            if self.progress is not None:
                self.progress(self.monitor.finished, self.monitor.total)


def merge(job: Job, prefer_published: bool) -> None:
    """Write what the job found into its record: fields, provenance, notes and status."""
    record = job.record
    notes = sorted(set(job.failures)) + sorted(set(job.misses) - set(job.failures))
    if job.base is None:
        record.status, record.notes = "unresolved", notes or ["no source knows this paper"]
        return
    csl, provenance = trusted_part(record)
    listed = copy.deepcopy(csl)
    put_all(csl, provenance, job.base, job.base_score)
    if job.base.source == LOCAL_SOURCE:
        keep_venue_table(csl, provenance, record, job.base)
    unsought = prefer_published and job.published is None and job.offline and is_preprint(job.base)
    if unsought and (listed.get("custom") or {}).get("venue-kind") in PUBLISHED_KINDS:
        keep_list_venue(csl, provenance, listed)  # the list's word stands until a service is asked
        notes.append(PUBLISHED_UNSOUGHT)
    elif is_preprint(job.base):
        drop_list_venue(csl, provenance)  # a preprint, unless a published version says else
    extra = job.preprint_of_corr or ((job.s2, 1.0) if job.s2 is not None else None)
    if extra and "arxiv" not in csl.get("custom", {}):
        candidate, score = extra
        arxiv = arxiv_of(candidate)
        if arxiv:
            put(csl, provenance, "custom.arxiv", arxiv, candidate, score)
    upgraded = prefer_published and job.published is not None
    if upgraded:
        put_published(csl, provenance, job.base, job.published, job.published_score)
    elif job.upgraded_locally:  # the base is the published version: the list's preprint ids go
        put_published(csl, provenance, job.base, job.base, job.base_score)
    # An unknown answer matters only while it leaves the question open: was it published?
    undecided = (
        prefer_published and job.failures and not upgraded and is_preprint(job.base)
    )
    if not prefer_published and is_preprint(job.base):
        notes.append(PREPRINT_KEPT)
    record.csl, record.provenance, record.notes = csl, provenance, notes
    record.status = "unresolved" if undecided else "upgraded" if upgraded or job.upgraded_locally else "resolved"


def keep_earlier(job: Job) -> None:
    """Put back the finished record a failed lookup again would have spoilt, noting why."""
    assert job.earlier is not None
    record, earlier = job.record, job.earlier
    record.csl, record.provenance, record.status = earlier.csl, earlier.provenance, earlier.status
    record.notes = [note for note in earlier.notes if not note.startswith(EARLIER_KEPT)]
    record.notes.append(EARLIER_KEPT + "; ".join(sorted(set(job.failures))))


def search_reference(job: Job) -> Reference:
    """The best description of the paper sought: the record found so far, else what Semantic
    Scholar knows of its id, else the list's title and year."""
    for candidate in (job.base, job.s2):
        if candidate is not None and candidate.csl.get("title"):
            return Reference.from_csl(candidate.csl)
    return job.reference


def arxiv_of(candidate: Candidate) -> str | None:
    return (candidate.csl.get("custom") or {}).get("arxiv")


def is_preprint(candidate: Candidate) -> bool:
    return (candidate.source == "arxiv" or candidate.evidence.get("type") == "posted-content"
            or bool(candidate.evidence.get("preprint")))
