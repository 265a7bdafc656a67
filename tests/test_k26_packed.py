"""registry.packed: a packed column behaves as the list of its values, on random operations."""
from __future__ import annotations

import pickle
import random

import pytest

from registry.packed import Packed, packed

_VALUES = ["a", "b", "ab", "", "系统", "a b", "ba", None, "aa", "systems/x/a.yaml"]


def _random_values(rng: random.Random, n: int) -> list[str | None]:
    return [rng.choice(_VALUES) for _ in range(n)]


def _same(column: Packed, reference: list[str | None], rng: random.Random) -> None:
    assert len(column) == len(reference)
    assert list(column) == reference
    assert column == reference and column == Packed.of(reference)
    for value in [*_VALUES, "zz", 0, "\0a"]:
        assert column.count(value) == reference.count(value)
        assert (value in column) == (value in reference)
        assert column.rows(value) == [row for row, held in enumerate(reference) if held == value]
        for start, stop in [(0, len(reference)), (rng.randrange(-3, len(reference) + 3), rng.randrange(-3, len(reference) + 4))]:
            try:
                expected: int | None = reference.index(value, start, stop)
            except ValueError:
                expected = None
            if expected is None:
                with pytest.raises(ValueError):
                    column.index(value, start, stop)
            else:
                assert column.index(value, start, stop) == expected
    for row in range(-len(reference), len(reference)):
        assert column[row] == reference[row]
    assert column[1:4] == reference[1:4] and column[::-2] == reference[::-2]
    with pytest.raises(IndexError):
        column[len(reference)]
    again = pickle.loads(pickle.dumps(column, protocol=pickle.HIGHEST_PROTOCOL))
    assert list(again) == reference


@pytest.mark.parametrize("seed", range(60))
def test_a_packed_column_behaves_as_its_list(seed: int) -> None:
    rng = random.Random(seed)
    reference = _random_values(rng, rng.randrange(0, 40))
    column = Packed.of(reference)
    assert column is not None
    _same(column, reference, rng)
    for _ in range(rng.randrange(1, 12)):
        if not reference:
            break
        operation = rng.random()
        row = rng.randrange(-len(reference), len(reference))
        value = rng.choice(_VALUES)
        if operation < 0.6:
            column[row] = value
            reference[row] = value
        elif operation < 0.7:
            column.insert(row, value)
            reference.insert(row, value)
        elif operation < 0.8:
            del column[row]
            del reference[row]
        elif operation < 0.9:
            column.append(value)
            reference.append(value)
        else:
            copy = column.copy()
            copy[row] = "copied"
            assert column[row] == reference[row]  # (a copy's rows are its own)
        _same(column, reference, rng)


def test_values_that_cannot_be_packed_stay_a_list() -> None:
    for odd in (["a", "b\0c"], ["x\1"], ["\2"], [1, "a"], [("a",)]):
        assert Packed.of(odd) is None
        kept = list(odd)
        assert packed(kept) is kept
    column = Packed.of(["a", "b"])
    assert column is not None
    column[0] = "a\0b"  # (set after packing: kept, and pickled as a list)
    assert column.count("a\0b") == 1 and column.index("a\0b") == 0
    assert pickle.loads(pickle.dumps(column)) == ["a\0b", "b"]


def test_a_value_is_never_found_across_two_rows() -> None:
    column = Packed.of(["a", "a", "b", None, "ab", "", ""])
    assert column is not None
    assert column.count("a") == 2 and column.count("ab") == 1 and column.count("") == 2
    assert column.count(None) == 1 and column.index(None) == 3 and column.index("", 6) == 6
    assert column.count("a\1\0a") == 0 and "b\1" not in column


def test_rows_changed_since_a_shared_column() -> None:
    column = Packed.of([str(i) for i in range(100)])
    assert column is not None
    copy = column.copy()
    copy[7] = "x"
    column[90] = "y"
    assert copy.unchanged_since(column) == [7, 90]
    other = Packed.of([str(i) for i in range(100)])
    assert other is not None and other.unchanged_since(column) == [90]
    copy.insert(0, "z")
    assert copy.unchanged_since(column) is None
