"""The snapshot's look-ups by value (registry.lookups.Rows): a check of three files asks about
a handful of ids many times (REG004, DLT24, JX28 … ask about the same systems), so each answer
is kept and the column is scanned once per value; an index is built only once more values than
``SCANS`` are asked about. Every answer equals the one a plain list gives, in any order of
questions, before and after the index."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from cachekit import own_signing_key, registry_of  # noqa: F401  (autouse fixture)
from registry.checking import run_check
from registry import snapshot
from registry.lookups import Creators, Rows

TODAY = dt.date(2026, 6, 30)


def _expected(column: list[Any], question: str, value: Any) -> Any:
    rows = [row for row, found in enumerate(column) if found == value and value is not None]
    if question == "of":
        return rows
    if question == "first":
        return rows[0] if rows else None
    return len(rows)


def test_answers_equal_a_plain_scan_in_any_order_of_questions() -> None:
    chooser = random.Random(24)
    for _trial in range(200):
        values = [f"id-{n}" for n in range(chooser.randint(1, 12))] + [None]
        column = [chooser.choice(values) for _ in range(chooser.randint(0, 60))]
        rows = Rows(column)
        for _question in range(chooser.randint(1, 40)):
            question = chooser.choice(("of", "first", "count"))
            value = chooser.choice([*values, "absent"])
            answer = getattr(rows, question)(value)
            assert answer == _expected(column, question, value), (column, question, value)
            if question == "of" and answer:
                answer.append(-1)  # a caller's list is its own: the next answer is unchanged
                assert rows.of(value) == _expected(column, "of", value)


def test_repeated_questions_about_few_values_never_build_the_index() -> None:
    column = [f"sys-{n % 500}" if n % 3 else None for n in range(20_000)]
    rows = Rows(column)
    asked = [f"sys-{n}" for n in (7, 73, 68, 59)]
    for _round in range(20):
        for value in asked:
            assert rows.first(value) == column.index(value)
            assert rows.count(value) == column.count(value)
    assert rows._index is None  # 8 questions kept, 160 asked: no 20,000-row index
    for n in range(Rows.SCANS):  # more values than SCANS: the index, with the same answers
        rows.of(f"sys-{100 + n}")
    assert rows._index is not None
    for value in [*asked, "sys-499", "sys-0", "absent"]:
        for question in ("of", "first", "count"):
            assert getattr(rows, question)(value) == _expected(column, question, value)


def test_projects_creating_a_system_equal_a_plain_scan_before_and_after_the_index() -> None:
    chooser = random.Random(14)
    ids = [f"sys-{n}" for n in range(15)]
    for _trial in range(100):
        creates = [tuple(chooser.sample(ids, chooser.choice((0, 0, 0, 1, 2)))) for _ in range(chooser.randint(0, 80))]
        creators = Creators(creates)
        for _question in range(chooser.randint(1, 30)):
            system_id = chooser.choice([*ids, "absent"])
            answer = creators.of(system_id)
            assert answer == [row for row, created in enumerate(creates) if system_id in created]
            answer.append(-1)  # the caller's own list
        assert creators.of("sys-1") == [row for row, created in enumerate(creates) if "sys-1" in created]


@pytest.mark.parametrize("few", [0, 32])
def test_records_at_paths_and_the_count_of_records_equal_the_plain_filters(tmp_path: Path, few: int,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """``systems_at``/``projects_at`` (a scan per path when they are few, else one pass of set
    look-ups) and ``records`` (a count of the kinds) say what filtering every system and project
    says, invalid files among them."""
    monkeypatch.setattr(snapshot, "_FEW_PATHS", few)
    case = {"config": {"profiles": [], "units": [{"id": "czj", "name": "财政局", "kind": "department"}]},
            "records": {f"systems/czj/czj-s{n}.yaml": {"id": f"czj-s{n}", "name": f"系统{n}", "unit": "czj"}
                        for n in range(6)}}
    case["records"].update({f"projects/czj/2025-czj-00{n}.yaml": {"id": f"2025-czj-00{n}", "unit": "czj",
                                                               "name": f"项目{n}"} for n in range(1, 5)})
    root = registry_of(tmp_path, case)
    (root / "systems/czj/czj-broken.yaml").write_text("id: [\n", encoding="utf-8")
    run_check(root, today=TODAY)  # fills the cache: the second run's snapshot is the summary's
    for cached in (True, False):
        head = run_check(root, today=TODAY, use_cache=cached).context.head
        assert head.records == len(head.systems) + len(head.projects) >= 10 and len(head.invalid) == 1
        paths = [head.path_of(r) for r in [*head.systems, *head.projects]] + ["systems/czj/czj-broken.yaml", "nowhere"]
        chooser = random.Random(3)
        for size in range(len(paths) + 1):
            wanted = frozenset(chooser.sample(paths, size))
            assert head.systems_at(wanted) == head.systems_where(wanted.__contains__)
            assert head.projects_at(wanted) == head.projects_where(wanted.__contains__)


def test_rows_at_paths_in_any_order_equal_a_plain_scan() -> None:
    """:func:`registry.snapshot._rows_of` (a binary search, a scan where the rows are not in
    path order) finds every path's row wherever it is: sorted, folder by folder, shuffled."""
    chooser = random.Random(25)
    for _trial in range(300):
        paths = sorted({f"{chooser.choice(['systems', 'projects'])}/{chooser.choice(['a', 'a-b', 'a.b', 'b'])}/"
                        f"{chooser.randrange(60)}.yaml" for _ in range(chooser.randint(0, 40))})
        order = chooser.choice(["sorted", "folders", "shuffled", "problems first"])
        if order == "folders":  # the working tree's order: each folder's names sorted, folder by folder
            paths.sort(key=lambda p: p.split("/"))
        elif order == "shuffled":
            chooser.shuffle(paths)
        elif order == "problems first":
            paths = [p for p in paths if p.endswith("7.yaml")] + [p for p in paths if not p.endswith("7.yaml")]
        for path in [*paths, "systems/a/none.yaml", "", "zzz"]:
            assert list(snapshot._rows_of(paths, path)) == [row for row, p in enumerate(paths) if p == path]
