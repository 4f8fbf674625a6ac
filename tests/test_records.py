"""Records built from what the list says: author names, and venue and year from free text and tables."""

from __future__ import annotations

import pytest

from awesome_bib.records import split_author_list


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
         [{"given": "Ashish", "family": "Vaswani"}, {"given": "Noam", "family": "Shazeer"}]),
        ("Martin Luther King Jr., Rosa Parks",
         [{"given": "Martin Luther", "family": "King", "suffix": "Jr."}, {"given": "Rosa", "family": "Parks"}]),
        ("Martin Luther King, Jr. and Laurens van der Maaten",
         [{"given": "Martin Luther", "family": "King", "suffix": "Jr."},
          {"given": "Laurens", "family": "van der Maaten"}]),
        ("Jiang et al.", [{"literal": "Jiang"}]),
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
