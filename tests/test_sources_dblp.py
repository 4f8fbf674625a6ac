"""DBLP source: search answers, CoRR versus published records, odd shapes, faults."""

from __future__ import annotations

import pytest

from awesome_bib.resolve.http import ServiceClient, ServiceUnavailable
from awesome_bib.resolve.services import ResolveSettings
from awesome_bib.resolve.sources import Reference
from awesome_bib.resolve.sources.dblp import DblpSource, is_corr, venue_title
from tests.fakeapi import FakeAPI, Fault

QMOE = Reference(
    "QMoE: Practical Sub-1-Bit Compression of Trillion-Parameter Models",
    ({"given": "Elias", "family": "Frantar"},),
    2023,
)


@pytest.fixture
def dblp(api_settings: ResolveSettings) -> DblpSource:
    return DblpSource(ServiceClient(api_settings.dblp))


def test_retitled_published_version_is_found_next_to_the_preprint(
    dblp: DblpSource, fake_api: FakeAPI
) -> None:
    hits = {hit.id: hit for hit in dblp.search(QMOE)}

    query = fake_api.requests("dblp")[0].query
    assert (query["q"], query["format"], query["h"]) == (["QMoE Frantar"], ["json"], ["10"])
    published = hits["conf/mlsys/FrantarA24"]
    assert not is_corr(published)
    assert published.csl == {
        "type": "paper-conference",
        "title": "QMoE: Sub-1-Bit Compression of Trillion Parameter Models",
        "author": [{"given": "Elias", "family": "Frantar"}, {"given": "Dan", "family": "Alistarh"}],
        "issued": {"date-parts": [[2024]]},
        "container-title": "Conference on Machine Learning and Systems (MLSys)",
        "container-title-short": "MLSys",
        "URL": "https://proceedings.mlsys.org/paper_files/paper/2024/hash/qmoe-Abstract-Conference.html",
        "custom": {"dblp": "conf/mlsys/FrantarA24"},
    }
    preprint = hits["journals/corr/abs-2310-16795"]
    assert is_corr(preprint)
    assert preprint.csl["custom"]["arxiv"] == "2310.16795"
    assert "container-title" not in preprint.csl


def test_journal_record_fields(dblp: DblpSource) -> None:
    reference = Reference(
        "Switch Transformers: Scaling to Trillion Parameter Models with Simple "
        "and Efficient Sparsity"
    )
    switch = {hit.id: hit for hit in dblp.search(reference)}["journals/jmlr/FedusZS22"]
    assert switch.csl["type"] == "article-journal"
    assert (switch.csl["volume"], switch.csl["page"]) == ("23", "120:1-120:39")
    assert switch.csl["container-title"] == "Journal of Machine Learning Research (JMLR)"
    assert switch.csl["container-title-short"] == "J. Mach. Learn. Res."


@pytest.mark.parametrize(
    ("venue", "year", "expected"),
    [
        ("ICLR", "2023", ("International Conference on Learning Representations (ICLR)", "ICLR")),
        ("USENIX ATC", "2023", ("USENIX Annual Technical Conference (USENIX ATC)", "USENIX ATC")),
        ("ACL (1)", "2024",
         ("Annual Meeting of the Association for Computational Linguistics (ACL)", "ACL")),
        ("Proc. VLDB Endow.", "2024", ("Proceedings of the VLDB Endowment (PVLDB)",
                                       "Proc. VLDB Endow.")),
        ("EMNLP (Findings)", "2024", ("Findings of the Association for Computational Linguistics: "
                                      "EMNLP 2024", "Findings of EMNLP")),
        # What the table does not know, or knows only in part, stays as DBLP wrote it.
        ("IEEE Trans. Knowl. Data Eng.", "2024", ("IEEE Trans. Knowl. Data Eng.", None)),
        ("NeurIPS Datasets and Benchmarks", "2023", ("NeurIPS Datasets and Benchmarks", None)),
        ("ICLR (Workshop)", "2019", ("ICLR (Workshop)", None)),
        ("ACL/IJCNLP (Findings)", "2021", ("ACL/IJCNLP (Findings)", None)),
        ("Nat. Mach. Intell.", "2024", ("Nat. Mach. Intell.", None)),
    ],
)
def test_dblp_short_venue_names_become_full_names(
    venue: str, year: str, expected: tuple[str, str | None]
) -> None:
    assert venue_title(venue, year) == expected


def test_single_author_and_homonym_suffixes(dblp: DblpSource) -> None:
    (mqa,) = dblp.search(Reference("Fast Transformer Decoding: One Write-Head is All You Need"))
    assert mqa.csl["author"] == [{"given": "Noam", "family": "Shazeer"}]
    lina = dblp.search(Reference("Accelerating Distributed MoE Training and Inference with Lina"))
    assert lina[0].csl["author"][-2:] == [
        {"given": "Cong", "family": "Wang"},
        {"given": "Hong", "family": "Xu"},
    ]


def test_no_hits(dblp: DblpSource) -> None:
    assert dblp.search(Reference("A Title Nobody Ever Wrote")) == []


def test_bot_check_page_is_malformed_and_retried_until_unknown(
    dblp: DblpSource, fake_api: FakeAPI
) -> None:
    fake_api.take_down("dblp", Fault(body="<html>Making sure you're not a bot!</html>"))
    with pytest.raises(ServiceUnavailable) as raised:
        dblp.search(QMOE)
    assert "malformed response" in str(raised.value)
    assert fake_api.counts["dblp"] == 3
