"""BibTeX export and LaTeX text escaping, checked offline with two independent BibTeX parsers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import bibtexparser
import pybtex.database
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from awesome_bib.errors import AwesomeBibError
from awesome_bib.export import bibtex
from awesome_bib.export.bibtex import FIELD_ORDER, to_bibtex
from awesome_bib.records.latex_text import escape_latex, normalize_text, pdflatex_subset, protect_title, unescape_latex

DATA = Path(__file__).parent / "data" / "bibtex"
ITEMS: list[dict[str, Any]] = json.loads((DATA / "items.json").read_text(encoding="utf-8"))
BY_KEY = {item["id"]: item for item in ITEMS}

# Every title hypothesis can write: any code point but control characters and surrogates.
ANY_TITLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=60)
# ASCII with every character LaTeX or BibTeX treats specially, to hit injections often.
ASCII_TITLE = st.text(
    st.sampled_from(list("\\{}~^&%$#_<>|-`'!?,\"@= aZ0input write18")), max_size=60
)
ASCII_SPELLINGS = {
    "\\textbackslash", "\\textbraceleft", "\\textbraceright", "\\textasciitilde",
    "\\textasciicircum", "\\&", "\\%", "\\$", "\\#", "\\_",
}


@pytest.fixture(scope="module")
def bib() -> str:
    return to_bibtex(ITEMS)


def _parsed_fields(bib_text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(bib_text)
    assert library.failed_blocks == []
    return {entry.key: {f.key: str(f.value) for f in entry.fields} for entry in library.entries}


def _title_through_bibtexparser(title: str, *, unicode: bool = False) -> str:
    item = {"id": "k", "type": "article", "title": title}
    return _parsed_fields(to_bibtex([item], unicode=unicode))["k"].get("title", "")


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_output_is_byte_identical_across_runs_and_matches_the_reviewed_file(bib: str) -> None:
    assert to_bibtex(json.loads((DATA / "items.json").read_text(encoding="utf-8"))) == bib
    assert bib == (DATA / "expected.bib").read_text(encoding="utf-8")
    assert "\r" not in bib and bib.endswith("}\n") and "\n\n\n" not in bib


def test_bibtexparser_reads_every_entry_in_input_order(bib: str) -> None:
    library = bibtexparser.parse_string(bib)
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == [item["id"] for item in ITEMS]


def test_pybtex_reads_every_entry_and_its_names(bib: str) -> None:
    data = pybtex.database.parse_string(bib, "bibtex")
    assert list(data.entries) == [item["id"] for item in ITEMS]
    gshard = data.entries["lepikhin2021gshard"].persons["author"]
    assert [(p.prelast_names, p.last_names, p.first_names, p.lineage_names) for p in gshard] == [
        ([], ["Lepikhin"], ["Dmitry"], []),
        (["van", "der"], ["Berg"], ["Jan"], []),
        (["van"], ["Beethoven"], ["Ludwig"], []),
        ([], ["Martin"], ["Luther"], ["Jr."]),
    ]
    assert len(data.entries["many2024authors"].persons["author"]) == 42
    qwen = data.entries["qwen2024qwen15moe"].persons["author"]
    assert [p.last_names for p in qwen] == [["{Qwen Team}"]]
    mistral = data.entries["mistral2023webpage"].persons["author"]
    assert [p.last_names for p in mistral] == [["{Mistral AI, Inc. and Friends}"]]


@pytest.mark.parametrize(
    ("key", "entry_type"),
    [
        ("lepikhin2021gshard", "inproceedings"),
        ("fedus2022switch", "article"),
        ("jiang2024mixtral", "misc"),
        ("preprints2024survey", "misc"),
        ("qwen2024qwen15moe", "misc"),
        ("mistral2023webpage", "misc"),
        ("megablocks2023code", "misc"),
        ("hfdataset2024", "misc"),
        ("post2024thread", "misc"),
        ("tr2023moe", "techreport"),
        ("book2020chapter", "misc"),
    ],
)
def test_entry_type_follows_the_csl_type(bib: str, key: str, entry_type: str) -> None:
    types = {e.key: e.entry_type for e in bibtexparser.parse_string(bib).entries}
    assert types[key] == entry_type


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("lepikhin2021gshard", {
            "booktitle": "International Conference on Learning Representations",
            "pages": "12--34", "publisher": "OpenReview.net", "year": "2021", "month": "may",
            "doi": "10.1000/gshard_2021", "keywords": "model-level-optimizations, moe-training",
        }),
        ("rajbhandari2022deepspeedmoe", {
            "booktitle": "Proceedings of the 39th International Conference on Machine Learning",
            "volume": "162", "pages": "18332--18346",
        }),
        ("fedus2022switch", {
            "journal": "Journal of Machine Learning Research", "volume": "23", "number": "120",
            "pages": "1--39", "month": "dec",
        }),
        ("jiang2024mixtral", {
            "eprint": "2401.04088", "archivePrefix": "arXiv", "primaryClass": "cs.LG",
            "url": "https://arxiv.org/abs/2401.04088", "doi": "10.48550/arXiv.2401.04088",
        }),
        ("oldstyle1999", {
            "eprint": "hep-th/9901001", "primaryClass": "hep-th",
            "url": "https://arxiv.org/abs/hep-th/9901001",
        }),
        ("preprints2024survey", {
            "howpublished": "Preprints", "publisher": "MDPI AG",
            "doi": "10.20944/preprints202407.1234.v1",
        }),
        ("doipreprint2024", {"howpublished": "Research Square"}),
        ("qwen2024qwen15moe", {
            "author": "{Qwen Team}", "howpublished": "Qwen Blog", "note": "Accessed 2024-04-01",
            "url": "https://qwenlm.github.io/blog/qwen-moe/",
        }),
        ("mistral2023webpage", {"howpublished": "Mistral AI"}),
        ("megablocks2023code", {"url": "https://example.org/a_b/c%20d?x=1&y=~z#frag"}),
        ("tr2023moe", {"institution": "Example University", "number": "TR-2023-07"}),
        ("book2020chapter", {
            "howpublished": "Handbook of Efficient Deep Learning", "publisher": "Example Press",
        }),
    ],
)
def test_fields_carry_the_csl_values(
    bib: str, key: str, expected: dict[str, str]
) -> None:
    fields = _parsed_fields(bib)[key]
    assert {name: fields.get(name) for name in expected} == expected


@pytest.mark.parametrize(
    ("key", "absent"),
    [
        ("lepikhin2021gshard", "url"),  # only the DOI's resolver link, already in doi
        ("frantar2023qmoe", "primaryClass"),  # no category known
        ("rajbhandari2022deepspeedmoe", "eprint"),  # published: the arXiv id is not the venue
        ("doipreprint2024", "publisher"),  # already given as howpublished
        ("tr2023moe", "publisher"),  # already given as institution
        ("jiang2024mixtral", "howpublished"),
    ],
)
def test_fields_are_left_out_when_absent_or_redundant(bib: str, key: str, absent: str) -> None:
    assert absent not in _parsed_fields(bib)[key]


def test_fields_follow_the_fixed_order_and_none_is_empty(bib: str) -> None:
    for entry in bibtexparser.parse_string(bib).entries:
        names = [field.key for field in entry.fields]
        assert names == sorted(names, key=FIELD_ORDER.index)
    assert "= {}" not in bib
    empty = {"id": "e", "type": "paper-conference", "title": " ", "container-title": "",
             "author": [], "DOI": "", "custom": {"sections": []}}
    assert to_bibtex([empty]) == "@inproceedings{e,\n}\n"
    assert to_bibtex([]) == ""


def test_month_is_an_unbraced_macro_and_entries_are_indented(bib: str) -> None:
    assert "\n  month = jan,\n" in bib
    field_lines = [line for line in bib.splitlines() if line and line[0] not in "@}"]
    assert all(re.fullmatch(r"  [A-Za-z]+ = (\{.*\}|[a-z]{3}),", line) for line in field_lines)


def test_forty_two_authors_stay_complete(bib: str) -> None:
    authors = _parsed_fields(bib)["many2024authors"]["author"].split(" and ")
    assert len(authors) == 42
    assert authors[-1] == "Last, Forty-Second"


def test_accented_names_are_spelled_in_braced_latex(bib: str) -> None:
    author = _parsed_fields(bib)["liang2022m3vit"]["author"]
    for spelled in (r"Sch{\"o}lkopf", r"Mart{\'i}n", r"{\L}ukasz", r"Stra{\ss}e", r"{\c C}elik"):
        assert spelled in author
    assert unescape_latex(author).count("Müller, Jörg") == 1


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ([{"id": "has space", "type": "article"}], "citation key 'has space'"),
        ([{"id": "k", "type": "article"}, {"id": "k", "type": "book"}], "items 1 and 2 share"),
        ([{"id": "k", "type": "article", "title": ["A", "list"]}], "list in 'title'"),
    ],
)
def test_unusable_items_raise_one_clear_error(item: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(AwesomeBibError, match=re.escape(message)):
        to_bibtex(item)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"), ("_", r"\_"),
        ("{", r"{\textbraceleft}"), ("}", r"{\textbraceright}"), ("~", r"{\textasciitilde}"),
        ("^", r"{\textasciicircum}"), ("\\", r"{\textbackslash}"),
        ("é", r"{\'e}"), ("ü", r"{\"u}"), ("ß", r"{\ss}"), ("í", r"{\'i}"), ("–", "{--}"),
        ("—", "{---}"), ("“x”", "{``}x{''}"), ("don’t", r"don{\textquoteright}t"),
        ("a--b", "a-{}-b"), ("e\u0301", r"{\'e}"), ("混合", "混合"), ("a\n\t b\x00", "a b"),
    ],
)
def test_escape_latex_spells_specials_and_unicode(text: str, expected: str) -> None:
    assert escape_latex(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Mixture of Experts for LLMs", "Mixture of Experts for {LLMs}"),
        ("DeepSpeed-MoE: Advancing Mixture-of-Experts",
         "{DeepSpeed-MoE}: Advancing Mixture-of-Experts"),
        ("M³ViT: Efficient", "{M{$^3$}ViT}: Efficient"),
        ("GPT-4 and QMoE", "{GPT-4} and {QMoE}"),
        ("Mixtral 8x7B (MoE),", "Mixtral {8x7B} ({MoE}),"),
        ("Ordinary Title Case Words", "Ordinary Title Case Words"),
    ],
)
def test_protect_title_braces_acronyms_and_mixed_words_only(title: str, expected: str) -> None:
    assert protect_title(title) == expected


@pytest.mark.parametrize(
    "title",
    [r"\input{/etc/passwd}", r"\immediate\write18{touch PWNED}", r"\catcode`\{=12 \def\x{"],
)
def test_injection_titles_come_out_with_no_command_of_their_own(title: str) -> None:
    value = _title_through_bibtexparser(title)
    assert set(re.findall(r"\\(?:[A-Za-z]+|.)", value)) <= ASCII_SPELLINGS
    assert unescape_latex(value) == title


@settings(max_examples=300, deadline=None)
@given(ASCII_TITLE)
def test_ascii_text_yields_only_the_fixed_spellings(title: str) -> None:
    escaped = protect_title(title)
    assert set(re.findall(r"\\(?:[A-Za-z]+|.)", escaped)) <= ASCII_SPELLINGS
    assert _balanced(escaped)


@settings(max_examples=300, deadline=None)
@given(ANY_TITLE)
def test_any_title_survives_bibtex_and_reads_back_the_same(title: str) -> None:
    assume(normalize_text(title))
    value = _title_through_bibtexparser(title, unicode=True)
    assert _balanced(value)
    assert unescape_latex(value) == normalize_text(title)
    for_pdflatex = _title_through_bibtexparser(title)
    assert for_pdflatex.isascii() and _balanced(for_pdflatex)
    assert unescape_latex(for_pdflatex) == normalize_text(pdflatex_subset(title)[0])


def test_every_non_ascii_spelling_is_one_braced_group() -> None:
    # Braces end a control word, so no spelling can run into the text after it and form a command.
    for code in range(0xA0, 0x3000):
        spelled = escape_latex(chr(code))
        if spelled != normalize_text(chr(code)):
            assert spelled.startswith("{") and spelled.endswith("}") and _balanced(spelled[1:-1])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a_b/c%20d?x=1&y=~z#frag", "https://example.org/a_b/c%20d?x=1&y=~z#frag"),
        ("https://example.org/{x}\\y z", "https://example.org/%7Bx%7D%5Cy%20z"),
        ("https://example.org/ünï", "https://example.org/%C3%BCn%C3%AF"),
    ],
)
def test_urls_stay_verbatim_but_for_braces_backslashes_spaces_and_non_ascii(
    url: str, expected: str
) -> None:
    item = {"id": "k", "type": "webpage", "URL": url}
    assert _parsed_fields(to_bibtex([item]))["k"]["url"] == expected


def test_an_author_list_that_goes_on_ends_with_bibtex_others() -> None:
    item = {"id": "hinton2015distilling", "type": "article", "title": "Distilling",
            "author": [{"given": "G.", "family": "Hinton"}, {"literal": "others"}]}
    text = bibtex.to_bibtex([item])
    assert "author = {Hinton, G. and others}," in text
    entry = pybtex.database.parse_string(text, "bibtex").entries["hinton2015distilling"]
    assert [str(person) for person in entry.persons["author"]] == ["Hinton, G.", "others"]
