"""What a link points at, as far as its URL alone tells: the identifiers every later stage names a paper by."""

from __future__ import annotations

from dataclasses import dataclass, field

# Which identifier names a paper when a link carries several: the most specific and resolvable first.
IDENTITY_ORDER = (
    "arxiv", "doi", "acl", "openreview", "pmlr", "neurips", "mlsys", "usenix", "ieee", "cvf", "isca",
)


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """What a URL points at, as far as the URL alone tells.

    ``role`` is ``paper`` (a publication page or PDF), ``code`` (a repository), ``model`` or ``dataset``
    (a model hub page) or ``web`` (blogs, home pages, anything else).  ``ids`` maps identifier kinds
    (``arxiv``, ``doi``, ``acl``, ``openreview``, ``pmlr``, ``neurips``, ``mlsys``, ``usenix``, ``ieee``,
    ``cvf``, ``isca``) to normalised values.
    """

    url: str
    role: str
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def identity(self) -> str | None:
        """``kind:value`` of the strongest identifier, e.g. ``arxiv:2401.04088``; None for a bare URL."""
        for kind in IDENTITY_ORDER:
            if kind in self.ids:
                return f"{kind}:{self.ids[kind]}"
        return None
