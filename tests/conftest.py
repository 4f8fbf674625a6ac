"""Shared fixtures: no test reaches the internet; metadata services are a local fake."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from awesome_bib.services import ResolveSettings, load_settings
from tests.fakeapi import FakeAPI, Fixtures

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
    """Settings for the fake services: no delays, quick retries, short timeouts."""
    quick = {"backoff": 0.01, "timeout": 2, "retries": 2}
    return load_settings(
        {name: dict(quick) for name in ("arxiv", "crossref", "dblp", "semanticscholar")}
    )
