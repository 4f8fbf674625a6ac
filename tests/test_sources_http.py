"""The shared HTTP client: limits, retries, Retry-After, and failures that stay "unknown"."""

from __future__ import annotations

import itertools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from awesome_bib.resolve.http import RateLimiter, ServiceClient, ServiceUnavailable, retry_after_seconds, user_agent
from awesome_bib.resolve.services import ResolveSettings
from awesome_bib.resolve.sources import Reference
from awesome_bib.resolve.sources.arxiv import ArxivSource
from awesome_bib.resolve.sources.dblp import DblpSource
from awesome_bib.resolve.sources.semanticscholar import SemanticScholarSource
from tests.fakeapi import FakeAPI, Fault


@pytest.fixture
def arxiv(api_settings: ResolveSettings) -> ArxivSource:
    return ArxivSource(ServiceClient(api_settings.arxiv, mailto="maintainer@example.org"))


def test_429_with_retry_after_is_honoured_then_succeeds(
    arxiv: ArxivSource, fake_api: FakeAPI
) -> None:
    fake_api.fail("arxiv", Fault(429, retry_after="1"))
    started = time.monotonic()

    found = arxiv.lookup(["2401.04088"])

    assert time.monotonic() - started >= 1.0
    assert found["2401.04088"] is not None
    assert fake_api.counts["arxiv"] == 2
    assert arxiv.client.requests == 2


def test_503_then_500_then_success(arxiv: ArxivSource, fake_api: FakeAPI) -> None:
    fake_api.fail("arxiv", Fault(503, retry_after="0"), Fault(500))
    assert arxiv.lookup(["2401.04088"])["2401.04088"] is not None
    assert fake_api.counts["arxiv"] == 3


def test_exhausted_retries_are_unknown_not_not_found(arxiv: ArxivSource, fake_api: FakeAPI) -> None:
    fake_api.take_down("arxiv", Fault(500))
    with pytest.raises(ServiceUnavailable) as raised:
        arxiv.lookup(["2401.04088"])
    assert str(raised.value) == "arxiv: 500 Internal Server Error (3 attempts) (unknown, retry later)"
    assert fake_api.counts["arxiv"] == 3
    assert arxiv.client.state == "ok"  # one request failed; the service answers, it is not down


def test_throttling_slows_the_service_and_the_request_waits_its_turn(
    arxiv: ArxivSource, fake_api: FakeAPI
) -> None:
    fake_api.fail("arxiv", *[Fault(429, retry_after="0")] * 6)
    assert arxiv.lookup(["2401.04088"])["2401.04088"] is not None  # more throttles than retries
    assert fake_api.counts["arxiv"] == 7
    limiter = arxiv.client.limiter
    assert limiter.delay > limiter.base and arxiv.client.state == "slowed"
    for _ in range(40):  # answers bring the pace back to the configured one
        arxiv.lookup(["2401.04088"])
    assert limiter.delay == limiter.base and arxiv.client.state == "ok"


def test_a_service_that_only_throttles_is_down_after_its_patience(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    arxiv = ArxivSource(ServiceClient(replace(api_settings.arxiv, patience=0.3, max_delay=0.05)))
    fake_api.take_down("arxiv", Fault(429, retry_after="0"))
    with pytest.raises(ServiceUnavailable, match=r"429 Too Many Requests; no usable answer for 0.3 s"):
        arxiv.lookup(["2401.04088"])
    assert arxiv.client.state == "down"
    count = fake_api.counts["arxiv"]
    with pytest.raises(ServiceUnavailable):
        arxiv.lookup(["2310.16795"])  # down for the run: asked no more
    assert fake_api.counts["arxiv"] == count


def test_down_only_after_sustained_silence(api_settings: ResolveSettings) -> None:
    """Refused connections: five in a row are not enough within the window; over it, down."""
    closed = "http://127.0.0.1:9/api/query"  # the discard port: nothing listens
    settings = replace(api_settings.arxiv, base_url=closed, retries=0, down_after=5, down_window=0.5)
    client = ServiceClient(settings)
    arxiv = ArxivSource(client)
    for _ in range(5):
        with pytest.raises(ServiceUnavailable, match="connection failed"):
            arxiv.lookup(["2401.04088"])
    assert client.state == "ok"  # quick failures, but not yet for long
    time.sleep(0.5)
    with pytest.raises(ServiceUnavailable, match=r"no answer to 5 requests in a row over 0.5 s"):
        arxiv.lookup(["2401.04088"])
    assert client.state == "down"


def test_a_long_retry_after_gives_up_at_once(arxiv: ArxivSource, fake_api: FakeAPI) -> None:
    fake_api.fail("arxiv", Fault(429, retry_after="3600"))
    with pytest.raises(ServiceUnavailable, match="asked to wait 3600 s"):
        arxiv.lookup(["2401.04088"])
    assert fake_api.counts["arxiv"] == 1


@pytest.mark.parametrize(
    "body", ["<feed xmlns='http://www.w3.org/2005/Atom'><entry>", "<html><body>busy</body></html>"]
)
def test_malformed_xml_is_retried(body: str, arxiv: ArxivSource, fake_api: FakeAPI) -> None:
    fake_api.fail("arxiv", Fault(body=body))
    assert arxiv.lookup(["2401.04088"])["2401.04088"] is not None
    assert fake_api.counts["arxiv"] == 2


def test_malformed_json_until_unknown(api_settings: ResolveSettings, fake_api: FakeAPI) -> None:
    s2 = SemanticScholarSource(ServiceClient(api_settings.semanticscholar))
    fake_api.take_down("semanticscholar", Fault(body='[{"paperId": '))
    with pytest.raises(ServiceUnavailable, match="malformed response"):
        s2.lookup(["ARXIV:2401.04088"])


def test_dropped_connection_is_retried(arxiv: ArxivSource, fake_api: FakeAPI) -> None:
    fake_api.fail("arxiv", Fault(drop=True), Fault(drop=True))
    assert arxiv.lookup(["2401.04088"])["2401.04088"] is not None
    assert fake_api.counts["arxiv"] == 3


def test_timeout_is_unknown(api_settings: ResolveSettings, fake_api: FakeAPI) -> None:
    settings = replace(api_settings.dblp, timeout=0.2, retries=1)
    dblp = DblpSource(ServiceClient(settings))
    fake_api.take_down("dblp", Fault(delay=0.5))
    with pytest.raises(ServiceUnavailable, match=r"timed out after 0.2 s"):
        dblp.search(Reference("Lina"))


def test_client_errors_are_not_retried(api_settings: ResolveSettings, fake_api: FakeAPI) -> None:
    s2 = SemanticScholarSource(ServiceClient(api_settings.semanticscholar))
    fake_api.fail("semanticscholar", Fault(403, body='{"message": "Forbidden"}'))
    with pytest.raises(ServiceUnavailable, match="403 Forbidden"):
        s2.lookup(["ARXIV:2401.04088"])
    assert fake_api.counts["semanticscholar"] == 1


def test_user_agent_names_the_tool_and_the_contact(arxiv: ArxivSource, fake_api: FakeAPI) -> None:
    arxiv.lookup(["2401.04088"])
    assert fake_api.requests("arxiv")[0].headers["User-Agent"] == user_agent(
        "maintainer@example.org"
    )
    assert "mailto:maintainer@example.org" in user_agent("maintainer@example.org")
    assert "mailto" not in user_agent(None)


def test_limiter_spaces_request_starts() -> None:
    limiter = RateLimiter(delay=0.1, concurrency=4)
    starts = []
    for _ in range(4):
        with limiter.slot():
            starts.append(time.monotonic())
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= 0.09


def test_concurrency_cap_is_kept(api_settings: ResolveSettings, fake_api: FakeAPI) -> None:
    fake_api.latency = 0.05
    client = ServiceClient(replace(api_settings.dblp, concurrency=2))
    dblp = DblpSource(client)
    reference = Reference("Lina")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: dblp.search(reference), range(8)))
    assert fake_api.counts["dblp"] == 8
    assert fake_api.max_in_flight["dblp"] == 2


def test_pause_holds_back_every_caller() -> None:
    limiter = RateLimiter(delay=0, concurrency=2)
    limiter.pause(0.2)
    started = time.monotonic()
    with limiter.slot():
        assert time.monotonic() - started >= 0.19


def test_retry_after_forms() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_closing_the_client_releases_a_call_waiting_to_retry(
    api_settings: ResolveSettings, fake_api: FakeAPI
) -> None:
    client = ServiceClient(replace(api_settings.arxiv, backoff=30))
    fake_api.fail("arxiv", Fault(503))
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(ArxivSource(client).lookup, ["2401.04088"])
        time.sleep(0.3)
        started = time.monotonic()
        client.close()
        with pytest.raises(ServiceUnavailable, match="run interrupted"):
            waiting.result(timeout=5)
    assert time.monotonic() - started < 1
    assert fake_api.counts["arxiv"] == 1


EMPTY_FEED = "<feed xmlns='http://www.w3.org/2005/Atom'><title>arXiv Query</title></feed>"


def test_an_empty_arxiv_feed_is_unknown_unless_one_id_alone_confirms_it(
    arxiv: ArxivSource, fake_api: FakeAPI
) -> None:
    fake_api.fail("arxiv", Fault(body=EMPTY_FEED))  # overloaded: nothing, for ids it has
    with pytest.raises(ServiceUnavailable, match="an empty feed for 2 valid ids"):
        arxiv.lookup(["2401.04088", "2310.16795"])
    assert [e.query["id_list"] for e in fake_api.requests("arxiv")] == [
        ["2401.04088,2310.16795"], ["2401.04088"]]  # the second request, one id alone, found it
    fake_api.log.clear()
    found = arxiv.lookup(["2401.99999", "2401.99998"])  # ids arXiv does not have
    assert found == {"2401.99999": None, "2401.99998": None}
    assert len(fake_api.requests("arxiv")) == 2  # confirmed by one id alone
    fake_api.log.clear()
    assert arxiv.lookup(["2401.04088", "2401.99999"])["2401.99999"] is None  # entries: a real answer
    assert len(fake_api.requests("arxiv")) == 1
