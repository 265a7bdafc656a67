""":class:`registry.stagedlayout.Paths` — the attachments of a tree or of the index kept as one
string — behaves as a set of paths in every way the listing uses it (membership, adding,
discarding, length, iteration, equality, copies, pickling), whatever was added or removed
since it was read; and a warm ``check --staged`` resolves documents as the working tree does."""
from __future__ import annotations

import pickle
import random

import pytest

from registry.stagedlayout import Listing, Paths


def test_paths_behave_as_a_set_of_paths() -> None:
    chooser = random.Random(25)
    names = [f"docs/{chooser.choice(['a', 'a/b', 'c d', '文件'])}/{n}.pdf" for n in range(40)] + \
        ["docs/x", "docs/x/y", "", "docs/a/1.pdf.bak", "docs/a/1"]
    for _trial in range(300):
        start = set(chooser.sample(names, chooser.randint(0, len(names))))
        paths, mirror = Paths(start), set(start)
        if chooser.random() < 0.5:  # (read back from the cache)
            paths = pickle.loads(pickle.dumps(paths, protocol=pickle.HIGHEST_PROTOCOL))
        copies = []
        for _step in range(chooser.randint(0, 30)):
            name = chooser.choice(names)
            action = chooser.choice(["add", "discard", "copy"])
            if action == "add":
                paths.add(name)
                mirror.add(name)
            elif action == "discard":
                paths.discard(name)
                mirror.discard(name)
            else:
                copies.append((paths.copy(), set(mirror)))
            assert (name in paths) == (name in mirror)
        assert all((name in paths) == (name in mirror) for name in [*names, "docs", "a", "docs/a/1.pd"])
        assert len(paths) == len(mirror) and sorted(paths) == sorted(mirror) and paths == mirror
        assert paths == Paths(mirror) and Paths(mirror) == paths and (paths == Paths(mirror | {"new"})) is False
        again = pickle.loads(pickle.dumps(paths, protocol=pickle.HIGHEST_PROTOCOL))
        assert again == paths and sorted(again) == sorted(mirror)
        for copy, then in copies:  # a copy keeps what it held when it was made
            assert sorted(copy) == sorted(then) and copy == then


def test_no_path_holds_a_nul_character() -> None:
    paths = Paths(["docs/a"])
    assert "docs/a\0docs/b" not in paths and "\0" not in paths and 1 not in paths
    with pytest.raises(ValueError):
        paths.add("docs/a\0b")
    with pytest.raises(ValueError):
        Paths(["docs/\0"])


def test_a_listing_of_a_tree_sorts_attachments_into_paths() -> None:
    listing = Listing.of([("docs/a.pdf", "100644", "1" * 40, 3), ("systems/czj/czj-a.yaml", "100644", "2" * 40, 9),
                          ("docs/b/c.pdf", "100755", "3" * 40, 3), ("registry.yaml", "100644", "4" * 40, 9)])
    assert isinstance(listing.attachments, Paths) and sorted(listing.attachments) == ["docs/a.pdf", "docs/b/c.pdf"]
    assert listing.entry("docs/a.pdf") == ("100644", "") and listing.entry("docs/b") is None
    listing.remove("docs/a.pdf")
    listing.put("docs/new.pdf", "100644", "5" * 40, 1)
    assert sorted(listing.attachments) == ["docs/b/c.pdf", "docs/new.pdf"] and listing.entry("docs/a.pdf") is None
