"""How a document path resolves in git's index (``check --staged``), as
:func:`registry.warm.document_resolver` resolves it in the working tree: None for a regular
file reached without a link, else why not ("symlink", "missing", "too_long" …)."""
from __future__ import annotations

import functools
import os
from collections.abc import Callable

from registry.docrefs import split_reference
from registry.stagedlayout import LINK_MODE, REGULAR_MODES, Listing

_NAME_MAX = 255  # bytes in one name: more, and the working tree's lstat fails with ENAMETOOLONG


def resolver(listing: Listing) -> Callable[[str], str | None]:
    folders = functools.cache(lambda: _folders(listing))

    def status(ref: str) -> str | None:
        if ref in listing.attachments:
            return None
        parts = split_reference(ref)  # "absolute" / "parent": outside the registry
        return parts if isinstance(parts, str) else _status(listing, parts, folders)

    return status


def _folders(listing: Listing) -> set[str]:
    """Every folder the index's paths pass through (built only for a reference that names
    neither a file nor a link of the index)."""
    folders: set[str] = set()
    for path in (*listing.records, *listing.attachments, *listing.others):
        parts = path.split("/")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return folders


def _status(listing: Listing, parts: list[str], folders: Callable[[], set[str]]) -> str | None:
    path, mode = "", ""
    for part in parts:
        if part in ("", "."):
            continue
        if len(os.fsencode(part)) > _NAME_MAX:
            return "too_long"
        path = f"{path}/{part}" if path else part
        entry = listing.entry(path)
        if entry is not None:
            mode = entry[0]
            if mode == LINK_MODE:
                return "symlink"
            continue
        if path not in folders():
            return "missing"
        mode = "folder"
    return None if mode in REGULAR_MODES else "missing"
