"""The resolver asks the sources the registry names: each module registers what it answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from awesome_bib.resolve.http import ServiceClient
from awesome_bib.resolve.resolver import resolve_records
from awesome_bib.resolve.services import SERVICES, ResolveSettings
from awesome_bib.resolve.sources import Candidate, Reference, registry
from awesome_bib.resolve.sources.crossref import CrossrefSource
from awesome_bib.resolve.sources.dblp import DblpSource
from tests.fakeapi import FakeAPI, load_records
from tests.test_resolve import dump


@pytest.fixture
def clients(api_settings: ResolveSettings) -> Iterator[dict[str, ServiceClient]]:
    made = {name: ServiceClient(api_settings.service(name)) for name in SERVICES}
    yield made
    for client in made.values():
        client.close()


def test_every_step_kind_has_its_source_on_its_service(clients: dict[str, ServiceClient]) -> None:
    sources = registry.build_sources(clients)
    assert set(sources.lookups) == {"arxiv", "doi", "s2"}
    assert set(sources.searches) == {"crossref", "dblp"}
    assert sources.services == {"arxiv": "arxiv", "doi": "crossref", "s2": "semanticscholar",
                                "crossref": "crossref", "dblp": "dblp"}
    assert isinstance(sources.lookups["doi"], CrossrefSource)
    assert sources.lookups["doi"] is sources.searches["crossref"]  # one source, one client, both kinds


def test_a_step_kind_registered_twice_is_an_error(
    clients: dict[str, ServiceClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "_REGISTERED", registry.registered())
    registry.register(service="dblp", search="dblp")(DblpSource)
    with pytest.raises(ValueError, match=r"step kinds \['dblp'\] have a source already"):
        registry.build_sources(clients)


def test_a_newly_registered_source_is_the_one_the_resolver_asks(
    api_settings: ResolveSettings, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = load_records()
    resolve_records(expected, api_settings)

    searched: list[str] = []

    class WatchedDblp(DblpSource):
        def search(self, reference: Reference) -> list[Candidate]:
            searched.append(reference.title)
            return super().search(reference)

    others = [r for r in registry.registered() if r.search != "dblp"]
    monkeypatch.setattr(registry, "_REGISTERED", others)
    registry.register(service="dblp", search="dblp")(WatchedDblp)
    records = load_records()
    resolve_records(records, api_settings)
    assert searched  # the title searches went to the new source...
    assert dump(records) == dump(expected)  # ...and gave what the registered DBLP source gives
