"""Where each metadata service lives and how politely to talk to it.

Settings come from three layers, later ones winning: the built-in defaults (the real services and
their published rate limits), the ``[services.<name>]`` tables of the config file, then environment
variables.  Service names are ``arxiv``, ``crossref``, ``dblp`` and ``semanticscholar``.

Config file keys per service: ``base-url``, ``delay`` (seconds between request starts),
``concurrency`` (requests in flight at once), ``timeout`` (seconds), ``retries`` (extra attempts
after a failure that is not throttling), ``backoff`` (seconds before the first retry, doubled for
each further one; also the step by which throttling slows the service down), ``max-delay`` (the
slowest pace throttling may bring it to), ``down-after`` and ``down-window`` (that many requests in
a row without an answer, over at least that many seconds, and the service is down for the run) and
``patience`` (seconds without a usable answer, e.g. throttled throughout, before it is down).

Environment variables (``<SVC>`` is ``ARXIV``, ``CROSSREF``, ``DBLP`` or ``S2``)::

    AWESOME_BIB_<SVC>_API           base URL, e.g. AWESOME_BIB_ARXIV_API=https://export.arxiv.org/api/query
    AWESOME_BIB_<SVC>_DELAY         seconds between request starts
    AWESOME_BIB_<SVC>_CONCURRENCY   requests in flight at once
    AWESOME_BIB_<SVC>_TIMEOUT       seconds before a request is abandoned
    AWESOME_BIB_<SVC>_RETRIES       extra attempts after a failure
    AWESOME_BIB_MAILTO              contact address: sent in the User-Agent (Crossref's polite pool)

Example::

    >>> settings = load_settings({"arxiv": {"delay": 5}}, env={"AWESOME_BIB_DBLP_DELAY": "2"})
    >>> settings.arxiv.delay, settings.dblp.delay, settings.crossref.concurrency
    (5.0, 2.0, 1)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit

from awesome_bib.errors import AwesomeBibError

SERVICES = ("arxiv", "crossref", "dblp", "semanticscholar")
ENV_PREFIX = {"arxiv": "ARXIV", "crossref": "CROSSREF", "dblp": "DBLP", "semanticscholar": "S2"}


@dataclass(frozen=True)
class ServiceSettings:
    """How to reach one service and how hard to push it."""

    name: str
    base_url: str
    delay: float
    concurrency: int
    timeout: float
    retries: int = 3
    backoff: float = 2.0
    max_delay: float = 60.0
    down_after: int = 5
    down_window: float = 60.0
    patience: float = 600.0


@dataclass(frozen=True)
class ResolveSettings:
    """Everything a resolve run needs to know about the outside world."""

    arxiv: ServiceSettings
    crossref: ServiceSettings
    dblp: ServiceSettings
    semanticscholar: ServiceSettings
    mailto: str | None = None
    offline: bool = False

    def service(self, name: str) -> ServiceSettings:
        return getattr(self, name)  # type: ignore[no-any-return]


# The real services.  arXiv asks for one request every three seconds on a single connection; DBLP
# for one or two seconds between requests; Semantic Scholar's keyless pool is shared and small.
DEFAULTS = {
    "arxiv": ServiceSettings("arxiv", "https://export.arxiv.org/api/query", 3.0, 1, 30.0, 3, 5.0),
    "dblp": ServiceSettings("dblp", "https://dblp.org/search/publ/api", 1.0, 1, 20.0),
    "semanticscholar": ServiceSettings(
        "semanticscholar", "https://api.semanticscholar.org/graph/v1", 1.0, 1, 30.0
    ),
}
# Crossref's limits depend on the pool: with a contact address, 3 list requests a second and 3 at a
# time; anonymously, 1 a second and 1 at a time (limits in force since December 2025).
CROSSREF_POLITE = ServiceSettings("crossref", "https://api.crossref.org", 0.34, 3, 20.0)
CROSSREF_PUBLIC = replace(CROSSREF_POLITE, delay=1.0, concurrency=1)

_CONFIG_KEYS = {
    spelling: f.name for f in fields(ServiceSettings) if f.name != "name"
    for spelling in (f.name, f.name.replace("_", "-"))
}
_ENV_SUFFIXES = {
    "API": "base_url", "DELAY": "delay", "CONCURRENCY": "concurrency",
    "TIMEOUT": "timeout", "RETRIES": "retries",
}


# One plain e-mail address: it goes into a request header, where a line break would start another.
_MAILTO = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def load_settings(
    config: Mapping[str, Any] | None = None,
    *,
    mailto: str | None = None,
    offline: bool = False,
    env: Mapping[str, str] | None = None,
) -> ResolveSettings:
    """Settings from defaults < ``config`` (the ``services`` table of the config file) < ``env``.

    ``mailto`` is the config file's contact address; ``AWESOME_BIB_MAILTO`` overrides it.
    ``env`` defaults to ``os.environ``.  Unknown services or keys, entries that are not tables,
    values that are not numbers where numbers are needed and base URLs that are not http(s) URLs
    raise :class:`AwesomeBibError` naming the variable or config key.
    """
    env = os.environ if env is None else env
    config = {} if config is None else config
    if not isinstance(config, Mapping):
        raise AwesomeBibError(
            f"config [services] must be a table of services, not {config!r}; "
            "write e.g. [services.arxiv] delay = 3"
        )
    unknown = sorted(set(config) - set(SERVICES))
    if unknown:
        raise AwesomeBibError(
            f"config [services]: unknown service {', '.join(unknown)}; known: {', '.join(SERVICES)}"
        )
    mailto = env.get("AWESOME_BIB_MAILTO") or mailto or None
    if mailto is not None and not _MAILTO.fullmatch(mailto):
        raise AwesomeBibError(
            f"mailto {mailto!r} (--mailto, AWESOME_BIB_MAILTO or [resolve] mailto): give one e-mail "
            "address, e.g. you@example.org"
        )
    defaults = DEFAULTS | {"crossref": CROSSREF_POLITE if mailto else CROSSREF_PUBLIC}
    resolved = {}
    for name in SERVICES:
        table = config.get(name) or {}
        if not isinstance(table, Mapping):
            raise AwesomeBibError(
                f"config [services] {name} = {table!r}: must be a table of settings, "
                f"e.g. [services.{name}] delay = 3"
            )
        values: dict[str, Any] = {}
        origins: dict[str, str] = {}
        for key, value in table.items():
            if key not in _CONFIG_KEYS:
                raise AwesomeBibError(
                    f"config [services.{name}]: unknown key {key!r}; known: "
                    + ", ".join(sorted(k for k in _CONFIG_KEYS if "_" not in k))
                )
            values[_CONFIG_KEYS[key]] = value
            origins[_CONFIG_KEYS[key]] = f"config [services.{name}] {key}"
        for suffix, attribute in _ENV_SUFFIXES.items():
            variable = f"AWESOME_BIB_{ENV_PREFIX[name]}_{suffix}"
            if env.get(variable):
                values[attribute] = env[variable]
                origins[attribute] = f"environment {variable}"
        resolved[name] = _checked(replace(defaults[name], **values), origins)
    return ResolveSettings(**resolved, mailto=mailto, offline=offline)


def _checked(settings: ServiceSettings, origins: Mapping[str, str]) -> ServiceSettings:
    """Coerce text values (from the environment) to numbers, and refuse impossible ones;
    ``origins`` names where each given value came from, for the error message."""
    converted: dict[str, Any] = {"base_url": _checked_url(settings, origins)}
    for attribute, kind, minimum in (
        ("delay", float, 0), ("timeout", float, 0.001), ("backoff", float, 0),
        ("concurrency", int, 1), ("retries", int, 0), ("max_delay", float, 0),
        ("down_after", int, 1), ("down_window", float, 0), ("patience", float, 0),
    ):
        value = getattr(settings, attribute)
        try:
            number = kind(value)
        except (TypeError, ValueError):
            number = None
        if number is None or number < minimum or (kind is int and number != float(value)):
            raise AwesomeBibError(
                f"{settings.name} {attribute} from {origins.get(attribute, 'defaults')}: "
                f"{value!r} is not a valid {'whole number' if kind is int else 'number'} "
                f"(at least {minimum})"
            )
        converted[attribute] = number
    return replace(settings, **converted)


def _checked_url(settings: ServiceSettings, origins: Mapping[str, str]) -> str:
    """The base URL without a trailing slash, if it is an http(s) URL with a host."""
    url = str(settings.base_url).rstrip("/")
    try:
        parts = urlsplit(url)
        valid = bool(parts.hostname) and parts.port != 0  # reading the port validates it
    except ValueError:
        valid = False
    if not valid or parts.scheme not in ("http", "https") or any(
        char.isspace() or not char.isprintable() for char in url
    ):
        raise AwesomeBibError(
            f"{settings.name} base URL from {origins.get('base_url', 'defaults')}: "
            f"{settings.base_url!r} is not an http:// or https:// URL with a host"
        )
    return url
