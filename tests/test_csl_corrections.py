"""What csl_engine corrects in citeproc-py, one test per correction, on items of our own.

Each correction is listed in :mod:`awesome_bib.export.csl_engine`'s docstring with the CSL test-suite
fixture it answers; ``tools/csl-test-suite/run.py`` measures them all on the public suite.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from awesome_bib.export import format_cache
from awesome_bib.export.formatted import format_references

DATA = Path(__file__).parent / "data" / "formatted"
CHECK_STYLE = str(DATA / "corrections.csl")


def person(family: str, given: str) -> dict[str, str]:
    return {"family": family, "given": given}


def paper(key: str, title: str, year: int, **fields: Any) -> dict[str, Any]:
    return {"id": key, "type": "article-journal", "title": title, "issued": {"date-parts": [[year]]}, **fields}


def lines(entries: list[dict[str, Any]], style: str = CHECK_STYLE, **options: Any) -> list[str]:
    options.setdefault("sort", "style")
    return format_references(entries, style=style, cache=False, code_links=False, **options).output.splitlines()


def test_one_authors_papers_of_one_year_get_suffixes_in_sort_order() -> None:
    team = [person("Okafor", "Chidi"), person("Lindqvist", "Maja")]
    entries = [
        paper("routing", "Routing tokens to sparse experts", 2024, author=team),
        paper("caching", "Caching experts between requests", 2024, author=team),
        paper("later", "Serving experts on one GPU", 2025, author=team),
        paper("alone", "Pruning experts", 2024, author=[person("Okafor", "Chidi")]),
    ]
    output = lines(entries, style="apa")
    assert output[0].startswith("Okafor, C. (2024). Pruning experts.")
    assert output[1].startswith("Okafor, C., & Lindqvist, M. (2024a). Caching experts")
    assert output[2].startswith("Okafor, C., & Lindqvist, M. (2024b). Routing tokens")
    assert output[3].startswith("Okafor, C., & Lindqvist, M. (2025). Serving experts")


def test_year_suffix_is_given_where_the_citation_would_be_ambiguous() -> None:
    # the check style cites by family names only, and adds no names: one family, one year -> a, b
    entries = [
        paper("first", "First look", 2024, author=[person("Brandt", "Ilse")]),
        paper("second", "Second look", 2024, author=[person("Brandt", "Otto")]),
    ]
    assert [line.split(" ")[2] for line in lines(entries)] == ["2024a", "2024b"]


def test_an_unused_year_suffix_leaves_no_trace() -> None:
    output = lines([paper("only", "Only one", 2020, author=[person("Brandt", "Ilse")])], style="apa")
    assert output == ["Brandt, I. (2020). Only one."]


def test_subsequent_author_substitute_replaces_a_repeated_name_list() -> None:
    author = [person("Halvorsen", "Tor")]
    entries = [
        paper("one", "Expert parallelism", 2021, author=author),
        paper("two", "Expert offloading", 2022, author=author),
        paper("three", "Expert pruning", 2023, author=[*author, person("Mbeki", "Lindiwe")]),
    ]
    output = lines(entries)
    assert output[0].startswith("T. Halvorsen, 2021")
    assert output[1].startswith("———, 2022")
    assert output[2].startswith("T. Halvorsen, L. Mbeki, 2023")  # not the same list


def test_display_blocks_are_spaced_not_run_together() -> None:
    output = lines([paper("x", "Sparse gates", 2022, author=[person("Ferreira", "Ana")])])
    assert output == ["A. Ferreira, 2022 “Sparse gates.”"]


def test_an_entry_the_style_prints_nothing_for_is_left_out() -> None:
    nothing = {"id": "nothing", "type": "article"}
    output = lines([nothing, paper("x", "Sparse gates", 2022, author=[person("Ferreira", "Ana")])])
    assert len(output) == 1 and "Sparse gates" in output[0]


def test_fields_citeproc_py_does_not_list_are_printed() -> None:
    entry = {
        "id": "review",
        "type": "review",
        "title": "Experts, reviewed",
        "volume-title": "Collected sparse papers",
        "part-title": "Part two",
        "event-title": "Sparse Models Workshop",
        "reviewed-title": "The expert book",
        "reviewed-author": [person("Castellanos", "Rosa")],
        "journalAbbreviation": "Sparse Rev.",
    }
    (line,) = lines([entry])
    for expected in (
        "Collected sparse papers",
        "Part two",
        "at Sparse Models Workshop",
        "review of The expert book by Rosa Castellanos",
        "Sparse Rev.",
    ):
        assert expected in line


def test_rich_text_is_formatting_not_tags() -> None:
    entry = {
        "id": "rich",
        "type": "article-journal",
        "title": 'Gating in <span class="nodecor">vitro</span> and <sc>moe</sc> x<sup>2</sup>',
        "author": [{"family": "<b>Quispe</b>", "given": "<i>Luz</i> Maria"}],
        "issued": {"date-parts": [[2023]]},
    }
    (html,) = [line for line in lines([entry], fmt="html") if "csl-entry" in line]
    assert "<b>Quispe</b>" in html and "L. M. <b>Quispe</b>" in html
    assert "Gating in vitro and" in html and "nodecor" not in html
    assert '<span style="font-variant:small-caps;">moe</span>' in html and "x<sup>2</sup>" in html
    assert "&lt;" not in html


def test_straight_quotes_and_apostrophes_become_typographic() -> None:
    entry = paper(
        "quotes", "Why 'sparse' experts don't \"route\"", 2024, author=[{"family": "O'Brien", "given": "Siobhan"}]
    )
    (line,) = lines([entry], style="ieee")
    assert line.startswith("[1] S. O’Brien, “Why ‘sparse’ experts don’t ‘route,’”")
    (apa,) = lines([entry], style="apa")
    assert "O’Brien, S. (2024). Why “sparse” experts don’t “route.”" in apa


def test_identifiers_keep_their_straight_quotes() -> None:
    entry = {"id": "u", "type": "webpage", "title": "Page", "URL": "https://example.org/it's"}
    (line,) = lines([entry], style="apa")
    assert "https://example.org/it's" in line


@pytest.mark.parametrize("changed", format_cache.ENGINE_MODULES)
def test_a_change_to_the_engine_starts_a_new_cache(changed: str, tmp_path: Path) -> None:
    engine = Path(format_cache.__file__).parent
    copy = tmp_path / "engine"
    copy.mkdir()
    for name in format_cache.ENGINE_MODULES:
        shutil.copy(engine / name, copy / name)
    digest = format_cache.engine_digest.__wrapped__  # not the per-process memo
    assert digest(copy) == digest(engine)
    with (copy / changed).open("a", encoding="utf-8") as module:
        module.write("\n# a changed rule\n")
    assert digest(copy) != digest(engine)


def test_the_engine_digest_covers_every_module_the_engine_imports() -> None:
    """A module split off the engine is part of the digest: what an engine module imports from the
    export package is an engine module too."""
    engine = Path(format_cache.__file__).parent
    assert "csl_engine.py" in format_cache.ENGINE_MODULES
    for name in format_cache.ENGINE_MODULES:
        tree = ast.parse((engine / name).read_text(encoding="utf-8"))
        imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        for module in sorted(imported):
            if module.startswith("awesome_bib.export."):
                assert f"{module.rsplit('.', 1)[1]}.py" in format_cache.ENGINE_MODULES, f"{name} imports {module}"


def test_default_list_in_apa_is_citeproc_js_reference_list() -> None:
    from awesome_bib.library import open_library

    records = [record.csl for record in open_library(update_lockfile=False).records]
    reference = (DATA / "citeproc-js" / "default-list-apa.txt").read_text(encoding="utf-8").splitlines()
    output = lines(json.loads(json.dumps(records)), style="apa")
    assert [" ".join(line.split()) for line in output] == [" ".join(line.split()) for line in reference]


NAMES_STYLE = str(DATA / "corrections-names.csl")


def people(*names: tuple[str, str]) -> list[dict[str, str]]:
    return [person(family, given) for family, given in names]


def test_family_particles_are_parsed_and_demoted() -> None:
    entry = {"id": "p", "type": "book", "title": "Sparse routing",
             "author": people(("von Hoppel", "Gustav"), ("al-Rashid", "Lina"))}
    (line,) = lines([entry], style=NAMES_STYLE)
    assert line.startswith("Hoppel, Gustav von, & Rashid, Lina al-.")


def test_quoted_family_name_is_kept_whole() -> None:
    entry = {"id": "q", "type": "book", "title": "T", "author": [{"family": '"van Dyke"', "given": "Dick"}]}
    (line,) = lines([entry], style=NAMES_STYLE)
    assert line.startswith("van Dyke, Dick.")


def test_et_al_needs_both_options() -> None:
    entry = {"id": "e", "type": "book", "title": "Three", "author": people(("Ng", "Bo"), ("Tan", "Wei"), ("Li", "Mei"))}
    (line,) = lines([entry], style=NAMES_STYLE)  # et-al-min="3" and no et-al-use-first
    assert line.startswith("Ng, Bo, Tan, Wei, & Li, Mei.")


def test_delimiter_after_inverted_name_only() -> None:
    labs = {"id": "l", "type": "book", "title": "Labs", "author": [{"literal": "Sparse Lab"}, {"literal": "Dense Lab"}]}
    pair = {"id": "p", "type": "book", "title": "Pair", "author": people(("Ng", "Bo"), ("Tan", "Wei"))}
    assert lines([labs, pair], style=NAMES_STYLE) == [
        "Ng, Bo, & Tan, Wei. Pair.",
        "Sparse Lab & Dense Lab. Labs.",
    ]


def test_substituted_editors_are_not_repeated_and_their_label_stays_out_of_sorting() -> None:
    edited = {"id": "c", "type": "book", "title": "Expert offloading", "editor": people(("Ng", "Bo"), ("Tan", "Wei"))}
    written = {"id": "b", "type": "book", "title": "Expert caching", "author": people(("Ng", "Bo"), ("Tan", "Wei"))}
    assert lines([edited, written], style=NAMES_STYLE) == [
        "Ng, Bo, & Tan, Wei. Expert caching.",
        "--- eds. Expert offloading.",
    ]


def test_label_of_a_missing_variable_prints_nothing() -> None:
    with_page = {"id": "a", "type": "book", "title": "A", "page": "12"}
    without = {"id": "b", "type": "book", "title": "B"}
    assert lines([with_page, without], style=NAMES_STYLE) == ["A. p. 12.", "B."]


def test_position_tests_are_false_in_a_bibliography() -> None:
    assert "cited first" not in lines([{"id": "a", "type": "book", "title": "A"}], style=NAMES_STYLE)[0]


def test_missing_short_verb_term_falls_back_to_the_verb() -> None:
    entry = {"id": "r", "type": "review", "title": "On experts", "reviewed-author": people(("Quispe", "Luz"))}
    assert lines([entry], style=NAMES_STYLE) == ["On experts. by Luz Quispe."]


def test_fields_written_in_the_note_are_read() -> None:
    entry = {"id": "r", "type": "review", "title": "On experts",
             "note": "reviewed-author: Quispe || Luz\nissue: 7\nkept as a note"}
    assert lines([entry], style=NAMES_STYLE) == ["On experts. no. 7. by Luz Quispe."]


def test_issue_ranges_take_an_en_dash() -> None:
    assert lines([{"id": "a", "type": "book", "title": "A", "issue": "3-4"}], style=NAMES_STYLE) == ["A. no. 3–4."]


def test_apostrophes_inside_names_sort_before_letters() -> None:
    entries = [
        {"id": name, "type": "book", "title": "T", "author": [{"family": name, "given": "A"}]}
        for name in ("de' Souza", "'t Hooft", "d'Alembert", "Klein")
    ]
    assert [line.split(",")[0] for line in lines(entries, style=NAMES_STYLE)] == [
        "d’Alembert", "de’ Souza", "Klein", "’t Hooft"
    ]


def test_nodecor_text_keeps_its_case_under_title_case() -> None:
    entry = {"id": "n", "type": "article-journal", "title": 'roe <span class="nodecor">v.</span> wade',
             "author": people(("Ng", "Bo")), "container-title": "Law", "issued": {"date-parts": [[2020]]}}
    (line,) = lines([entry], style="chicago-author-date")
    assert "“Roe v. Wade.”" in line


def test_substituted_names_ending_in_a_full_stop_keep_the_stop_that_follows() -> None:
    author = [{"family": "Ng", "given": "B."}]
    entries = [
        {"id": key, "type": "book", "title": title, "author": author} for key, title in [("a", "Alpha"), ("b", "Beta")]
    ]
    assert lines(entries, style=NAMES_STYLE) == ["Ng, B. Alpha.", "---. Beta."]


def test_given_names_without_capitals_are_kept_and_lower_case_hyphen_parts_give_no_initial() -> None:
    entry = paper("k", "Pruning sparse experts", 2024,
                  author=[person("hwang", "seung-won"), person("Yih", "Wen-tau"), person("Okafor", "Chidi")])
    (line,) = lines([entry], style="apa")
    assert line.startswith("hwang, seung-won, Yih, W., & Okafor, C. (2024).")  # as citeproc-js prints them
