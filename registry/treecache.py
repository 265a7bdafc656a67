"""The working tree's folders as the last scan listed them, reused while their ``lstat`` holds.

A scan that does not ``lstat`` the record files (git's index vouches for their content, see
:mod:`registry.gitscan`) still lists some 5,000 folders (units, attachments). Adding, removing,
renaming or replacing an entry changes its folder's modification and change times, so a folder
whose ``lstat`` is unchanged holds the same entries as when it was listed, of the same kinds.
:func:`reuse` takes one ``lstat`` per folder (in C, no Python per folder) and lists again only
the folders that changed; a folder listed within the second of the file system's clock at the
start of the scan is never trusted (it could change again within the same clock tick: the
stat index's racily-clean rule), and a folder whose sub-folders changed, a folder gone, or a
top-level folder appearing or disappearing means a whole scan (:func:`registry.layout.scan_tree`,
still reusing the unchanged folders' listings).
"""
from __future__ import annotations

import os
import stat
from itertools import chain, compress
from operator import attrgetter, itemgetter, ne
from pathlib import Path

from registry import plainclass
from registry.findings import Unreadable
from registry.layout import (ATTACHMENT_DIRS, RECORD_DIRS, Listing, Stat, TreeScan, lookalike_folders, kind_of,
                             listing_of)

_KEY = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_dev", "st_mode")  # layout.stat_key, in C
_NEVER: Stat = (-1, -1, -1, -1, -1, -1)  # the key of a folder listed racily clean: listed again next time
_NS = 1_000_000_000
_RELIST_LIMIT = 32  # more changed folders: a whole scan


@plainclass.dataclass
class TreeSnapshot:
    """A complete ``scan_tree(stats=False)``: every folder it listed with its ``lstat`` and listing."""

    tops: list[str]  # the look-alike top-level folders
    absent: list[str]  # the record and attachment folders that did not exist
    folders: list[str]
    keys: list[Stat]
    listings: dict[str, Listing]
    record_folders: list[str]  # the folders of systems/ and projects/
    attachment_folders: list[str]  # the others
    records: list[str] = plainclass.field(default_factory=list)  # the scan's, from the listings
    attachments: list[str] = plainclass.field(default_factory=list)
    problems: list[Unreadable] = plainclass.field(default_factory=list)


def snapshot_of(root: Path, found: TreeScan, clock_ns: int) -> TreeSnapshot | None:
    """What :func:`reuse` needs of ``found``; None for a scan that is not complete."""
    if found.want_stats or not found.complete or found.folders.keys() != found.listings.keys():
        return None
    absent = [top for top in (*RECORD_DIRS, *ATTACHMENT_DIRS) if top not in found.folders]
    if any(os.path.lexists(os.path.join(root, top)) for top in absent):
        return None
    since = clock_ns // _NS
    folders = list(found.folders)
    keys, listings = [], {}
    for folder in folders:
        key, listing = found.folders[folder], found.listings[folder]
        if max(key[1], key[2]) // _NS >= since:  # racily clean: never reused
            key, listing = _NEVER, (_NEVER, *listing[1:])
        keys.append(key)
        listings[folder] = listing
    record_folders = [f for f in folders if f.split("/", 1)[0] in RECORD_DIRS]
    attachment_folders = [f for f in folders if f.split("/", 1)[0] not in RECORD_DIRS]
    snapshot = TreeSnapshot(found.tops, absent, folders, keys, listings, record_folders, attachment_folders)
    _total(snapshot)
    return snapshot


def reuse(root: Path, snapshot: TreeSnapshot, clock_ns: int) -> tuple[TreeScan, bool] | None:
    """The scan ``snapshot`` holds, brought up to date: (the scan, whether ``snapshot`` was
    updated), or None when a whole scan is needed."""
    prefix = os.path.join(os.fspath(root), "")
    if lookalike_folders(root) != snapshot.tops or any(os.path.lexists(prefix + top) for top in snapshot.absent):
        return None
    try:
        keys = list(map(_KEY, map(os.lstat, map(prefix.__add__, snapshot.folders))))
    except (OSError, ValueError):  # a folder gone
        return None
    changed = list(compress(range(len(keys)), map(ne, keys, snapshot.keys)))
    if len(changed) > _RELIST_LIMIT:
        return None
    since = clock_ns // _NS
    for i in changed:
        folder, key = snapshot.folders[i], keys[i]
        if not stat.S_ISDIR(key[5]):
            return None
        try:
            with os.scandir(prefix + folder) as scanner:
                entries = list(scanner)
        except OSError:
            return None
        records, stray = kind_of(folder)
        listing = listing_of(folder, key, entries, records=records, stray=stray)
        if listing[1] != snapshot.listings[folder][1]:  # sub-folders added or removed
            return None
        if max(key[1], key[2]) // _NS >= since:
            key, listing = _NEVER, (_NEVER, *listing[1:])
        snapshot.keys[i], snapshot.listings[folder] = key, listing
    if changed:
        _total(snapshot)
    found = TreeScan(list(snapshot.records), list(snapshot.problems), attachments=set(snapshot.attachments),
                     want_stats=False, tops=snapshot.tops)
    found.folders = dict(zip(snapshot.folders, snapshot.keys))
    found.listings = snapshot.listings
    return found, bool(changed)


def _total(snapshot: TreeSnapshot) -> None:
    """The whole scan's records, attachments and problems, from the folders' listings."""
    listings = snapshot.listings
    snapshot.records = sorted(chain.from_iterable(map(itemgetter(2), map(listings.__getitem__, snapshot.record_folders))))
    snapshot.attachments = sorted(chain.from_iterable(map(itemgetter(2), map(listings.__getitem__,
                                                                              snapshot.attachment_folders))))
    snapshot.problems = sorted(chain.from_iterable(map(itemgetter(3), listings.values())), key=attrgetter("path"))
