"""The summary's row comparisons in C (:func:`registry.lookups.rows_holding`,
:func:`registry.lookups.differing_rows`) give exactly what comparing every row gives."""
from __future__ import annotations

import random

from registry.lookups import differing_rows, rows_holding


def test_rows_holding_a_value_are_every_row_equal_to_it() -> None:
    chooser = random.Random(25)
    for _trial in range(500):
        column = [chooser.choice([None, 0, 1, 2, "a", "b", ("x",), ()]) for _ in range(chooser.randint(0, 200))]
        for value in (None, 0, 1, 2, "a", "c", ("x",), ()):
            assert rows_holding(column, value) == [row for row, found in enumerate(column) if found == value]


def test_differing_rows_are_every_row_that_differs() -> None:
    chooser = random.Random(26)
    for _trial in range(500):
        size = chooser.choice([0, 1, 31, 32, 33, 100, 2000])
        old = [f"{n:040x}" for n in range(size)]
        new = list(old)
        for _change in range(chooser.choice([0, 1, 3, 10, size])):
            if size:
                row = chooser.randrange(size)
                new[row] = chooser.choice([f"{row:040x}", f"{row + 1:040x}", ""])  # (an equal copy, another, none)
        if chooser.random() < 0.3:
            new = [value[:20] + value[20:] for value in new]  # equal strings, other objects
        assert differing_rows(new, old) == [row for row in range(size) if new[row] != old[row]]
