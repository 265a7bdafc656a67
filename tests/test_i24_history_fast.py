"""The history's other shortcuts answer what the slow ways answer.

* :func:`registry.fastyaml.read_pieces` reads a ``key:`` entry holding a block mapping entry by
  entry, each remembered by its text (``_nested_entry``): the same data and the same "not sure"
  as :func:`registry.fastyaml.read_simple` on texts whose nested mappings are odd in every way
  (indents, comments, lists at the key's indent, duplicates, less indented lines …), read
  afresh and again from remembered entries;
* :func:`registry.blobfields.project_fields` (milestones remembered by the piece of text they
  were read from) = the same function on the full parser's data, on project versions read one
  after another;
* ``inventory --format json`` of a history, written point by point with each distinct count
  written once, is ``json.dumps(indent=2, ensure_ascii=False)`` of the same payload.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.blobfields import project_fields
from registry.commands.inventory import Inventory, render_json
from registry.fastyaml import read_pieces, read_simple
from registry.inventory import InventoryPoint
from test_fastyaml import SOME, mutations, same
from test_i24_field_checks import synthetic_texts

NESTED = [
    "a:\n  b: 1\n  c: 2\n", "a:\n  b: 1\n  b: 2\n", "a:\n  b: 1\n c: 2\n", "a:\n  b: 1\n   c: 2\n",
    "a:\n   b: 1\n   c:\n     d: 2\n   e: [1, 2]\n", "a:\n  b:\n  - 1\n  - 2\n  c: 3\n", "a:\n  b: 1\n  - 2\n",
    "a:\n  # c\n  b: 1\n", "a:\n  b: 1\n  # c\n  c: 2\n", "a:\n  b: 1\n# c\n  c: 2\n", "a:\n  b: 1\n\n  c: 2\n",
    "a:\n  b: 1 # c\n  c: 2\n", "a:\n  b: x  \n  c: 2\n", "a: \n  b: 1\n", "a: # c\n  b: 1\n",
    "null:\n  b: 1\n", "a:\n  null: 1\n", "a:\n  true: 1\n", "a:\n  b: &x 1\n  c: *x\n", "a:\n  b: |\n    x\n",
    "a:\n  b: 1\na:\n  b: 1\n", "a:\n  b: 1\nb:\n  b: 1\n", "a:\n  b:\n    c:\n      d: 1\n  e: 2\n",
    "a:\n  b: {c: 1, d: [2, 3]}\n  e: \"x\"\n", "a:\n  b: 1\n\tc: 2\n", "a:\n  b: 1\r\n  c: 2\n",
    "a:\n  -b: 1\n", "a:\n  b: 1\n  -\n", "a:\n  b:\n  c: 1\n", "a:\n  b:\n    - x\n    - y\n  c: 1\n",
    "a:\n  b: 1\n  c:\n  - 1\n  -x\n", "a:\n    b: 1\n  c: 2\n", "a:\n  b: 1\n    c: 2\n",
    "a:\n  b: 2025-01-02\n  c: 2025-02-30\n  d: 0x1F\n  e: .inf\n", "a:\n  b: x:y\n  c: 'q'\n",
    "a:\n  " + "b" * 130 + ": 1\n", "a:\n  b:\n" + "".join(f"{'  ' * n}c{n}:\n" for n in range(2, 20)),
]


def agrees(text: str) -> None:
    expected = read_simple(text)
    for _ in range(2):  # afresh, then from remembered entries
        found = read_pieces(text)
        assert (found is None) == (expected is None), text
        assert found is None or expected is None or (same(found[0], expected) and len(found[1]) == len(found[0])), text


@pytest.mark.parametrize("text", NESTED)
def test_odd_nested_mappings(text: str) -> None:
    agrees(text)
    agrees("id: x\n" + text + "z: 1\n")


@SOME
@given(st.lists(st.sampled_from(["  b: 1", "  c: [1, 2]", "  d:", "    e: 2", "    - f", "  - g", "  # h", "",
                                 "   i: 3", " j: 4", "  b: 5", "  k: {l: 2025-01-01}", "k:", "m: 1", "  n: x #y"]),
                min_size=1, max_size=10))
def test_generated_nested_mappings(lines: list[str]) -> None:
    agrees("a:\n" + "\n".join(lines) + "\n")
    agrees("top: 1\nmilestones:\n" + "\n".join(lines) + "\nafter: 2\n")


@SOME
@given(mutations(["  ", "   ", "\n  ", "\n   ", "\n    ", "\n  - ", "\n  # c", ":\n  x: 1", "\n  x: 1", "\n  id: 2",
                  "milestones:\n  approved: 2025-01-01\n", " #", "-", ": ", "{", "[", "中"]))
def test_mutated_records_with_nested_mappings(raw: bytes) -> None:
    agrees(raw.decode("utf-8", "replace"))


PROJECT_EDITS = [
    lambda t: t.replace("milestones:\n", "milestones:\n  approved: {date: 2026-01-02, doc_no: 金〔2026〕1号}\n", 1),
    lambda t: t.replace("milestones:\n", "milestones:\n  approved: 2026-01-02\n", 1),
    lambda t: t.replace("milestones:\n", "milestones:\n  approved:\n", 1),
    lambda t: t.replace("milestones:\n", "milestones:\n  approved: ~\n  bogus: 1\n", 1),
    lambda t: t.replace("milestones:\n", "milestones:\n  approved: {date: 2026-01-02, n: 1.0}\n", 1),
    lambda t: t.replace("milestones:\n", "milestones:\n  approved: {date: 2026-01-02, n: true}\n", 1),
    lambda t: t.replace("milestones:\n", "milestones:\n  approved: {date: 2026-01-02, n: 1}\n", 1),
    lambda t: t.replace("milestones:\n", "milestones:\n  approved: [2026-01-02]\n", 1),
    lambda t: t.replace("milestones:\n", "milestones: []\nold_milestones:\n", 1),
    lambda t: t.replace("milestones:\n", "milestones: 1\nold_milestones:\n", 1),
    lambda t: t.replace("milestones:\n", "milestones:\n  # 注释\n", 1),
    lambda t: t.replace("\nid: ", "\nid: 12", 1),
    lambda t: t.replace("\nid: ", "\nid: ''\nold_id: ", 1),
    lambda t: t.replace("\nid: ", "\nid: [x]\nold_id: ", 1),
    lambda t: t + "milestones:\n  approved: 2026-01-02\n",
    lambda t: t.replace("  declared: ", "  declared: &a ", 1),
    lambda t: t.replace("  declared: ", "   declared: ", 1),
    lambda t: t.replace("budget:\n", "budget:\n  total_wan: 1\n", 1),
    lambda t: t.replace("\n", "\r\n"),
]


def test_project_fields_of_project_versions_read_one_after_another(tmp_path: Path) -> None:
    for text in synthetic_texts(tmp_path, projects=True):
        for edit in [lambda t: t, *PROJECT_EDITS]:
            for again in range(2):
                raw = edit(text).encode()
                assert project_fields(raw, fast=True) == project_fields(raw, fast=False), (edit(text), again)


@SOME
@given(mutations(["  ", "\n  approved: 2025-01-01", "\n  approved: {date: 2025-01-01, doc_no: x}", "\nmilestones:\n",
                  "\nid: 7\n", "&a ", "\n  - ", "#", ": ", "{", "中"]))
def test_project_fields_of_mutated_files(raw: bytes) -> None:
    assert project_fields(raw, fast=True) == project_fields(raw, fast=False)


UNIT = st.text(st.sampled_from("abc中\"\\\n\t\x00\u2028😀"), max_size=4)
POINTS = st.lists(st.tuples(st.text(max_size=6), st.dates(), st.text(max_size=8),
                            st.sampled_from([{}, {"a": 1}, {"a": 1, "b": 0}, {"b": 2, "a": 1}]) | st.dictionaries(UNIT, st.integers(0, 99), max_size=3)),
                  max_size=8)


def _payload(points: list[InventoryPoint], names: dict[str, str]) -> dict[str, Any]:
    units = sorted({unit for p in points for unit in p.counts})
    return {"units": [{"unit": u, "name": names.get(u, "")} for u in units],
            "history": [{"commit": p.commit, "date": p.date.isoformat(), "subject": p.subject, "counts": p.counts,
                         "total": p.total} for p in points]}


@SOME
@given(POINTS, st.dictionaries(UNIT, st.text(max_size=4), max_size=3))
def test_history_json_is_the_standard_encoders(rows: list[tuple[str, dt.date, str, dict[str, int]]],
                                                names: dict[str, str]) -> None:
    points = [InventoryPoint(commit, day, subject, dict(counts)) for commit, day, subject, counts in rows]
    points += points[:2]  # the same counts again: written once, used twice
    expected = json.dumps(_payload(points, names), ensure_ascii=False, indent=2) + "\n"
    assert render_json(Inventory(names, history=points), "zh") == expected


MILESTONE_NAMES = ["approved", "reviewed", "finance_reviewed", "declared"]
SIDES = st.lists(st.tuples(st.sampled_from(["p1", "p2", "p3"]),
                           st.sampled_from(["projects/a/p1.yaml", "projects/a/p2.yaml", "docs/x.yaml", "projects/b/p3.yaml"]),
                           st.dictionaries(st.sampled_from(MILESTONE_NAMES), st.sampled_from(['"a"', '"b"', '{"date": 1}']),
                                           max_size=3)),
                 max_size=4)


def _old_changes(before: dict[str, list[tuple[str, dict[str, str]]]], after: dict[str, list[tuple[str, dict[str, str]]]]
                 ) -> list[tuple[str, str, str, str, frozenset[str]]]:
    """The comparison as it was written before (milestone by milestone, every project)."""
    from registry.audit.records import _shown_path
    from registry.audit.rules import AUTHORITY_OF_MILESTONE

    def values(entries: list[tuple[str, dict[str, str]]], milestone: str) -> set[str]:
        return {m[milestone] for _, m in entries if milestone in m}

    found = []
    for project in sorted(set(before) | set(after)):
        old, new = before.get(project, []), after.get(project, [])
        for milestone in AUTHORITY_OF_MILESTONE:
            was, now = values(old, milestone), values(new, milestone)
            if was != now:
                action = "added" if not was else "removed" if not now else "changed"
                found.append((_shown_path(new or old), project, milestone, action, frozenset(now)))
    return found


@SOME
@given(SIDES, SIDES)
def test_milestone_changes_are_the_one_by_one_comparisons(old: list[tuple[str, str, dict[str, str]]],
                                                          new: list[tuple[str, str, dict[str, str]]]) -> None:
    """changes_in compares a project's milestones as a whole first (most commits change other
    fields): the same changes, in the same order, as comparing every milestone one by one."""
    from registry.audit.records import changes_in
    from registry.gitio import FileChange

    records: dict[str, tuple[str, dict[str, str]]] = {}
    changes = []
    sides: tuple[dict[str, list[tuple[str, dict[str, str]]]], ...] = ({}, {})
    for number, (project, path, milestones) in enumerate(old + new):
        blob = f"{number:040x}"
        records[blob] = (project, milestones)
        is_old = number < len(old)
        changes.append(FileChange(f"{path}{number}", "M" if is_old else "A", blob if is_old else None,
                                  None if is_old else blob, "100644", "100644" if is_old else ""))
        sides[0 if is_old else 1].setdefault(project, []).append((f"{path}{number}", milestones))
    found = [(c.path, c.project, c.milestone, c.action, c.values)
             for c in changes_in(changes, "", lambda path, oid: records[oid])]
    assert found == _old_changes(*sides)
