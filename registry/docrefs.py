"""Document references (``documents.*``, attachments under ``docs/``): where one points.

A reference is a path relative to the registry root. Absolute paths (``/…``, ``~…``, ``C:…``)
and paths through a parent folder (``..``) point outside the registry and never resolve; the
rest are looked up part by part — in the working tree (one ``lstat`` per part, links never
followed: registry.checking) or in a revision's file list (:func:`tree_resolver`).
"""
from __future__ import annotations

from collections.abc import Callable, Collection


def split_reference(ref: str) -> str | list[str]:
    """``"absolute"`` or ``"parent"`` for a reference outside the registry, else the parts of
    its path (``\\`` read as ``/``; empty and ``.`` parts left to the caller, who skips them)."""
    if ref.startswith(("/", "~")) or (len(ref) > 1 and ref[1] == ":"):
        return "absolute"
    parts = ref.replace("\\", "/").split("/")
    if ".." in parts:
        return "parent"
    return parts


def tree_resolver(files: Collection[str]) -> Callable[[str], str | None]:
    """``Context.document_status`` for a revision known by its file list: the working tree's
    verdicts, except that symbolic links cannot be told apart in a file list."""

    def status(ref: str) -> str | None:
        found = split_reference(ref)
        if isinstance(found, str):
            return found
        return None if "/".join(p for p in found if p not in ("", ".")) in files else "missing"

    return status
