"""`awesome-bib init-ci`: the workflow is valid YAML with the expected triggers, jobs, commands and permissions."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from awesome_bib import __version__
from conftest import DATA, SEED, run
from tests.fakeapi import FakeAPI

WORKFLOW = Path(".github/workflows/awesome-bib.yml")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A list repository as the working folder, its list as README.md."""
    shutil.copy(SEED, tmp_path / "README.md")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def load(path: Path) -> dict[str, Any]:
    workflow = yaml.safe_load(path.read_text("utf-8"))
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean true; GitHub reads it as "on".
    workflow["on"] = workflow.pop(True)
    return workflow


def commands(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_writes_a_workflow_with_the_expected_triggers_and_jobs(repo: Path) -> None:
    result = run("init-ci")
    assert result.exit_code == 0, result.stderr
    assert "wrote .github/workflows/awesome-bib.yml" in result.stderr
    workflow = load(repo / WORKFLOW)
    assert "pull_request" in workflow["on"]
    assert workflow["on"]["push"]["tags"] == ["v*"]
    assert set(workflow["jobs"]) == {"check", "release", "pages"}
    assert workflow["env"] == {"AWESOME_BIB_LIST": "README.md", "AWESOME_BIB_INSTALL": f"awesome-bib=={__version__}",
                               "PYTHON_VERSION": "3.12"}


def test_pull_requests_run_check_with_github_annotations_and_read_only_permissions(repo: Path) -> None:
    run("init-ci")
    workflow = load(repo / WORKFLOW)
    check = workflow["jobs"]["check"]
    assert check["if"] == "github.event_name == 'pull_request'"
    assert "permissions" not in check and workflow["permissions"] == {"contents": "read"}
    assert commands(check) == [
        'python -m pip install "$AWESOME_BIB_INSTALL"',
        'awesome-bib check --format github --list "$AWESOME_BIB_LIST"',
    ]
    uses = [step["uses"] for step in check["steps"] if "uses" in step]
    assert uses == ["actions/checkout@v4", "actions/setup-python@v5"]


def test_tags_resolve_release_and_attach_the_archive_and_bib_files(repo: Path) -> None:
    run("init-ci")
    release = load(repo / WORKFLOW)["jobs"]["release"]
    assert release["if"] == "github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v')"
    assert release["permissions"] == {"contents": "write"}
    steps = commands(release)
    assert 'awesome-bib resolve --list "$AWESOME_BIB_LIST" || code=$?' in steps[1]
    assert 'awesome-bib status --list "$AWESOME_BIB_LIST"' in steps[1] and "$GITHUB_STEP_SUMMARY" in steps[1]
    assert steps[2] == 'awesome-bib release --list "$AWESOME_BIB_LIST" --out exports/ --site'
    upload = next(step for step in release["steps"] if step.get("name") == "Attach them to the release")
    assert upload["env"] == {"GH_TOKEN": "${{ github.token }}", "TAG": "${{ github.ref_name }}"}
    assert 'gh release upload "$TAG" exports/*.zip exports/*.bib --clobber' in upload["run"]
    assert 'gh release create "$TAG" --verify-tag' in upload["run"]


def test_the_check_step_is_a_command_line_awesome_bib_accepts(repo: Path) -> None:
    run("init-ci")
    [step] = [c for c in commands(load(repo / WORKFLOW)["jobs"]["check"]) if c.startswith("awesome-bib check")]
    argv = shlex.split(step.replace("$AWESOME_BIB_LIST", "README.md"))[1:]
    result = run(*argv)
    assert result.exit_code == 1  # the seed's duplicate Mixtral line is an error
    assert result.stdout.startswith("::")


def test_list_python_and_install_options(repo: Path) -> None:
    result = run("init-ci", "--list", "docs/my papers.md", "--python", "3.11",
                 "--install", "git+https://example.org/awesome-bib@v0.1.0", "--out", "ci.yml")
    assert result.exit_code == 0, result.stderr
    assert "docs/my papers.md is not in this folder" in result.stderr
    env = load(repo / "ci.yml")["env"]
    assert env == {"AWESOME_BIB_LIST": "docs/my papers.md", "AWESOME_BIB_INSTALL": "git+https://example.org/awesome-bib@v0.1.0",
                   "PYTHON_VERSION": "3.11"}


def test_refuses_to_overwrite_without_force(repo: Path) -> None:
    (repo / WORKFLOW).parent.mkdir(parents=True)
    (repo / WORKFLOW).write_text("# mine\n")
    result = run("init-ci")
    assert result.exit_code == 2
    assert result.stderr == (
        "awesome-bib: error: .github/workflows/awesome-bib.yml: already exists; pass --force to overwrite it\n"
    )
    assert (repo / WORKFLOW).read_text() == "# mine\n"
    assert run("init-ci", "--force").exit_code == 0
    assert "jobs" in load(repo / WORKFLOW)


def test_out_dash_prints_the_workflow(repo: Path) -> None:
    result = run("init-ci", "--out", "-")
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["name"] == "awesome-bib"
    assert not (repo / ".github").exists()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--list", "/abs/README.md"], "give the list's path relative to the repository root"),
        (["--list", "../README.md"], "give the list's path relative to the repository root"),
        (["--python", "python3"], "--python 'python3': give a Python 3 version such as 3.12"),
    ],
)
def test_bad_options_are_one_line_errors(repo: Path, option: list[str], message: str) -> None:
    result = run("init-ci", *option)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert message in line
    assert not (repo / ".github").exists()


def test_tags_publish_the_page_to_github_pages_from_a_job_that_may_do_only_that(repo: Path) -> None:
    run("init-ci")
    workflow = load(repo / WORKFLOW)
    release, pages = workflow["jobs"]["release"], workflow["jobs"]["pages"]
    artifact = release["steps"][-1]
    assert artifact["uses"] == "actions/upload-pages-artifact@v3" and artifact["with"] == {"path": "exports/"}
    assert pages["needs"] == "release"
    assert pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert pages["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert pages["steps"] == [{"name": "Publish the page", "id": "deployment", "uses": "actions/deploy-pages@v4"}]
    granted = [job.get("permissions", {}) for job in workflow["jobs"].values()]
    assert sum("pages" in p or "id-token" in p for p in granted) == 1 and "pages" not in workflow["permissions"]


def test_the_release_step_is_a_command_line_that_writes_the_page_pages_publishes(repo: Path) -> None:
    run("init-ci")
    [step] = [c for c in commands(load(repo / WORKFLOW)["jobs"]["release"]) if c.startswith("awesome-bib release")]
    argv = shlex.split(step.replace("$AWESOME_BIB_LIST", "README.md"))[1:]
    result = run(*argv)
    assert result.exit_code == 0, result.stderr
    assert (repo / "exports" / "index.html").is_file() and (repo / "exports" / "all.bib").is_file()


ROOT = Path(__file__).parent.parent


def run_release_job(repo: Path, tmp_path: Path, env: dict[str, str]) -> tuple[list[int], Path, Path]:
    """Run the release job's shell steps as a runner would (bash -e, the workflow's and the step's env),
    with `awesome-bib` from this worktree (instead of the pip install step) and a `gh` that records its
    arguments; stops at the first failing step. Returns the exit codes, the job summary and gh's log."""
    bin_dir, summary, gh_log = tmp_path / "bin", tmp_path / "summary.md", tmp_path / "gh.log"
    bin_dir.mkdir()
    (bin_dir / "awesome-bib").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m awesome_bib "$@"\n')
    (bin_dir / "gh").write_text(f'#!/bin/sh\necho "$@" >> "{gh_log}"\n[ "$2" != view ]\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    workflow = load(repo / WORKFLOW)
    job_env = {**os.environ, **env, **workflow["env"], "GITHUB_STEP_SUMMARY": str(summary),
               "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    codes = []
    for step in workflow["jobs"]["release"]["steps"]:
        if "run" not in step or "pip install" in step["run"]:
            continue
        step_env = {name: value.replace("${{ github.token }}", "token").replace("${{ github.ref_name }}", "v1.0.0")
                    for name, value in step.get("env", {}).items()}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=repo, env={**job_env, **step_env}, capture_output=True, text=True, timeout=120)
        codes.append(done.returncode)
        if done.returncode:
            break
    return codes, summary, gh_log


@pytest.fixture
def unresolvable_repo(repo: Path) -> Path:
    """A list the fake services know all but one paper of, fast retries beside it."""
    text = (DATA / "lists" / "resolvable.md").read_text("utf-8")
    (repo / "README.md").write_text(
        text + "\n[Arxiv'24] [A Paper arXiv Does Not Have](https://arxiv.org/abs/2401.99999)\n", "utf-8")
    (repo / "awesome-bib.toml").write_text("".join(
        f"[services.{name}]\nretries = 1\nbackoff = 0.01\ntimeout = 2\n\n"
        for name in ("arxiv", "crossref", "dblp", "semanticscholar")), "utf-8")
    assert run("init-ci").exit_code == 0
    return repo


def test_the_release_job_releases_with_unresolved_papers_and_counts_them(
        unresolvable_repo: Path, tmp_path: Path, fake_api: FakeAPI) -> None:
    codes, summary, gh_log = run_release_job(unresolvable_repo, tmp_path, fake_api.env())
    assert codes == [0, 0, 0]
    text = summary.read_text("utf-8")
    assert "1 unresolved" in text and "paper2024arxiv (arxiv:2401.99999)" in text
    view, create, upload = gh_log.read_text().splitlines()
    assert view.startswith("release view v1.0.0") and create.startswith("release create v1.0.0 --verify-tag")
    attached = upload.split()[3:-1]
    assert upload.startswith("release upload v1.0.0 ") and upload.endswith(" --clobber")
    assert "exports/resolvable.zip" in attached and "exports/all.bib" in attached
    assert all((unresolvable_repo / name).is_file() for name in attached)
    bib = (unresolvable_repo / "exports" / "all.bib").read_text("utf-8")
    assert "{arXiv} Does Not Have" in bib and "Mixtral of Experts" in bib


def test_the_release_job_fails_on_a_real_error(unresolvable_repo: Path, tmp_path: Path, fake_api: FakeAPI) -> None:
    (unresolvable_repo / "README.lock.json").write_text("{ not json", "utf-8")
    codes, _, gh_log = run_release_job(unresolvable_repo, tmp_path, fake_api.env())
    assert codes == [2]
    assert not gh_log.exists() and not (unresolvable_repo / "exports").exists()
