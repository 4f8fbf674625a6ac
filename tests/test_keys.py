"""Citation keys: readable, unique, pinned in the lockfile, independent of the list's order."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from awesome_bib.errors import AwesomeBibError
from awesome_bib.records.keys import assign_keys, base_key, validate_format
from awesome_bib.records.model import Record
from conftest import run


def keys_of(list_path: Path) -> dict[str, str]:
    """record URL -> key, read from a CSL-JSON export of the whole list."""
    result = run("export", "--all", "--format", "csljson", "--list", list_path)
    assert result.exit_code == 0, result.stderr
    return {item["URL"]: item["id"] for item in json.loads(result.stdout)}


def test_seed_keys_are_ascii_unique_and_readable(seed_copy: Path) -> None:
    keys = keys_of(seed_copy)
    assert len(set(keys.values())) == len(keys) == 118
    assert all(re.fullmatch(r"[a-z0-9]+", key) for key in keys.values())
    assert keys["https://arxiv.org/abs/2310.16795"] == "qmoe2023practical"
    assert keys["https://qwenlm.github.io/blog/qwen-moe/"] == "qwen2024qwen15moe"  # organisation as author


def test_keys_survive_insertion_removal_and_reordering(seed_copy: Path) -> None:
    before = keys_of(seed_copy)
    assert (seed_copy.parent / "README.lock.json").exists()
    lines = seed_copy.read_text("utf-8").splitlines()
    quantization = lines.index("#### Quantization")
    # A new paper whose natural key is already taken, added above the one holding it …
    lines.insert(quantization + 1, "[Arxiv'23] [QMoE: Practical Sub-1-Bit Compression, Again](https://arxiv.org/abs/2312.99999)")
    # … another paper removed, and two sections swapped.
    lines = [line for line in lines if "2410.06270" not in line]
    survey = lines.index("## Survey")
    sota = lines.index("## SOTA MoE LLMs")
    model = lines.index("## Model-Level Optimizations")
    lines = lines[:survey] + lines[sota:model] + lines[survey:sota] + lines[model:]
    seed_copy.write_text("\n".join(lines) + "\n", "utf-8")
    after = keys_of(seed_copy)
    new = after.pop("https://arxiv.org/abs/2312.99999")
    del before["https://arxiv.org/abs/2410.06270"]
    assert after == before
    assert new == "qmoe2023practicala"


def test_without_a_lockfile_keys_do_not_depend_on_order(tmp_path: Path) -> None:
    rows = [
        "[Arxiv'24] [Efficient Inference of Sparse Models](https://arxiv.org/abs/2402.00001)",
        "[Arxiv'24] [Efficient Inference for MoE](https://arxiv.org/abs/2401.00002)",
        "[Arxiv'24] [Routing Matters](https://arxiv.org/abs/2403.00003)",
    ]
    forward, backward = tmp_path / "a" / "list.md", tmp_path / "b" / "list.md"
    for path, order in ((forward, rows), (backward, rows[::-1])):
        path.parent.mkdir()
        path.write_text("## Papers\n\n" + "\n\n".join(order) + "\n", "utf-8")
    assert keys_of(forward) == keys_of(backward) == {
        "https://arxiv.org/abs/2402.00001": "efficient2024inferenceb",
        "https://arxiv.org/abs/2401.00002": "efficient2024inferencea",
        "https://arxiv.org/abs/2403.00003": "routing2024matters",
    }


def test_rekey_changes_only_what_is_asked_and_prints_the_map(seed_copy: Path) -> None:
    before = keys_of(seed_copy)
    result = run("rekey", "--list", seed_copy, "--key-format", "{auth}{year}{shorttitle}", "qmoe2023practical")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "qmoe2023practical\tqmoe2023practicalsub1bitcompression\n"
    after = keys_of(seed_copy)
    assert after.pop("https://arxiv.org/abs/2310.16795") == "qmoe2023practicalsub1bitcompression"
    before.pop("https://arxiv.org/abs/2310.16795")
    assert after == before


def test_rekey_dry_run_writes_nothing(seed_copy: Path) -> None:
    keys_of(seed_copy)
    lockfile = seed_copy.parent / "README.lock.json"
    text = lockfile.read_text("utf-8")
    result = run("rekey", "--list", seed_copy, "--dry-run", "--key-format", "{Auth}{year}")
    assert result.exit_code == 0 and result.stdout.count("\n") == 118
    assert lockfile.read_text("utf-8") == text


def test_rekey_unknown_name_is_a_clear_error(seed_copy: Path) -> None:
    result = run("rekey", "--list", seed_copy, "nosuchkey")
    assert result.exit_code == 2 and "no record with key or id 'nosuchkey'" in result.stderr


def test_configured_key_format(seed_copy: Path) -> None:
    (seed_copy.parent / "awesome-bib.toml").write_text('[keys]\nformat = "{venue}:{auth}{year}"\n', "utf-8")
    keys = keys_of(seed_copy)
    assert keys["https://arxiv.org/abs/2310.16795"] == "arxiv:qmoe2023"
    assert keys["https://arxiv.org/abs/2402.11187"] == "emnlp:laco2024"


def test_bad_key_format_is_rejected_with_the_fields_that_exist() -> None:
    with pytest.raises(AwesomeBibError, match=r"unknown field \{author\}; use fields from \{auth\}"):
        validate_format("{author}{year}")


def test_base_key_uses_first_author_family_name_with_accents_folded() -> None:
    item = {"title": "The Évolution of Experts", "author": [{"family": "Müller", "given": "J."}],
            "issued": {"date-parts": [[2023]]}}
    assert base_key(item) == "muller2023evolution"
    assert base_key({"title": "M³ViT: Mixture", "issued": {"date-parts": [[2022]]}}) == "m3vit2022mixture"
    assert base_key({"title": ""}) == "ndref" or base_key({"title": ""}) == "nd"


def test_suffixes_go_past_z() -> None:
    records = [Record(id=f"arxiv:2401.{i:05d}", csl={"title": "Same Title", "issued": {"date-parts": [[2024]]}})
               for i in range(30)]
    keys = assign_keys(records, {})
    assert sorted(keys.values())[:2] == ["same2024titlea", "same2024titleaa"]
    assert len(set(keys.values())) == 30


def test_keys_are_unique_ignoring_case() -> None:
    records = [Record(id="a", csl={"title": "X"}), Record(id="b", csl={"title": "Y"})]
    keys = assign_keys(records, {"a": "Smith2024"}, "{Auth}")
    assert keys["a"] == "Smith2024" and keys["b"].lower() != "smith2024"


def test_a_paper_whose_link_changes_keeps_its_key(seed_copy: Path) -> None:
    before = keys_of(seed_copy)
    text = seed_copy.read_text("utf-8")
    # The Lina paper: its USENIX page swapped for a DOI link with the same title …
    text = text.replace("https://www.usenix.org/conference/atc23/presentation/li-jiamin",
                        "https://dl.acm.org/doi/10.5555/3620237.3620293")
    seed_copy.write_text(text, "utf-8")
    result = run("export", "--list", seed_copy, "-f", "csljson")
    assert "the link of accelerating2023distributed changed" in result.stderr
    after = {item["URL"]: item["id"] for item in json.loads(result.stdout)}
    assert after["https://dl.acm.org/doi/10.5555/3620237.3620293"] == "accelerating2023distributed"
    assert len(after) == len(before)


def test_a_key_given_twice_by_merged_lockfiles_is_given_anew_with_a_warning(seed_copy: Path) -> None:
    keys_of(seed_copy)
    path = seed_copy.parent / "README.lock.json"
    document = json.loads(path.read_text("utf-8"))
    document["records"]["arxiv:2310.02410"]["key"] = "qmoe2023practical"  # as a bad merge could leave it
    path.write_text(json.dumps(document), "utf-8")
    result = run("export", "--list", seed_copy, "-f", "csljson")
    assert result.exit_code == 0
    assert "key qmoe2023practical was given to two papers" in result.stderr
    keys = [item["id"] for item in json.loads(result.stdout)]
    assert len(keys) == len(set(keys)) and "qmoe2023practical" in keys


def test_a_new_link_naming_an_identifier_the_old_record_had_carries_the_key() -> None:
    from awesome_bib.library.pipeline import carried_keys

    gone = Record(id="arxiv:2402.11187", csl={"id": "yang2024laco", "title": "LaCo",
                                             "DOI": "10.18653/v1/2024.findings-emnlp.372",
                                             "custom": {"arxiv": "2402.11187"}})
    new = Record(id="doi:10.18653/v1/2024.findings-emnlp.372",
                 csl={"title": "Something else", "custom": {"ids": {"acl": "2024.findings-emnlp.372"}}})
    unrelated = Record(id="arxiv:2401.00001", csl={"title": "LaCo 2", "custom": {}})
    assert carried_keys([unrelated, new], [gone]) == {"doi:10.18653/v1/2024.findings-emnlp.372": "yang2024laco"}
