"""The snapshot over packed columns (registry.packed, as the summary reads them back) answers
every question exactly as over lists: random registries, rows patched after reading (the
summary's delta, this run's changed rows), read back from a pickle, before and after the
look-ups build their index."""
from __future__ import annotations

import pickle
import random
from typing import Any

import pytest

from registry.lookups import differing_rows
from registry.packed import Packed
from registry.snapshot import PROJECT, SYSTEM, Columns, Snapshot


class _Fetched:
    """What a row's record stands for here: its row (the snapshot only hands records on)."""

    def __init__(self, row: int) -> None:
        self.row = row


def _rows(records: list[Any]) -> list[int]:
    return [record.row for record in records]


def _random_row(rng: random.Random, units: list[str], ids: list[str]) -> tuple[Any, ...]:
    kind = rng.choice((0, SYSTEM, SYSTEM, PROJECT))
    if kind == 0:
        return 0, None, None, None, None, False, (), None
    unit, the_id = rng.choice(units), rng.choice(ids)
    if kind == SYSTEM:
        return SYSTEM, the_id, None, unit, None, rng.random() < 0.6, (), rng.choice((None, None, "县发〔2024〕1号", ""))
    return PROJECT, None, the_id, None, unit, False, tuple(rng.sample(ids, rng.choice((0, 0, 1, 2)))), None


def _columns(rng: random.Random, rows: int) -> Columns:
    units = [f"u{n}" for n in range(rng.randint(1, 5))] + ["单位"]
    ids = [f"id-{n}" for n in range(rng.randint(1, 9))] + ["", "id-1 "]
    columns = Columns()
    for row in range(rows):
        columns.append(f"systems/x/{row:04d}.yaml", None)
        columns.set_row(row, _random_row(rng, units, ids))
    return columns


def _copy(columns: Columns) -> Columns:
    return Columns(*(list(column) for column in columns.all()))


def _answers(snapshot: Snapshot, columns: Columns) -> list[Any]:
    values = {value for column in columns.all()[1:] for value in column if isinstance(value, str)}
    values |= {created for created in columns.creates for created in created} | {"absent", ""}
    found: list[Any] = [snapshot.records, sorted(snapshot.units()), _rows(snapshot.systems), _rows(snapshot.projects)]
    for value in sorted(values):
        system, project = snapshot.system(value), snapshot.project(value)
        found += [snapshot.count_system_id(value), snapshot.count_project_id(value),
                  system.row if system is not None else None, project.row if project is not None else None,  # type: ignore[attr-defined]
                  _rows(snapshot.systems_of(value)), _rows(snapshot.projects_of(value)),
                  _rows(snapshot.projects_creating(value)), snapshot.active_count(value)]
    found.append(_rows(snapshot.systems_approved_by(lambda approval: approval.startswith("县"))))
    paths = list(columns.paths)
    wanted = set(paths[::3])
    found += [_rows(snapshot.systems_at(wanted)), _rows(snapshot.projects_at(wanted)),
              _rows(snapshot.systems_where(lambda path: path.endswith("1.yaml")))]
    return found


def _snapshot(columns: Columns) -> Snapshot:
    return Snapshot.of_columns(columns, [], {}, _Fetched)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(40))
def test_every_question_over_packed_columns_equals_lists(seed: int) -> None:
    rng = random.Random(seed)
    plain = _columns(rng, rng.randint(0, 60))
    packed = _copy(plain)
    packed.pack()
    assert isinstance(packed.paths, Packed) and isinstance(packed.system_ids, Packed)
    if rng.random() < 0.5:
        packed = pickle.loads(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))
        assert isinstance(packed.project_units, Packed)
    units, ids = ["u0", "u9", "单位"], ["id-0", "id-7", "new", ""]
    for _patch in range(rng.randint(0, 8) if plain.paths else 0):  # rows patched after reading
        row = rng.randrange(len(plain.paths))
        values = _random_row(rng, units, ids)
        plain.set_row(row, values)
        packed.set_row(row, values)
    assert packed == plain
    assert _answers(_snapshot(packed), packed) == _answers(_snapshot(plain), plain)


def test_the_changed_rows_of_two_copies_of_a_packed_column() -> None:
    rng = random.Random(7)
    blobs = [f"{n:040x}" for n in range(5000)]
    column = Packed.of(blobs)
    assert column is not None
    copy = column.copy()
    changed = sorted(rng.sample(range(5000), 12))
    for row in changed:
        copy[row] = f"{row + 10**9:040x}"
    copy[3] = blobs[3]  # (set to the value it held: not a change)
    assert differing_rows(copy, column) == changed
    assert differing_rows(list(copy), column) == changed == differing_rows(copy, blobs)
