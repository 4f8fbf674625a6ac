r"""Summary tables: one ``longtable`` per section with each paper's name, venue, year and code.

Columns are ragged-right ``p`` columns whose widths add up to less than ``\linewidth``, so a table
never overflows whatever the text width, and ``longtable`` breaks it across pages.  Code links are
``\href`` links: URLs are percent-encoded, then ``#``, ``%``, ``&`` and ``~`` are escaped with a
backslash, the spelling ``\href`` reads back as the character even inside another macro's argument.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from ..latex_text import printable_latex
from ..model import CSLItem
from .latex_tree import SectionNode, SurveyOptions, label_of, paper_label

TABLE_COLUMNS = (("Paper", 0.44), ("Venue", 0.26), ("Year", 0.10), ("Code", 0.20))
# URL characters \href takes as they are: RFC 3986's unreserved and reserved ones, and "%" of an
# existing escape.  Everything else (spaces, braces, backslash, "^", non-ASCII) is percent-encoded.
_URL_SAFE = "-._~:/?#[]@!$&'()*+,;=%"
_HREF_ESCAPES = str.maketrans({"#": r"\#", "%": r"\%", "&": r"\&", "~": r"\~"})
_CODE_HOSTS = {"github.com": "GitHub", "gitlab.com": "GitLab", "huggingface.co": "HF"}


def href_url(url: str) -> str:
    r"""A URL as ``\href``'s first argument: percent-encoded, then TeX's specials escaped.

    >>> print(href_url("https://e.org/a_b c?x=1&y=~z#frag"))
    https://e.org/a_b\%20c?x=1\&y=\~z\#frag
    """
    return quote(url.strip(), safe=_URL_SAFE).translate(_HREF_ESCAPES)


def venue_of(item: CSLItem) -> str:
    """The short venue name as LaTeX: the CSL short container title, the container, else the publisher."""
    for field in ("container-title-short", "container-title", "event-title", "publisher"):
        value = item.get(field)
        if isinstance(value, str) and value.strip():
            return printable_latex(value)
    return "arXiv" if (item.get("custom") or {}).get("arxiv") else "--"


def year_of(item: CSLItem) -> str:
    parts = ((item.get("issued") or {}).get("date-parts") or [[]])[0]
    return str(parts[0]) if parts and str(parts[0]).strip().isdigit() else "n.d."


def code_links(item: CSLItem) -> str:
    r"""``\href`` links to a paper's code and models, named by their host (GitHub, HF, ...)."""
    links = []
    for url in (item.get("custom") or {}).get("code") or []:
        try:
            host = (urlsplit(url.strip()).hostname or "").removeprefix("www.")
        except ValueError:  # a malformed URL (an unclosed "[" host) still gets its link
            host = ""
        links.append(f"\\href{{{href_url(url)}}}{{{_CODE_HOSTS.get(host, 'code')}}}")
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
