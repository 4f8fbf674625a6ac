"""The one way awesome-bib talks to a metadata service: rate-limited, retried, never guessing.

Each service gets a :class:`ServiceClient` with its own :class:`RateLimiter` (a delay between
request starts that adapts to the service's throttling, and a cap on requests in flight).  A
throttled request (429, 503, ``Retry-After`` honoured) slows the service down and waits its turn
again; timeouts, dropped connections, other 5xx answers and bodies that do not parse are retried
with exponential backoff.  When a request cannot be answered the call raises
:class:`ServiceUnavailable` -- the answer is *unknown*, which callers must never mistake for
"not found".

    >>> from awesome_bib.resolve.services import load_settings
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

from awesome_bib import __version__
from awesome_bib.resolve.services import ServiceSettings

T = TypeVar("T")
log = logging.getLogger("awesome_bib.resolve.resolver")

# A server asking us to come back later than this is treated as down for this run.
MAX_RETRY_AFTER = 120.0


def user_agent(mailto: str | None = None) -> str:
    """A User-Agent that says who we are and, when configured, how to reach the operator."""
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"awesome-bib/{__version__} (citation resolver for curated paper lists{contact})"


UNKNOWN = "(unknown, retry later)"  # ends every note of a service that gave no answer


class ServiceUnavailable(Exception):
    """A service gave no usable answer, even after retries.  The outcome is unknown, not absent."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(service, reason)
        self.service = service
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.service}: {self.reason} {UNKNOWN}"


class MalformedResponse(Exception):
    """A body that does not parse as the format the service promises (retried like a 5xx)."""


class Stopped(Exception):
    """The run ended while a request was waiting for its turn."""


class Retry(Exception):
    """One attempt failed in a way worth retrying; ``retry_after`` is the server's wish, if any.

    ``answered``: the server answered (a status, a body that does not parse), as opposed to a
    refused connection or a timeout; ``throttled``: the answer asks us to slow down (429, 503).
    """

    def __init__(
        self, reason: str, retry_after: float | None = None, *, answered: bool = True,
        throttled: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.answered = answered
        self.throttled = throttled


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
    """At most ``concurrency`` calls at once, their starts at least ``delay`` seconds apart.

    The delay adapts (additive increase, multiplicative decrease of the request rate): each
    request the service throttles halves the rate (the delay at least ``step`` above ``base``, at
    most ``ceiling``); each answer adds one request per ``4 * step`` seconds to it, until the
    configured ``base`` delay is reached again.
    """

    def __init__(self, delay: float, concurrency: int, *, ceiling: float | None = None,
                 step: float = 1.0) -> None:
        self.base = self.delay = delay
        self.ceiling = max(delay, ceiling if ceiling is not None else delay)
        self.step = step
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

    def slow_down(self) -> None:
        """The service throttled a request: halve the rate (at least one step slower); the next
        request waits the new delay."""
        with self._lock:
            self.delay = min(self.ceiling, max(2 * self.delay, self.base + self.step))
            self._next_start = max(self._next_start, time.monotonic() + self.delay)

    def speed_up(self) -> None:
        """The service answered: one more request every ``4 * step`` seconds, back to the
        configured pace once within a quarter step of it."""
        with self._lock:
            if self.delay > self.base:
                delay = 1 / (1 / self.delay + 1 / (4 * self.step)) if self.step else self.base
                self.delay = self.base if delay <= self.base + self.step / 4 else delay

    @property
    def slowed(self) -> bool:
        """Whether requests go out slower than configured, or wait for the service's word."""
        return self.delay > self.base or self._next_start > time.monotonic() + self.delay


class ServiceClient:
    """Requests to one service under its limiter, with retries; counts every request sent.

    Throttling (429, 503) slows the service down and the request waits its turn again, as often
    as it takes; other failures are retried ``retries`` times, then that request is unknown.  The
    service is *down* for the run -- every call fails at once -- only when ``down_after``
    requests in a row got no answer at all (refused, timed out) over at least ``down_window``
    seconds, when it asks to wait longer than :data:`MAX_RETRY_AFTER`, or when it gave no usable
    answer for ``patience`` seconds.
    """

    def __init__(self, settings: ServiceSettings, *, mailto: str | None = None) -> None:
        self.settings = settings
        self.name = settings.name
        self.mailto = mailto
        self.limiter = RateLimiter(settings.delay, settings.concurrency, ceiling=settings.max_delay,
                                   step=settings.backoff)
        self.requests = 0
        self.down: ServiceUnavailable | None = None
        self._count_lock = threading.Lock()
        self._health = threading.Lock()
        self._silent: list[float] = []  # when each request of the current run of silences failed
        self._failing_since: float | None = None  # the first failure since the last usable answer
        self._http: httpx2.Client | None = None

    @property
    def state(self) -> str:
        """``ok``, ``slowed`` (throttled: going slower than configured) or ``down``."""
        if self.down is not None:
            return "down"
        return "slowed" if self.limiter.slowed else "ok"

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
        """Call ``attempt`` under the limiter until it succeeds, the service is down or, for
        failures other than throttling, the retries are spent (see the class).

        ``attempt`` raises :class:`Retry` for failures worth another try; anything else propagates.
        """
        errors = 0
        while True:
            if self.down is not None:
                raise self.down
            try:
                with self.limiter.slot():
                    self._count()
                    result = attempt()
            except Retry as failure:
                errors += not failure.throttled
                wait = self._failed(failure, errors)
                log.info("%s: %s; retrying in %.1f s", self.name, failure.reason, wait)
                self.limiter.pause(wait)
            except Stopped:
                raise ServiceUnavailable(self.name, "run interrupted") from None
            else:
                self._answered()
                return result

    def _answered(self) -> None:
        with self._health:
            self._silent.clear()
            self._failing_since = None
        self.limiter.speed_up()

    def _failed(self, failure: Retry, errors: int) -> float:
        """Take a failed attempt into account: the seconds to wait before the next one, or
        :class:`ServiceUnavailable` for this request (retries spent) or the service (down)."""
        settings = self.settings
        now = time.monotonic()
        with self._health:
            if failure.answered:
                self._silent.clear()
            else:
                self._silent.append(now)
            silences = len(self._silent)
            silent_for = now - self._silent[0] if self._silent else 0.0
            if self._failing_since is None:
                self._failing_since = now
            unusable_for = now - self._failing_since
        if failure.retry_after is not None and failure.retry_after > MAX_RETRY_AFTER:
            self._go_down(f"{failure.reason}, asked to wait {failure.retry_after:.0f} s")
        if silences >= settings.down_after and silent_for >= settings.down_window:
            self._go_down(f"{failure.reason}; no answer to {settings.down_after} requests in a row "
                          f"over {settings.down_window:g} s")
        if unusable_for > settings.patience:
            self._go_down(f"{failure.reason}; no usable answer for {settings.patience:g} s")
        if failure.throttled:
            self.limiter.slow_down()
            return failure.retry_after or 0.0
        if errors > settings.retries:
            raise ServiceUnavailable(self.name, f"{failure.reason} ({errors} attempt{'s' * (errors > 1)})")
        if failure.retry_after is not None:
            return failure.retry_after
        return min(settings.backoff * 2 ** (errors - 1), self.limiter.ceiling + settings.backoff)

    def _go_down(self, reason: str) -> None:
        with self._health:
            if self.down is None:
                self.down = ServiceUnavailable(self.name, reason)
                log.warning("%s is down for this run: %s; its papers are left for the next run",
                            self.name, reason)
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
            raise Retry(f"timed out after {self.settings.timeout:g} s", answered=False) from error
        except httpx2.TransportError as error:
            raise Retry(f"connection failed ({error or type(error).__name__})", answered=False) from error
        status = f"{response.status_code} {response.reason_phrase}".strip()
        if response.status_code >= 500 or response.status_code == 429:
            raise Retry(status, retry_after_seconds(response.headers.get("Retry-After")),
                        throttled=response.status_code in (429, 503))
        if response.status_code >= 400 and response.status_code not in answers:
            raise ServiceUnavailable(self.name, status)
        try:
            return parse(response)
        except MalformedResponse as error:
            raise Retry(f"malformed response ({error})") from error
