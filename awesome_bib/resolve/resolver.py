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

Merge policy (:func:`awesome_bib.resolve.jobs.merge`, :mod:`awesome_bib.records.merge`): the
identified record (arXiv, or Crossref for a DOI) gives exact metadata; a published version accepted
on evidence (title, authors, year) replaces title and venue fields while the authors and the arXiv
id stay; overrides always win.  Every field records where it came from in the record's provenance;
nothing time-dependent is written.

The sources come from :mod:`awesome_bib.resolve.sources.registry`: each answers the step kinds it
registered for, through its service's client and thread pool.

"Unknown, retry later" never makes a record worse: when a record that was resolved is looked up
again (``--refresh``, another ``--prefer``) and failures leave it unfinished, the earlier record
stays, with a note that says so; the next run looks it up again.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timezone
from typing import Any

from awesome_bib.errors import AwesomeBibError
from awesome_bib.ids import ARXIV_DOI_PREFIX
from awesome_bib.records.merge import apply_overrides
from awesome_bib.records.model import Record
from awesome_bib.resolve.http import UNKNOWN, ServiceClient, ServiceUnavailable
from awesome_bib.resolve.jobs import (
    EARLIER_KEPT,
    FINISHED,
    PREPRINT_KEPT,
    PUBLISHED_KINDS,
    PUBLISHED_UNSOUGHT,
    Finisher,
    Job,
    is_preprint,
    new_job,
    nothing_to_look_up,
    search_reference,
    take_local,
    take_lookup,
    take_search,
    wants_published,
)
from awesome_bib.resolve.report import Progress, ResolveReport, RunMonitor
from awesome_bib.resolve.services import SERVICES, ResolveSettings
from awesome_bib.resolve.sources.local import LocalBibliography
from awesome_bib.resolve.sources.registry import build_sources

__all__ = ["has_pending_retry", "is_remembered_miss", "resolve_records", "wants_lookup"]

_ACCEPTED = re.compile(r"\b(accepted|to appear|appears? in|published|camera[- ]ready)\b", re.I)

Step = tuple[str, str]  # (kind, key): ("arxiv", id) ("s2", "ARXIV:id") ("doi", doi) ("dblp", "")


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
        job = new_job(record)
        if record.status in FINISHED:
            job.earlier = copy.deepcopy(record)
        if local is not None and take_local(job, local, prefer_published):
            if settings.offline or not wants_published(job, prefer_published):
                job.offline = settings.offline
                known_locally.append(job)
            else:
                jobs.append(job)
            continue
        reason = nothing_to_look_up(job)
        if reason:
            report.skipped[record.id] = reason
        elif settings.offline:
            report.offline.append(record.id)
        else:
            jobs.append(job)
    today = today or datetime.now(timezone.utc).date().isoformat()
    monitor = monitor or RunMonitor()
    monitor.total = len(jobs) + len(known_locally)
    finisher = Finisher(prefer_published, overrides, report, on_batch, progress, monitor, today)
    finisher.finish(known_locally)
    if jobs:
        _Resolver(settings, prefer_published, finisher).run(jobs, deadline)
    report.sort()
    return report


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


class _Resolver:
    """Plans each job's steps and runs them in phases, on one client and one pool per service."""

    def __init__(self, settings: ResolveSettings, prefer_published: bool, finisher: Finisher) -> None:
        self.prefer_published = prefer_published
        self.report = finisher.report
        self.finisher = finisher
        self.clients = {
            name: ServiceClient(settings.service(name), mailto=settings.mailto) for name in SERVICES
        }
        self.sources = build_sources(self.clients)
        self.pools = {
            name: ThreadPoolExecutor(settings.service(name).concurrency, thread_name_prefix=name)
            for name in SERVICES
        }
        finisher.monitor.clients = self.clients
        self.deadline: float | None = None

    def run(self, jobs: list[Job], deadline: float | None = None) -> None:
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

    def _plan(self, job: Job) -> list[Step]:
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
        if self.prefer_published and job.published is None and is_preprint(job.base):
            return self._published_steps(job)
        return []

    def _published_steps(self, job: Job) -> list[Step]:
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

    def _published_signal(self, job: Job) -> bool:
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

    def _phase(self, plans: Mapping[Job, list[Step]]) -> dict[Job, list[Step]]:
        """Run every planned step, lookups batched per service; finish jobs as their last step
        lands.  A job whose next steps are searches goes on at once; one that needs another
        lookup waits for the next phase, where it is batched with the others (returned)."""
        later: dict[Job, list[Step]] = {}
        outstanding = {job: len(steps) for job, steps in plans.items()}
        by_key: dict[str, dict[str, list[Job]]] = {kind: {} for kind in self.sources.lookups}
        futures: dict[Future[Any], tuple[str, Any]] = {}
        for job, steps in plans.items():
            for kind, key in steps:
                if kind in by_key:
                    by_key[kind].setdefault(key, []).append(job)
        for kind, source in self.sources.lookups.items():
            keys = list(by_key[kind])
            pool = self.pools[self.sources.services[kind]]
            for start in range(0, len(keys), source.batch_size):
                chunk = keys[start : start + source.batch_size]
                futures[pool.submit(source.lookup, chunk)] = (kind, chunk)
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
                    elif all(kind in self.sources.searches for kind, _ in steps):
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

    def _submit_searches(self, job: Job, steps: list[Step]) -> dict[Future[Any], tuple[str, Any]]:
        futures = {}
        for kind, _ in steps:
            if kind in self.sources.searches:
                published = job.base is not None
                search = self.sources.searches[kind]
                reference = search_reference(job)
                future = self.pools[self.sources.services[kind]].submit(search.search, reference)
                futures[future] = (kind, (job, reference, published))
        return futures

    def _deliver(
        self, kind: str, target: Any, result: Any, by_key: Mapping[str, Mapping[str, list[Job]]]
    ) -> list[Job]:
        """Hand one task's result to the jobs waiting for it; returns those jobs."""
        if kind in self.sources.searches:
            job, reference, published = target
            job.done.add(f"{kind}:")
            if isinstance(result, ServiceUnavailable):
                job.failures.append(str(result))
            else:
                take_search(job, kind, reference, published, result)
            return [job]
        touched = []
        for key in target:
            for job in by_key[kind][key]:
                job.done.add(f"{kind}:{key}")
                touched.append(job)
                if isinstance(result, ServiceUnavailable):
                    job.failures.append(str(result))
                else:
                    take_lookup(job, kind, key, result.get(key))
        return touched


def _pending(job: Job, steps: list[Step]) -> list[Step]:
    return [(kind, key) for kind, key in steps if f"{kind}:{key}" not in job.done]

