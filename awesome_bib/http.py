"""The one way awesome-bib talks to a metadata service: rate-limited, retried, never guessing.

Each service gets a :class:`ServiceClient` with its own :class:`RateLimiter` (a minimum delay
between request starts and a cap on requests in flight).  Timeouts, dropped connections, 429/5xx
answers and bodies that do not parse are retried with exponential backoff, honouring
``Retry-After``; when the retries run out the call raises :class:`ServiceUnavailable` -- the answer
is *unknown*, which callers must never mistake for "not found".

    >>> from awesome_bib.services import load_settings
    >>> client = ServiceClient(load_settings().dblp)
    >>> hits = client.get("", params={"q": "QMoE", "format": "json"}, parse=lambda r: r.json())
    ... # doctest: +SKIP
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx2

from . import __version__
from .services import ServiceSettings

T = TypeVar("T")
log = logging.getLogger("awesome_bib.resolve")

# A server asking us to come back later than this is treated as down for this run.
MAX_RETRY_AFTER = 120.0


def user_agent(mailto: str | None = None) -> str:
    """A User-Agent that says who we are and, when configured, how to reach the operator."""
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"awesome-bib/{__version__} (citation resolver for curated paper lists{contact})"


class ServiceUnavailable(Exception):
    """A service gave no usable answer, even after retries.  The outcome is unknown, not absent."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(service, reason)
        self.service = service
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.service}: {self.reason} (unknown, retry later)"


class MalformedResponse(Exception):
    """A body that does not parse as the format the service promises (retried like a 5xx)."""


class Stopped(Exception):
    """The run ended while a request was waiting for its turn."""


class Retry(Exception):
    """One attempt failed in a way worth retrying; ``retry_after`` is the server's wish, if any."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class RateLimiter:
    """At most ``concurrency`` calls at once, their starts at least ``delay`` seconds apart."""

    def __init__(self, delay: float, concurrency: int) -> None:
        self.delay = delay
        self.stopped = threading.Event()
        self._slots = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._next_start = 0.0

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for a turn; raises :class:`Stopped` if :meth:`stop` is called meanwhile."""
        with self._slots:
            with self._lock:
                start = max(time.monotonic(), self._next_start)
                self._next_start = start + self.delay
            if self.stopped.wait(max(0.0, start - time.monotonic())):
                raise Stopped
            yield

    def stop(self) -> None:
        """Release every waiting caller at once (the run is over, e.g. after Ctrl-C)."""
        self.stopped.set()

    def pause(self, seconds: float) -> None:
        """Hold back every caller of this service for ``seconds`` (the service asked us to)."""
        with self._lock:
            self._next_start = max(self._next_start, time.monotonic() + seconds)


class ServiceClient:
    """Requests to one service under its limiter, with retries; counts every request sent."""

    def __init__(self, settings: ServiceSettings, *, mailto: str | None = None) -> None:
        self.settings = settings
        self.name = settings.name
        self.mailto = mailto
        self.limiter = RateLimiter(settings.delay, settings.concurrency)
        self.requests = 0
        self.down: ServiceUnavailable | None = None
        self._count_lock = threading.Lock()
        self._http: httpx2.Client | None = None

    def get(
        self, path: str, *, params: Any, parse: Callable[[httpx2.Response], T],
        answers: Collection[int] = (404,),
    ) -> T:
        """GET ``base_url + path``; ``parse`` turns a 2xx response, or one with a status in
        ``answers`` (statuses that carry the service's verdict, like 404), into the result."""
        return self.run(lambda: self._exchange("GET", path, params, None, parse, answers))

    def post(
        self, path: str, *, params: Any, json: Any, parse: Callable[[httpx2.Response], T],
        answers: Collection[int] = (404,),
    ) -> T:
        """POST a JSON body to ``base_url + path``; see :meth:`get`."""
        return self.run(lambda: self._exchange("POST", path, params, json, parse, answers))

    def run(self, attempt: Callable[[], T]) -> T:
        """Call ``attempt`` under the limiter until it succeeds or the retries are spent.

        ``attempt`` raises :class:`Retry` for failures worth another try; anything else propagates.
        Once the retries are spent the service counts as down: later calls in this run fail at
        once with the same reason instead of hammering it again.
        """
        if self.down is not None:
            raise self.down
        failure: Retry | None = None
        for number in range(self.settings.retries + 1):
            if failure is not None:
                wait = failure.retry_after
                if wait is None:
                    wait = self.settings.backoff * 2 ** (number - 1)
                elif wait > MAX_RETRY_AFTER:
                    break
                log.info("%s: %s; retrying in %.1f s", self.name, failure.reason, wait)
                self.limiter.pause(wait)
            try:
                with self.limiter.slot():
                    self._count()
                    return attempt()
            except Retry as error:
                failure = error
            except Stopped:
                raise ServiceUnavailable(self.name, "run interrupted") from None
        assert failure is not None
        if failure.retry_after is not None and failure.retry_after > MAX_RETRY_AFTER:
            reason = f"{failure.reason}, asked to wait {failure.retry_after:.0f} s"
        else:
            attempts = self.settings.retries + 1
            reason = f"{failure.reason} ({attempts} attempt{'s' * (attempts > 1)})"
        self.down = ServiceUnavailable(self.name, reason)
        raise self.down

    def close(self) -> None:
        """End this client's run: waiting calls give up, the connection pool is closed."""
        self.limiter.stop()
        if self._http is not None:
            self._http.close()
            self._http = None

    def _count(self) -> None:
        with self._count_lock:
            self.requests += 1

    def _client(self) -> httpx2.Client:
        with self._count_lock:
            if self._http is None:
                self._http = httpx2.Client(
                    timeout=self.settings.timeout,
                    headers={"User-Agent": user_agent(self.mailto)},
                    follow_redirects=True,
                )
            return self._http

    def _exchange(
        self, method: str, path: str, params: Any, body: Any,
        parse: Callable[[httpx2.Response], T], answers: Collection[int],
    ) -> T:
        try:
            response = self._client().request(
                method, self.settings.base_url + path, params=params, json=body
            )
        except httpx2.TimeoutException as error:
            raise Retry(f"timed out after {self.settings.timeout:g} s") from error
        except httpx2.TransportError as error:
            raise Retry(f"connection failed ({error or type(error).__name__})") from error
        status = f"{response.status_code} {response.reason_phrase}".strip()
        if response.status_code == 429 or response.status_code >= 500:
            raise Retry(status, retry_after_seconds(response.headers.get("Retry-After")))
        if response.status_code >= 400 and response.status_code not in answers:
            raise ServiceUnavailable(self.name, status)
        try:
            return parse(response)
        except MalformedResponse as error:
            raise Retry(f"malformed response ({error})") from error
