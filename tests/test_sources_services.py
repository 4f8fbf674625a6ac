"""Service settings: defaults are the real services; config file, then environment, override."""

from __future__ import annotations

from typing import Any

import pytest

from awesome_bib.errors import AwesomeBibError
from awesome_bib.resolve.services import load_settings


def test_defaults_are_the_real_services_and_their_limits() -> None:
    settings = load_settings(env={})
    assert settings.arxiv.base_url == "https://export.arxiv.org/api/query"
    assert settings.crossref.base_url == "https://api.crossref.org"
    assert settings.dblp.base_url == "https://dblp.org/search/publ/api"
    assert settings.semanticscholar.base_url == "https://api.semanticscholar.org/graph/v1"
    assert (settings.arxiv.delay, settings.arxiv.concurrency) == (3.0, 1)
    assert (settings.dblp.delay, settings.dblp.concurrency) == (1.0, 1)
    assert (settings.semanticscholar.delay, settings.semanticscholar.concurrency) == (1.0, 1)
    assert (settings.crossref.delay, settings.crossref.concurrency) == (1.0, 1)
    assert settings.mailto is None


def test_a_contact_address_joins_crossrefs_polite_pool() -> None:
    from_config = load_settings(mailto="me@example.org", env={})
    from_env = load_settings(env={"AWESOME_BIB_MAILTO": "env@example.org"})
    assert (from_config.crossref.delay, from_config.crossref.concurrency) == (0.34, 3)
    assert from_env.mailto == "env@example.org"
    assert (
        load_settings(mailto="me@example.org", env={"AWESOME_BIB_MAILTO": "env@example.org"}).mailto
        == "env@example.org"
    )


def test_environment_beats_config_file_beats_defaults() -> None:
    config = {
        "arxiv": {"base-url": "http://mirror.example/api/query/", "delay": 5, "retries": 1},
        "dblp": {"delay": 2.5, "concurrency": 2},
    }
    env = {
        "AWESOME_BIB_ARXIV_DELAY": "0",
        "AWESOME_BIB_S2_API": "http://s2.example/graph/v1",
        "AWESOME_BIB_DBLP_CONCURRENCY": "1",
        "AWESOME_BIB_CROSSREF_TIMEOUT": "7.5",
    }
    settings = load_settings(config, env=env)
    assert settings.arxiv.base_url == "http://mirror.example/api/query"
    assert (settings.arxiv.delay, settings.arxiv.retries) == (0.0, 1)
    assert (settings.dblp.delay, settings.dblp.concurrency) == (2.5, 1)
    assert settings.semanticscholar.base_url == "http://s2.example/graph/v1"
    assert settings.crossref.timeout == 7.5


@pytest.mark.parametrize(
    ("config", "env", "message"),
    [
        ({"arxive": {}}, {}, "unknown service arxive"),
        ({"dblp": {"speed": 1}}, {}, "unknown key 'speed'"),
        ({}, {"AWESOME_BIB_DBLP_DELAY": "fast"},
         "dblp delay from environment AWESOME_BIB_DBLP_DELAY: 'fast'"),
        ({"crossref": {"concurrency": 0}}, {},
         r"crossref concurrency from config \[services.crossref\] concurrency"),
        ({"crossref": {"concurrency": 1.5}}, {}, "whole number"),
        ({}, {"AWESOME_BIB_ARXIV_API": "ftp://x"},
         "arxiv base URL from environment AWESOME_BIB_ARXIV_API: 'ftp://x' is not an http"),
        ({}, {"AWESOME_BIB_ARXIV_API": "http://[::1"}, "AWESOME_BIB_ARXIV_API: 'http://\\[::1'"),
        ({}, {"AWESOME_BIB_S2_API": "http:///graph/v1"}, "AWESOME_BIB_S2_API"),
        ({}, {"AWESOME_BIB_DBLP_API": "http://dblp.example:http/api"}, "AWESOME_BIB_DBLP_API"),
        ({}, {"AWESOME_BIB_DBLP_API": "http://dblp example/api"}, "AWESOME_BIB_DBLP_API"),
        ({"crossref": {"base-url": "api.crossref.org"}}, {},
         r"config \[services.crossref\] base-url: 'api.crossref.org'"),
        ({"arxiv": 3}, {}, r"\[services\] arxiv = 3: must be a table"),
        (["arxiv"], {}, r"\[services\] must be a table"),
    ],
)
def test_bad_settings_are_one_clear_error(config: Any, env: dict, message: str) -> None:
    with pytest.raises(AwesomeBibError, match=message) as error:
        load_settings(config, env=env)
    assert "\n" not in str(error.value)


def test_ipv6_loopback_base_url_is_valid() -> None:
    settings = load_settings(env={"AWESOME_BIB_ARXIV_API": "http://[::1]:8080/api/query/"})
    assert settings.arxiv.base_url == "http://[::1]:8080/api/query"
