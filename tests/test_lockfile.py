"""The lockfile: beside the list, deterministic, atomic, guarded, and the embedded list's shipped copy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from awesome_bib import library
from awesome_bib.atomic import write_atomic
from awesome_bib.errors import AwesomeBibError
from awesome_bib.library import lockfile, open_for_update, open_library
from awesome_bib.library.files import embedded_list_path, lockfile_path_for, user_lockfile_path
from conftest import run


def test_first_export_writes_a_sorted_readable_lockfile_beside_the_list(seed_copy: Path) -> None:
    assert run("export", "--list", seed_copy, "-s", "survey").exit_code == 0
    path = seed_copy.parent / "README.lock.json"
    document = json.loads(path.read_text("utf-8"))
    assert document["awesome-bib"] == {"lockfile": 1, "key-format": "{auth}{year}{title}"}
    records = document["records"]
    assert list(records) == sorted(records) and len(records) == 118
    qmoe = records["arxiv:2310.16795"]
    assert qmoe["key"] == "qmoe2023practical" and qmoe["status"] == "listed"
    assert qmoe["csl"]["issued"] == {"date-parts": [[2023, 10]]}
    assert qmoe["provenance"]["issued"] == {"source": "arxiv-id"}
    assert set(qmoe["provenance"]) == {k for k in qmoe["csl"] if k != "custom"}
    assert path.read_text("utf-8").endswith("}\n")
    assert sorted(p.name for p in path.parent.iterdir()) == ["README.lock.json", "README.md"]


def test_reading_again_changes_nothing(seed_copy: Path) -> None:
    run("export", "--list", seed_copy)
    path = seed_copy.parent / "README.lock.json"
    first = path.read_text("utf-8")
    stamp = path.stat().st_mtime_ns
    run("export", "--list", seed_copy)
    assert path.read_text("utf-8") == first
    assert path.stat().st_mtime_ns == stamp  # not even rewritten


def _resolve_by_hand(lockfile_path: Path, record_id: str) -> None:
    """What `resolve` would leave: service fields with their provenance (a test fixture, not real data)."""
    document = json.loads(lockfile_path.read_text("utf-8"))
    record = document["records"][record_id]
    record["status"] = "resolved"
    record["csl"]["author"] = [{"family": "Frantar", "given": "Elias"}]
    record["provenance"]["author"] = {"source": "fixture", "id": "2310.16795v1"}
    lockfile_path.write_text(json.dumps(document), "utf-8")


def _qmoe(seed_copy: Path) -> dict:
    items = json.loads(run("export", "--list", seed_copy, "-f", "csljson").stdout)
    return next(item for item in items if item["id"] == "qmoe2023practical")


def test_resolved_records_stand_while_only_their_listing_changes(seed_copy: Path) -> None:
    run("export", "--list", seed_copy)
    _resolve_by_hand(seed_copy.parent / "README.lock.json", "arxiv:2310.16795")
    text = seed_copy.read_text("utf-8")
    moved = text.replace("#### Knowledge Distillation\n", "#### Knowledge Distillation\n\n"
                         "[Arxiv'24] [QMoE: Practical Sub-1-Bit Compression of Trillion-Parameter Models]"
                         "(https://arxiv.org/abs/2310.16795) [[Code](https://github.com/x/qmoe)]\n")
    seed_copy.write_text(moved, "utf-8")
    qmoe = _qmoe(seed_copy)
    assert qmoe["author"] == [{"family": "Frantar", "given": "Elias"}]
    assert qmoe["custom"]["sections"] == ["quantization", "knowledge-distillation"]
    assert qmoe["custom"]["code"] == ["http://github.com/IST-DASLab/qmoe", "https://github.com/x/qmoe"]


def test_a_changed_entry_starts_again_from_the_list_and_keeps_its_key(seed_copy: Path) -> None:
    run("export", "--list", seed_copy)
    lockfile_path = seed_copy.parent / "README.lock.json"
    _resolve_by_hand(lockfile_path, "arxiv:2310.16795")
    text = seed_copy.read_text("utf-8").replace("[Arxiv'24] [QMoE: Practical", "[MLSys'24] [QMoE: Practical")
    seed_copy.write_text(text, "utf-8")
    qmoe = _qmoe(seed_copy)
    assert "author" not in qmoe  # the entry changed: resolve will look it up again
    assert qmoe["custom"]["venue-tag"] == "MLSys'24" and qmoe["container-title-short"] == "MLSys"
    assert json.loads(lockfile_path.read_text("utf-8"))["records"]["arxiv:2310.16795"]["status"] == "listed"


def test_removed_papers_leave_the_lockfile(seed_copy: Path) -> None:
    run("export", "--list", seed_copy)
    seed_copy.write_text(seed_copy.read_text("utf-8").replace("https://arxiv.org/abs/2310.16795", "#"), "utf-8")
    run("export", "--list", seed_copy)
    records = json.loads((seed_copy.parent / "README.lock.json").read_text("utf-8"))["records"]
    assert "arxiv:2310.16795" not in records and len(records) == 117


def test_a_corrupt_lockfile_is_a_clear_error_and_is_left_alone(seed_copy: Path) -> None:
    path = seed_copy.parent / "README.lock.json"
    path.write_text('{"awesome-bib": {"lockfile": 1}, "records": {', "utf-8")
    result = run("export", "--list", seed_copy)
    assert result.exit_code == 2
    assert "README.lock.json: not a valid awesome-bib lockfile (line 1)" in result.stderr
    assert "restore it from version control or delete it" in result.stderr
    assert path.read_text("utf-8") == '{"awesome-bib": {"lockfile": 1}, "records": {'


def test_a_newer_lockfile_format_asks_for_an_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "x.lock.json"
    path.write_text('{"awesome-bib": {"lockfile": 9}, "records": {}}', "utf-8")
    with pytest.raises(AwesomeBibError, match=r"lockfile format 9 is not supported.*upgrade awesome-bib"):
        lockfile.load(path)


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.lock.json"
    path.write_text("old\n", "utf-8")

    def broken_fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        write_atomic(path, "new\n")
    assert path.read_text("utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.lock.json"]  # no temporary file left behind


def test_a_second_writer_is_refused_while_one_holds_the_lockfile(seed_copy: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library, "SAVE_WAIT", 0.2)
    path = lockfile_path_for(seed_copy)
    with lockfile.exclusive(path):
        result = run("export", "--list", seed_copy)
    assert result.exit_code == 2
    assert "another awesome-bib run is updating this lockfile" in result.stderr
    assert not path.exists()
    assert run("export", "--list", seed_copy).exit_code == 0  # released: the next run goes on


def test_embedded_list_ships_an_up_to_date_lockfile() -> None:
    shipped = lockfile_path_for(embedded_list_path())
    library = open_library(update_lockfile=False)
    assert shipped.read_text("utf-8") == library.lockfile_text(), (
        "the shipped lockfile is stale: run `python -m awesome_bib export --list "
        "awesome_bib/data/awesome-moe-inference.md > /dev/null`"
    )


def test_embedded_list_is_never_written_by_export_and_a_user_copy_wins() -> None:
    assert run("export", "-s", "survey").exit_code == 0
    assert not user_lockfile_path().exists()
    with open_for_update() as library:
        library.records[0].csl["title"] = "Locally Resolved Title"
        library.records[0].provenance["title"] = {"source": "arxiv"}
        library.records[0].status = "resolved"
        library.write()
    assert user_lockfile_path().exists()
    items = json.loads(run("export", "-s", "survey", "-f", "csljson").stdout)
    assert items[0]["title"] == "Locally Resolved Title"


def test_the_shipped_lockfile_holds_only_list_or_sourced_data() -> None:
    document = json.loads(lockfile_path_for(embedded_list_path()).read_text("utf-8"))
    real = {"list", "arxiv-id", "venue-table", "arxiv", "crossref", "dblp", "semanticscholar", "override"}
    for record_id, record in document["records"].items():
        for field, origin in record.get("provenance", {}).items():
            sourced = origin["source"] == "file" and origin["id"].startswith("sources/awesome-moe-inference.bib#")
            assert origin["source"] in real or (sourced and origin.get("origin")), f"{record_id} {field}: {origin}"
        assert set(record.get("provenance", {})) >= {k for k in record["csl"] if k != "custom"}, record_id


def test_a_lockfile_with_fields_of_the_wrong_type_is_a_clear_error(seed_copy: Path) -> None:
    run("export", "--list", seed_copy)
    path = seed_copy.parent / "README.lock.json"
    document = json.loads(path.read_text("utf-8"))
    document["records"]["arxiv:2310.16795"]["provenance"] = []
    path.write_text(json.dumps(document), "utf-8")
    result = run("export", "--list", seed_copy)
    assert result.exit_code == 2
    assert ("not a valid awesome-bib lockfile (arxiv:2310.16795 provenance: expected dict, found list)"
            in result.stderr)


def test_a_config_table_of_the_wrong_shape_is_a_clear_error(seed_copy: Path) -> None:
    (seed_copy.parent / "awesome-bib.toml").write_text("keys = 3\n", "utf-8")
    result = run("export", "--list", seed_copy)
    assert result.exit_code == 2 and "awesome-bib.toml: keys must be a table" in result.stderr


def _hold_guard_elsewhere(path: Path, home: Path) -> subprocess.Popen[str]:
    """Another run, with another HOME (and user folders), holding the lockfile's guard until stdin closes."""
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"),
           "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}
    code = ("import sys; from pathlib import Path; from awesome_bib.library.lockfile import exclusive\n"
            f"with exclusive(Path({str(path)!r})):\n    print('held', flush=True); sys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).parent.parent, env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_runs_with_different_homes_exclude_each_other(seed_copy: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    run("export", "--list", seed_copy)
    monkeypatch.setenv("HOME", str(tmp_path / "my-home"))
    holder = _hold_guard_elsewhere(lockfile_path_for(seed_copy), tmp_path / "other-home")
    try:
        result = run("resolve", "--list", seed_copy, "--offline")
    finally:
        holder.communicate("")
    assert result.exit_code == 2
    assert "another awesome-bib run is updating this lockfile" in result.stderr


def test_the_guard_is_gone_when_free_and_nothing_is_left_behind(seed_copy: Path,
                                                                isolated_user_dirs: Path) -> None:
    path = lockfile_path_for(seed_copy)
    with lockfile.exclusive(path):
        pass
    assert run("export", "--list", seed_copy).exit_code == 0
    assert run("resolve", "--list", seed_copy, "--offline").exit_code == 1
    assert sorted(p.name for p in seed_copy.parent.iterdir()) == ["README.lock.json", "README.md"]
    assert not [p for p in isolated_user_dirs.rglob("*") if p.suffix in (".lck", ".lock")]


def test_temporary_files_of_a_killed_run_are_cleaned_on_the_next_write(seed_copy: Path) -> None:
    assert run("export", "--list", seed_copy).exit_code == 0
    litter = seed_copy.parent / ".README.lock.json.k1ll3d.tmp"
    litter.write_text('{"half": ', "utf-8")
    other = seed_copy.parent / ".notes.txt.k1ll3d.tmp"
    other.write_text("not ours", "utf-8")
    seed_copy.write_text(seed_copy.read_text("utf-8").replace("Mixtral-8x7B", "Mixtral 8x7B", 1), "utf-8")
    assert run("export", "--list", seed_copy).exit_code == 0
    assert not litter.exists() and other.exists()


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("author", "Somebody", "csl author must be a list of names"),
    ("author", [{"family": ["Jiang"]}], "csl author names must hold text"),
    ("issued", "2024", "csl issued must be a date"),
    ("title", ["Mixtral"], "csl title must be text or a number"),
    ("custom", [], "csl custom must be a table"),
    ("custom", {"sections": "survey"}, "csl custom sections must be a list of text"),
    ("custom", {"ids": ["arxiv"]}, "csl custom ids must be a table of text"),
])
def test_a_lockfile_with_csl_fields_of_the_wrong_type_is_one_clear_line(
        seed_copy: Path, field: str, value: object, problem: str) -> None:
    run("export", "--list", seed_copy)
    path = seed_copy.parent / "README.lock.json"
    document = json.loads(path.read_text("utf-8"))
    document["records"]["arxiv:2310.16795"]["status"] = "resolved"
    document["records"]["arxiv:2310.16795"]["csl"][field] = value
    path.write_text(json.dumps(document), "utf-8")
    for command in (["export"], ["export", "-f", "csljson"], ["export", "-f", "text"], ["status"]):
        result = run(*command, "--list", seed_copy)
        assert result.exit_code == 2, (command, result.stderr)
        [line] = result.stderr.splitlines()
        assert "internal error" not in line and str(path) in line
        assert f"arxiv:2310.16795 {problem}" in line


def test_equal_origins_are_read_as_one_and_changing_a_record_leaves_the_others_alone() -> None:
    from awesome_bib.records.merge import follow_arxiv_id

    origin = {"list": "10.48550/arxiv.2401.00001", "source": "crossref"}
    entry = {"key": "k", "status": "resolved", "csl": {"DOI": "10.1/x", "title": "T"},
             "provenance": {"DOI": origin, "title": {"source": "list"}}}
    text = json.dumps({"awesome-bib": {"lockfile": 1}, "records": {
        "doi:10.1/x": entry, "doi:10.1/y": {**entry, "key": "l"}}})
    first, second = lockfile.loads(text).records.values()
    assert first.provenance["DOI"] is second.provenance["DOI"]  # one dict for equal origins
    follow_arxiv_id(first, "2401.00001", "2405.04434")
    assert first.provenance["DOI"]["list"] == "10.48550/arxiv.2405.04434"
    assert second.provenance["DOI"] == origin
    # a CSL item shaped like an origin is the record's own, not a shared origin
    odd = lockfile.loads(json.dumps({"awesome-bib": {"lockfile": 1}, "records": {
        "url:a": {"key": "a", "csl": {"source": "list"}, "provenance": {"source": {"source": "list"}}}}}))
    record = odd.records["url:a"]
    assert record.csl == {"source": "list", "id": "a"} and record.provenance["source"] == {"source": "list"}


def test_an_override_added_later_is_written_though_the_record_was_read_unchanged(seed_copy: Path) -> None:
    run("export", "--list", seed_copy)
    path = seed_copy.parent / "README.lock.json"
    before = json.loads(path.read_text("utf-8"))["records"]["arxiv:2310.16795"]
    (seed_copy.parent / "README.overrides.toml").write_text(
        '["arxiv:2310.16795"]\ntitle = "QMoE, pinned"\n', "utf-8")
    assert run("export", "--list", seed_copy, "-s", "quantization").exit_code == 0
    after = json.loads(path.read_text("utf-8"))["records"]["arxiv:2310.16795"]
    assert after["csl"]["title"] == "QMoE, pinned" and after["provenance"]["title"] == {"source": "override"}
    assert before["csl"]["title"] != after["csl"]["title"]
