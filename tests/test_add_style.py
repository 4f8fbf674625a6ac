"""What `add` reads off a list (tag form, spellings, order) and off the paper (its link, its venue)."""

from __future__ import annotations

from pathlib import Path

import pytest

from awesome_bib.errors import AwesomeBibError
from awesome_bib.library.add import paper_target
from awesome_bib.records.venues import venue_of
from conftest import DATA, copy_list, run


@pytest.fixture
def ordered(tmp_path: Path) -> Path:
    return copy_list(DATA / "add" / "ordered.md", tmp_path)


def added(listing: Path, *args: str) -> list[str]:
    """Add a paper offline and return the list's lines."""
    result = run("add", "--list", listing, "--offline", "--write", *args)
    assert result.exit_code == 0, result.stderr
    return listing.read_text("utf-8").splitlines()


@pytest.mark.parametrize(("given", "url", "identity"), [
    ("2401.04088", "https://arxiv.org/abs/2401.04088", "arxiv:2401.04088"),
    ("arXiv:2401.04088v2", "https://arxiv.org/abs/2401.04088", "arxiv:2401.04088"),
    ("https://arxiv.org/pdf/2401.04088v3.pdf", "https://arxiv.org/abs/2401.04088", "arxiv:2401.04088"),
    ("doi:10.48550/arXiv.2401.04088", "https://arxiv.org/abs/2401.04088", "arxiv:2401.04088"),
    ("10.1145/3603269.3604869", "https://doi.org/10.1145/3603269.3604869", "doi:10.1145/3603269.3604869"),
    ("https://doi.org/10.1023/A:1026654312961", "https://doi.org/10.1023/A:1026654312961",
     "doi:10.1023/a:1026654312961"),
    ("https://dl.acm.org/doi/10.1145/3627703.3650083", "https://dl.acm.org/doi/10.1145/3627703.3650083",
     "doi:10.1145/3627703.3650083"),
    ("https://aclanthology.org/2024.acl-long.699.pdf", "https://aclanthology.org/2024.acl-long.699/",
     "doi:10.18653/v1/2024.acl-long.699"),
    ("https://openreview.net/pdf?id=PhMrGCMIRL", "https://openreview.net/forum?id=PhMrGCMIRL",
     "openreview:PhMrGCMIRL"),
])
def test_papers_are_linked_the_way_lists_link_them(given: str, url: str, identity: str) -> None:
    target = paper_target(given)
    assert (target.url, target.identity) == (url, identity)


@pytest.mark.parametrize("given", ["2413.00001", "hello", "https://github.com/laekov/fastmoe", "10.1145"])
def test_what_names_no_paper_is_refused(given: str) -> None:
    with pytest.raises(AwesomeBibError, match="is not"):
        paper_target(given)


@pytest.mark.parametrize(("container", "short"), [
    ({"container-title": "MLSys"}, "MLSys"),
    ({"container-title": "Proceedings of the ACM SIGCOMM 2023 Conference"}, "SIGCOMM"),
    ({"container-title": "Findings of the Association for Computational Linguistics: EMNLP 2024"}, "EMNLP"),
    ({"container-title": "J. Mach. Learn. Res."}, "JMLR"),
    ({"container-title": "Proceedings of the 30th ACM International Conference on Architectural Support for "
                         "Programming Languages and Operating Systems, Volume 1"}, "ASPLOS"),
    ({"container-title": "Advances in Neural Information Processing Systems 35"}, "NeurIPS"),
    ({"container-title": "EMNLP (Findings)"}, "EMNLP"),
    ({"container-title": "Nature Communications"}, None),
    ({"container-title": "Sci. Rep."}, None),
    ({"container-title": "International Journal of Theoretical Physics"}, None),
])
def test_the_venue_of_a_resolved_paper_comes_from_its_container_title(container: dict[str, str],
                                                                      short: str | None) -> None:
    venue = venue_of(container)
    assert (venue.short if venue else None) == short


def test_the_tag_copies_the_lists_apostrophe_and_spelling_and_follows_its_order(ordered: Path) -> None:
    lines = added(ordered, "2310.16795", "-s", "oldest-first", "--title", "QMoE")
    line = "[arXiv’23] [QMoE](https://arxiv.org/abs/2310.16795)"
    at = lines.index(line)
    assert lines[at - 2].startswith("[NeurIPS’22] [Paper B]") and lines[at + 2].startswith("[arXiv’24] [Paper C]")


def test_a_section_in_no_order_gets_the_line_after_its_last_entry(ordered: Path) -> None:
    lines = added(ordered, "2310.16795", "-s", "unordered", "--title", "QMoE", "--venue", "MLSys")
    line = "[MLSys’23] [QMoE](https://arxiv.org/abs/2310.16795)"  # the year from the arXiv id
    at = lines.index(line)
    assert lines[at - 2].startswith("[NeurIPS’22] [Paper F]")
    assert lines[at - 1] == lines[at + 1] == "" and lines[at + 2] == "## Empty"


def test_an_empty_section_gets_the_line_after_its_text(ordered: Path) -> None:
    lines = added(ordered, "2310.16795", "-s", "empty", "--title", "QMoE", "--venue", "MLSys’24")
    assert lines[-3:] == ["Papers on this come later.", "", "[MLSys’24] [QMoE](https://arxiv.org/abs/2310.16795)"]
