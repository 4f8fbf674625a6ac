"""`awesome-bib release`: every section's files, an index, a manifest, one zip; reproducible to the byte."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
import yaml

from conftest import DATA, Outcome, run

REPOSITORY_EXPORTS = Path(__file__).parent.parent / "exports"


def release(out: Path, *args: str | Path) -> None:
    result = run("release", "--out", out, *args)
    assert result.exit_code == 0, result.stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_runs_give_byte_identical_files_and_archive(tmp_path: Path) -> None:
    release(tmp_path / "a")
    release(tmp_path / "b")
    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert first == second
    assert "awesome-moe-llm-inference-system-and-algorithm.zip" in first


def test_every_section_with_papers_gets_bib_json_and_md(tmp_path: Path) -> None:
    release(tmp_path)
    files = tree(tmp_path)
    sections = json.loads(run("sections", "--json").stdout)
    with_papers = [s["path"] for s in sections if s["total"]]
    assert len(with_papers) == 19
    for path in ["all", *with_papers]:
        for ext in ("bib", "biblatex.bib", "json", "ris", "yml", "md"):
            assert f"{path}.{ext}" in files, f"{path}.{ext}"
    assert "todos.bib" not in files and "algorithm-level-optimization/speculative-decoding.bib" not in files
    quantization = "model-level-optimizations/model-compression/quantization"
    entries = bibtexparser.parse_string(files[f"{quantization}.bib"].decode()).entries
    assert len(entries) == 7
    schema = json.loads((DATA / "csl-data.json").read_text("utf-8"))
    jsonschema.validate(json.loads(files[f"{quantization}.json"]), schema)
    page = files[f"{quantization}.md"].decode()
    assert page.startswith("# Quantization\n\n7 papers from *Awesome MoE LLM Inference System and Algorithm*.")
    assert page.count("\n- ") == 7
    assert len(bibtexparser.parse_string(files["all.bib"].decode()).entries) == 118
    assert len(bibtexparser.parse_string(files[f"{quantization}.biblatex.bib"].decode()).entries) == 7
    assert "eprinttype = {arxiv}" in files[f"{quantization}.biblatex.bib"].decode()
    assert len(rispy.loads(files[f"{quantization}.ris"].decode())) == 7
    assert len(yaml.safe_load(files[f"{quantization}.yml"])) == 7


def test_index_links_every_file_with_counts(tmp_path: Path) -> None:
    release(tmp_path)
    index = (tmp_path / "README.md").read_text("utf-8")
    assert ("| **All papers** | 118 | [all.bib](all.bib) | [all.biblatex.bib](all.biblatex.bib) | [all.json](all.json) "
            "| [all.ris](all.ris) | [all.yml](all.yml) | [all.md](all.md) |") in index
    assert ("| &emsp;&emsp;Quantization | 7 | [quantization.bib]"
            "(model-level-optimizations/model-compression/quantization.bib) |") in index
    assert "[awesome-moe-llm-inference-system-and-algorithm.zip]" in index
    for target in [line.split("](")[1].split(")")[0] for line in index.splitlines() if "](" in line]:
        assert (tmp_path / target).is_file(), target


def test_manifest_has_checksums_counts_and_the_list_version(tmp_path: Path) -> None:
    release(tmp_path, "--release-version", "v1.2.0")
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert manifest["list"]["version"] == "v1.2.0"
    assert manifest["list"]["papers"] == 118
    assert manifest["files"]["all.bib"]["papers"] == 118
    for name, facts in manifest["files"].items():
        data = (tmp_path / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == facts["sha256"] and len(data) == facts["bytes"]
    archive = zipfile.ZipFile(io.BytesIO((tmp_path / manifest["archive"]).read_bytes()))
    names = archive.namelist()
    assert names == sorted(names) and "manifest.json" in names and manifest["archive"] not in names
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert archive.read("all.bib") == (tmp_path / "all.bib").read_bytes()


def test_files_of_a_removed_section_are_removed_and_nothing_else(tmp_path: Path, seed_copy: Path) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    (out / "notes.txt").write_text("mine", "utf-8")
    release(out, "--list", seed_copy)
    assert (out / "survey.bib").exists()
    text = seed_copy.read_text("utf-8")
    start, end = text.index("## Survey"), text.index("## SOTA MoE LLMs")
    seed_copy.write_text(text[:start] + text[end:], "utf-8")
    result = run("release", "--out", out, "--list", seed_copy)
    assert "removed 6 stale" in result.stderr
    assert not (out / "survey.bib").exists() and not (out / "survey.md").exists()
    assert (out / "notes.txt").read_text("utf-8") == "mine"


def test_the_repositorys_exports_are_the_release_of_the_embedded_list(tmp_path: Path) -> None:
    release(tmp_path)
    assert tree(REPOSITORY_EXPORTS) == tree(tmp_path), (
        "exports/ is stale: regenerate it with `python tools/rebuild_embedded.py`"
    )


def test_release_never_overwrites_a_file_it_did_not_write(seed_copy: Path) -> None:
    original = seed_copy.read_text("utf-8")
    result = run("release", "--list", seed_copy, "--out", seed_copy.parent)
    assert result.exit_code == 2
    assert "README.md: exists and was not written by an earlier release" in result.stderr
    assert seed_copy.read_text("utf-8") == original
    assert sorted(p.name for p in seed_copy.parent.iterdir()) == ["README.lock.json", "README.md"]


def test_sections_named_like_release_files_do_not_collide(tmp_path: Path) -> None:
    listing = tmp_path / "list.md"
    listing.write_text("# Names\n\n## All\n\n[Arxiv'24] [A](https://arxiv.org/abs/2401.00001)\n\n"
                       "## Manifest\n\n[Arxiv'24] [B](https://arxiv.org/abs/2401.00002)\n\n"
                       "## Readme\n\n[Arxiv'24] [C](https://arxiv.org/abs/2401.00003)\n", "utf-8")
    out = tmp_path / "out"
    release(out, "--list", listing)
    assert len(json.loads((out / "all.json").read_text("utf-8"))) == 3
    assert len(json.loads((out / "all-section.json").read_text("utf-8"))) == 1
    assert json.loads((out / "manifest.json").read_text("utf-8"))["list"]["papers"] == 3
    assert (out / "manifest-section.bib").exists() and (out / "readme-section.md").exists()


def small_list(tmp_path: Path) -> Path:
    listing = tmp_path / "list" / "README.md"
    listing.parent.mkdir()
    listing.write_text("# Small\n\n## Models\n\n[Arxiv'24] [A](https://arxiv.org/abs/2401.00001)\n\n"
                       "### Sparse\n\n[Arxiv'24] [B](https://arxiv.org/abs/2401.00002)\n", "utf-8")
    return listing


def one_line_error(result: Outcome, *needles: str) -> str:
    assert result.exit_code == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert "internal error" not in line and line.startswith("awesome-bib: error: ")
    for needle in needles:
        assert needle in line
    return line


def test_a_symlink_in_the_manifest_never_reaches_outside_out(tmp_path: Path) -> None:
    listing = small_list(tmp_path)
    out, outside = tmp_path / "out", tmp_path / "outside"
    release(out, "--list", listing)
    outside.mkdir()
    (outside / "victim.txt").write_text("keep me", "utf-8")
    (out / "link").symlink_to("../outside", target_is_directory=True)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    manifest["files"]["link/victim.txt"] = {"sha256": "0" * 64, "bytes": 7}
    (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    before = tree(out)
    one_line_error(run("release", "--out", out, "--list", listing), "link/victim.txt", "outside")
    assert (outside / "victim.txt").read_text("utf-8") == "keep me"
    assert tree(out) == before


def test_a_symlinked_folder_inside_out_is_never_written_through(tmp_path: Path) -> None:
    listing = small_list(tmp_path)
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "models").symlink_to(outside, target_is_directory=True)
    one_line_error(run("release", "--out", out, "--list", listing), "models/sparse.bib", "outside")
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["models"]


@pytest.mark.parametrize(
    ("manifest", "detail"),
    [
        ("[]", "not a JSON object"),
        ("{not json", "not JSON"),
        ('{"files": []}', "'files' is not an object"),
        ('{"files": {"": {}}}', "''"),
        ('{"files": {"./all.bib": {}}}', "'./all.bib'"),
        ('{"files": {"/etc/passwd": {}}}', "'/etc/passwd'"),
        ('{"files": {"a/../../x": {}}}', "'a/../../x'"),
        ('{"files": {}, "archive": 3}', "'archive' is not a string"),
    ],
)
def test_a_bad_manifest_is_one_clear_error_and_nothing_is_deleted(tmp_path: Path, manifest: str,
                                                                 detail: str) -> None:
    listing = small_list(tmp_path)
    out = tmp_path / "out"
    release(out, "--list", listing)
    (out / "manifest.json").write_text(manifest, "utf-8")
    before = tree(out)
    one_line_error(run("release", "--out", out, "--list", listing), "manifest.json", detail)
    assert tree(out) == before


def test_a_manifest_naming_a_folder_removes_nothing(tmp_path: Path) -> None:
    listing = small_list(tmp_path)
    out = tmp_path / "out"
    release(out, "--list", listing)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    manifest["files"]["models"] = {"sha256": "0" * 64, "bytes": 0}
    (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    before = tree(out)
    one_line_error(run("release", "--out", out, "--list", listing), "manifest.json", "'models' is a folder")
    assert tree(out) == before
