"""Tests never touch the internet: the guard in conftest.py refuses it and fails the test."""

from __future__ import annotations

import socket

import pytest

from awesome_bib.resolve.resolver import resolve_records
from awesome_bib.resolve.services import load_settings
from tests.fakeapi import list_record


def test_connections_beyond_loopback_are_refused(no_internet: list[str]) -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(ConnectionRefusedError, match="must not touch the internet"),
    ):
        sock.connect(("192.0.2.1", 443))
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("export.arxiv.org", 443)
    assert no_internet == ["connect ('192.0.2.1', 443)", "lookup export.arxiv.org"]
    no_internet.clear()  # seen and expected: let the test pass


def test_resolving_against_the_real_services_is_caught(no_internet: list[str]) -> None:
    settings = load_settings(
        {"arxiv": {"retries": 0, "delay": 0}, "semanticscholar": {"retries": 0, "delay": 0}}, env={}
    )
    record = list_record("arxiv:2401.04088", {"id": "k", "custom": {"arxiv": "2401.04088"}})

    report = resolve_records([record], settings)

    assert record.status == "unresolved"
    assert report.unresolved["arxiv:2401.04088"][0].startswith("arxiv: connection failed")
    assert "lookup export.arxiv.org" in no_internet
    no_internet.clear()


def test_loopback_stays_open(no_internet: list[str]) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
    assert no_internet == []
