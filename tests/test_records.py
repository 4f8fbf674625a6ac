"""Records built from what the list says: author names, and venue and year from free text and tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from awesome_bib.library import open_library
from awesome_bib.lists.document import read_list
from awesome_bib.records.listed import build_records, split_author_list
from awesome_bib.records.model import Record
from conftest import DATA, copy_list


def records_of(name: str) -> dict[str, Record]:
    parsed = read_list(DATA / "lists" / f"{name}.md")
    return {record.id: record for record in build_records(parsed.entries, parsed.sections)}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("William Fedus, Barret Zoph and Noam Shazeer",
         [{"given": "William", "family": "Fedus"}, {"given": "Barret", "family": "Zoph"},
          {"given": "Noam", "family": "Shazeer"}]),
        ("Aidan N. Gomez, Łukasz Kaiser, Illia Polosukhin.",
         [{"given": "Aidan N.", "family": "Gomez"}, {"given": "Łukasz", "family": "Kaiser"},
          {"given": "Illia", "family": "Polosukhin"}]),
        ("Ashish Vaswani, Noam Shazeer et al.",
         [{"given": "Ashish", "family": "Vaswani"}, {"given": "Noam", "family": "Shazeer"}, {"literal": "others"}]),
        ("Martin Luther King Jr., Rosa Parks",
         [{"given": "Martin Luther", "family": "King", "suffix": "Jr."}, {"given": "Rosa", "family": "Parks"}]),
        ("Martin Luther King, Jr. and Laurens van der Maaten",
         [{"given": "Martin Luther", "family": "King", "suffix": "Jr."},
          {"given": "Laurens", "family": "van der Maaten"}]),
        ("Jiang et al.", [{"literal": "Jiang"}, {"literal": "others"}]),
    ],
)
def test_author_lists_become_csl_names(text: str, names: list[dict[str, str]]) -> None:
    assert split_author_list(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "(2015), G. Hinton",  # a year is no name
        "[, NeurIPS 2017",  # brackets
        "Damai Dai, Chengqi Deng, 2024",  # digits
        "Noam Shazeer, a great paper on sparse experts",  # lower-case words
        "Ashish Vaswani, The Very Long Name Of A Research Group",  # more than five words
        "Mixtral, Qwen and DeepSeek",  # one-word names, and not "Surname et al."
        "A., B.",  # initials only
        "et al.",
    ],
)
def test_one_doubtful_name_drops_the_whole_author_list(text: str) -> None:
    assert split_author_list(text) == []


def test_records_from_bold_lines_have_their_authors_venue_and_year() -> None:
    records = records_of("bylines")
    attention = records["arxiv:1706.03762"].csl  # listed twice: the first line's full author list
    assert [a["family"] for a in attention["author"]][-3:] == ["Gomez", "Kaiser", "Polosukhin"]
    assert attention["container-title-short"] == "NeurIPS" and attention["issued"] == {"date-parts": [[2017]]}
    distilling = records["arxiv:1503.02531"].csl
    assert distilling["author"] == [{"given": "G.", "family": "Hinton"}, {"literal": "others"}]  # "G. Hinton et al."
    assert distilling["issued"] == {"date-parts": [[2015, 3]]}  # the arXiv id's month; the year agrees
    assert "author" not in records["arxiv:2401.00012"].csl  # "Mixtral, Qwen and DeepSeek"


def test_the_year_in_parentheses_is_no_author_in_the_key(tmp_path: Path) -> None:
    library = open_library(copy_list(DATA / "lists" / "bylines.md", tmp_path))
    keys = {record.id: record.key for record in library.records}
    assert keys["arxiv:1503.02531"] == "hinton2015distilling"
    assert keys["arxiv:2208.07339"] == "dettmers2022llm"


def test_records_from_table_columns_have_the_columns_venue_and_date() -> None:
    records = records_of("tables")
    switch = records["arxiv:2101.03961"].csl  # | [Switch Transformers](arXiv) | JMLR 2022 |
    assert (switch["type"], switch["container-title-short"], switch["issued"]) == (
        "article-journal", "JMLR", {"date-parts": [[2022]]})
    attention = records["arxiv:1706.03762"].csl  # | 2017-06 | … | Google | [Attention …](arXiv) | NeurIPS |
    assert (attention["type"], attention["container-title-short"], attention["issued"]) == (
        "paper-conference", "NeurIPS", {"date-parts": [[2017, 6]]})
    assert "publisher" not in attention  # not "Google" (a report)
    gshard = records["openreview:qrwe7XHTmYb"].csl  # | … | ICLR | 2023 |
    assert (gshard["container-title-short"], gshard["issued"]) == ("ICLR", {"date-parts": [[2023]]})
