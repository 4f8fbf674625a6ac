"""Resolve records against arXiv, Crossref, DBLP and Semantic Scholar in as few requests as we can.

Each record needing work becomes a job that goes through phases.  In one phase every job's next
steps are batched per service and run concurrently (each service under its own limits):

1. arXiv ids, 100 per request; Semantic Scholar ``/paper/batch`` for arXiv ids and DOIs, 500 per
   request; Crossref works for DOIs, 50 per ``filter=doi:`` request; title searches for entries
   without identifiers (Crossref first, DBLP for venue papers known only by a proceedings link).
2. Published versions of preprints, only where there is a sign of one: the DOI arXiv or Semantic
   Scholar gives (Crossref), else a DBLP title search when Semantic Scholar names a venue, does not
   know the paper, or the list, ``journal_ref`` or comment says it was published.  Searches that
   found nothing fall back to the other search source.

A job whose next step is a search goes on at once; one that needs another lookup waits for the next
phase, to be batched with the others.  A job is finished -- merged into its record and handed to
``on_batch`` -- as soon as it has no next step, so a run killed at any moment loses at most the
jobs still in flight.

Merge policy (:mod:`awesome_bib.records.merge`): the identified record (arXiv, or Crossref for a DOI) gives
exact metadata; a published version accepted on evidence (title, authors, year) replaces title and
venue fields while the authors and the arXiv id stay; overrides always win.  Every field records
where it came from in the record's provenance; nothing time-dependent is written.

"Unknown, retry later" never makes a record worse: when a record that was resolved is looked up
again (``--refresh``, another ``--prefer``) and failures leave it unfinished, the earlier record
stays, with a note that says so; the next run looks it up again.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from awesome_bib.errors import AwesomeBibError
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
from awesome_bib.resolve.http import UNKNOWN, ServiceClient, ServiceUnavailable
from awesome_bib.resolve.matching import choose
from awesome_bib.resolve.services import SERVICES, ResolveSettings
from awesome_bib.resolve.sources import Candidate, Reference
from awesome_bib.resolve.sources.arxiv import ArxivSource
from awesome_bib.resolve.sources.crossref import CrossrefSource
from awesome_bib.resolve.sources.dblp import DblpSource, is_corr
from awesome_bib.resolve.sources.local import SOURCE as LOCAL_SOURCE
from awesome_bib.resolve.sources.local import LocalBibliography, url_key
from awesome_bib.resolve.sources.semanticscholar import SemanticScholarSource

__all__ = [
    "ResolveReport", "RunMonitor", "apply_overrides", "has_pending_retry", "is_remembered_miss",
    "resolve_records", "wants_lookup",
]

FINISHED = ("resolved", "upgraded")
# Notes that are also state (the lockfile keeps notes as they are): the preference a preprint was
# resolved under, and a lookup again that failed and must be taken up by the next run.
PREPRINT_KEPT = "arXiv preprint kept (--prefer arxiv): its published version was not sought"
PUBLISHED_UNSOUGHT = "resolved offline: the published version the list names was not sought; the list's venue stands"
EARLIER_KEPT = "earlier result kept, looking up again failed: "
NOTHING_TO_LOOK_UP = {"blog", "web", "software"}
PUBLISHED_KINDS = {"conference", "journal", "workshop"}
_ACCEPTED = re.compile(r"\b(accepted|to appear|appears? in|published|camera[- ]ready)\b", re.I)

Step = tuple[str, str]  # (kind, key): ("arxiv", id) ("s2", "ARXIV:id") ("doi", doi) ("dblp", "")
Progress = Callable[[int, int], None]


@dataclass
class ResolveReport:
    """What a run did, by record id; ``requests`` counts every request sent, per service."""

    resolved: list[str] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)
    unresolved: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    offline: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # remembered misses, not asked again
    stopped: int = 0  # papers still in the works when the deadline came
    kept: dict[str, list[str]] = field(default_factory=dict)
    local_keys: dict[str, str] = field(default_factory=dict)  # record id -> key of the local entry it matched
    requests: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SERVICES, 0))

    @property
    def exit_status(self) -> int:
        """0 when every lookup finished, 1 when some paper is unresolved or still to look up."""
        return 1 if self.unresolved or self.offline or self.kept or self.missing or self.stopped else 0

    def summary(self) -> str:
        """The closing summary of a run, one fact a line, unresolved entries with their reasons."""
        lines = [
            f"resolved: {len(self.resolved) + len(self.upgraded)} "
            f"({len(self.upgraded)} upgraded to the published version)",
            f"unchanged: {len(self.unchanged)}, nothing to look up: {len(self.skipped)}",
        ]
        if self.offline:
            lines.append(f"not looked up (offline): {len(self.offline)}")
        if self.stopped:
            lines.append(f"stopped at the deadline: {self.stopped} papers left for the next run")
        if self.missing:
            lines.append(f"no service knew them lately, not asked again: {len(self.missing)} "
                         "(`status` says since when; --retry-missing asks now)")
        if self.kept:
            lines.append(f"looked up again but failed, earlier result kept: {len(self.kept)} "
                         "(the next run tries again)")
            lines += [f"  {record_id}: {'; '.join(reasons)}"
                      for record_id, reasons in self.kept.items()]
        if self.local_keys:
            lines.append(f"from local bibliographies: {len(self.local_keys)}")
        lines.append(f"unresolved: {len(self.unresolved)}")
        lines += [f"  {record_id}: {'; '.join(reasons)}"
                  for record_id, reasons in self.unresolved.items()]
        lines.append("requests: " + ", ".join(f"{name} {n}" for name, n in self.requests.items()))
        return "\n".join(lines)

    def sort(self) -> None:
        """Order every list by record id, so that the report does not depend on timing."""
        self.resolved.sort()
        self.upgraded.sort()
        self.unchanged.sort()
        self.offline.sort()
        self.missing.sort()
        self.unresolved = dict(sorted(self.unresolved.items()))
        self.skipped = dict(sorted(self.skipped.items()))
        self.kept = dict(sorted(self.kept.items()))


@dataclass
class RunMonitor:
    """How far a run is, for a progress display: papers done of those to look up, and the state of
    each service (``ok``, ``slowed``, ``down``) while it runs."""

    total: int = 0
    finished: int = 0
    clients: Mapping[str, ServiceClient] = field(default_factory=dict)

    def line(self) -> str:
        """``resolving: 120/4000 done, 3880 left; arxiv ok, crossref slowed, ...``"""
        states = ", ".join(f"{name} {client.state}" for name, client in self.clients.items())
        left = self.total - self.finished
        return f"resolving: {self.finished}/{self.total} done, {left} left" + (f"; {states}" if states else "")


@dataclass(eq=False)
class _Job:
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


def resolve_records(
    records: Sequence[Record],
    settings: ResolveSettings,
    *,
    prefer: str = "published",
    refresh: bool = False,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    on_batch: Callable[[list[Record]], None] | None = None,
    progress: Progress | None = None,
    local: LocalBibliography | None = None,
    misses_from: str | None = None,
    today: str | None = None,
    monitor: RunMonitor | None = None,
    deadline: float | None = None,
) -> ResolveReport:
    """Resolve ``records`` in place and report.

    ``listed`` and ``unresolved`` records are queried.  Finished ones (``resolved``,
    ``upgraded``) are left alone unless ``refresh``, or unless what they were resolved under no
    longer holds: an ``upgraded`` record under ``prefer="arxiv"`` (the preprint is wanted now),
    a preprint kept under ``prefer="arxiv"`` (its note :data:`PREPRINT_KEPT`) under
    ``"published"``, and a record whose last lookup again failed (:data:`EARLIER_KEPT`).  Should
    such a lookup fail (a service down or answering garbage, not "no such paper"), the earlier
    record stays as it was, with an :data:`EARLIER_KEPT` note, and ``report.kept`` lists it.

    ``overrides`` maps record ids to CSL fields to pin (see
    :func:`awesome_bib.records.merge.apply_overrides`); they are applied before looking up (a pinned
    DOI is the one looked up) and after merging (they always win).  ``on_batch`` receives the
    records finished by each batch of requests; ``progress(finished, total)`` follows the jobs.

    ``local`` (the ``--from`` files) is asked first, with or without ``settings.offline``: a paper
    it knows needs no service, except to look for the published version of a preprint it gave.

    A paper every service answered it does not know gets ``missing_since = today`` (default: the
    current UTC day); one whose miss is from ``misses_from`` or later is not asked again
    (``report.missing``), unless ``refresh``.

    ``monitor`` follows the run; at ``deadline`` (a :func:`time.monotonic` time) the run stops:
    what is finished is kept, the papers still in the works stay as they were
    (``report.stopped``).
    """
    if prefer not in ("published", "arxiv"):
        raise AwesomeBibError(f"--prefer must be 'published' or 'arxiv', not {prefer!r}")
    overrides = overrides or {}
    report = ResolveReport()
    jobs, known_locally = [], []
    prefer_published = prefer == "published"
    for record in records:
        if apply_overrides(record, overrides.get(record.id)) and record.status in FINISHED:
            record.status = "listed"  # a pinned identifier changed: look it up again
        if not wants_lookup(record, prefer=prefer, refresh=refresh, misses_from=misses_from):
            (report.missing if record.status == "unresolved" else report.unchanged).append(record.id)
            continue
        job = _job(record)
        if record.status in FINISHED:
            job.earlier = copy.deepcopy(record)
        if local is not None and _take_local(job, local, prefer_published):
            if settings.offline or not _wants_published(job, prefer_published):
                job.offline = settings.offline
                known_locally.append(job)
            else:
                jobs.append(job)
            continue
        reason = _nothing_to_look_up(job)
        if reason:
            report.skipped[record.id] = reason
        elif settings.offline:
            report.offline.append(record.id)
        else:
            jobs.append(job)
    today = today or datetime.now(timezone.utc).date().isoformat()
    monitor = monitor or RunMonitor()
    monitor.total = len(jobs) + len(known_locally)
    finisher = _Finisher(prefer_published, overrides, report, on_batch, progress, monitor, today)
    finisher.finish(known_locally)
    if jobs:
        _Resolver(settings, prefer_published, finisher).run(jobs, deadline)
    report.sort()
    return report


def _take_local(job: _Job, local: LocalBibliography, prefer_published: bool) -> bool:
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


def _wants_published(job: _Job, prefer_published: bool) -> bool:
    """Whether a paper the local files gave still needs the services: its published version."""
    return prefer_published and job.published is None and job.base is not None and _is_preprint(job.base)


def _job(record: Record) -> _Job:
    """What to look up, from the list and the overrides only, so that a refresh or a retry
    asks exactly what a first run would."""
    csl, _ = trusted_part(record)
    custom = csl.get("custom") or {}
    job = _Job(record, Reference.from_csl(csl))
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


def wants_lookup(record: Record, *, prefer: str = "published", refresh: bool = False,
                 misses_from: str | None = None) -> bool:
    """Whether :func:`resolve_records` would look ``record`` up (overrides already applied):
    it is not finished, or ``refresh``, or it was resolved under the other preference, or a
    service failed to answer for it (:func:`has_pending_retry`) -- but not a paper no service
    knew on ``misses_from`` (a ``YYYY-MM-DD`` day) or later: that miss is remembered."""
    if is_remembered_miss(record, misses_from) and not refresh:
        return False
    if record.status not in FINISHED or refresh:
        return True
    if prefer == "arxiv" and record.status == "upgraded":
        return True
    if prefer == "published" and (PREPRINT_KEPT in record.notes or PUBLISHED_UNSOUGHT in record.notes):
        return True
    return has_pending_retry(record)


def is_remembered_miss(record: Record, misses_from: str | None) -> bool:
    """Whether every service said it does not know the paper, on ``misses_from`` or later."""
    return bool(misses_from and record.status == "unresolved" and record.missing_since >= misses_from)


def has_pending_retry(record: Record) -> bool:
    """Whether a service failed to answer for the record (so that it may be incomplete, e.g. no
    arXiv id from Semantic Scholar, Crossref's data where DBLP's would be): the next run asks again,
    so that what a record ends as does not depend on the faults it met on the way."""
    return any(note.startswith(EARLIER_KEPT) or note.endswith(UNKNOWN) for note in record.notes)


def _nothing_to_look_up(job: _Job) -> str | None:
    if job.arxiv or job.doi:
        return None
    kind = (job.record.csl.get("custom") or {}).get("venue-kind")
    if kind in NOTHING_TO_LOOK_UP and not job.venue_paper:
        return f"{kind} entry without a paper identifier: nothing to look up"
    if not job.reference.title:
        return "no identifier and no title: nothing to look up"
    return None


class _Finisher:
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

    def finish(self, jobs: Iterable[_Job]) -> None:
        changed = []
        for job in jobs:
            _merge(job, self.prefer_published)
            apply_overrides(job.record, self.overrides.get(job.record.id))
            record = job.record
            if job.earlier is not None and job.failures and record.status not in FINISHED:
                _keep_earlier(job)
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


class _Resolver:
    def __init__(self, settings: ResolveSettings, prefer_published: bool, finisher: _Finisher) -> None:
        self.prefer_published = prefer_published
        self.report = finisher.report
        self.finisher = finisher
        self.clients = {
            name: ServiceClient(settings.service(name), mailto=settings.mailto) for name in SERVICES
        }
        self.lookups = {
            "arxiv": ArxivSource(self.clients["arxiv"]),
            "doi": CrossrefSource(self.clients["crossref"]),
            "s2": SemanticScholarSource(self.clients["semanticscholar"]),
        }
        self.searches = {"crossref": self.lookups["doi"], "dblp": DblpSource(self.clients["dblp"])}
        self.pools = {
            name: ThreadPoolExecutor(settings.service(name).concurrency, thread_name_prefix=name)
            for name in SERVICES
        }
        finisher.monitor.clients = self.clients
        self.deadline: float | None = None

    def run(self, jobs: list[_Job], deadline: float | None = None) -> None:
        self.deadline = deadline
        try:
            plans = {job: steps for job in jobs if (steps := self._plan(job))}
            self.finisher.finish(job for job in jobs if job not in plans)
            while plans and not self._past_deadline():
                plans = self._phase(plans)
            if self._past_deadline():
                unfinished = self.finisher.monitor.total - self.finisher.monitor.finished
                self.report.stopped = unfinished
        finally:  # also after Ctrl-C: requests waiting for their turn give up at once
            for name, client in self.clients.items():
                client.close()
                self.report.requests[name] = client.requests
            for pool in self.pools.values():
                pool.shutdown(wait=False, cancel_futures=True)

    # -- planning ------------------------------------------------------------------------------

    def _plan(self, job: _Job) -> list[Step]:
        """The steps ``job`` still needs, given what it has learnt; empty when it is finished."""
        wanted: list[Step] = []
        if job.arxiv:
            wanted.append(("arxiv", job.arxiv))
            if self.prefer_published:
                wanted.append(("s2", f"ARXIV:{job.arxiv}"))
        elif job.doi:
            wanted += [("doi", job.doi), ("s2", f"DOI:{job.doi}")]
        steps = _pending(job, wanted)
        if steps:
            return steps
        if job.base is None:
            if job.arxiv:
                return []
            order = ["dblp", "crossref"] if job.venue_paper or job.doi else ["crossref", "dblp"]
            return _pending(job, [(kind, "") for kind in order])[:1]
        if self.prefer_published and job.published is None and _is_preprint(job.base):
            return self._published_steps(job)
        return []

    def _published_steps(self, job: _Job) -> list[Step]:
        assert job.base is not None
        dois = [job.doi, job.base.evidence.get("doi")]
        dois += list(job.base.evidence.get("preprint-of", ()))
        if job.s2 is not None:
            dois.append(job.s2.evidence.get("doi"))
        for doi in dois:
            doi = str(doi or "").lower()
            fresh = doi and f"doi:{doi}" not in job.done and doi != job.base.id
            if fresh and not doi.startswith(ARXIV_DOI_PREFIX):
                return [("doi", doi)]
        if self._published_signal(job):
            return _pending(job, [("dblp", "")])
        return []

    def _published_signal(self, job: _Job) -> bool:
        """Some sign that the preprint was published (else searching would waste a request)."""
        assert job.base is not None
        custom = job.record.csl.get("custom") or {}
        said = " ".join(str(job.base.evidence.get(k, "")) for k in ("journal_ref", "comment"))
        return bool(
            (job.s2 is not None and job.s2.evidence.get("published"))
            or job.s2_missing
            or custom.get("venue-kind") in PUBLISHED_KINDS
            or job.base.evidence.get("journal_ref")
            or _ACCEPTED.search(said)
        )

    # -- running -------------------------------------------------------------------------------

    def _phase(self, plans: Mapping[_Job, list[Step]]) -> dict[_Job, list[Step]]:
        """Run every planned step, lookups batched per service; finish jobs as their last step
        lands.  A job whose next steps are searches goes on at once; one that needs another
        lookup waits for the next phase, where it is batched with the others (returned)."""
        later: dict[_Job, list[Step]] = {}
        outstanding = {job: len(steps) for job, steps in plans.items()}
        by_key: dict[str, dict[str, list[_Job]]] = {"arxiv": {}, "s2": {}, "doi": {}}
        futures: dict[Future[Any], tuple[str, Any]] = {}
        for job, steps in plans.items():
            for kind, key in steps:
                if kind in by_key:
                    by_key[kind].setdefault(key, []).append(job)
        for kind in ("doi", "arxiv", "s2"):
            source = self.lookups[kind]
            keys = list(by_key[kind])
            for start in range(0, len(keys), source.batch_size):
                chunk = keys[start : start + source.batch_size]
                futures[self.pools[source.name].submit(source.lookup, chunk)] = (kind, chunk)
        for job, steps in plans.items():
            futures.update(self._submit_searches(job, steps))
        pending = set(futures)
        while pending:
            timeout = None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
            done, pending = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
            if self._past_deadline():
                return {}  # what is in the works stays as it was; the next run takes it up
            for future in done:
                kind, target = futures.pop(future)
                try:
                    result: Any = future.result()
                except ServiceUnavailable as error:
                    result = error
                ready = []
                for job in self._deliver(kind, target, result, by_key):
                    outstanding[job] -= 1
                    if outstanding[job]:
                        continue
                    steps = self._plan(job)
                    if not steps:
                        ready.append(job)
                    elif all(kind in self.searches for kind, _ in steps):
                        outstanding[job] = len(steps)
                        searches = self._submit_searches(job, steps)
                        futures.update(searches)
                        pending.update(searches)
                    else:
                        later[job] = steps
                self.finisher.finish(ready)
        return later

    def _past_deadline(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def _submit_searches(self, job: _Job, steps: list[Step]) -> dict[Future[Any], tuple[str, Any]]:
        futures = {}
        for kind, _ in steps:
            if kind in self.searches:
                published = job.base is not None
                search = self.searches[kind]
                reference = _search_reference(job)
                future = self.pools[search.name].submit(search.search, reference)
                futures[future] = (kind, (job, reference, published))
        return futures

    def _deliver(
        self, kind: str, target: Any, result: Any, by_key: Mapping[str, Mapping[str, list[_Job]]]
    ) -> list[_Job]:
        """Hand one task's result to the jobs waiting for it; returns those jobs."""
        if kind in self.searches:
            job, reference, published = target
            job.done.add(f"{kind}:")
            if isinstance(result, ServiceUnavailable):
                job.failures.append(str(result))
            else:
                self._take_search(job, kind, reference, published, result)
            return [job]
        touched = []
        for key in target:
            for job in by_key[kind][key]:
                job.done.add(f"{kind}:{key}")
                touched.append(job)
                if isinstance(result, ServiceUnavailable):
                    job.failures.append(str(result))
                else:
                    self._take_lookup(job, kind, key, result.get(key))
        return touched

    def _take_lookup(self, job: _Job, kind: str, key: str, found: Candidate | None) -> None:
        if kind == "s2":
            job.s2, job.s2_missing = found, found is None
        elif found is None:
            what = "record for arXiv id" if kind == "arxiv" else "work for DOI"
            job.misses.append(f"{'arxiv' if kind == 'arxiv' else 'crossref'}: no {what} {key}")
        elif job.base is None and key in (job.arxiv, job.doi):
            job.base = found
        elif job.base is not None:
            reference = Reference.from_csl(job.base.csl)
            self._take_published(job, reference, [found], linked={found.id})

    def _take_search(
        self, job: _Job, kind: str, reference: Reference, published: bool, found: list[Candidate]
    ) -> None:
        if published:
            linked = {job.s2.evidence.get("dblp", "")} if job.s2 is not None else set()
            self._take_published(job, reference, [c for c in found if not is_corr(c)], linked)
            return
        choice = choose(reference, found)
        papers = [(c, m) for c, m in choice.accepted if not is_corr(c)]
        preprints = [(c, m) for c, m in choice.accepted if is_corr(c) and _arxiv_of(c)]
        if papers:
            job.base, job.base_score = papers[0][0], papers[0][1].score
            if preprints:
                job.preprint_of_corr = (preprints[0][0], preprints[0][1].score)
        elif preprints:
            job.arxiv = _arxiv_of(preprints[0][0])  # an arXiv paper: ask arXiv
            job.base_score = preprints[0][1].score
        elif choice.rejected:
            job.misses.append(f"{kind}: no match for the title ({len(choice.rejected)} rejected)")
        else:
            job.misses.append(f"{kind}: nothing found for the title")

    def _take_published(
        self, job: _Job, reference: Reference, found: list[Candidate], linked: set[str]
    ) -> None:
        choice = choose(reference, found, years=(-1, 2), linked=linked)
        if choice.best is not None:
            job.published, job.published_score = choice.best, choice.score
        elif choice.rejected:
            job.misses.append(f"published version not confirmed: {choice.rejected[0]}")


def _merge(job: _Job, prefer_published: bool) -> None:
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
    unsought = prefer_published and job.published is None and job.offline and _is_preprint(job.base)
    if unsought and (listed.get("custom") or {}).get("venue-kind") in PUBLISHED_KINDS:
        keep_list_venue(csl, provenance, listed)  # the list's word stands until a service is asked
        notes.append(PUBLISHED_UNSOUGHT)
    elif _is_preprint(job.base):
        drop_list_venue(csl, provenance)  # a preprint, unless a published version says else
    extra = job.preprint_of_corr or ((job.s2, 1.0) if job.s2 is not None else None)
    if extra and "arxiv" not in csl.get("custom", {}):
        candidate, score = extra
        arxiv = _arxiv_of(candidate)
        if arxiv:
            put(csl, provenance, "custom.arxiv", arxiv, candidate, score)
    upgraded = prefer_published and job.published is not None
    if upgraded:
        put_published(csl, provenance, job.base, job.published, job.published_score)
    elif job.upgraded_locally:  # the base is the published version: the list's preprint ids go
        put_published(csl, provenance, job.base, job.base, job.base_score)
    # An unknown answer matters only while it leaves the question open: was it published?
    undecided = (
        prefer_published and job.failures and not upgraded and _is_preprint(job.base)
    )
    if not prefer_published and _is_preprint(job.base):
        notes.append(PREPRINT_KEPT)
    record.csl, record.provenance, record.notes = csl, provenance, notes
    record.status = "unresolved" if undecided else "upgraded" if upgraded or job.upgraded_locally else "resolved"


def _keep_earlier(job: _Job) -> None:
    """Put back the finished record a failed lookup again would have spoilt, noting why."""
    assert job.earlier is not None
    record, earlier = job.record, job.earlier
    record.csl, record.provenance, record.status = earlier.csl, earlier.provenance, earlier.status
    record.notes = [note for note in earlier.notes if not note.startswith(EARLIER_KEPT)]
    record.notes.append(EARLIER_KEPT + "; ".join(sorted(set(job.failures))))


def _search_reference(job: _Job) -> Reference:
    """The best description of the paper sought: the record found so far, else what Semantic
    Scholar knows of its id, else the list's title and year."""
    for candidate in (job.base, job.s2):
        if candidate is not None and candidate.csl.get("title"):
            return Reference.from_csl(candidate.csl)
    return job.reference


def _pending(job: _Job, steps: list[Step]) -> list[Step]:
    return [(kind, key) for kind, key in steps if f"{kind}:{key}" not in job.done]


def _arxiv_of(candidate: Candidate) -> str | None:
    return (candidate.csl.get("custom") or {}).get("arxiv")


def _is_preprint(candidate: Candidate) -> bool:
    return (candidate.source == "arxiv" or candidate.evidence.get("type") == "posted-content"
            or bool(candidate.evidence.get("preprint")))
