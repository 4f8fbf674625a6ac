r"""Summary tables: one ``longtable`` per section with each paper's name, venue, year and code.

Columns are ragged-right ``p`` columns whose widths add up to less than ``\linewidth``, so a table
never overflows whatever the text width, and ``longtable`` breaks it across pages.  Code links are
``\href`` links: URLs are percent-encoded, then ``#``, ``%``, ``&`` and ``~`` are escaped with a
backslash, the spelling ``\href`` reads back as the character even inside another macro's argument.
"""

from __future__ import annotations

from urllib.parse import quote

from awesome_bib.export.latex_tree import SectionNode, SurveyOptions, label_of, paper_label
from awesome_bib.export.survey import TABLE_COLUMNS, code_hosts, venue_name, year_of
from awesome_bib.records.latex_text import printable_latex
from awesome_bib.records.model import CSLItem

__all__ = ["TABLE_COLUMNS", "code_links", "href_url", "summary_table", "venue_of"]
# URL characters \href takes as they are: RFC 3986's unreserved and reserved ones, and "%" of an
# existing escape.  Everything else (spaces, braces, backslash, "^", non-ASCII) is percent-encoded.
_URL_SAFE = "-._~:/?#[]@!$&'()*+,;=%"
_HREF_ESCAPES = str.maketrans({"#": r"\#", "%": r"\%", "&": r"\&", "~": r"\~"})


def href_url(url: str) -> str:
    r"""A URL as ``\href``'s first argument: percent-encoded, then TeX's specials escaped.

    >>> print(href_url("https://e.org/a_b c?x=1&y=~z#frag"))
    https://e.org/a_b\%20c?x=1\&y=\~z\#frag
    """
    return quote(url.strip(), safe=_URL_SAFE).translate(_HREF_ESCAPES)


def venue_of(item: CSLItem) -> str:
    """The short venue name as LaTeX (``--`` when nothing names one)."""
    return printable_latex(venue_name(item)) or "--"


def code_links(item: CSLItem) -> str:
    r"""``\href`` links to a paper's code and models, named by their host (GitHub, HF, ...)."""
    links = [f"\\href{{{href_url(url)}}}{{{host}}}" for url, host in code_hosts(item)]
    return ", ".join(links) or "--"


def summary_table(node: SectionNode, options: SurveyOptions) -> str:
    """A ``longtable`` of the papers listed directly under a section, captioned with its title."""
    columns = "".join(
        f">{{\\raggedright\\arraybackslash}}p{{\\dimexpr {share:.2f}\\linewidth-2\\tabcolsep\\relax}}"
        for _, share in TABLE_COLUMNS
    )
    head = " & ".join(f"\\textbf{{{name}}}" for name, _ in TABLE_COLUMNS) + r" \\"
    title = printable_latex(node.section.title)
    lines = [
        r"\begingroup\small",
        f"\\begin{{longtable}}{{@{{}}{columns}@{{}}}}",
        f"\\caption{{Papers under {title}.}}\\label{{{label_of('tab', node.section)}}} \\\\",
        r"\toprule", head, r"\midrule", r"\endfirsthead",
        f"\\caption[]{{Papers under {title} (continued).}} \\\\",
        r"\toprule", head, r"\midrule", r"\endhead",
        r"\bottomrule", r"\endlastfoot",
    ]
    for item in node.papers:
        cells = (paper_label(item, options), venue_of(item), year_of(item), code_links(item))
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\end{longtable}", r"\endgroup"]
    return "\n".join(lines) + "\n"
