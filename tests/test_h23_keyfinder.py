"""registry.fastpositions.KeyFinder: a field found by walking only the mappings on its way is
where the parser's whole map says it is (:func:`registry.loader.position`), or "not sure" —
on every YAML file the project ships, the synthetic registry, odd texts, and generated and
mutated ones; for every key path of each text, and for paths that leave it."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.fastpositions import KeyFinder
from registry.loader import position
from registry.yamlio import Parsed, YamlError, decode, parse
from test_fastpositions import MORE, mapping
from test_fastyaml import ODD, RECORD_TEXTS, ROOT, mutations, shipped_yaml


def agrees(raw: bytes) -> int | None:
    """How many fields the finder placed (each where the parser's map places it); None when it
    did not take the text."""
    try:
        finder = KeyFinder.of(decode(raw))
    except YamlError:
        return None
    if finder is None:
        return None
    parsed = parse(raw, positions=True)  # read_simple read it: so does the parser
    assert parsed.positions is not None
    paths = {loc for loc in parsed.positions if all(type(part) is str for part in loc)}
    asked = paths | {loc + ("absent",) for loc in paths} | {("absent",), ("absent", "deeper")} | \
        {loc[:-1] + ("absent", loc[-1]) for loc in paths}
    placed = 0
    for loc in asked:
        found = finder.position(loc)
        if found is not None:
            assert found == position(Parsed({}, parsed.positions), loc), (loc, raw)
            placed += 1
    return placed


def test_every_yaml_file_the_project_ships() -> None:
    records = [p for p in shipped_yaml() if {"systems", "projects"} & set(p.parts)]
    placed = [agrees(p.read_bytes()) for p in records]
    assert sum(1 for n in placed if n) > len(records) * 0.9


def test_the_synthetic_registry(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    written = synth.generate(tmp_path / "r", systems=40, projects=80, units=6)
    assert all(agrees((written.root / p).read_bytes()) for p in written.systems + written.projects)


@pytest.mark.parametrize("text", ODD + MORE + ["a:\n  b: 1\n  c:\n    d: 2\ne: 3\n", "a:\n- x\nb:\n  c: 1\n",
                                                "m:\n  approved: {date: 2025-01-01}\n  budgeted:\n    date: 2025-02-01\n"])
def test_odd_texts(text: str) -> None:
    agrees(text.encode("utf-8", "surrogatepass"))


def test_milestones_are_found_where_the_parser_finds_them() -> None:
    raw = b"id: x\nmilestones:\n  declared: 2024-01-01\n  approved:\n    date: 2024-02-01\n  budgeted: {date: 2024-03-01}\n"
    finder = KeyFinder.of(raw.decode())
    assert finder is not None
    assert finder.position(("milestones", "approved")) == (4, 3)
    assert finder.position(("milestones", "approved", "date")) == (5, 5)
    assert finder.position(("milestones", "final_acceptance")) == (2, 1)  # absent: its mapping
    assert finder.position(("milestones", "budgeted", "date")) is None  # in a flow mapping: not walked
    assert finder.position(("nothing",)) == (1, 1)
    assert agrees(raw)


PIECES = [" ", "  ", "-", "- ", ":", ": ", "#", " #", '"', "[", "]", "{", "}", ",", ", ", "\n", "\n  ", "\n- ", "\n\n",
          "x: 1\n", "  - y\n", "中", "a,b", " ,"]
TEXTS = st.one_of(RECORD_TEXTS, mutations(PIECES), mapping(0, 0).map(lambda lines: ("\n".join(lines) + "\n").encode()))


@settings(max_examples=900, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_generated_and_mutated_texts(raw: bytes) -> None:
    """Record-like texts, mutated records and generated block YAML (test_fastyaml's and
    test_fastpositions' strategies)."""
    agrees(raw)
