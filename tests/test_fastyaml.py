"""registry.fastyaml: the fast reader gives exactly what the full parser gives, or "not sure".

Compared on every YAML file the project ships (fixtures, examples, rule cases), on the
synthetic benchmark registry, on hand-written odd cases, and on texts Hypothesis builds from
record-like lines and mutates: whenever :func:`read_simple` answers, :func:`registry.yamlio.parse`
must accept the text and build the same data — same types (a date is not its text, True is not
1), same key order."""
from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.fastyaml import read_simple
from registry.yamlio import YamlError, decode, parse

ROOT = Path(__file__).resolve().parent.parent


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types, all the way down (dict key order included)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def differential(raw: bytes, fast_way: Callable[[str], Any], full_way: Callable[[bytes], Any],
                 equal: Callable[[Any, Any], bool] = operator.eq) -> bool | None:
    """True: a fast reader's answer (``fast_way`` of the text) equals the parser's (``full_way`` of
    the bytes); None: the fast reader was not sure (it answered None, or the bytes are no text);
    raises when the two differ or the parser refuses what the fast reader accepted."""
    try:
        text = decode(raw)
    except YamlError:
        return None
    fast = fast_way(text)
    if fast is None:
        return None
    try:
        full = full_way(raw)
    except YamlError as exc:
        raise AssertionError(f"the fast way accepted what the parser refuses ({exc.message.en}):\n{text}") from None
    assert equal(fast, full), f"different answers:\nfast {fast!r}\nfull {full!r}\n{text}"
    return True


def agrees(raw: bytes) -> bool | None:
    """True: both read it the same; None: the fast reader was not sure; raises on a difference."""
    return differential(raw, read_simple, lambda data: parse(data).data, same)


def shipped_yaml() -> list[Path]:
    return sorted(p for folder in ("tests", "registry", "examples", "docs") for p in (ROOT / folder).rglob("*.y*ml")
                  if p.is_file() and ".registry-cache" not in p.parts)


def test_every_yaml_file_the_project_ships_reads_the_same() -> None:
    files = shipped_yaml()
    answered = {p: agrees(p.read_bytes()) for p in files}
    records = [p for p in files if {"systems", "projects"} & set(p.parts)]
    assert len(files) > 50 and len(records) > 30
    # records are what history reads: nearly all of them take the fast way
    assert sum(1 for p in records if answered[p]) > len(records) * 0.9


def test_the_synthetic_registry_reads_the_same(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    written = synth.generate(tmp_path / "r", systems=60, projects=60, units=6)
    answered = [agrees((written.root / p).read_bytes()) for p in written.systems + written.projects]
    assert all(answered)  # what synth writes is all plain block YAML


ODD = [
    "a: 1\n", "a: 1", "a:\n  b: 2\n", "a:\n- 1\n- 2\n", "a:\n  - 1\n  - 2\n", "a: [1, 2]\n", "a: {b: 1}\n",
    "a: []\nb: {}\n", "a: -1\nb: -0.5\nc: .5\nd: 1e3\n", "a: 0x1F\nb: 0o17\nc: 017\n", "a: .inf\nb: -.inf\nc: .nan\n",
    "a: 2025-02-30\nb: 2025-1-2\nc: 2025-01-02T10:00:00\nd: 2025-01-02 10:00:00\n", "a: null\nb: ~\nc:\nd: Null\n",
    "a: true\nb: True\nc: yes\nd: on\ne: NO\n", "a: x:y\nb: x #y\nc: x#y\n", "a: 'x'\n", 'a: "x"\n', 'a: "x\\ty"\n',
    'a: "x" # c\n', "a: x # c\n", "# only a comment\n", "", "---\na: 1\n", "a: 1\n---\nb: 2\n", "a: 1\n...\n",
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  x\n", "a: >\n  x\n", "a: x\n  y\n", "a:\n  x\n", "a: 1\na: 2\n",
    "a:\n  b: 1\n  b: 2\n", "a: {b: 1, b: 2}\n", "a: [x, ]\n", "a: [x,, y]\n", "a: [[1]]\n", "a: [{b: 1}]\n",
    "a: {b: [1]}\n", "a: [x?y]\n", "a: {b: x?y}\n", "a: [x:y]\n", "a: {b: c: d}\n", "a: {b}\n", "a: {b: }\n",
    "? a\n: 1\n", "a : 1\n", "a:1\n", "'a': 1\n", "1: x\n", "null: x\n", "true: x\n", "a\tb: 1\n", "a: 1\t\n",
    "a: 1\r\nb: 2\r\n", "\ufeffa: 1\n", "a: x\x85y\n", "a: x\u2028y\n", "a: \x07\n", "  a: 1\n", "a: 1\n b: 2\n",
    "- a\n- b\n", "a:\n  - b: 1\n    c: 2\n  - d\n", "a:\n  - b: 1\n   c: 2\n", "a:\n  -\n", "a:\n  - - 1\n",
    "a:\n  -  b\n", "a: 9" * 1 + "9" * 500 + "\n", "a: 中文，全角：冒号\nb: 〔2025〕1号\n", "a: '%x'\nb: %x\n",
    "a: @x\n", "a: `x`\n", "a: x]\nb: x}\n", "a: [a b, c  d]\n", "a: {b: 金 财, c: \"90%\"}\n",
    "a: \"a, b\"\n", "a: [\"a, b\"]\n", "a: [\"a\", \"b\"]\n", "a: {b: \"x, y\"}\n", "a:\n\n  b: 1\n\n",
    "a:\n  # c\n  b: 1\n", "a: x   \nb: y \n", 'a: 他说"好" #注释\n', 'a: x #"y"\n', 'a: [x, "y"] # c\n',
    'a: {b: "c"} # d\n', 'a: "x" #\n', "a: -\n", "a: - x\n", "a: ?x\n", "a: :x\n", "a: ,x\n",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_and_hostile_texts_read_the_same_or_are_left_to_the_parser(text: str) -> None:
    agrees(text.encode("utf-8", "surrogatepass"))


def test_a_list_with_one_trailing_comma_is_read_by_the_fast_reader_as_yaml_reads_it() -> None:
    for text in ("a: [x, ]\n", "a: [x,]\n", "a: [x ,  ]\n"):
        assert read_simple(text) == {"a": ["x"]}, text
        agrees(text.encode())
    assert read_simple("a: [2025-09-02, b, ]\n") == {"a": [dt.date(2025, 9, 2), "b"]}
    for text in ("a: [x,, y]\n", "a: [ , ]\n", "a: [,]\n", "a: [x, , ]\n", "a: {b: 1, }\n"):
        assert read_simple(text) is None, text  # the parser refuses or decides these


def test_the_fast_reader_is_not_fooled_into_reading_what_the_parser_refuses() -> None:
    for text in ("a: 1\na: 2\n", "a: &x 1\n", "a: 1\n---\nb: 2\n", "a: [x?y]\n", "a:\tb\n", "a: \x07\n"):
        assert read_simple(text) is None, text


LINES = st.sampled_from([
    "id: x-1", "name: 金乡县 测试", "unit: czj", "status: operating", "n: 12", "f: 1.5", "d: 2025-06-30",
    "b: true", "z: null", "e:", "l: [a, b, 2025-01-01]", "m: {date: 2025-01-01, ref: 金〔2025〕1号}",
    "q: \"90%\"", "- a", "- {k: v}", "- k: v", "  x: 1", "  - y", "    z: 2", "# comment", "", "  ",
    "milestones:", "  approved: {date: 2025-01-01, doc_no: 金发〔2025〕1号}", "  declared: 2024-01-01",
    "a: x:y", "a: x #y", "a: 'x'", "a: |", "a: &x 1", "a: *x", "---", "a: [x, ]", "a: {b: c}", "  - [1, 2]",
])


def mutated(pick: int, edits: list[tuple[int, str, bool]]) -> str:
    """A shipped YAML file (the ``pick``-th, cycling) with ``edits``: (where, piece, insert or delete)."""
    files = [p for p in shipped_yaml() if p.stat().st_size < 20_000]
    text = files[pick % len(files)].read_text(encoding="utf-8", errors="replace")
    for at, piece, insert in edits:
        at %= len(text) + 1
        text = text[:at] + piece + text[at:] if insert else text[:at] + text[at + len(piece):]
    return text


# The differential properties of the fast readers (here and tests/test_fastpositions.py):
# record-like texts built from LINES, and shipped files with a few pieces inserted or deleted.
RECORD_TEXTS = st.lists(LINES, min_size=1, max_size=14).map(lambda lines: ("\n".join(lines) + "\n").encode())
MANY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mutations(pieces: list[str]) -> st.SearchStrategy[bytes]:
    """Shipped YAML files (:func:`mutated`) with one to three of ``pieces`` inserted or deleted."""
    edits = st.lists(st.tuples(st.integers(min_value=0, max_value=4000), st.sampled_from(pieces), st.booleans()),
                     min_size=1, max_size=3)
    return st.builds(mutated, st.integers(min_value=0, max_value=10_000), edits).map(
        lambda text: text.encode("utf-8", "surrogatepass"))


@MANY
@given(RECORD_TEXTS)
def test_record_like_texts_read_the_same(raw: bytes) -> None:
    agrees(raw)


@SOME
@given(mutations([" ", "  ", "-", "- ", ":", ": ", "#", " #", '"', "'", "[", "]", "{", "}", ",", "\n", "\n  ",
                  "&a ", "*a", "!!str ", "|", ">", "?", "null", "true", "1", "0x1", "2020-01-01", "~", "\t", "%",
                  "@", "`", "---\n", "x: 1\n", "中"]))
def test_mutated_records_read_the_same(raw: bytes) -> None:
    agrees(raw)


def test_scalars_resolve_as_the_parser_resolves_them() -> None:
    data = read_simple("a: 2025-06-30\nb: '1'\n") or read_simple("a: 2025-06-30\nb: 1\n")
    assert data == {"a": dt.date(2025, 6, 30), "b": 1}
