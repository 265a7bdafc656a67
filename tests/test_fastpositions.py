"""registry.fastpositions: the line-by-line positions are exactly the parser's, or "not sure".

Compared, like tests/test_fastyaml.py, on every YAML file the project ships, on the synthetic
benchmark registry, on the odd and hostile texts, and on texts Hypothesis builds and mutates:
whenever :func:`simple_positions` answers, :func:`registry.yamlio.parse` must accept the text and
record the same map of every key and list item to its line and column."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.fastpositions import simple_positions
from registry.positions import FilePositions
from registry.yamlio import parse
from test_fastyaml import MANY, differential, ODD, RECORD_TEXTS, ROOT, SOME, mutations, shipped_yaml


def agrees(raw: bytes) -> bool | None:
    """True: the same map; None: not sure (the parser decides); raises on any difference."""
    return differential(raw, simple_positions, lambda data: parse(data, positions=True).positions)


def test_every_yaml_file_the_project_ships_has_the_same_positions() -> None:
    files = shipped_yaml()
    answered = {p: agrees(p.read_bytes()) for p in files}
    records = [p for p in files if {"systems", "projects"} & set(p.parts)]
    assert len(records) > 30
    assert sum(1 for p in records if answered[p]) > len(records) * 0.9  # the fast way, nearly always


def test_the_synthetic_registry_has_the_same_positions(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    written = synth.generate(tmp_path / "r", systems=60, projects=60, units=6)
    assert all(agrees((written.root / p).read_bytes()) for p in written.systems + written.projects)


MORE = [
    "a:\n- b: 1\n  c: [x, y]\n- {d: 1, e: 2}\n- [1,2 ,  3]\n- \"q\"\n", "a:\n  -   b\n", "a: [  x,y  ]\n",
    "a: {  b: 1,c: 2  }\n", "a:\n  b:\n    - c: 1\n      d:\n        - e\n", "k: v # c\nl:\n  - m # n\n",
    "a:\n    - b\n    - c\nd: 1\n", "a:\n  - b: 1\n\n    c: 2\n", "a: []\nb: {}\nc: [ ]\n", "x: [\"a\", b]\n",
]


@pytest.mark.parametrize("text", ODD + MORE)
def test_odd_and_hostile_texts_have_the_same_positions_or_are_left_to_the_parser(text: str) -> None:
    agrees(text.encode("utf-8", "surrogatepass"))


def test_list_items_and_flow_collections_are_placed_where_they_start() -> None:
    text = "a:\n  - b: 1\n    c: 2\n  - [x,  y]\n  -  z\nd: {e: 1,  f: 2}\n"
    assert agrees(text.encode()) is None  # "-  z": two spaces after the dash, left to the parser
    text = text.replace("-  z", "- z")
    assert agrees(text.encode())
    found = simple_positions(text)
    assert found is not None
    assert found[("a", 0)] == found[("a", 0, "b")] == (2, 5) and found[("a", 0, "c")] == (3, 5)
    assert found[("a", 1)] == (4, 5) and found[("a", 1, 1)] == (4, 10) and found[("a", 2)] == (5, 5)
    assert found[("d", "f")] == (6, 12)


@MANY
@given(RECORD_TEXTS)
def test_record_like_texts_have_the_same_positions(raw: bytes) -> None:
    agrees(raw)


@SOME
@given(mutations([" ", "  ", "-", "- ", ":", ": ", "#", " #", '"', "[", "]", "{", "}", ",", ", ", "\n", "\n  ",
                  "\n- ", "\n\n", "x: 1\n", "  - y\n", "中", "a,b", " ,"]))
def test_mutated_records_have_the_same_positions(raw: bytes) -> None:
    agrees(raw)


def test_file_positions_are_the_parsers_for_plain_and_for_odd_files(tmp_path: Path) -> None:
    (tmp_path / "plain.yaml").write_text("a: 1\nb:\n  - c: 2\n", encoding="utf-8")
    (tmp_path / "odd.yaml").write_text("a: 1\nb:\n  - c: |\n      x\n", encoding="utf-8")  # a block scalar
    (tmp_path / "broken.yaml").write_text("a: [1\n", encoding="utf-8")
    positions = FilePositions(tmp_path)
    assert positions.of_field("plain.yaml", "b[0].c") == (3, 5)
    assert positions.of_field("odd.yaml", "b[0].c") == (3, 5)
    assert positions.of_field("broken.yaml", "a") == (1, 1)
    assert positions.of_field("missing.yaml", "a") == (1, 1)


SCALARS = st.sampled_from(["x", "金乡 县", "12", "-1.5", "2025-06-30", "true", "null", '"90%"', '"a b"', "a-b_c"])
KEYS = st.sampled_from(["id", "name", "unit", "status", "a", "b_c", "milestones", "approved", "date", "doc_no"])
GAPS = st.sampled_from(["", "", "", "\n", "\n# note\n", "\n  # indented note\n"])


@st.composite
def flow(draw: st.DrawFn) -> str:
    items = draw(st.lists(SCALARS.filter(lambda s: not s.startswith('"') or " " not in s), max_size=4))
    spaces = draw(st.sampled_from(["", " ", "  "]))
    if draw(st.booleans()):
        return "[" + spaces + ("," + spaces).join(items) + "]"
    keys = draw(st.lists(KEYS, max_size=3, unique=True))
    return "{" + (", " + spaces).join(f"{k}: {v}" for k, v in zip(keys, items)) + "}"


@st.composite
def mapping(draw: st.DrawFn, indent: int, depth: int) -> list[str]:
    lines: list[str] = []
    for key in draw(st.lists(KEYS, min_size=1, max_size=4, unique=True)):
        lines += draw(GAPS).split("\n")[1:-1]
        kind = draw(st.sampled_from(["scalar", "scalar", "flow", "map", "list", "empty"] if depth < 4 else ["scalar"]))
        comment = draw(st.sampled_from(["", "", " # c"]))
        pad = " " * indent
        if kind == "scalar":
            lines.append(f"{pad}{key}: {draw(SCALARS)}{comment}")
        elif kind == "flow":
            lines.append(f"{pad}{key}: {draw(flow())}{comment}")
        elif kind == "empty":
            lines.append(f"{pad}{key}:")
        elif kind == "map":
            lines.append(f"{pad}{key}:{comment}")
            lines += draw(mapping(indent + draw(st.sampled_from([2, 4])), depth + 1))
        else:
            lines.append(f"{pad}{key}:")
            lines += draw(sequence(indent + draw(st.sampled_from([0, 2, 4])), depth + 1))
    return lines


@st.composite
def sequence(draw: st.DrawFn, indent: int, depth: int) -> list[str]:
    lines: list[str] = []
    pad = " " * indent
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["scalar", "flow", "map"]))
        if kind == "map":
            inner = draw(mapping(indent + 2, depth + 1))
            first = next(n for n, line in enumerate(inner) if line.strip() and not line.lstrip().startswith("#"))
            lines += inner[:first] + [pad + "- " + inner[first][indent + 2:]] + inner[first + 1:]
        else:
            lines.append(f"{pad}- {draw(SCALARS) if kind == 'scalar' else draw(flow())}")
    return lines


@SOME
@given(mapping(0, 0))
def test_generated_block_yaml_has_the_same_positions(lines: list[str]) -> None:
    agrees(("\n".join(lines) + "\n").encode())


# -- vouched blobs: the loader read them line by line, positions are not read so again ----------


def test_a_vouched_blob_gets_the_same_positions_and_only_its_own_bytes_are_vouched_for(tmp_path: Path) -> None:
    from registry import fastpositions, loader
    from registry.cache import blob_id
    from registry.hiddentext import screened

    vouched = 0
    for path in shipped_yaml():
        raw = path.read_bytes()
        relative = "/".join(path.parts[-3:])
        if path.parts[-3] not in loader.RECORD_FOLDERS:
            continue
        record = loader.load_record(relative, raw)
        if screened(record):  # what the record cache vouches for: read_simple reads these bytes
            text = raw.decode("utf-8")
            assert fastpositions.read_simple(text) is not None
            fastpositions.vouch(blob_id(raw))
            assert simple_positions(text, blob_id(raw)) == simple_positions(text) == parse(raw, positions=True).positions
            vouched += 1
    assert vouched > 30
    # a file changed after it was loaded has another blob id: read_simple decides again
    odd = b"a: \"x\\ty\"\nb:\n  - c\n"
    assert simple_positions(odd.decode(), blob_id(odd)) is None


@SOME
@given(mutations([" ", "  ", "-", "- ", ":", ": ", "#", " #", '"', "[", "]", "{", "}", ",", ", ", "\n", "\n  ",
                  "\t", "\u200b", "\ufeff", "\r"]))
def test_the_loader_marks_as_read_line_by_line_only_what_read_simple_reads(raw: bytes) -> None:
    """The record cache vouches for a blob when the loader's record is screened
    (:func:`registry.hiddentext.screened`): that must imply :func:`read_simple` reads the text
    :mod:`registry.positions` decodes from the same bytes."""
    from registry import loader
    from registry.hiddentext import screened
    from registry.yamlio import YamlError, decode

    for path in ("systems/czj/czj-a.yaml", "projects/czj/2025-czj-001.yaml"):
        record = loader.load_record(path, raw)
        if screened(record):
            try:
                text = decode(raw)
            except YamlError:
                raise AssertionError("a screened record from bytes that do not decode") from None
            from registry.fastyaml import read_simple

            assert read_simple(text) is not None
