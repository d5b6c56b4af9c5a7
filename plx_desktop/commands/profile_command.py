"""`plx-desktop profile export|import FILE`: the Custom profile as a JSON file (never secrets)."""

from __future__ import annotations

import sys
from pathlib import Path

from plx_desktop.domain import InvalidProfileFile, ProfileKind, profile_from_json, profile_to_json
from plx_desktop.paths import database_path
from plx_desktop.store import open_store


def export(data_dir: Path, file: Path, kind: str) -> int:
    with open_store(database_path(data_dir)) as store:
        text = profile_to_json(store.profiles.load(kind))
    if str(file) == "-":
        sys.stdout.write(text + "\n")
    else:
        file.write_text(text + "\n", encoding="utf-8")
        print(f"Exported the {ProfileKind(kind).label} to {file}")
    return 0


def import_(data_dir: Path, file: Path) -> int:
    """Validate the whole file first; the stored Custom profile changes only if all of it is good."""
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"plx-desktop: cannot read {file}: {exc}", file=sys.stderr)
        return 2
    try:
        profile = profile_from_json(text)
    except InvalidProfileFile as exc:
        print(f"plx-desktop: {file} is not a valid profile; nothing was changed:", file=sys.stderr)
        for problem in getattr(exc, "problems", None) or [str(exc)]:
            print(f"  {problem}", file=sys.stderr)
        return 2
    with open_store(database_path(data_dir)) as store:
        store.profiles.save(profile)
    print(f"Imported {len(profile.steps)} steps into the Custom profile")
    return 0
