"""Rebuild the embedded list's shipped lockfile and the repository's ``exports/`` from the sourced
metadata in ``awesome_bib/data/sources/``, offline and reproducibly.

    python tools/rebuild_embedded.py            # rewrite awesome_bib/data/*.lock.json and exports/
    python tools/rebuild_embedded.py --check    # exit 1 when the lockfile is stale (a test runs it)

The lockfile is made from nothing but the list and the sources file: ``resolve --offline --from``
on a fresh copy of the list, so no earlier lockfile or network answer can leak into it.  Papers the
sources file has no entry for stay as the list gives them (``not looked up (offline)``).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "awesome_bib" / "data"
LIST = DATA / "awesome-moe-inference.md"
LOCKFILE = DATA / "awesome-moe-inference.lock.json"
SOURCES = DATA / "sources" / "awesome-moe-inference.bib"
EXPORTS = ROOT / "exports"


def awesome_bib(*args: str | Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> None:
    command = [sys.executable, "-m", "awesome_bib", *map(str, args)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(command[2:])} failed ({result.returncode}):\n{result.stderr}")


def isolated_env(work: Path) -> dict[str, str]:
    """No user lockfile, config or cache of the embedded list is read: only the shipped files."""
    return {**os.environ, **{name: str(work / name.lower())
                             for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}}


def rebuild_lockfile(target: Path) -> None:
    """Write the lockfile the sources file gives the embedded list to ``target``."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        listing = work / "list" / LIST.name
        (listing.parent / "sources").mkdir(parents=True)
        shutil.copy(LIST, listing)
        shutil.copy(SOURCES, listing.parent / "sources" / SOURCES.name)
        awesome_bib("resolve", "--list", listing, "--offline", "--from", listing.parent / "sources" / SOURCES.name,
                    env=isolated_env(work), ok=(0, 1))  # 1: papers no source has stay as the list gives them
        shutil.copy(listing.with_name(LOCKFILE.name), target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether the shipped lockfile is stale")
    if not parser.parse_args().check:
        rebuild_lockfile(LOCKFILE)
        with tempfile.TemporaryDirectory() as scratch:
            awesome_bib("release", "--out", EXPORTS, env=isolated_env(Path(scratch)))
        print(f"rebuilt {LOCKFILE.relative_to(ROOT)} and {EXPORTS.relative_to(ROOT)}/")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / LOCKFILE.name
        rebuild_lockfile(fresh)
        if not filecmp.cmp(LOCKFILE, fresh, shallow=False):
            print(f"stale: {LOCKFILE.relative_to(ROOT)}; run `python tools/rebuild_embedded.py`")
            return 1
    print("the shipped lockfile is what the sources file gives (exports/ is checked by the tests)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
