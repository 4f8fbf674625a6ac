"""URL -> identifiers: the link kinds of real paper lists, and the identifier helpers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awesome_bib.ids import arxiv_doi, arxiv_id_date, is_valid_arxiv_id, normalize_doi, parse_arxiv_id, parse_link
from awesome_bib.ids.target import IDENTITY_ORDER

DATA = Path(__file__).parent / "data"
SEED_LIST = Path(__file__).parent.parent / "awesome_bib" / "data" / "awesome-moe-inference.md"
CASES = json.loads((DATA / "links" / "cases.json").read_text("utf-8"))["cases"]
SEED_URLS = re.findall(r"\]\(\s*(https?://[^)\s]+)\s*\)", SEED_LIST.read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["url"] or "<empty>" for case in CASES])
def test_link_role_and_ids(case: dict) -> None:
    target = parse_link(case["url"])
    assert (target.role, target.ids) == (case["role"], case["ids"])


def test_ids_only_use_known_kinds() -> None:
    known = {*IDENTITY_ORDER, "arxiv-version"}
    for case in CASES:
        assert set(parse_link(case["url"]).ids) <= known, case["url"]


def test_url_is_kept_as_written_minus_surrounding_whitespace() -> None:
    target = parse_link("  https://github.com/lbzhang/Enhanced-Expert-FGVC-Pytorch.git \n")
    assert target.url == "https://github.com/lbzhang/Enhanced-Expert-FGVC-Pytorch.git"
    assert parse_link("\thttp://arxiv.org/abs/2401.04088v2 ").url == "http://arxiv.org/abs/2401.04088v2"


@pytest.mark.parametrize(
    "urls",
    [
        ("https://arxiv.org/abs/2401.04088", "https://arxiv.org/pdf/2401.04088v2.pdf",
         "https://doi.org/10.48550/arXiv.2401.04088", "https://huggingface.co/papers/2401.04088"),
        ("https://aclanthology.org/P19-1285/", "https://www.aclweb.org/anthology/P19-1285.pdf",
         "https://doi.org/10.18653/v1/P19-1285"),
        ("https://dl.acm.org/doi/pdf/10.1145/3627703.3650083",
         "https://doi.org/10.1145/3627703.3650083"),
        ("https://www.mdpi.com/2079-9292/13/11/2077/pdf", "https://doi.org/10.3390/electronics13112077"),
        ("https://www.isca-archive.org/interspeech_2023/yuan23c_interspeech.pdf",
         "https://www.isca-speech.org/archive/interspeech_2023/yuan23c_interspeech.html"),
    ],
)
def test_links_to_the_same_paper_share_an_identity(urls: tuple[str, ...]) -> None:
    identities = {parse_link(url).identity for url in urls}
    assert len(identities) == 1 and None not in identities


# Seed-list links that name a paper but carry no identifier a URL can give.
SEED_PAPERS_WITHOUT_IDS = {
    "https://www.microsoft.com/en-us/research/uploads/prod/2022/05/MainzSpeech_Interspeech2022_KD_MoE_Network.pdf",
}


def test_every_paper_link_of_the_seed_list_has_an_identity() -> None:
    assert len(SEED_URLS) > 150
    missing = [
        url for url in SEED_URLS
        if parse_link(url).role == "paper" and parse_link(url).identity is None
    ]
    assert sorted(missing) == sorted(SEED_PAPERS_WITHOUT_IDS)


def test_seed_list_code_and_model_links_are_told_apart_from_papers() -> None:
    roles = {url: parse_link(url).role for url in SEED_URLS}
    assert {roles[url] for url in SEED_URLS if "github.com/" in url} == {"code"}
    assert {roles[url] for url in SEED_URLS if "huggingface.co/" in url} == {"model"}
    assert {roles[url] for url in SEED_URLS if "arxiv.org/" in url} == {"paper"}


@given(st.text())
def test_parse_link_never_raises_on_any_text(text: str) -> None:
    target = parse_link(text)
    assert target.role in {"paper", "code", "model", "dataset", "web"}


@given(
    st.sampled_from(["arxiv.org", "doi.org", "dl.acm.org", "mdpi.com", "ieeexplore.ieee.org",
                     "usenix.org", "openaccess.thecvf.com", "aclanthology.org", "openreview.net",
                     "huggingface.co", "github.com", "proceedings.mlr.press", "nature.com"]),
    st.text(),
)
def test_parse_link_never_raises_on_known_hosts_with_junk_paths(host: str, rest: str) -> None:
    parse_link(f"https://{host}/{rest}")
    parse_link(f"https://{host}/doi/{rest}")


# --- arXiv ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2401.04088v2", ("2401.04088", "v2")),
        ("arXiv:2401.04088", ("2401.04088", None)),
        ("arxiv: 2401.04088V3", ("2401.04088", "v3")),
        ("hep-th/9901001v1", ("hep-th/9901001", "v1")),
        ("cs/0112017", ("cs/0112017", None)),
        ("math.GT/0309136", ("math/0309136", None)),
        ("0704.0001", ("0704.0001", None)),
        (" 1501.00001 ", ("1501.00001", None)),
    ],
)
def test_parse_arxiv_id(text: str, expected: tuple[str, str | None]) -> None:
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "2413.00001", "2401.04088v0", "٢٤٠١.٠٤٠٨٨", "2401.0408", "2401.040888", "foo/9901001",
     "10.48550/arXiv.2401.04088", "https://arxiv.org/abs/2401.04088"],
)
def test_parse_arxiv_id_rejects_what_is_not_an_id(text: str) -> None:
    assert parse_arxiv_id(text) is None


@pytest.mark.parametrize(
    ("arxiv_id", "valid"),
    [
        ("2401.04088", True),
        ("0704.0001", True),     # first new-scheme month
        ("1412.9999", True),     # last four-digit month
        ("1501.00001", True),    # first five-digit month
        ("2413.00001", False),   # month 13
        ("2400.00001", False),   # month 00
        ("9912.1234", False),    # would be new-scheme 2099-12, which has five digits
        ("1501.1234", False),    # four digits after 1501
        ("1412.12345", False),   # five digits before 1501
        ("0703.1234", False),    # before the new scheme began
        ("hep-th/9901001", True),
        ("math.GT/0309136", True),
        ("hep-th/9107001", False),  # before arXiv
        ("cs/0704001", False),      # after the old scheme ended
        ("hep-th/9913001", False),  # month 13
        ("stat/0601001", False),    # stat had no old-scheme ids
        ("2401.04088v2", False),    # versions are not part of the id
    ],
)
def test_is_valid_arxiv_id(arxiv_id: str, valid: bool) -> None:
    assert is_valid_arxiv_id(arxiv_id) is valid


@pytest.mark.parametrize(
    ("arxiv_id", "date"),
    [("2310.16795", (2023, 10)), ("0704.0001", (2007, 4)), ("hep-th/9901001", (1999, 1)),
     ("cs/0112017v2", (2001, 12)), ("arXiv:1501.00001", (2015, 1))],
)
def test_arxiv_id_date(arxiv_id: str, date: tuple[int, int]) -> None:
    assert arxiv_id_date(arxiv_id) == date


def test_arxiv_id_date_refuses_a_non_id() -> None:
    with pytest.raises(ValueError, match=r"2413\.00001"):
        arxiv_id_date("2413.00001")


def test_arxiv_doi() -> None:
    assert arxiv_doi("2401.04088") == "10.48550/arxiv.2401.04088"
    assert arxiv_doi("arXiv:2401.04088v2") == "10.48550/arxiv.2401.04088"
    assert arxiv_doi("hep-th/9901001") == "10.48550/arxiv.hep-th/9901001"
    with pytest.raises(ValueError):
        arxiv_doi("not-an-id")


# --- DOIs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("https://doi.org/10.1145/3627703.3650083", "10.1145/3627703.3650083"),
        ("http://dx.doi.org/10.1145/3627703.3650083", "10.1145/3627703.3650083"),
        ("doi.org/10.1145/3627703.3650083", "10.1145/3627703.3650083"),
        ("doi:10.1145/3627703.3650083", "10.1145/3627703.3650083"),
        ("DOI: 10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
        ("10.18653/V1/2024.ACL-LONG.699", "10.18653/v1/2024.acl-long.699"),
        ("10.1145/3627703.3650083.", "10.1145/3627703.3650083"),
        ("10.1145/3627703.3650083);", "10.1145/3627703.3650083"),
        ("https://doi.org/10.1002%2F%28SICI%291097-4571", "10.1002/(sici)1097-4571"),
        ("10.1016/0370-2693(85)90014-2", "10.1016/0370-2693(85)90014-2"),
        ("10.3389/fnins.2020.00001/full", "10.3389/fnins.2020.00001"),
        ("10.1002/int.22785/pdf/", "10.1002/int.22785"),
        ("https://doi.org/10.1145/3627703.3650083?download=true#sec", "10.1145/3627703.3650083"),
        ("  10.48550/arXiv.2401.04088  ", "10.48550/arxiv.2401.04088"),
    ],
)
def test_normalize_doi(text: str, doi: str) -> None:
    assert normalize_doi(text) == doi


@pytest.mark.parametrize(
    "text", ["", "not a doi", "10.1/abc", "10.1145", "10.1145/", "https://example.org/10.1145/x",
             "11.1145/3627703"],
)
def test_normalize_doi_rejects_what_is_not_a_doi(text: str) -> None:
    assert normalize_doi(text) is None


# --- MDPI journal table --------------------------------------------------------------------------


def _issn_check_digit(first_seven: str) -> str:
    weighted = zip(first_seven, range(8, 1, -1), strict=True)
    remainder = sum(int(digit) * weight for digit, weight in weighted) % 11
    check = (11 - remainder) % 11
    return "X" if check == 10 else str(check)


def test_mdpi_table_holds_well_formed_issns_and_distinct_doi_codes() -> None:
    table = json.loads(
        (SEED_LIST.parent / "mdpi_journals.json").read_text("utf-8")
    )["journals"]
    for issn in table:
        assert re.fullmatch(r"\d{4}-\d{3}[\dX]", issn), issn
        digits = issn.replace("-", "")
        assert digits[7] == _issn_check_digit(digits[:7]), issn
    codes = [journal["doi-code"] for journal in table.values()]
    assert len(codes) == len(set(codes))

