"""`awesome-bib resolve` and `status` end to end, against the local fake services."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from awesome_bib.library import lockfile
from awesome_bib.library.files import lockfile_path_for
from conftest import DATA, copy_list, run
from tests.fakeapi import FakeAPI, Fixtures


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    return copy_list(DATA / "lists" / "resolvable.md", tmp_path)


def quick_retries(listing: Path) -> None:
    """A config beside the list: fail fast against a service that is down."""
    tables = "".join(f"[services.{name}]\nretries = 1\nbackoff = 0.01\ntimeout = 2\npatience = 1\n\n"
                     for name in ("arxiv", "crossref", "dblp", "semanticscholar"))
    listing.with_name("awesome-bib.toml").write_text(tables, "utf-8")


def statuses(listing: Path) -> dict[str, str]:
    records = json.loads(lockfile_path_for(listing).read_text("utf-8"))["records"]
    return {record_id: record["status"] for record_id, record in records.items()}


def test_resolve_fills_the_lockfile_and_exports_use_it(listing: Path, fake_api: FakeAPI) -> None:
    result = run("resolve", "--list", listing)
    assert result.exit_code == 0, result.stderr
    assert statuses(listing) == {
        "arxiv:2401.04088": "resolved",
        "arxiv:2310.16795": "upgraded",  # published at MLSys 2024
        "arxiv:2402.11187": "upgraded",  # published in Findings of EMNLP 2024
        "arxiv:2101.03961": "upgraded",  # JMLR
        "doi:10.1145/3603269.3604869": "resolved",
        "doi:10.1145/3627703.3650083": "resolved",
        "url:https://qwenlm.github.io/blog/qwen-moe/": "listed",  # a blog: nothing to look up
    }
    assert "resolved: 6 (3 upgraded to the published version)" in result.stderr
    assert "requests: arxiv 1," in result.stderr  # every arXiv id in one request
    items = {item["id"]: item for item in json.loads(run("export", "--list", listing, "-f", "csljson").stdout)}
    assert "key mixtral8x7b2024 -> jiang2024mixtral" in result.stderr  # keys from the list alone give way
    mixtral = items["jiang2024mixtral"]
    assert mixtral["title"] == "Mixtral of Experts"
    assert mixtral["author"][0] == {"family": "Jiang", "given": "Albert Q."}
    assert len(mixtral["author"]) > 20
    assert mixtral["custom"]["code"] == ["https://huggingface.co/mistralai/Mixtral-8x7B-v0.1"]
    qmoe = items["frantar2024qmoe"]
    assert qmoe["type"] == "paper-conference" and qmoe["custom"]["arxiv"] == "2310.16795"
    assert "number" not in qmoe and not qmoe.get("DOI", "").lower().startswith("10.48550/arxiv")
    record = json.loads(lockfile_path_for(listing).read_text("utf-8"))["records"]["arxiv:2310.16795"]
    assert record["provenance"]["container-title"]["source"] in ("dblp", "semanticscholar", "crossref")
    bib = run("export", "--list", listing, "-s", "models").stdout
    assert "@inproceedings{frantar2024qmoe," in bib and "Frantar, Elias" in bib


def test_a_second_run_with_nothing_new_makes_no_request(listing: Path, fake_api: FakeAPI) -> None:
    assert run("resolve", "--list", listing).exit_code == 0
    before = sum(fake_api.counts.values())
    text = lockfile_path_for(listing).read_text("utf-8")
    result = run("resolve", "--list", listing)
    assert result.exit_code == 0
    assert sum(fake_api.counts.values()) == before
    assert lockfile_path_for(listing).read_text("utf-8") == text
    assert "requests: arxiv 0, crossref 0, dblp 0, semanticscholar 0" in result.stderr


def test_only_new_papers_are_looked_up(listing: Path, fake_api: FakeAPI) -> None:
    assert run("resolve", "--list", listing).exit_code == 0
    listing.write_text(listing.read_text("utf-8") + "\n[Arxiv'24] [PhiMoE](https://arxiv.org/abs/2404.14219)\n")
    fake_api.log.clear()
    assert run("resolve", "--list", listing).exit_code == 0
    asked = [entry.query.get("id_list") for entry in fake_api.requests("arxiv")]
    assert asked == [["2404.14219"]]
    assert statuses(listing)["arxiv:2404.14219"] == "resolved"


def test_unresolved_papers_are_listed_with_reasons_and_exit_1(listing: Path, fake_api: FakeAPI) -> None:
    listing.write_text(listing.read_text("utf-8")
                       + "\n[Arxiv'24] [A Paper arXiv Does Not Have](https://arxiv.org/abs/2401.99999)\n")
    fake_api.take_down("crossref")
    quick_retries(listing)
    result = run("resolve", "--list", listing)
    assert result.exit_code == 1
    assert "unresolved: " in result.stderr and "arxiv:2401.99999" in result.stderr
    status = run("status", "--list", listing, "--json")
    summary = json.loads(status.stdout)
    assert summary["unresolved"] >= 1
    missing = next(p for p in summary["unresolved-papers"] if p["id"] == "arxiv:2401.99999")
    assert missing["key"] == "paper2024arxiv" and missing["reasons"]
    text = run("status", "--list", listing).stdout
    assert "unresolved" in text and "paper2024arxiv (arxiv:2401.99999):" in text


def test_a_service_down_is_unknown_not_absent_and_the_next_run_retries(listing: Path, fake_api: FakeAPI) -> None:
    fake_api.take_down("arxiv")
    quick_retries(listing)
    first = run("resolve", "--list", listing)
    assert first.exit_code == 1
    assert "unknown, retry later" in first.stderr
    del fake_api._down["arxiv"]
    second = run("resolve", "--list", listing)
    assert second.exit_code == 0, second.stderr
    assert statuses(listing)["arxiv:2401.04088"] == "resolved"


def test_offline_never_touches_the_network(listing: Path, fake_api: FakeAPI) -> None:
    result = run("resolve", "--list", listing, "--offline")
    assert result.exit_code == 1  # papers are left to look up
    assert sum(fake_api.counts.values()) == 0
    assert "not looked up (offline): 6" in result.stderr


def test_overrides_beside_the_list_always_win(listing: Path, fake_api: FakeAPI) -> None:
    listing.with_name("README.overrides.toml").write_text(
        '[mixtral8x7b2024]\ntitle = "Mixtral of Experts (Pinned)"\nremove = ["DOI"]\n\n'
        '["doi:10.1145/3603269.3604869"]\ncustom = { note-for-readers = "SIGCOMM best paper?" }\n',
        "utf-8",
    )
    before = {i["id"]: i for i in json.loads(run("export", "--list", listing, "-f", "csljson").stdout)}
    assert before["mixtral8x7b2024"]["title"] == "Mixtral of Experts (Pinned)"  # even before resolving
    assert run("resolve", "--list", listing).exit_code == 0
    items = {i["id"]: i for i in json.loads(run("export", "--list", listing, "-f", "csljson").stdout)}
    assert items["mixtral8x7b2024"]["title"] == "Mixtral of Experts (Pinned)"
    assert "DOI" not in items["mixtral8x7b2024"]
    assert items["mixtral8x7b2024"]["author"][0]["family"] == "Jiang"  # the rest is resolved
    assert items["liu2023janus"]["custom"]["note-for-readers"] == "SIGCOMM best paper?"  # named by id: rekeyed
    assert "key mixtral8x7b2024 ->" not in run("resolve", "--list", listing).stderr  # its key is in use: kept
    record = json.loads(lockfile_path_for(listing).read_text("utf-8"))["records"]["arxiv:2401.04088"]
    assert record["provenance"]["title"] == {"source": "override"}


def test_an_override_naming_no_paper_is_skipped_with_a_warning(listing: Path) -> None:
    listing.with_name("README.overrides.toml").write_text('[nosuchkey]\ntitle = "x"\n', "utf-8")
    result = run("export", "--list", listing)
    assert result.exit_code == 0
    assert "README.overrides.toml: [nosuchkey] names no paper of the list" in result.stderr
    assert "@misc{mixtral8x7b2024," in result.stdout


def test_an_override_of_the_wrong_type_is_a_clear_error(listing: Path) -> None:
    listing.with_name("README.overrides.toml").write_text('[mixtral8x7b2024]\nauthor = "Somebody"\n', "utf-8")
    result = run("export", "--list", listing)
    assert result.exit_code == 2
    assert "README.overrides.toml: [mixtral8x7b2024] author must be a list of names" in result.stderr


def test_a_second_concurrent_run_is_refused(listing: Path, fake_api: FakeAPI) -> None:
    run("export", "--list", listing)
    with lockfile.exclusive(lockfile_path_for(listing)):
        result = run("resolve", "--list", listing)
    assert result.exit_code == 2
    assert "another awesome-bib run is updating this lockfile" in result.stderr
    assert sum(fake_api.counts.values()) == 0


def test_a_run_killed_midway_leaves_a_valid_lockfile_and_the_next_run_carries_on(listing: Path) -> None:
    with FakeAPI(Fixtures.load(), latency=0.4) as api:
        env = {**os.environ, **api.env(), "AWESOME_BIB_DEBUG": "1"}
        root = Path(__file__).parent.parent
        command = [sys.executable, "-m", "awesome_bib", "resolve", "--list", str(listing)]
        process = subprocess.Popen(command, cwd=root, env=env, stderr=subprocess.PIPE)
        path = lockfile_path_for(listing)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # kill -9 as soon as the first batch is on disk
            if path.exists() and set(statuses(listing).values()) & {"resolved", "upgraded"}:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        partial = statuses(listing)  # still valid JSON, whatever moment the kill came
        assert "resolved" in partial.values() or "upgraded" in partial.values()
        assert "listed" in partial.values()
        first_requests = sum(api.counts.values())
        finished = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=60)
        assert finished.returncode == 0, finished.stderr
        # a kill during a write may leave its temporary file: the next write clears it
        assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
        assert set(statuses(listing).values()) <= {"resolved", "upgraded", "listed"}
        assert statuses(listing)["arxiv:2401.04088"] == "resolved"
        again = [e for e in api.log[first_requests:] if e.service == "arxiv"]
        asked_again = {i for e in again for ids in e.query.get("id_list", []) for i in ids.split(",")}
        done_before = {rid.split(":", 1)[1] for rid, s in partial.items() if s in ("resolved", "upgraded")}
        assert not asked_again & done_before  # what was finished is not asked again


def test_ctrl_c_stops_at_once_with_one_line(listing: Path) -> None:
    with FakeAPI(Fixtures.load(), latency=5) as api:
        env = {**os.environ, **api.env()}
        root = Path(__file__).parent.parent
        process = subprocess.Popen([sys.executable, "-m", "awesome_bib", "resolve", "--list", str(listing)],
                                   cwd=root, env=env, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)  # requests are in flight, answering in 5 s
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        assert time.monotonic() - started < 2
        assert process.returncode == 130
        stderr = process.stderr.read() if process.stderr else ""
        assert "awesome-bib: interrupted" in stderr and "Traceback" not in stderr
        json.loads(lockfile_path_for(listing).read_text("utf-8"))  # still a valid lockfile


def test_a_writer_racing_a_resolve_loses_no_update(listing: Path) -> None:
    """`rekey` started while `resolve` runs waits for it and reads what it wrote: both changes stay."""
    assert run("export", "--list", listing).exit_code == 0
    blog = "url:https://qwenlm.github.io/blog/qwen-moe/"
    with FakeAPI(Fixtures.load(), latency=0.5) as api:
        env = {**os.environ, **api.env()}
        root = Path(__file__).parent.parent
        command = [sys.executable, "-m", "awesome_bib"]
        resolving = subprocess.Popen([*command, "resolve", "--list", str(listing)], cwd=root, env=env,
                                     stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not api.log and time.monotonic() < deadline:  # resolve has read the lockfile and asks
            time.sleep(0.02)
        rekeyed = subprocess.run([*command, "rekey", "--list", str(listing), blog, "--key-format", "{title}"],
                                 cwd=root, env=env, capture_output=True, text=True, timeout=60)
        resolving.wait(timeout=60)
    assert resolving.returncode == 0, resolving.stderr.read() if resolving.stderr else ""
    assert rekeyed.returncode == 0, rekeyed.stderr
    old, new = rekeyed.stdout.split()
    records = json.loads(lockfile_path_for(listing).read_text("utf-8"))["records"]
    assert records[blog]["key"] == new != old  # the rekey is kept
    assert records["arxiv:2401.04088"]["status"] == "resolved"  # and so is everything resolve found
    assert records["arxiv:2310.16795"]["status"] == "upgraded"


UNKNOWN_PAPER = "\n[Arxiv'24] [A Paper arXiv Does Not Have](https://arxiv.org/abs/2401.99999)\n"


def asked_arxiv_ids(api: FakeAPI) -> set[str]:
    return {i for entry in api.requests("arxiv") for ids in entry.query.get("id_list", []) for i in ids.split(",")}


def set_missing_since(listing: Path, record_id: str, day: str) -> None:
    path = lockfile_path_for(listing)
    document = json.loads(path.read_text("utf-8"))
    document["records"][record_id]["missing-since"] = day
    path.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")


def test_a_paper_no_service_knows_is_remembered_for_30_days(listing: Path, fake_api: FakeAPI) -> None:
    listing.write_text(listing.read_text("utf-8") + UNKNOWN_PAPER)
    first = run("resolve", "--list", listing)
    assert first.exit_code == 1
    today = datetime.now(timezone.utc).date()
    record = json.loads(lockfile_path_for(listing).read_text("utf-8"))["records"]["arxiv:2401.99999"]
    assert record["status"] == "unresolved" and record["missing-since"] == today.isoformat()

    fake_api.log.clear()
    again = run("resolve", "--list", listing)
    assert again.exit_code == 1  # still a paper nobody knows
    assert fake_api.log == []  # but nobody is asked again
    assert "no service knew them lately, not asked again: 1" in again.stderr
    status = run("status", "--list", listing).stdout
    assert "paper2024arxiv (arxiv:2401.99999): arxiv: no record for arXiv id 2401.99999" in status
    assert f"[no service knew it on {today.isoformat()}]" in status
    assert json.loads(run("status", "--list", listing, "--json").stdout)["unresolved-papers"][0][
        "missing-since"] == today.isoformat()

    assert run("resolve", "--list", listing, "--retry-missing").exit_code == 1
    assert asked_arxiv_ids(fake_api) == {"2401.99999"}

    fake_api.log.clear()
    set_missing_since(listing, "arxiv:2401.99999", (today - timedelta(days=31)).isoformat())
    listing.with_name("awesome-bib.toml").write_text("[resolve]\nretry-missing-after = 60\n", "utf-8")
    assert run("resolve", "--list", listing).exit_code == 1
    assert fake_api.log == []  # 31 days ago is within 60 days
    listing.with_name("awesome-bib.toml").unlink()
    assert run("resolve", "--list", listing).exit_code == 1
    assert asked_arxiv_ids(fake_api) == {"2401.99999"}  # past 30 days: asked again, remembered from today
    assert json.loads(lockfile_path_for(listing).read_text("utf-8"))["records"]["arxiv:2401.99999"][
        "missing-since"] == today.isoformat()

    fake_api.log.clear()
    listing.write_text(listing.read_text("utf-8").replace("A Paper arXiv Does Not Have", "A Retitled Paper"))
    assert run("resolve", "--list", listing).exit_code == 1
    assert asked_arxiv_ids(fake_api) == {"2401.99999"}  # its line changed: asked again


def test_a_paper_a_service_could_not_answer_for_is_no_miss(listing: Path, fake_api: FakeAPI) -> None:
    listing.write_text(listing.read_text("utf-8") + UNKNOWN_PAPER)
    quick_retries(listing)
    fake_api.take_down("semanticscholar")
    assert run("resolve", "--list", listing).exit_code == 1
    record = json.loads(lockfile_path_for(listing).read_text("utf-8"))["records"]["arxiv:2401.99999"]
    assert "missing-since" not in record
    status = run("status", "--list", listing)
    assert "finished with a lookup to retry (the next resolve asks again):" in status.stdout
    assert "semanticscholar: 503 Service Unavailable" in status.stdout
    fake_api.bring_up("semanticscholar")
    fake_api.log.clear()
    assert run("resolve", "--list", listing).exit_code == 1
    assert "2401.99999" in asked_arxiv_ids(fake_api)  # failures are retried every run
    assert "pending-retries" in json.loads(run("status", "--list", listing, "--json").stdout)
    assert json.loads(run("status", "--list", listing, "--json").stdout)["pending-retries"] == []


def test_off_a_terminal_progress_lines_come_and_the_deadline_stops_cleanly(listing: Path) -> None:
    with FakeAPI(Fixtures.load(), latency=0.6) as api:
        env = {**os.environ, **api.env(), "AWESOME_BIB_PROGRESS_EVERY": "0.2"}
        root = Path(__file__).parent.parent
        command = [sys.executable, "-m", "awesome_bib", "resolve", "--list", str(listing)]
        started = time.monotonic()
        stopped = subprocess.run([*command, "--deadline", "1"], cwd=root, env=env, capture_output=True,
                                 text=True, timeout=60)
        assert time.monotonic() - started < 10
        assert stopped.returncode == 1, stopped.stderr
        assert "resolving: 0/6 done, 6 left; arxiv ok, crossref ok, dblp ok, semanticscholar ok" in stopped.stderr
        left = int(stopped.stderr.split("stopped at the deadline: ")[1].split()[0])
        assert 0 < left <= 6
        after = statuses(listing)  # a valid lockfile, with what was finished
        assert list(after.values()).count("listed") == left + 1  # the blog is never looked up
        finished = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=60)
        assert finished.returncode == 0, finished.stderr
        assert "listed" not in {s for rid, s in statuses(listing).items() if not rid.startswith("url:")}
