"""Semantic Scholar source: /paper/batch with nulls, out-of-order answers, 500 ids a request."""

from __future__ import annotations

import pytest

from awesome_bib.resolve.http import ServiceClient
from awesome_bib.resolve.services import ResolveSettings
from awesome_bib.resolve.sources.semanticscholar import FIELDS, SemanticScholarSource
from tests.fakeapi import FakeAPI


@pytest.fixture
def s2(api_settings: ResolveSettings) -> SemanticScholarSource:
    return SemanticScholarSource(ServiceClient(api_settings.semanticscholar))


def test_batch_with_unknown_ids(s2: SemanticScholarSource, fake_api: FakeAPI) -> None:
    ids = [
        "ARXIV:2310.16795",
        "ARXIV:2405.04434",
        "DOI:10.1145/3603269.3604869",
        "ACL:2022.emnlp-main.278",
    ]
    found = s2.lookup(ids)

    (request,) = fake_api.requests("semanticscholar")
    assert (request.method, request.path) == ("POST", "/graph/v1/paper/batch")
    assert request.query["fields"] == [FIELDS]
    assert request.body == {"ids": ids}
    assert found["ARXIV:2405.04434"] is None
    qmoe = found["ARXIV:2310.16795"]
    assert qmoe.evidence["published"] is True
    assert qmoe.evidence["dblp"] == "conf/mlsys/FrantarA24"
    assert "doi" not in qmoe.evidence
    assert "custom" not in found["DOI:10.1145/3603269.3604869"].csl  # no arXiv version
    assert found["ACL:2022.emnlp-main.278"].csl["custom"]["arxiv"] == "2210.05144"


def test_answers_are_matched_by_external_ids_not_position(
    s2: SemanticScholarSource, fake_api: FakeAPI
) -> None:
    fake_api.shuffle_s2 = True
    ids = [
        "ARXIV:2401.04088",
        "ARXIV:2402.11187",
        "ARXIV:2101.03961",
        "ARXIV:2407.06204",
        "DOI:10.1023/A:1026654312961",
        "ARXIV:2405.04434",
    ]
    found = s2.lookup(ids)

    assert found["ARXIV:2402.11187"].evidence["doi"] == "10.18653/v1/2024.findings-emnlp.372"
    assert found["ARXIV:2101.03961"].evidence["dblp"] == "journals/jmlr/FedusZS22"
    assert found["DOI:10.1023/A:1026654312961"].csl["custom"]["arxiv"] == "hep-th/9711200"
    assert found["ARXIV:2405.04434"] is None


def test_preprint_only_paper_is_not_taken_for_published(s2: SemanticScholarSource) -> None:
    mixtral = s2.lookup(["ARXIV:2401.04088"])["ARXIV:2401.04088"]
    assert mixtral.evidence["published"] is False
    assert "DOI" not in mixtral.csl and "container-title" not in mixtral.csl


def test_500_ids_per_request(s2: SemanticScholarSource, fake_api: FakeAPI) -> None:
    ids = [f"ARXIV:2403.{n:05d}" for n in range(1, 1201)]
    found = s2.lookup(ids)

    assert [len(r.body["ids"]) for r in fake_api.requests("semanticscholar")] == [500, 500, 200]
    assert set(found) == set(ids) and not any(found.values())


def test_ids_of_unknown_kinds_are_not_sent(s2: SemanticScholarSource, fake_api: FakeAPI) -> None:
    assert s2.lookup(["OPENREVIEW:abc"]) == {"OPENREVIEW:abc": None}
    assert fake_api.counts["semanticscholar"] == 0
