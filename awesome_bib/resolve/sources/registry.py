"""The sources the resolver asks: every source module registers its class here, with what it answers.

A registration names the service whose client (and limits) the source uses, one of
:data:`~awesome_bib.resolve.services.SERVICES`; the lookup kinds it answers (the resolver's
identifier steps: ``arxiv`` ids, ``doi``, ``s2`` ids); and the kind of its title search, if it
has one (``crossref``, ``dblp``).  A step kind belongs to one source only.  The resolver builds
its sources from the registry (:func:`build_sources`), so adding a source is adding one module to
this package with a registered class::

    @register(service="crossref", lookups=("doi",), search="crossref")
    class CrossrefSource: ...
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from awesome_bib.resolve.http import ServiceClient
from awesome_bib.resolve.services import SERVICES
from awesome_bib.resolve.sources import Lookup, Search

SourceClass = TypeVar("SourceClass", bound=type)


@dataclass(frozen=True)
class Registration:
    """One source: how to make it on its service's client, and the step kinds it answers."""

    make: Callable[[ServiceClient], Any]
    service: str
    lookups: tuple[str, ...] = ()
    search: str | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.lookups + ((self.search,) if self.search else ())


_REGISTERED: list[Registration] = []


def register(
    *, service: str, lookups: tuple[str, ...] = (), search: str | None = None
) -> Callable[[SourceClass], SourceClass]:
    """Register the decorated class (made as ``cls(client)``) as the source for these step kinds."""

    def add(cls: SourceClass) -> SourceClass:
        _REGISTERED.append(Registration(cls, service, lookups, search))
        return cls

    return add


def registered() -> list[Registration]:
    """Every registered source, once each module of this package is imported (and so registered)."""
    package = importlib.import_module("awesome_bib.resolve.sources")
    for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        importlib.import_module(module.name)
    return list(_REGISTERED)


@dataclass(frozen=True)
class Sources:
    """The registered sources made for one run, by the step kind each answers."""

    lookups: dict[str, Lookup]
    searches: dict[str, Search]
    services: dict[str, str]  # step kind -> the service whose client and pool it goes through


def build_sources(clients: Mapping[str, ServiceClient]) -> Sources:
    """Make every registered source on its service's client (one instance for all its kinds)."""
    sources = Sources({}, {}, {})
    for registration in registered():
        if registration.service not in SERVICES:
            raise ValueError(f"source {registration.make.__name__}: unknown service {registration.service!r}")
        claimed = [kind for kind in registration.kinds if kind in sources.services]
        if claimed:
            raise ValueError(f"source {registration.make.__name__}: step kinds {claimed} have a source already")
        source = registration.make(clients[registration.service])
        for kind in registration.lookups:
            sources.lookups[kind] = source
        if registration.search:
            sources.searches[registration.search] = source
        for kind in registration.kinds:
            sources.services[kind] = registration.service
    return sources
