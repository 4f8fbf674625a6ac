"""Matching: the right paper is accepted, the wrong one rejected (and logged)."""

from __future__ import annotations

import logging

import pytest

from awesome_bib.records.csl import title_key, title_similarity
from awesome_bib.resolve.matching import choose, judge, same_person
from awesome_bib.resolve.sources import Candidate, Reference

CAI = ({"given": "Weilin", "family": "Cai"}, {"given": "Juyong", "family": "Jiang"})
SURVEY = Reference("A Survey on Mixture of Experts", CAI, 2024)


def item(title: str, authors: list[str], year: int | None) -> dict:
    csl: dict = {"title": title, "author": [{"literal": a} for a in authors]}
    if year:
        csl["issued"] = {"date-parts": [[year]]}
    return csl


def test_normalised_titles_ignore_case_accents_markup_and_tex() -> None:
    assert title_key("Égalité: <i>Über</i> {MoE}s!") == "egalite uber moes"
    assert title_similarity("M$^3$ViT: Mixture-of-Experts", "M³ViT: Mixture of Experts") == 1.0


def test_right_paper_accepted() -> None:
    verdict = judge(
        SURVEY, item("A survey on mixture of experts.", ["Weilin Cai", "Juyong Jiang"], 2024)
    )
    assert verdict.accepted and verdict.score == 1.0


def test_same_generic_title_by_other_authors_rejected() -> None:
    verdict = judge(
        SURVEY, item("A Survey on Mixture of Experts", ["Ana García-López", "Wei Zhang"], 2024)
    )
    assert not verdict.accepted
    assert verdict.reason == "first author 'ana garcia lopez' is not 'weilin cai'"


def test_different_title_rejected() -> None:
    verdict = judge(SURVEY, item("Mixture of experts: a literature survey", ["Weilin Cai"], 2024))
    assert not verdict.accepted and verdict.reason.startswith("title 0.")


@pytest.mark.parametrize(
    ("year", "accepted"), [(2022, False), (2023, True), (2025, True), (2026, False)]
)
def test_year_window(year: int, accepted: bool) -> None:
    verdict = judge(SURVEY, item(SURVEY.title, ["Weilin Cai"], year), years=(-1, 1))
    assert verdict.accepted is accepted


def test_accents_and_name_order_do_not_matter() -> None:
    assert same_person(
        {"given": "Lélio", "family": "Renard Lavaud"}, {"literal": "Lelio Renard Lavaud"}
    )
    assert same_person(
        {"given": "Teven", "family": "Le Scao"}, {"given": "Teven Le", "family": "Scao"}
    )
    assert same_person({"given": "Wei", "family": "Li"}, {"literal": "Li Wei"})
    assert not same_person({"given": "Wei", "family": "Li"}, {"literal": "Wei Zhang"})


def test_thirty_authors_with_a_different_first_author_still_match_on_overlap() -> None:
    names = [f"Author{n} Family{n}" for n in range(35)]
    reference = Reference("Scaling Sparse Experts", tuple({"literal": n} for n in names), 2024)
    reordered = item("Scaling Sparse Experts", [names[1], names[0], *names[2:]], 2024)
    others = item(
        "Scaling Sparse Experts", ["Someone Else", *[f"X{n} Y{n}" for n in range(34)]], 2024
    )
    assert judge(reference, reordered).accepted
    assert not judge(reference, others).accepted


def test_without_authors_only_an_exact_title_and_year_will_do() -> None:
    reference = Reference("Mixtral of Experts", (), 2024)
    assert judge(reference, item("Mixtral of Experts.", ["Albert Q. Jiang"], 2024)).accepted
    assert not judge(
        reference, item("Mixtral of Experts Revisited", ["Albert Q. Jiang"], 2024)
    ).accepted
    assert not judge(
        Reference("Mixtral of Experts"), item("Mixtral of Experts", ["A B"], 2024)
    ).accepted


def test_candidate_without_authors_rejected() -> None:
    assert not judge(SURVEY, item(SURVEY.title, [], 2024)).accepted


def test_ambiguous_authorless_matches_rejected_and_every_rejection_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reference = Reference("A Survey on Mixture of Experts", (), 2024)
    candidates = [
        Candidate("crossref", "10.5555/one", item(reference.title, ["Ana García-López"], 2024)),
        Candidate("crossref", "10.5555/two", item(reference.title, ["Jonas Müller"], 2024)),
        Candidate("crossref", "10.5555/three", item("Something Else Entirely", ["X Y"], 2024)),
    ]
    with caplog.at_level(logging.INFO, logger="awesome_bib.resolve.resolver"):
        choice = choose(reference, candidates)
    assert choice.best is None
    assert len(choice.rejected) == 3
    logged = [r.getMessage() for r in caplog.records if r.name == "awesome_bib.resolve.resolver"]
    assert len(logged) == 3
    assert any("10.5555/two: ambiguous" in line for line in logged)


def test_linked_candidate_may_be_retitled_and_comes_first() -> None:
    frantar = ({"given": "Elias", "family": "Frantar"},)
    preprint = Reference(
        "QMoE: Practical Sub-1-Bit Compression of Trillion-Parameter Models", frantar, 2023
    )
    published = Candidate(
        "dblp",
        "conf/mlsys/FrantarA24",
        item(
            "QMoE: Sub-1-Bit Compression of Trillion Parameter Models",
            ["Elias Frantar", "Dan Alistarh"],
            2024,
        ),
    )
    unrelated = Candidate(
        "dblp",
        "conf/x/Frantar24",
        item(
            "QMoE: Practical Sub-1-Bit Compression of Trillion Parameter Models",
            ["Elias Frantar"],
            2024,
        ),
    )
    choice = choose(preprint, [unrelated, published], years=(-1, 2), linked={published.id})
    assert [candidate for candidate, _ in choice.accepted] == [published, unrelated]


def test_linked_threshold_is_still_a_threshold() -> None:
    frantar = ({"given": "Elias", "family": "Frantar"},)
    preprint = Reference(
        "QMoE: Practical Sub-1-Bit Compression of Trillion-Parameter Models", frantar, 2023
    )
    other = Candidate(
        "dblp", "conf/mlsys/Frantar24", item("Sparse Kernels for GPUs", ["Elias Frantar"], 2024)
    )
    assert choose(preprint, [other], linked={other.id}).best is None
