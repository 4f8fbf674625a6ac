"""arXiv source: batching, id validation, matching by id, both Atom renderings."""

from __future__ import annotations

import pytest

from awesome_bib.ids import is_valid_arxiv_id
from awesome_bib.resolve.http import ServiceClient
from awesome_bib.resolve.services import ResolveSettings
from awesome_bib.resolve.sources.arxiv import ArxivSource, split_version
from tests.fakeapi import FakeAPI


@pytest.fixture
def arxiv(api_settings: ResolveSettings) -> ArxivSource:
    return ArxivSource(ServiceClient(api_settings.arxiv))


def test_ids_are_sent_100_per_request_with_max_results_to_match(
    arxiv: ArxivSource, fake_api: FakeAPI
) -> None:
    unknown = [f"2402.{n:05d}" for n in range(1, 248)]
    ids = ["2401.04088", *unknown, "2310.16795", "2402.11187"]

    found = arxiv.lookup(ids)

    requests = fake_api.requests("arxiv")
    assert len(requests) == 4  # the middle batch, all unknown, is confirmed by asking one id alone
    assert requests[2].query["id_list"][0] == requests[1].query["id_list"][0].split(",")[0]
    requests = [requests[0], requests[1], requests[3]]
    sent = [r.query["id_list"][0].split(",") for r in requests]
    assert [len(batch) for batch in sent] == [100, 100, 50]
    assert [r.query["max_results"][0] for r in requests] == ["100", "100", "50"]
    assert sorted(i for batch in sent for i in batch) == sorted(ids)
    assert found["2401.04088"].csl["title"] == "Mixtral of Experts"
    assert (
        found["2402.11187"].csl["title"] == "LaCo: Large Language Model Pruning via Layer Collapse"
    )
    assert all(found[i] is None for i in unknown)


def test_malformed_ids_are_never_sent(arxiv: ArxivSource, fake_api: FakeAPI) -> None:
    found = arxiv.lookup(["2401.04088", "2413.00001", "not-an-id", "1412.69801", "2401.0408"])

    assert fake_api.requests("arxiv")[0].query["id_list"] == ["2401.04088"]
    assert found["2401.04088"] is not None
    assert [found[i] for i in ("2413.00001", "not-an-id", "1412.69801", "2401.0408")] == [None] * 4


def test_no_request_when_no_id_is_valid(arxiv: ArxivSource, fake_api: FakeAPI) -> None:
    assert arxiv.lookup(["0612.12345"]) == {"0612.12345": None}
    assert fake_api.counts["arxiv"] == 0


def test_results_are_matched_by_id_not_position(arxiv: ArxivSource, fake_api: FakeAPI) -> None:
    ids = ["2210.05144", "2401.04088", "2310.16795"]  # the fake answers newest first
    found = arxiv.lookup(ids)

    assert {i: found[i].csl["custom"]["arxiv"] for i in ids} == {i: i for i in ids}
    assert found["2210.05144"].csl["title"].startswith("Mixture of Attention Heads")


@pytest.mark.parametrize("rendering", ["classic", "2025"])
def test_both_atom_renderings_read_alike(
    rendering: str, arxiv: ArxivSource, fake_api: FakeAPI
) -> None:
    fake_api.rendering = rendering
    found = arxiv.lookup(["2101.03961", "2401.04088", "2401.99999"])

    switch = found["2101.03961"]
    assert switch.id == "2101.03961v3"
    assert switch.csl == {
        "type": "article",
        "title": "Switch Transformers: Scaling to Trillion Parameter Models with Simple and "
        "Efficient Sparsity",
        "author": [
            {"given": "William", "family": "Fedus"},
            {"given": "Barret", "family": "Zoph"},
            {"given": "Noam", "family": "Shazeer"},
        ],
        "issued": {"date-parts": [[2021, 1, 11]]},
        "publisher": "arXiv",
        "URL": "https://arxiv.org/abs/2101.03961",
        "custom": {"arxiv": "2101.03961", "arxiv-category": "cs.LG"},
    }
    assert switch.evidence == {
        "version": 3,
        "journal_ref": "Journal of Machine Learning Research 23 (2022) 1-40",
        "comment": "JMLR version",
    }
    assert found["2401.04088"].csl["author"][7] == {"given": "Diego", "family": "de las Casas"}
    assert found["2401.99999"] is None


def test_versioned_and_old_style_ids(arxiv: ArxivSource) -> None:
    found = arxiv.lookup(["2402.11187v2", "hep-th/9711200"])

    assert found["2402.11187v2"].id == "2402.11187v2"
    maldacena = found["hep-th/9711200"]
    assert maldacena.id == "hep-th/9711200v3"
    assert maldacena.csl["custom"] == {"arxiv": "hep-th/9711200", "arxiv-category": "hep-th"}
    assert maldacena.evidence["doi"] == "10.1023/A:1026654312961"
    assert maldacena.csl["author"] == [{"given": "Juan M.", "family": "Maldacena"}]


def test_id_refused_by_arxiv_is_dropped_and_the_batch_asked_again(
    arxiv: ArxivSource, fake_api: FakeAPI
) -> None:
    fake_api.arxiv_refuses = {"2401.04088"}
    found = arxiv.lookup(["2401.04088", "2310.16795"])

    assert [r.query["id_list"][0] for r in fake_api.requests("arxiv")] == [
        "2401.04088,2310.16795",
        "2310.16795",
    ]
    assert found["2401.04088"] is None
    assert found["2310.16795"].csl["title"].startswith("QMoE")


def test_thirty_plus_authors_with_accents_and_particles(arxiv: ArxivSource) -> None:
    phi3 = arxiv.lookup(["2404.14219"])["2404.14219"]
    authors = phi3.csl["author"]

    assert len(authors) == 41
    assert {"given": "Sébastien", "family": "Bubeck"} in authors
    assert {"given": "Gustavo", "family": "de Rosa"} in authors
    assert {"given": "Allie", "family": "Del Giorno"} in authors
    assert {"given": "Caio César Teodoro", "family": "Mendes"} in authors


def test_organisation_author_stays_literal(arxiv: ArxivSource) -> None:
    deepseek = arxiv.lookup(["2405.04434"])["2405.04434"]
    assert deepseek.csl["author"][0] == {"literal": "DeepSeek-AI"}


@pytest.mark.parametrize(
    ("arxiv_id", "valid"),
    [
        ("2401.04088", True),
        ("0704.0001", True),
        ("0703.0001", False),
        ("1412.6980", True),
        ("1501.0001", False),
        ("1501.00001", True),
        ("2413.00001", False),
        ("math.GT/0309136", True),
        ("hep-th/9711200", True),
        ("2401.04088v2", False),
        ("", False),
    ],
)
def test_id_validation(arxiv_id: str, valid: bool) -> None:
    assert is_valid_arxiv_id(arxiv_id) is valid


def test_split_version() -> None:
    assert split_version("2401.04088v12") == ("2401.04088", 12)
    assert split_version("hep-th/9711200") == ("hep-th/9711200", None)
