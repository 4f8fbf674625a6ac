"""resolve_records end to end against the fake services."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest

from awesome_bib.errors import AwesomeBibError
from awesome_bib.records.merge import apply_overrides
from awesome_bib.records.model import Record
from awesome_bib.resolve.report import ResolveReport
from awesome_bib.resolve.resolver import resolve_records
from awesome_bib.resolve.services import ResolveSettings
from tests.fakeapi import FakeAPI, Fault, list_record, load_records

SOURCES = {"list", "override", "arxiv", "crossref", "dblp", "semanticscholar"}


def by_id(records: list[Record]) -> dict[str, Record]:
    return {record.id: record for record in records}


def dump(records: list[Record]) -> str:
    return json.dumps(
        [[r.id, r.status, r.csl, r.provenance, r.notes] for r in records],
        sort_keys=True,
        ensure_ascii=False,
    )


@pytest.fixture
def records() -> list[Record]:
    return load_records()


@pytest.fixture
def resolved(
    records: list[Record], api_settings: ResolveSettings
) -> tuple[list[Record], ResolveReport]:
    return records, resolve_records(records, api_settings)


def test_every_kind_of_entry_gets_its_status(resolved: tuple[list[Record], ResolveReport]) -> None:
    records, report = resolved
    status = {record.id: record.status for record in records}
    assert status == {
        "arxiv:2401.04088": "resolved",
        "arxiv:2310.16795": "upgraded",
        "arxiv:2402.11187": "upgraded",
        "arxiv:2210.05144": "upgraded",
        "arxiv:2101.03961": "upgraded",
        "arxiv:2404.14219": "resolved",
        "arxiv:2405.04434": "resolved",
        "arxiv:2407.06204": "resolved",
        "doi:10.1145/3603269.3604869": "resolved",
        "doi:10.1145/3627703.3650083": "resolved",
        "usenix:atc23/presentation/li-jiamin": "resolved",
        "openreview:s-c96mSU0u5": "resolved",
        "url:https://shaohuais.github.io/publications/index.html": "resolved",
        "url:https://example.org/mqa": "resolved",
        "url:https://example.org/survey": "unresolved",
        "url:https://qwenlm.github.io/blog/qwen-moe/": "listed",
        "arxiv:2401.99999": "unresolved",
    }
    assert sorted(report.upgraded) == sorted(i for i, s in status.items() if s == "upgraded")
    assert sorted(report.resolved) == sorted(i for i, s in status.items() if s == "resolved")
    assert report.unresolved == {
        "arxiv:2401.99999": ["arxiv: no record for arXiv id 2401.99999"],
        "url:https://example.org/survey": [
            "crossref: no match for the title (5 rejected)",
            "dblp: no match for the title (2 rejected)",
        ],
    }
    assert report.skipped == {
        "url:https://qwenlm.github.io/blog/qwen-moe/": (
            "blog entry without a paper identifier: nothing to look up"
        ),
    }
    assert report.exit_status == 1
    assert report.summary().splitlines() == [
        "resolved: 14 (4 upgraded to the published version)",
        "unchanged: 0, nothing to look up: 1",
        "unresolved: 2",
        "  arxiv:2401.99999: arxiv: no record for arXiv id 2401.99999",
        "  url:https://example.org/survey: crossref: no match for the title (5 rejected); "
        "dblp: no match for the title (2 rejected)",
        f"requests: arxiv 2, crossref 5, dblp {report.requests['dblp']}, semanticscholar 2",
    ]


def test_requests_are_few_and_batched(
    resolved: tuple[list[Record], ResolveReport], fake_api: FakeAPI
) -> None:
    _, report = resolved
    assert report.requests == dict(fake_api.counts)
    assert report.requests["arxiv"] == 2  # one batch, then the id DBLP found for a title
    assert report.requests["semanticscholar"] == 2
    assert sum(report.requests.values()) <= 1.5 * 17


def test_arxiv_record_has_exact_metadata_and_provenance(
    resolved: tuple[list[Record], ResolveReport],
) -> None:
    mixtral = by_id(resolved[0])["arxiv:2401.04088"]
    assert mixtral.csl["id"] == "jiang2024mixtral"
    assert mixtral.csl["title"] == "Mixtral of Experts"
    assert len(mixtral.csl["author"]) == 26
    assert mixtral.csl["author"][13] == {"given": "Lélio Renard", "family": "Lavaud"}
    assert mixtral.csl["issued"] == {"date-parts": [[2024, 1, 8]]}
    assert mixtral.csl["custom"]["sections"] == ["sota-moe-llms"]
    assert mixtral.provenance["title"] == {
        "source": "arxiv",
        "id": "2401.04088v1",
        "score": 1.0,
        "list": "Mixtral-8x7B",
    }
    assert mixtral.provenance["custom.sections"] == {"source": "list"}


def test_every_field_has_provenance_and_nothing_time_dependent(
    resolved: tuple[list[Record], ResolveReport],
) -> None:
    for record in resolved[0]:
        fields = {name for name in record.csl if name not in ("id", "custom")}
        fields |= {f"custom.{key}" for key in record.csl.get("custom", {})}
        assert fields <= set(record.provenance), record.id
        for origin in record.provenance.values():
            assert origin["source"] in SOURCES
            assert set(origin) <= {"source", "id", "score", "list"}


def test_published_version_wins_and_the_arxiv_id_stays(
    resolved: tuple[list[Record], ResolveReport],
) -> None:
    laco = by_id(resolved[0])["arxiv:2402.11187"]
    assert laco.csl["DOI"] == "10.18653/v1/2024.findings-emnlp.372"
    assert laco.csl["container-title"] == (
        "Findings of the Association for Computational Linguistics: EMNLP 2024"
    )
    assert laco.csl["type"] == "paper-conference"
    assert laco.csl["page"] == "6401-6417"
    assert laco.csl["custom"]["arxiv"] == "2402.11187"
    assert "publisher" in laco.csl and laco.csl["publisher"] != "arXiv"
    assert laco.provenance["DOI"] == {
        "source": "crossref",
        "id": "10.18653/v1/2024.findings-emnlp.372",
        "score": 1.0,
    }
    assert laco.provenance["author"]["source"] == "arxiv"

    qmoe = by_id(resolved[0])["arxiv:2310.16795"]
    assert qmoe.csl["title"] == "QMoE: Sub-1-Bit Compression of Trillion Parameter Models"
    assert qmoe.csl["container-title"] == "Conference on Machine Learning and Systems (MLSys)"
    assert qmoe.csl["container-title-short"] == "MLSys"
    assert qmoe.csl["issued"] == {"date-parts": [[2024]]}
    assert qmoe.csl["custom"]["dblp"] == "conf/mlsys/FrantarA24"
    assert "publisher" not in qmoe.csl  # arXiv's, dropped with the preprint's venue
    assert qmoe.provenance["container-title"]["source"] == "dblp"
    assert 0.75 <= qmoe.provenance["container-title"]["score"] < 1


def test_wrong_paper_is_rejected_and_logged(
    records: list[Record], api_settings: ResolveSettings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="awesome_bib.resolve.resolver"):
        resolve_records(records, api_settings)
    survey = by_id(records)["arxiv:2407.06204"]
    assert survey.status == "resolved"
    assert "container-title" not in survey.csl  # the list said TKDE; nothing confirmed it
    assert survey.csl["custom"]["venue-tag"] == "TKDE'24"
    assert survey.notes == [
        "published version not confirmed: dblp journals/example/GarciaLopezZ24: "
        "first author 'ana garcia lopez' is not 'weilin cai'"
    ]
    assert "journals/example/GarciaLopezZ24: first author" in caplog.text


def test_venue_papers_and_titles_are_found_by_search(
    resolved: tuple[list[Record], ResolveReport],
) -> None:
    records = by_id(resolved[0])
    lina = records["usenix:atc23/presentation/li-jiamin"]
    assert (lina.csl["container-title"], lina.csl["page"]) == (
        "USENIX Annual Technical Conference (USENIX ATC)", "945-959"
    )
    assert lina.csl["container-title-short"] == "USENIX ATC"
    assert lina.provenance["page"] == {"source": "dblp", "id": "conf/usenix/LiJZ0023", "score": 1.0}
    fsmoe = records["url:https://shaohuais.github.io/publications/index.html"]
    assert fsmoe.csl["DOI"] == "10.1145/3669940.3707272"
    mqa = records["url:https://example.org/mqa"]
    assert mqa.csl["custom"]["arxiv"] == "1911.02150"
    assert mqa.provenance["custom.arxiv"]["source"] == "arxiv"


def test_prefer_arxiv_keeps_the_preprint(
    records: list[Record], api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    report = resolve_records(records, api_settings, prefer="arxiv")
    laco = by_id(records)["arxiv:2402.11187"]
    assert laco.status == "resolved"
    assert laco.csl["publisher"] == "arXiv"
    assert "DOI" not in laco.csl
    assert report.upgraded == []
    assert all(r.body["ids"][0].startswith("DOI:") for r in fake_api.requests("semanticscholar"))


def test_rerun_with_nothing_new_makes_no_requests(
    resolved: tuple[list[Record], ResolveReport], api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    records, _ = resolved
    finished = [r for r in records if r.status in ("resolved", "upgraded")]
    before = sum(fake_api.counts.values())

    report = resolve_records(finished, api_settings)

    assert sum(fake_api.counts.values()) == before
    assert sorted(report.unchanged) == sorted(r.id for r in finished)
    assert report.exit_status == 0


def test_unresolved_records_are_retried_and_refresh_asks_again(
    resolved: tuple[list[Record], ResolveReport], api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    records, _ = resolved
    fake_api.counts.clear()
    report = resolve_records(records, api_settings)
    assert set(report.unresolved) == {"arxiv:2401.99999", "url:https://example.org/survey"}
    # an empty arXiv feed is confirmed by asking again (one id alone) before it means "no such id"
    assert fake_api.counts["arxiv"] == 2 and fake_api.counts["crossref"] == 1

    snapshot = dump(records)
    report = resolve_records(records, api_settings, refresh=True)
    assert len(report.resolved) + len(report.upgraded) == 14
    assert dump(records) == snapshot


def test_output_is_deterministic(api_settings: ResolveSettings, fake_api: FakeAPI) -> None:
    first, second = load_records(), load_records()
    resolve_records(first, api_settings)
    fake_api.shuffle_s2 = True
    fake_api.latency = 0.01
    resolve_records(
        second, replace(api_settings, crossref=replace(api_settings.crossref, concurrency=3))
    )
    assert dump(first) == dump(second)


def test_on_batch_gets_each_finished_record_once(
    records: list[Record], api_settings: ResolveSettings
) -> None:
    batches: list[list[str]] = []
    progress: list[tuple[int, int]] = []

    def on_batch(changed: list[Record]) -> None:
        assert all(r.status in ("resolved", "upgraded", "unresolved") for r in changed)
        batches.append([r.id for r in changed])

    resolve_records(
        records,
        api_settings,
        on_batch=on_batch,
        progress=lambda done, total: progress.append((done, total)),
    )
    finished = [record_id for batch in batches for record_id in batch]
    assert sorted(finished) == sorted(r.id for r in records if r.status != "listed")
    assert len(batches) >= 5
    assert progress[-1] == (16, 16)


def test_a_run_stopped_after_a_batch_resumes_where_it_stopped(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    records = load_records()
    saved: list[str] = []

    def stop_after_first(changed: list[Record]) -> None:
        saved.extend(r.id for r in changed)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        resolve_records(records, api_settings, on_batch=stop_after_first)
    assert saved
    untouched = [r for r in records if r.id not in saved and r.status != "listed"]
    assert all(r.status == "unresolved" for r in untouched)  # only ids arXiv has no record for

    fake_api.counts.clear()
    report = resolve_records(records, api_settings)
    assert not set(report.resolved) & set(saved) - {"arxiv:2401.99999"}
    assert dump(records) == dump(_fully_resolved(api_settings))


def _fully_resolved(settings: ResolveSettings) -> list[Record]:
    records = load_records()
    resolve_records(records, settings)
    resolve_records(records, settings)  # the second pass retries the unresolved, as above
    return records


def test_semantic_scholar_down_leaves_preprints_undecided(
    records: list[Record], api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    fake_api.take_down("semanticscholar", Fault(503, retry_after="0"))
    report = resolve_records(records, api_settings)
    mixtral = by_id(records)["arxiv:2401.04088"]
    assert mixtral.status == "unresolved"
    assert mixtral.csl["title"] == "Mixtral of Experts"  # what arXiv said is kept
    assert mixtral.notes == [
        "semanticscholar: 503 Service Unavailable; no usable answer for 1 s (unknown, retry later)"
    ]
    laco = by_id(records)["arxiv:2402.11187"]
    assert laco.status == "upgraded"  # the list's venue led to DBLP regardless
    assert by_id(records)["doi:10.1145/3603269.3604869"].status == "resolved"
    # throttled throughout: slower and slower (delays doubling) until its patience ran out, then
    # down: the batches still waiting are not sent
    assert 3 < report.requests["semanticscholar"] < 12


def test_arxiv_down_is_unknown_and_the_rest_goes_on(
    records: list[Record], api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    fake_api.take_down("arxiv", Fault(429, retry_after="0"))
    report = resolve_records(records, api_settings)
    assert report.unresolved["arxiv:2401.04088"] == [
        "arxiv: 429 Too Many Requests; no usable answer for 1 s (unknown, retry later)"
    ]
    assert by_id(records)["arxiv:2401.04088"].csl["title"] == "Mixtral-8x7B"
    assert by_id(records)["doi:10.1145/3627703.3650083"].status == "resolved"


def test_offline_never_touches_the_network(
    records: list[Record], api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    report = resolve_records(records, replace(api_settings, offline=True))
    assert sum(fake_api.counts.values()) == 0
    assert len(report.offline) == 16
    assert report.exit_status == 1
    assert all(r.status == "listed" for r in records)


def test_overrides_win_and_a_pinned_doi_is_the_one_looked_up(
    api_settings: ResolveSettings,
) -> None:
    records = [
        list_record(
            "arxiv:2401.04088",
            {"id": "jiang2024mixtral", "title": "Mixtral", "custom": {"arxiv": "2401.04088"}},
        ),
        list_record("url:x", {"id": "janus", "title": "Janus"}),
    ]
    overrides = {
        "arxiv:2401.04088": {"container-title": "Mistral Technical Reports", "publisher": None},
        "url:x": {"DOI": "10.1145/3603269.3604869"},
    }
    resolve_records(records, api_settings, overrides=overrides)
    mixtral, janus = records
    assert mixtral.csl["container-title"] == "Mistral Technical Reports"
    assert "publisher" not in mixtral.csl
    assert mixtral.provenance["container-title"] == {"source": "override"}
    assert mixtral.provenance["title"]["source"] == "arxiv"
    assert janus.status == "resolved"
    assert janus.csl["title"].startswith("Janus: A Unified")
    assert janus.provenance["DOI"] == {"source": "override"}


def test_changing_a_pinned_identifier_looks_the_record_up_again(
    resolved: tuple[list[Record], ResolveReport], api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    records, _ = resolved
    fake_api.counts.clear()
    janus = by_id(records)["doi:10.1145/3603269.3604869"]
    resolve_records([janus], api_settings, overrides={janus.id: {"DOI": "10.1145/3627703.3650083"}})
    assert janus.csl["title"].startswith("ScheMoE")
    assert fake_api.counts["crossref"] == 1


def test_apply_overrides_refuses_the_key_and_bad_custom() -> None:
    record = list_record("r", {"id": "key", "title": "T"})
    with pytest.raises(AwesomeBibError, match="citation key"):
        apply_overrides(record, {"id": "other"})
    with pytest.raises(AwesomeBibError, match="'custom' must be a table"):
        apply_overrides(record, {"custom": "x"})
    assert apply_overrides(record, {"custom": {"arxiv": "2401.04088"}}) is True
    assert record.csl["custom"] == {"arxiv": "2401.04088"}
    assert apply_overrides(record, {"custom": {"arxiv": "2401.04088"}}) is False


def test_bad_prefer_is_a_usage_error(api_settings: ResolveSettings) -> None:
    with pytest.raises(AwesomeBibError, match="--prefer"):
        resolve_records([], api_settings, prefer="newest")


def test_title_search_rejects_namesakes_and_finds_the_paper(api_settings: ResolveSettings) -> None:
    record = list_record("url:survey", {
        "id": "cai2024survey", "title": "A Survey on Mixture of Experts",
        "author": [{"given": "Weilin", "family": "Cai"}], "issued": {"date-parts": [[2024]]},
        "custom": {"venue-kind": "preprint"},
    })
    resolve_records([record], api_settings)
    assert record.status == "resolved"
    assert record.csl["custom"]["arxiv"] == "2407.06204"  # not one of the two namesakes
    assert record.provenance["title"]["source"] == "arxiv"
    assert "crossref: no match for the title (5 rejected)" in record.notes


def test_preprint_doi_is_upgraded_through_its_crossref_relation(
    api_settings: ResolveSettings,
) -> None:
    record = list_record("doi:10.5555/example.posted-qmoe", {
        "id": "frantar2023qmoe", "title": "QMoE", "DOI": "10.5555/example.posted-qmoe",
    })
    resolve_records([record], api_settings)
    assert record.status == "upgraded"
    assert record.csl["DOI"] == "10.5555/example.published-qmoe"
    assert record.csl["container-title"] == "Proceedings of Machine Learning and Systems 6"
    assert record.provenance["DOI"]["list"] == "10.5555/example.posted-qmoe"
