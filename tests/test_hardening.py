"""Small bad inputs found by probing: each is one clear line and exit 2, or handled as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from awesome_bib.errors import AwesomeBibError
from awesome_bib.records.merge import put_all
from awesome_bib.resolve.services import load_settings
from awesome_bib.resolve.sources import Candidate
from conftest import Outcome, run


def one_line(result: Outcome, *needles: str) -> None:
    assert result.exit_code == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("awesome-bib: error: ") and "internal error" not in line
    for needle in needles:
        assert needle in line, line


def test_a_device_as_the_list_is_a_clear_error() -> None:
    one_line(run("sections", "--list", "/dev/zero"), "/dev/zero", "not a regular file")


def test_a_list_too_large_to_be_a_list_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from awesome_bib.lists import document as listfile

    monkeypatch.setattr(listfile, "MAX_LIST_BYTES", 1000)
    listing = tmp_path / "README.md"
    listing.write_text("# L\n\n## S\n\n" + "[Arxiv'24] [A](https://arxiv.org/abs/2401.00001)\n\n" * 40, "utf-8")
    one_line(run("sections", "--list", listing), str(listing), "larger than")


@pytest.mark.parametrize("mailto", ["me@example.org\r\nX-Injected: 1", "me@example.org\n", "not an address",
                                    "me@exämple.org"])
def test_a_mailto_that_is_not_one_address_is_a_usage_error(tmp_path: Path, mailto: str) -> None:
    with pytest.raises(AwesomeBibError, match="give one e-mail address"):
        load_settings(mailto=mailto, env={})
    listing = tmp_path / "README.md"
    listing.write_text("# L\n\n## S\n\n[Arxiv'24] [A](https://arxiv.org/abs/2401.00001)\n", "utf-8")
    one_line(run("resolve", "--list", listing, "--mailto", mailto), "mailto", "give one e-mail address")


def test_dois_are_stored_lower_case_whatever_the_source() -> None:
    csl: dict[str, object] = {"id": "k"}
    provenance: dict[str, dict[str, object]] = {}
    put_all(csl, provenance, Candidate("dblp", "journals/x/Y", {"DOI": "10.1023/A:1026654312961"}), 1.0)
    assert csl["DOI"] == "10.1023/a:1026654312961"


def test_an_upper_case_doi_in_the_lockfile_or_the_overrides_comes_out_lower_case(seed_copy: Path) -> None:
    run("export", "--list", seed_copy)
    path = seed_copy.with_name("README.lock.json")
    document = json.loads(path.read_text("utf-8"))
    record = document["records"]["arxiv:2310.16795"]
    record["status"] = "resolved"
    record["csl"]["DOI"] = "10.5555/QMOE.ABC"
    record["provenance"]["DOI"] = {"source": "dblp", "id": "conf/mlsys/X", "score": 1.0}
    path.write_text(json.dumps(document), "utf-8")
    seed_copy.with_name("README.overrides.toml").write_text('["arxiv:2401.04088"]\nDOI = "10.5555/MIXTRAL"\n')
    items = {i["id"]: i for i in json.loads(run("export", "--list", seed_copy, "-f", "csljson").stdout)}
    assert items["qmoe2023practical"]["DOI"] == "10.5555/qmoe.abc"
    assert items["mixtral8x7b2024"]["DOI"] == "10.5555/mixtral"


def test_export_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "x.bib"
    one_line(run("export", "-s", "survey", "-o", target), str(target.parent), "no such folder")
    assert not (tmp_path / "no").exists()
