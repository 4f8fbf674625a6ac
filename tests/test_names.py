"""Display names split into CSL given/family parts."""

from __future__ import annotations

import pytest

from awesome_bib.records.names import split_name


@pytest.mark.parametrize(
    ("display", "parts"),
    [
        ("Albert Q. Jiang", {"given": "Albert Q.", "family": "Jiang"}),
        ("Diego de las Casas", {"given": "Diego", "family": "de las Casas"}),
        ("Ludwig van Beethoven", {"given": "Ludwig", "family": "van Beethoven"}),
        ("Teven Le Scao", {"given": "Teven", "family": "Le Scao"}),
        ("Quoc V. Le", {"given": "Quoc V.", "family": "Le"}),
        ("Lélio Renard Lavaud", {"given": "Lélio Renard", "family": "Lavaud"}),
        ("Théophile Gervet", {"given": "Théophile", "family": "Gervet"}),
        ("Marie-Anne Lachaux", {"given": "Marie-Anne", "family": "Lachaux"}),
        ("Martin Luther King Jr.", {"given": "Martin Luther", "family": "King", "suffix": "Jr."}),
        ("Jiang, Albert Q.", {"given": "Albert Q.", "family": "Jiang"}),
        ("Hai Zhao 0001", {"given": "Hai", "family": "Zhao"}),
        ("  Elias \n  Frantar ", {"given": "Elias", "family": "Frantar"}),
        ("Sukarno", {"literal": "Sukarno"}),
        ("DeepSeek-AI", {"literal": "DeepSeek-AI"}),
        ("The Mosaic Research Team", {"literal": "The Mosaic Research Team"}),
        ("ATLAS Collaboration", {"literal": "ATLAS Collaboration"}),
    ],
)
def test_split_name(display: str, parts: dict[str, str]) -> None:
    assert split_name(display) == parts
