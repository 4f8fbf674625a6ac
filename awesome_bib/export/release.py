"""Release files of a list: per section every bibliography format and a formatted list, an index, a
manifest and one zip archive, all reproducible byte for byte.

Layout of ``--out`` (paths follow the section paths)::

    all.bib  all.biblatex.bib  all.json  all.ris  all.yml  all.md
    survey.bib  survey.biblatex.bib  survey.json  survey.ris  survey.yml  survey.md
    model-level-optimizations.bib …
    model-level-optimizations/model-compression/quantization.bib …

(``.bib`` BibTeX, ``.biblatex.bib`` biblatex, ``.json`` CSL-JSON, ``.ris`` RIS, ``.yml`` Hayagriva,
``.md`` the formatted reference list.)
    README.md        an index of sections with counts and links
    index.html       with ``--site``: the browsable page that links these files
    manifest.json    sha256, size and paper count of every file; the list's version
    <list>.zip       everything above, for the release page

Files a previous release wrote (as its manifest says) and this one does not are removed; nothing
else in the folder is touched, and nothing outside it: the manifest is untrusted input (it may be
committed to a repository whose CI runs ``release``), so its paths and any symlinks are checked first.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from awesome_bib import __version__
from awesome_bib.atomic import write_atomic
from awesome_bib.errors import AwesomeBibError
from awesome_bib.export import render
from awesome_bib.export.styles import style_failure
from awesome_bib.library import Library
from awesome_bib.lists.document import slugify
from awesome_bib.records.model import Record

MANIFEST = "manifest.json"
INDEX = "README.md"
# Each data file of a part: its name's ending, the export format, the index's column.
DATA_FILES = (
    ("bib", "bibtex", "BibTeX"),
    ("biblatex.bib", "biblatex", "biblatex"),
    ("json", "csljson", "CSL-JSON"),
    ("ris", "ris", "RIS"),
    ("yml", "hayagriva", "Hayagriva"),
)
ENDINGS = (*(ending for ending, _, _ in DATA_FILES), "md")
PAGE = "index.html"
# A fixed timestamp (the earliest a zip can hold) keeps the archive's bytes the same across runs.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Part:
    """One group of papers released together: a section with its subsections, or the whole list."""

    stem: str
    title: str
    level: int
    records: list[Record]
    path: str | None = None  # the section's path; None for the whole list


# Names the release itself uses: a top-level section with one of them gets "-section" added.
RESERVED_STEMS = frozenset({"all", "manifest", "readme"})


def parts_of(library: Library) -> list[Part]:
    """``all`` and every section with papers (parents included), in list order."""
    parts = [Part("all", "All papers", 1, library.records_in(None))]
    for section in library.sections:
        records = library.records_in(library.select([section.path]))
        if records:
            top, _, below = section.path.partition("/")
            if top in RESERVED_STEMS:
                top += "-section"
            stem = f"{top}/{below}" if below else top
            parts.append(Part(stem, section.title, section.level, records, section.path))
    return parts


def _reference_page(part: Part, list_title: str, style: str) -> str:
    rendered = render([r.csl for r in part.records], "markdown", style=style)
    if rendered.problems:
        raise style_failure(style, *rendered.problems[0])
    count = len(part.records)
    return (f"# {part.title}\n\n{count} paper{'s' * (count != 1)} from *{list_title}*.\n\n"
            + rendered.text)


def _index(parts: list[Part], list_title: str, version: str, archive: str, page: bool) -> str:
    lines = [
        f"# {list_title}: bibliography",
        "",
        f"Release `{version}`, made by awesome-bib {__version__}. Every section of the list with its papers "
        "(subsections included) as BibTeX, biblatex, CSL-JSON, RIS (Zotero, EndNote, Mendeley), Hayagriva "
        "(Typst) and a formatted reference list.",
        "",
        f"Everything in one file: [{archive}]({archive})",
        "",
        *([f"Browse, search and copy citations: [{PAGE}]({PAGE})", ""] if page else []),
        "| Section | Papers | " + " | ".join(column for _, _, column in DATA_FILES) + " | References |",
        "|---|---:|" + "---|" * len(ENDINGS),
    ]
    for part in parts:
        indent = "&emsp;" * max(part.level - 2, 0)
        name = f"**{part.title}**" if part.stem == "all" else f"{indent}{_cell(part.title)}"
        name_of = part.stem.rsplit("/", 1)[-1]
        links = " | ".join(f"[{name_of}.{ext}]({part.stem}.{ext})" for ext in ENDINGS)
        lines.append(f"| {name} | {len(part.records)} | {links} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


@dataclass(frozen=True)
class SiteOptions:
    """The page of ``--site``; ``title`` defaults to the list's title."""

    title: str | None = None


def release_files(library: Library, style: str, version: str | None = None,
                  site: SiteOptions | None = None) -> dict[str, bytes]:
    """Every file of the release by relative path, the archive last; pure given the library.

    ``version`` names the list's version (a tag); by default a fingerprint of the list's text.
    With ``site``, the release has its browsable page too (:data:`PAGE`)."""
    list_digest = hashlib.sha256(library.awesome.path.read_bytes()).hexdigest()
    version = version or f"sha256:{list_digest[:12]}"
    list_title = library.awesome.title or library.awesome.path.stem
    archive = f"{slugify(list_title)}.zip"
    parts = parts_of(library)
    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for part in parts:
        items = [r.csl for r in part.records]
        for ending, fmt, _ in DATA_FILES:
            files[f"{part.stem}.{ending}"] = render(items, fmt).text.encode()
        files[f"{part.stem}.md"] = _reference_page(part, list_title, style).encode()
        for ext in ENDINGS:
            counts[f"{part.stem}.{ext}"] = len(part.records)
    if site is not None:
        files[PAGE] = site_page(library, parts, style, site.title or list_title, archive, version).encode()
    files[INDEX] = _index(parts, list_title, version, archive, site is not None).encode()
    manifest = {
        "generator": f"awesome-bib {__version__}",
        "list": {
            "file": library.awesome.path.name,
            "title": list_title,
            "version": version,
            "sha256": list_digest,
            "papers": len(library.records),
        },
        "style": style,
        "archive": archive,
        "sections": [{"path": p.stem, "title": p.title, "papers": len(p.records)} for p in parts],
        "files": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                   **({"papers": counts[name]} if name in counts else {})}
            for name, data in sorted(files.items())
        },
    }
    files[MANIFEST] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    files[archive] = _zip(files)
    return files


def site_page(library: Library, parts: list[Part], style: str, title: str, archive: str, version: str) -> str:
    """The page of the release: every section with papers, linking its files."""
    from awesome_bib.export.site import Page, PageSection, site_html

    listed = library.papers_by_section(library.sections)
    sections = [
        PageSection(part.path, part.title, part.stem, tuple(r.key for r in listed.get(part.path, [])),
                    tuple(r.key for r in part.records))
        for part in parts if part.path is not None
    ]
    page = Page(title, [r.csl for r in library.records], sections, style, archive=archive, version=version)
    return site_html(page)


def _zip(files: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on the files: sorted members, fixed times and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permission bits below mean what they say
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def write_release(out: Path, files: dict[str, bytes], protect: Path | None = None) -> list[str]:
    """Write the files (each atomically), remove what the previous release wrote and this one
    does not; returns the removed paths.

    Everything is checked before anything is written or removed: a file that is already there and
    that no earlier release wrote (the list itself, say, with ``--out .``) is never overwritten, a
    path that a symlink takes outside ``out`` is never written or removed, and a manifest that is not
    one this command wrote is an error rather than a list of files to delete."""
    previous = _previous_files(out)
    stale = sorted(previous - set(files))
    for name in sorted({*files, *stale}):
        _inside(out, name)
    for name in sorted(files):
        target = out / name
        mine = name in previous and not (protect is not None and target.resolve() == protect.resolve())
        if target.exists() and not mine:
            raise AwesomeBibError(
                f"{target}: exists and was not written by an earlier release; choose another --out "
                "(an empty folder such as exports/) or move that file"
            )
    if protect is not None:
        stale = [name for name in stale if (out / name).resolve() != protect.resolve()]
    for name in stale:
        if (out / name).is_dir():
            raise _bad_manifest(out, f"{name!r} is a folder")
    for name, data in files.items():
        try:
            write_atomic(out / name, data)
        except OSError as error:
            raise AwesomeBibError(f"{out / name}: cannot write: {error.strerror or error}") from None
    for name in stale:
        try:
            (out / name).unlink(missing_ok=True)
            _remove_empty_parents(out / name, out)
        except OSError as error:
            raise AwesomeBibError(f"{out / name}: cannot remove: {error.strerror or error}") from None
    return stale


def _inside(out: Path, name: str) -> None:
    """Refuse ``out/name`` when a symlink on the way takes it outside ``out``."""
    root = out.resolve()
    target = (out / name).resolve()
    if target != root and root not in target.parents:
        raise AwesomeBibError(
            f"{out / name}: a symlink leads outside {out} (to {target}); release writes and removes "
            "only inside --out: remove the symlink or choose another --out"
        )


def _previous_files(out: Path) -> set[str]:
    """The files the previous release wrote, as its manifest says (none without a manifest)."""
    path = out / MANIFEST
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return set()
    except (OSError, UnicodeDecodeError) as error:
        raise AwesomeBibError(f"{path}: cannot read the previous release's manifest: {error}") from None
    try:
        manifest = json.loads(text)
    except ValueError as error:
        raise _bad_manifest(out, f"not JSON: {error}") from None
    if not isinstance(manifest, dict):
        raise _bad_manifest(out, "not a JSON object")
    listed = manifest.get("files", {})
    if not isinstance(listed, dict):
        raise _bad_manifest(out, "'files' is not an object")
    names = set(listed) | {MANIFEST}
    if "archive" in manifest:
        if not isinstance(manifest["archive"], str):
            raise _bad_manifest(out, "'archive' is not a string")
        names.add(manifest["archive"])
    for name in sorted(names):
        if not _plain_relative(name):
            raise _bad_manifest(out, f"{name!r} is not a plain path inside the folder")
    return names


def _plain_relative(name: str) -> bool:
    """A path as release writes them: relative, ``/``-separated, no ``.``, ``..`` or empty parts."""
    parts = name.split("/")
    return bool(name) and "\\" not in name and "\0" not in name and all(
        part not in ("", ".", "..") for part in parts)


def _bad_manifest(out: Path, detail: str) -> AwesomeBibError:
    return AwesomeBibError(
        f"{out / MANIFEST}: not a manifest release can trust ({detail}); nothing was written or removed: "
        "restore it from the previous release, or delete it and remove stale files by hand"
    )


def _remove_empty_parents(path: Path, root: Path) -> None:
    folder = path.parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
