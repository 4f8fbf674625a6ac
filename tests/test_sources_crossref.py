"""Crossref source through habanero: works by DOI, DOI batches, bibliographic search, faults."""

from __future__ import annotations

import pytest

from awesome_bib.resolve.http import ServiceClient, ServiceUnavailable
from awesome_bib.resolve.services import ResolveSettings
from awesome_bib.resolve.sources import Reference
from awesome_bib.resolve.sources.crossref import CrossrefSource
from tests.fakeapi import FakeAPI, Fault

JANUS = "10.1145/3603269.3604869"


@pytest.fixture
def crossref(api_settings: ResolveSettings) -> CrossrefSource:
    return CrossrefSource(ServiceClient(api_settings.crossref, mailto="maintainer@example.org"))


def test_one_doi_is_fetched_from_works_doi(crossref: CrossrefSource, fake_api: FakeAPI) -> None:
    janus = crossref.lookup([JANUS])[JANUS]

    request = fake_api.requests("crossref")[0]
    assert request.path == f"/works/{JANUS}"
    assert "mailto:maintainer@example.org" in request.headers["User-Agent"]
    assert janus.id == JANUS
    assert janus.csl == {
        "type": "paper-conference",
        "title": "Janus: A Unified Distributed Training Framework for Sparse "
        "Mixture-of-Experts Models",
        "author": [
            {"given": "Juncai", "family": "Liu"},
            {"given": "Jessie Hui", "family": "Wang"},
            {"given": "Yimin", "family": "Jiang"},
        ],
        "issued": {"date-parts": [[2023, 9]]},
        "container-title": "Proceedings of the ACM SIGCOMM 2023 Conference",
        "event-title": "ACM SIGCOMM '23: ACM SIGCOMM 2023 Conference",
        "page": "486-498",
        "publisher": "ACM",
        "ISBN": "9798400702365",
        "DOI": JANUS,
        "URL": f"https://doi.org/{JANUS}",
    }


def test_unknown_doi_is_not_found(crossref: CrossrefSource) -> None:
    assert crossref.lookup(["10.48550/arxiv.2401.04088"]) == {"10.48550/arxiv.2401.04088": None}


def test_doi_with_reserved_characters(crossref: CrossrefSource) -> None:
    found = crossref.lookup(["10.1023/A:1026654312961"])["10.1023/A:1026654312961"]
    assert found.csl["container-title"] == "International Journal of Theoretical Physics"
    assert found.csl["container-title-short"] == "Int J Theor Phys"
    assert (found.csl["volume"], found.csl["issue"]) == ("38", "4")


def test_several_dois_go_in_one_filter_request(crossref: CrossrefSource, fake_api: FakeAPI) -> None:
    dois = [JANUS, "10.1145/3627703.3650083", "10.18653/V1/2024.FINDINGS-EMNLP.372", "10.5555/none"]
    found = crossref.lookup(dois)

    (request,) = fake_api.requests("crossref")
    assert request.path == "/works"
    assert request.query["filter"] == [",".join(f"doi:{doi}" for doi in dois)]
    assert request.query["rows"] == ["4"]
    assert found["10.18653/V1/2024.FINDINGS-EMNLP.372"].csl["page"] == "6401-6417"
    assert found["10.1145/3627703.3650083"].csl["author"][0] == {
        "given": "Shaohuai",
        "family": "Shi",
    }
    assert found["10.5555/none"] is None


def test_malformed_dois_are_not_sent(crossref: CrossrefSource, fake_api: FakeAPI) -> None:
    assert crossref.lookup(["not a doi", "10.12/x y"]) == {"not a doi": None, "10.12/x y": None}
    assert fake_api.counts["crossref"] == 0


def test_search_sends_title_author_and_year(crossref: CrossrefSource, fake_api: FakeAPI) -> None:
    reference = Reference(
        "FSMoE: A Flexible and Scalable Training System for Sparse Mixture-of-Experts Models",
        ({"given": "Xinglin", "family": "Pan"},),
        2025,
    )
    candidates = crossref.search(reference)

    query = fake_api.requests("crossref")[0].query
    assert query["query.bibliographic"] == [f"{reference.title} Pan 2025"]
    assert query["rows"] == ["5"]
    assert "author" in query["select"][0].split(",")
    assert candidates[0].id == "10.1145/3669940.3707272"
    assert candidates[0].evidence["score"] > candidates[-1].evidence["score"]


def test_markup_in_titles_is_removed(crossref: CrossrefSource) -> None:
    survey = crossref.lookup(["10.5555/example.generic-survey-1"])[
        "10.5555/example.generic-survey-1"
    ]
    assert survey.csl["title"] == "A Survey on Mixture of Experts"


def test_preprint_names_its_published_version(crossref: CrossrefSource) -> None:
    posted = crossref.lookup(["10.5555/example.posted-qmoe"])["10.5555/example.posted-qmoe"]
    assert posted.csl["type"] == "article"
    assert posted.evidence["type"] == "posted-content"
    assert posted.evidence["preprint-of"] == ["10.5555/example.published-qmoe"]


def test_429_through_habanero_is_retried(crossref: CrossrefSource, fake_api: FakeAPI) -> None:
    fake_api.fail("crossref", Fault(429, retry_after="0"), Fault(503))
    assert crossref.lookup([JANUS])[JANUS] is not None
    assert fake_api.counts["crossref"] == 3


def test_malformed_json_is_retried(crossref: CrossrefSource, fake_api: FakeAPI) -> None:
    fake_api.fail("crossref", Fault(body='{"status": "ok", "mess'))
    assert crossref.lookup([JANUS, "10.1145/3627703.3650083"])[JANUS] is not None
    assert fake_api.counts["crossref"] == 2


def test_search_survives_a_dropped_connection(crossref: CrossrefSource, fake_api: FakeAPI) -> None:
    fake_api.fail("crossref", Fault(drop=True))
    assert crossref.search(Reference("Mixture of experts: a literature survey"))
    assert fake_api.counts["crossref"] == 2


def test_crossref_down_is_unknown_not_missing(crossref: CrossrefSource, fake_api: FakeAPI) -> None:
    fake_api.take_down("crossref", Fault(500))
    with pytest.raises(ServiceUnavailable) as raised:
        crossref.lookup([JANUS])
    assert str(raised.value).startswith("crossref: 500")
    assert str(raised.value).endswith("(unknown, retry later)")
    assert fake_api.counts["crossref"] == 3
