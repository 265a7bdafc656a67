"""Generated pages kept by content: a page is rendered again only when something it shows changed.

A record's page shows the record, the findings on it, its changes from git, the records it
links to or that link to it, the configuration (unit names, profiles) and the build date.
The cache key of the page is a hash of exactly those inputs — each record by the digest of its
whole validated content, never by a file name or a time stamp — plus the tool's fingerprint
(its own source code and the library versions, :func:`registry.cache.fingerprint`), so a page
can never be served from a cache written by other code or for other content.

The entries of one build are kept in one signed file of the registry's cache
(:class:`registry.cache.Store`, under ``.registry-cache/``); the next build reads it once and
writes it again only when a page was rendered afresh. Entries the build did not use are
dropped, so the file holds one site. ``REGISTRY_NO_CACHE=1`` turns it off.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

from pydantic import BaseModel

from registry.cache import Store, fingerprint

ENTRY = "site/pages"


def content_digest(model: BaseModel) -> str:
    """A digest of everything a validated record or configuration holds."""
    return hashlib.sha256(model.model_dump_json().encode("utf-8", "surrogatepass")).hexdigest()


class PageCache:
    """Rendered pages by the hash of their inputs, for one build.

    ``salt`` (the build date, the configuration's digest) keys every page; :meth:`sentences`
    keys only by the tool's fingerprint and its own inputs, for what depends on nothing else."""

    def __init__(self, store: Store | None, salt: Iterable[str]) -> None:
        self._store = store
        self._plain = hashlib.sha256(f"site-pages\0{fingerprint()}".encode()).digest()
        self._salt = hashlib.sha256(self._plain + "\0".join(salt).encode("utf-8", "surrogatepass")).digest()
        stored = store.read(ENTRY) if store is not None else None
        self._known: dict[str, object] = stored if isinstance(stored, dict) else {}
        self._used: dict[str, object] = {}
        self.rendered = 0  # values computed in this build (cache misses)
        self.reused = 0  # values taken from the cache

    @classmethod
    def open(cls, root: Path, salt: Iterable[str], *, use_cache: bool = True) -> PageCache:
        return cls(Store.open(root) if use_cache else None, salt)

    def page(self, path: str, inputs: Iterable[str], render: Callable[[], str]) -> str:
        """The page at ``path`` for these inputs: from the cache, or ``render()`` and kept."""
        return cast(str, self._get(_key(self._salt, path, inputs), _is_text, render))

    def files(self, path: str, inputs: Iterable[str], render: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
        """Generated files (path → bytes) for these inputs, as :meth:`page`."""
        return dict(cast(dict[str, bytes], self._get(_key(self._salt, path, inputs), _is_files, render)))

    def sentences(self, what: str, inputs: Iterable[str], compute: Callable[[], list[str]]) -> list[str]:
        """Sentences that depend on ``inputs`` alone (not on the date or the configuration)."""
        return list(cast(list[str], self._get(_key(self._plain, what, inputs), _is_sentences, compute)))

    def known(self, what: str, inputs: Iterable[str]) -> bool:
        """Whether :meth:`sentences` has these inputs stored (to fetch only what is missing)."""
        return _is_sentences(self._known.get(_key(self._plain, what, inputs)))

    def _get(self, key: str, valid: Callable[[object], bool], compute: Callable[[], object]) -> object:
        found = self._known.get(key)
        if found is None or not valid(found):
            found = compute()
            self.rendered += 1
        else:
            self.reused += 1
        self._used[key] = found
        return found

    def save(self) -> None:
        """Keep this build's values for the next build (when any was computed or dropped)."""
        if self._store is None or (self.rendered == 0 and self._used.keys() == self._known.keys()):
            return
        self._store.write(ENTRY, self._used)


def _key(salt: bytes, what: str, inputs: Iterable[str]) -> str:
    digest = hashlib.sha256(salt)
    digest.update(what.encode("utf-8", "surrogatepass") + b"\0")
    for part in inputs:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_files(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, bytes) for k, v in value.items())


def _is_sentences(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(s, str) for s in value)
