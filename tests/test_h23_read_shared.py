"""registry.fastyaml.read_shared: the data read_simple reads, entry by entry from remembered
top-level entries — the same data or the same "not sure", on every YAML file the project
ships, the synthetic registry, odd texts, generated and mutated ones, and on many versions of
one record read one after another (the history's case: most entries remembered)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.fastyaml import read_shared, read_simple
from test_fastpositions import MORE, mapping
from test_fastyaml import ODD, RECORD_TEXTS, ROOT, SOME, mutations, same, shipped_yaml


def agrees(text: str) -> bool:
    """True when both read the text (the same data), False when neither does."""
    expected = read_simple(text)
    for _ in range(2):  # read afresh, then from the remembered entries
        found = read_shared(text)
        assert (found is None) == (expected is None), text
        assert expected is None or (same(found, expected) and list(found) == list(expected)), text
    return expected is not None


def test_every_yaml_file_the_project_ships() -> None:
    texts = [p.read_bytes().decode("utf-8", "replace") for p in shipped_yaml()]
    assert sum(agrees(t) for t in texts) > 30  # (the records among them; workflows and the like are left to the parser)


def test_versions_of_records_in_a_history(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    written = synth.generate(tmp_path / "r", systems=30, projects=60, units=6)
    texts = [(written.root / p).read_text(encoding="utf-8") for p in written.systems + written.projects]
    edits = [lambda t: t.replace("milestones:", "milestones:\n  # 注释", 1), lambda t: t + "extra: 1\n",
             lambda t: t + "id: again\n", lambda t: t.replace("\n", "\n ", 1), lambda t: "# 头\n" + t,
             lambda t: t.replace("name:", "name :", 1), lambda t: t + "-x\n", lambda t: t + "- x\n",
             lambda t: t.replace(": ", ":\t", 1), lambda t: "\n\n" + t + "\n\n#\n"]
    for text in texts:
        assert agrees(text)
        for edit in edits:
            agrees(edit(text))


@pytest.mark.parametrize("text", ODD + MORE + ["", "\n", "# only\n", "a: 1\n# x\nb:\n- 1\n- 2\nc: 3\n",
                                                "a:\n- 1\n-x\n", "a: 1\na: 2\n", "null: 1\n", "  a: 1\nb: 2\n",
                                                "- a\nb: 1\n", "a:\n  b: 1\n c: 2\n", "a: 1\n-\n"])
def test_odd_texts(text: str) -> None:
    agrees(text)


@SOME
@given(RECORD_TEXTS)
def test_record_like_texts(raw: bytes) -> None:
    agrees(raw.decode("utf-8", "replace"))


@SOME
@given(mutations([" ", "  ", "-", "- ", ":", ": ", "#", " #", '"', "[", "]", "{", "}", ",", ", ", "\n", "\n  ",
                  "\n- ", "\n\n", "x: 1\n", "  - y\n", "中", "a,b", " ,", "\nid: 2\n", "\n-", "\n#"]))
def test_mutated_records(raw: bytes) -> None:
    agrees(raw.decode("utf-8", "replace"))


@SOME
@given(st.lists(mapping(0, 0), min_size=2, max_size=4))
def test_generated_texts_one_after_another(texts: list[list[str]]) -> None:
    for lines in texts:
        agrees("\n".join(lines) + "\n")


def test_a_remembered_canonical_milestone_is_the_canonical_text() -> None:
    """Milestones compare by their canonical text; remembered texts never stand for a value
    that is equal in Python but written otherwise (True and 1, 0.0 and -0.0, a date and its text)."""
    import datetime as dt

    from registry.blobfields import _canonical_milestone, canonical

    values = [{"date": dt.date(2025, 1, 2)}, {"date": "2025-01-02"}, {"a": 1}, {"a": True}, {True: 1}, {1: 1},
              {"a": 0.0}, {"a": -0.0}, {"a": None}, {"a": [1, 2]}, {"a": {"b": 1}}, {"b": 1, "a": 2}, {"a": 2, "b": 1},
              {"a": dt.datetime(2025, 1, 2, 3, 4)}, {"a": "x"}, {}]
    for _ in range(2):
        for value in values:
            assert _canonical_milestone(value) == canonical(value)
