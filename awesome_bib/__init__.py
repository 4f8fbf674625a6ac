"""awesome-bib: citations for a curated awesome list of papers."""

__version__ = "0.1.0"
