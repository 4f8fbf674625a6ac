"""Shared test fixtures: an isolated home, a CLI runner, no internet, and the fake metadata services."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from awesome_bib.cli import main
from awesome_bib.resolve.services import ResolveSettings, load_settings
from tests.fakeapi import FakeAPI, Fixtures

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).parent.parent / "awesome_bib" / "data" / "awesome-moe-inference.md"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the developer's real ~/.local/share, ~/.config or ~/.cache."""
    home = tmp_path_factory.mktemp("home")
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
    return home


def require_tools(*tools: str, what: str) -> None:
    """Skip when a TeX tool is missing on a developer's machine; fail under CI, which must have them."""
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing:
        reason = f"not on PATH: {', '.join(missing)} ({what})"
        if os.environ.get("CI"):
            pytest.fail(f"CI must compile with real TeX; {reason}")
        pytest.skip(reason)


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def run(*args: str | Path) -> Outcome:
    """Run the CLI in-process, as a user would type it."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def copy_list(source: Path, tmp_path: Path, folder: str = "list", name: str = "README.md") -> Path:
    """A writable copy of a list, alone in a new folder (its lockfile and config go beside it)."""
    target = tmp_path / folder / name
    target.parent.mkdir()
    shutil.copy(source, target)
    return target


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A writable copy of the embedded list, alone in a folder."""
    return copy_list(SEED, tmp_path)


LOOPBACK_NAMES = {"localhost", "localhost.localdomain", ""}


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str) or host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse, and fail the test on, any name lookup or connection beyond this machine."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            attempts.append(f"connect {address}")
            raise ConnectionRefusedError(f"tests must not touch the internet: {address}")
        return real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host):
            attempts.append(f"lookup {host}")
            raise socket.gaierror(f"tests must not touch the internet: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert not attempts, f"the test tried to reach the internet: {attempts}"


@pytest.fixture
def fake_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAPI]:
    """The fake services with the fixture records, and AWESOME_BIB_* pointing at them."""
    with FakeAPI(Fixtures.load()) as api:
        for name, value in api.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWESOME_BIB_MAILTO", raising=False)
        yield api


@pytest.fixture
def api_settings(fake_api: FakeAPI) -> ResolveSettings:
    """Settings for the fake services: no delays, quick retries, short timeouts, a service that
    throttles or fails without an answer for a second is down."""
    quick = {"backoff": 0.01, "timeout": 2, "retries": 2, "patience": 1, "down-window": 1}
    return load_settings(
        {name: dict(quick) for name in ("arxiv", "crossref", "dblp", "semanticscholar")}
    )
