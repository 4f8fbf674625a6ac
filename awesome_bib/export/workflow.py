"""`awesome-bib init-ci`: a ready GitHub Actions workflow for a list's repository.

On a pull request it runs ``awesome-bib check --format github`` (annotations on the list's lines);
on a pushed ``v*`` tag it resolves the list, builds the release files and the page and attaches
``exports/*.zip`` and ``exports/*.bib`` to the tag's GitHub release with the ``gh`` CLI that the
runners ship, using the job's own token (no third-party action); a last job publishes the page
with GitHub's own Pages actions, and only that job may write to Pages.

>>> text = workflow_text("docs/list.md", python="3.11")
>>> 'AWESOME_BIB_LIST: "docs/list.md"' in text and 'PYTHON_VERSION: "3.11"' in text
True
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path, PurePosixPath

from awesome_bib import __version__
from awesome_bib.atomic import write_atomic
from awesome_bib.errors import AwesomeBibError

DEFAULT_OUT = Path(".github/workflows/awesome-bib.yml")
DEFAULT_PYTHON = "3.12"
# The version that wrote the workflow: its commands are the ones the workflow calls.
DEFAULT_INSTALL = f"awesome-bib=={__version__}"
_PYTHON_VERSION = re.compile(r"3\.\d{1,2}")


def _yaml_string(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def workflow_text(list_path: str = "README.md", *, python: str = DEFAULT_PYTHON,
                  install: str = DEFAULT_INSTALL) -> str:
    """The workflow for a list at ``list_path`` (relative to the repository root)."""
    path = PurePosixPath(list_path)
    if not list_path.strip() or path.is_absolute() or ".." in path.parts or "\n" in list_path:
        raise AwesomeBibError(
            f"--list {list_path!r}: give the list's path relative to the repository root, e.g. README.md"
        )
    if not _PYTHON_VERSION.fullmatch(python):
        raise AwesomeBibError(f"--python {python!r}: give a Python 3 version such as {DEFAULT_PYTHON}")
    if not install.strip() or "\n" in install:
        raise AwesomeBibError(f"--install {install!r}: give one pip requirement, e.g. {DEFAULT_INSTALL}")
    template = resources.files("awesome_bib").joinpath("data/workflow.template.yml").read_text("utf-8")
    values = {
        "__VERSION__": __version__,
        "__LIST__": _yaml_string(str(path)),
        "__PYTHON__": _yaml_string(python),
        "__INSTALL__": _yaml_string(install.strip()),
    }
    for placeholder, value in values.items():
        template = template.replace(placeholder, value)
    return template


def write_workflow(out: Path, text: str, *, force: bool = False) -> None:
    """Write the workflow to ``out`` (folders created); an existing file only with ``force``."""
    if out.is_dir():
        raise AwesomeBibError(f"{out}: is a directory; give the workflow file's path, e.g. {DEFAULT_OUT}")
    if out.exists() and not force:
        raise AwesomeBibError(f"{out}: already exists; pass --force to overwrite it")
    try:
        write_atomic(out, text)
    except OSError as error:
        raise AwesomeBibError(f"{out}: cannot write: {error.strerror or error}") from None
