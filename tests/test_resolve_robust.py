"""Resolving when the services misbehave: odd answers, wrong endpoints, refreshes that fail."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from awesome_bib.library import lockfile
from awesome_bib.records.merge import apply_overrides
from awesome_bib.records.model import Record
from awesome_bib.resolve.http import ServiceClient, ServiceUnavailable
from awesome_bib.resolve.jobs import EARLIER_KEPT, FINISHED, PREPRINT_KEPT
from awesome_bib.resolve.resolver import has_pending_retry, resolve_records
from awesome_bib.resolve.services import SERVICES, ResolveSettings, load_settings
from awesome_bib.resolve.sources import Reference
from awesome_bib.resolve.sources.arxiv import ArxivSource
from awesome_bib.resolve.sources.crossref import CrossrefSource
from awesome_bib.resolve.sources.dblp import DblpSource
from awesome_bib.resolve.sources.semanticscholar import SemanticScholarSource
from tests.fakeapi import FakeAPI, Fault, Fixtures, list_record, load_records
from tests.test_resolve import by_id, dump

MALFORMED = Path(__file__).parent / "data" / "api" / "malformed"
JANUS = "10.1145/3603269.3604869"
SCHEMOE = "10.1145/3627703.3650083"
MIXTRAL = Reference("Mixtral of Experts", ({"given": "Albert Q.", "family": "Jiang"},), 2024)


def body(name: str) -> str:
    return (MALFORMED / name).read_text(encoding="utf-8")


def source(settings: ResolveSettings, service: str) -> Any:
    kinds = {"arxiv": ArxivSource, "crossref": CrossrefSource, "dblp": DblpSource,
             "semanticscholar": SemanticScholarSource}
    return kinds[service](ServiceClient(settings.service(service)))


# -- answers of the wrong shape are malformed: retried, then unknown -------------------------------

WRONG_SHAPES: list[tuple[str, str, Callable[[Any], Any]]] = [
    ("crossref", "crossref-work-author-strings.json", lambda s: s.lookup([JANUS])),
    ("crossref", "crossref-work-author-number.json", lambda s: s.lookup([JANUS])),
    ("crossref", "crossref-search-relation-string.json", lambda s: s.search(MIXTRAL)),
    ("semanticscholar", "s2-journal-string.json", lambda s: s.lookup(["ARXIV:2401.04088"])),
    ("semanticscholar", "s2-external-ids-list.json", lambda s: s.lookup(["ARXIV:2401.04088"])),
    ("dblp", "dblp-author-number.json", lambda s: s.search(MIXTRAL)),
    ("dblp", "dblp-hit-string.json", lambda s: s.search(MIXTRAL)),
]


@pytest.mark.parametrize(("service", "answer", "ask"), WRONG_SHAPES,
                         ids=[answer for _, answer, _ in WRONG_SHAPES])
def test_an_answer_of_the_wrong_shape_is_malformed_and_retried(
    service: str, answer: str, ask: Callable[[Any], Any],
    api_settings: ResolveSettings, fake_api: FakeAPI,
) -> None:
    fake_api.take_down(service, Fault(body=body(answer)))
    with pytest.raises(ServiceUnavailable) as raised:
        ask(source(api_settings, service))
    assert "malformed response" in str(raised.value)
    assert str(raised.value).endswith("(unknown, retry later)")
    assert fake_api.counts[service] == 3  # retried like a 5xx


def test_a_malformed_answer_once_is_retried_and_the_next_one_used(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    fake_api.fail("crossref", Fault(body=body("crossref-work-author-number.json")))
    found = source(api_settings, "crossref").lookup([JANUS])[JANUS]
    assert found.csl["author"][0] == {"given": "Juncai", "family": "Liu"}
    assert fake_api.counts["crossref"] == 2


@pytest.mark.parametrize(
    ("record", "service", "answer"),
    [
        (list_record(f"doi:{JANUS}", {"id": "liu2023janus", "title": "Janus", "DOI": JANUS}),
         "crossref", "crossref-work-author-strings.json"),
        (list_record("arxiv:2401.04088", {"id": "jiang2024mixtral", "title": "Mixtral",
                                          "custom": {"arxiv": "2401.04088"}}),
         "semanticscholar", "s2-journal-string.json"),
    ],
    ids=["crossref-author-strings", "s2-journal-string"],
)
def test_resolve_reads_a_wrong_shape_as_unknown_not_as_a_crash(
    record: Record, service: str, answer: str, api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    fake_api.take_down(service, Fault(body=body(answer)))
    report = resolve_records([record], api_settings)
    assert record.status == "unresolved"
    notes = [note for note in record.notes if note.startswith(service)]
    assert any("malformed response (unexpected data in the answer" in note for note in notes)
    for note in notes:  # each request asked (a lookup, a search) says why it failed
        assert "malformed response" in note and note.endswith("(unknown, retry later)")
    assert report.unresolved == {record.id: record.notes}


# -- failures are not "nothing found" ----------------------------------------------------------------

def test_crossref_404_is_not_found_for_a_work_but_a_failure_for_lists(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    crossref = source(api_settings, "crossref")
    fake_api.take_down("crossref", Fault(404))
    assert crossref.lookup([JANUS]) == {JANUS: None}  # /works/{doi}: Crossref has no such work
    for ask in (lambda: crossref.lookup([JANUS, SCHEMOE]), lambda: crossref.search(MIXTRAL)):
        with pytest.raises(ServiceUnavailable, match="404 Not Found for a list request"):
            ask()


def test_a_wrong_crossref_base_url_leaves_title_searches_unknown(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    wrong = replace(api_settings.crossref, base_url=f"{fake_api.url}/no/such/api")
    record = list_record("url:https://example.org/fsmoe", {
        "id": "pan2025fsmoe", "type": "paper-conference", "issued": {"date-parts": [[2025]]},
        "title": "FSMoE: A Flexible and Scalable Training System for Sparse Mixture-of-Experts Models",
        "custom": {"venue-kind": "conference"},
    })
    resolve_records([record], replace(api_settings, crossref=wrong))
    assert record.status == "unresolved"
    assert "crossref: 404 Not Found for a list request (is the base URL right?) " \
           "(unknown, retry later)" in record.notes
    assert not any("nothing found" in note for note in record.notes if note.startswith("crossref"))


@pytest.mark.parametrize("answer", ["s2-none.json", "s2-short-venue.json"])
def test_a_semantic_scholar_batch_of_the_wrong_length_is_malformed(
    answer: str, api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    fake_api.take_down("semanticscholar", Fault(body=body(answer)))
    with pytest.raises(ServiceUnavailable, match="expected a JSON array of 2 papers"):
        source(api_settings, "semanticscholar").lookup(["ARXIV:2210.05144", "ARXIV:2401.04088"])


def test_semantic_scholar_404_is_a_failure_at_once(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    fake_api.take_down("semanticscholar", Fault(404))
    with pytest.raises(ServiceUnavailable, match="semanticscholar: 404"):
        source(api_settings, "semanticscholar").lookup(["ARXIV:2401.04088"])
    assert fake_api.counts["semanticscholar"] == 1


def test_dblp_404_is_a_failure_not_an_empty_search(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    fake_api.take_down("dblp", Fault(404, body='{"result": {"hits": {"@total": "0"}}}'))
    with pytest.raises(ServiceUnavailable, match="dblp: 404"):
        source(api_settings, "dblp").search(MIXTRAL)


def test_an_arxiv_refusal_that_names_no_id_is_a_failure(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    fake_api.take_down("arxiv", Fault(400, body=body("arxiv-empty-feed.xml")))
    with pytest.raises(ServiceUnavailable, match="400 Bad Request without an error entry"):
        source(api_settings, "arxiv").lookup(["2401.04088"])


def test_semantic_scholar_short_venue_names_are_expanded(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    fake_api.take_down("semanticscholar", Fault(body=body("s2-short-venue.json")))
    found = source(api_settings, "semanticscholar").lookup(["ARXIV:2210.05144"])["ARXIV:2210.05144"]
    assert found.csl["container-title"] == (
        "International Conference on Learning Representations (ICLR)"
    )
    assert found.csl["container-title-short"] == "ICLR"


# -- a pinned arXiv id takes the fields derived from the old one along ------------------------------

def listed_preprint(arxiv: str, title: str) -> Record:
    """A preprint as the list gives it: DOI, number, URL and date derived from its arXiv id."""
    record = list_record(f"arxiv:{arxiv}", {
        "id": "nobody2024missing", "type": "article", "title": title,
        "container-title": "arXiv", "number": f"arXiv:{arxiv}",
        "DOI": f"10.48550/arxiv.{arxiv}", "URL": f"https://arxiv.org/abs/{arxiv}",
        "issued": {"date-parts": [[2024, 1]]},
        "custom": {"arxiv": arxiv, "venue-tag": "Arxiv'24", "venue-kind": "preprint"},
    })
    record.provenance["number"] = record.provenance["issued"] = {"source": "arxiv-id"}
    return record


def test_pinning_an_arxiv_id_moves_the_derived_fields_to_it() -> None:
    record = listed_preprint("2401.99999", "A Paper arXiv Does Not Have")
    record.csl["DOI"] = "10.48550/arXiv.2401.99999"  # as written, case and all
    apply_overrides(record, {"custom": {"arxiv": "2405.04434"}})
    assert record.csl["custom"]["arxiv"] == "2405.04434"
    assert record.csl["DOI"] == "10.48550/arxiv.2405.04434"
    assert record.csl["number"] == "arXiv:2405.04434"
    assert record.csl["URL"] == "https://arxiv.org/abs/2405.04434"
    assert record.csl["issued"] == {"date-parts": [[2024, 5]]}
    assert record.provenance["DOI"] == {"source": "list"}
    assert record.provenance["number"] == {"source": "arxiv-id"}


def test_fields_the_user_or_a_service_gave_do_not_follow_the_arxiv_id() -> None:
    record = listed_preprint("2401.99999", "A Paper arXiv Does Not Have")
    record.csl["URL"] = "https://example.org/paper"  # the list's own link, not the id's
    apply_overrides(record, {"DOI": "10.48550/arxiv.2401.99999", "custom": {"arxiv": "2405.04434"}})
    assert record.csl["DOI"] == "10.48550/arxiv.2401.99999"  # pinned: the user's word
    assert record.csl["URL"] == "https://example.org/paper"
    assert record.csl["number"] == "arXiv:2405.04434"


def test_resolve_with_a_pinned_arxiv_id_keeps_nothing_of_the_old_one(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    overrides = {"arxiv:2401.99999": {"custom": {"arxiv": "2405.04434"}}}
    found = listed_preprint("2401.99999", "A Paper arXiv Does Not Have")
    resolve_records([found], api_settings, overrides=overrides)
    assert found.status == "resolved"
    assert found.csl["title"].startswith("DeepSeek-V2")
    assert found.csl["DOI"] == "10.48550/arxiv.2405.04434"
    assert "2401.99999" not in json.dumps(found.csl)

    fake_api.take_down("arxiv", Fault(503, retry_after="0"))
    unknown = listed_preprint("2401.99999", "A Paper arXiv Does Not Have")
    resolve_records([unknown], api_settings, overrides=overrides)
    assert unknown.status == "unresolved"
    assert (unknown.csl["DOI"], unknown.csl["number"]) == (
        "10.48550/arxiv.2405.04434", "arXiv:2405.04434"
    )


def test_pinning_another_arxiv_id_on_an_upgraded_record_starts_from_the_new_id(
    api_settings: ResolveSettings,
) -> None:
    record = listed_preprint("2310.16795", "QMoE: Practical Sub-1-Bit Compression of "
                                           "Trillion-Parameter Models")
    resolve_records([record], api_settings)
    assert record.status == "upgraded"
    assert record.provenance["URL"]["list"] == "https://arxiv.org/abs/2310.16795"

    resolve_records([record], api_settings,
                    overrides={record.id: {"custom": {"arxiv": "2405.04434"}}})
    assert record.csl["title"].startswith("DeepSeek-V2")
    assert "2310.16795" not in json.dumps([record.csl, record.provenance])


# -- looking a finished record up again never makes it worse -----------------------------------------

def snapshot(records: list[Record]) -> dict[str, Any]:
    return {r.id: (r.status, r.csl, r.provenance) for r in records}


@pytest.fixture
def resolved(api_settings: ResolveSettings) -> list[Record]:
    records = load_records()
    resolve_records(records, api_settings)
    return records


def test_refresh_while_dblp_is_down_keeps_the_published_version(
    resolved: list[Record], api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    switch = by_id(resolved)["arxiv:2101.03961"]
    assert switch.status == "upgraded"
    before = snapshot([switch])
    fake_api.take_down("dblp", Fault(429, retry_after="600"))

    report = resolve_records(resolved, api_settings, refresh=True)

    assert snapshot([switch]) == before
    assert switch.csl["container-title"] == "Journal of Machine Learning Research (JMLR)"
    failure = "dblp: 429 Too Many Requests, asked to wait 600 s (unknown, retry later)"
    assert switch.notes[-1] == EARLIER_KEPT + failure
    assert report.kept[switch.id] == [failure]
    assert switch.id not in report.unresolved and switch.id not in report.upgraded
    assert report.exit_status == 1
    assert "looked up again but failed, earlier result kept:" in report.summary()

    kept = set(report.kept)
    fake_api.bring_up("dblp")
    report = resolve_records(resolved, api_settings)  # no --refresh: the failed lookup goes on
    assert report.kept == {}
    assert switch.id in report.upgraded
    assert not any(note.startswith(EARLIER_KEPT) for note in switch.notes)
    assert snapshot([switch]) == before
    looked_up = set(report.resolved) | set(report.upgraded) | set(report.unresolved)
    assert looked_up == kept | {"arxiv:2401.99999", "url:https://example.org/survey"}


def test_refresh_with_every_service_but_arxiv_down_loses_nothing(
    resolved: list[Record], api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    finished = [r for r in resolved if r.status in FINISHED]
    before = snapshot(finished)
    for service in ("crossref", "dblp", "semanticscholar"):
        fake_api.take_down(service, Fault(503, retry_after="0"))

    report = resolve_records(resolved, api_settings, refresh=True)

    assert snapshot(finished) == before
    assert set(report.kept) == {r.id for r in finished}
    assert all(r.notes[-1].startswith(EARLIER_KEPT) for r in finished)
    assert report.resolved == report.upgraded == []


def test_a_paper_the_services_no_longer_know_is_not_kept(
    resolved: list[Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    janus = by_id(resolved)[f"doi:{JANUS}"]
    fixtures = Fixtures.load()
    fixtures.crossref = [work for work in fixtures.crossref if work["DOI"] != JANUS]
    with FakeAPI(fixtures) as api:
        settings = load_settings({name: {"retries": 0} for name in SERVICES}, env=api.env())
        report = resolve_records([janus], settings, refresh=True)
    assert janus.status == "unresolved"
    assert f"crossref: no work for DOI {JANUS}" in report.unresolved[janus.id]
    assert report.kept == {}


# -- the preference a record was resolved under is part of it -----------------------------------------

def test_changing_prefer_looks_up_the_papers_it_affects_and_only_those(
    resolved: list[Record], api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    published = dump(resolved)
    upgraded = sorted(r.id for r in resolved if r.status == "upgraded")

    report = resolve_records(resolved, api_settings, prefer="arxiv")

    assert set(upgraded) <= set(report.resolved)
    laco = by_id(resolved)["arxiv:2402.11187"]
    assert laco.status == "resolved"
    assert laco.csl["publisher"] == "arXiv" and "DOI" not in laco.csl
    assert PREPRINT_KEPT in laco.notes
    assert not set(upgraded) & set(report.unchanged)
    assert all(by_id(resolved)[i].status == "resolved" for i in upgraded)

    fake_api.counts.clear()
    again = resolve_records(resolved, api_settings, prefer="arxiv")
    assert set(upgraded) <= set(again.unchanged)
    # the two unresolved (arXiv asked twice: its empty answer confirmed)
    assert dict(fake_api.counts) == {"arxiv": 2, "crossref": 1, "dblp": 1}

    back = resolve_records(resolved, api_settings, prefer="published")
    assert set(upgraded) <= set(back.upgraded)
    assert dump(resolved) == published  # the same records as a first run under published


def test_the_preference_survives_the_lockfile(
    resolved: list[Record], api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    resolve_records(resolved, api_settings, prefer="arxiv")
    text = lockfile.dumps(lockfile.Lockfile("{auth}{year}{title}", {r.id: r for r in resolved}))
    reread = list(lockfile.loads(text).records.values())
    fake_api.counts.clear()
    report = resolve_records(reread, api_settings, prefer="arxiv")
    # the two unresolved (arXiv asked twice: its empty answer confirmed)
    assert dict(fake_api.counts) == {"arxiv": 2, "crossref": 1, "dblp": 1}
    report = resolve_records(reread, api_settings, prefer="published")
    assert len(report.upgraded) == 4


# -- records do not depend on history ---------------------------------------------------------------

FAULT_HISTORIES: dict[str, Callable[[FakeAPI], None]] = {
    "semantic-scholar-outage": lambda api: api.take_down("semanticscholar", Fault(503)),
    "dblp-outage": lambda api: api.take_down("dblp", Fault(drop=True)),
    "malformed-crossref": lambda api: api.take_down("crossref", Fault(body='{"status": "ok", "mess')),
    "retry-after": lambda api: api.fail("arxiv", *[Fault(429, retry_after="1")] * 2),
}


@pytest.mark.parametrize("history", FAULT_HISTORIES, ids=list(FAULT_HISTORIES))
def test_a_clean_run_after_faults_gives_what_a_run_without_faults_gives(
    history: str, api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    clean = load_records()
    resolve_records(clean, api_settings)
    faulty = load_records()
    FAULT_HISTORIES[history](fake_api)
    resolve_records(faulty, api_settings)
    for service in SERVICES:
        fake_api.bring_up(service)
    again = resolve_records(faulty, api_settings)
    assert dump(faulty) == dump(clean)
    assert not again.unresolved.keys() - {r.id for r in clean if r.status == "unresolved"}
    assert not any(has_pending_retry(record) for record in faulty)


def test_a_service_throttling_half_its_answers_still_resolves_everything(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    clean = load_records()
    fault_free = resolve_records(clean, api_settings)
    throttled = load_records()
    for number, service in enumerate(SERVICES):
        fake_api.misbehave(service, 0.5, [Fault(429, retry_after="0"), Fault(503)], seed=number)
    settings = load_settings({name: {"backoff": 0.01, "patience": 30} for name in SERVICES}, env=fake_api.env())
    report = resolve_records(throttled, settings)
    assert dump(throttled) == dump(clean)  # slowed down, never given up
    assert not any(has_pending_retry(record) for record in throttled)
    assert sum(report.requests.values()) > 1.5 * sum(fault_free.requests.values())  # throttled often
