"""Differential attack on the fast readers (regression tests: all held): documents assembled from
hostile lines — every trick of the brief: BOM, CRLF, lone CR, tabs, U+2028/U+2029/NEL, duplicate
keys, anchors/aliases/merge keys, tags, YAML 1.1 booleans/octals/sexagesimals/timestamps, huge
integers, deep nesting, very long lines, quoted keys, comments everywhere — read in SEQUENCE in
one process, so that what :mod:`registry.fastyaml` remembers of one document's lines (scalars,
flow collections, whole ``key: value`` lines) meets the same line in another context in the
next document.

For every document: :func:`~registry.fastyaml.read_simple` is either not sure (None) or gives
exactly the full parser's data (types and key order included), and
:func:`~registry.fastpositions.simple_positions` the parser's map of positions; loading it as a
record gives the full parser's result; the history's per-blob fields (:mod:`registry.blobfields`)
are the same with the fast reader and without it.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fuzz.test_fast_paths import assert_loads_the_same
from test_fastpositions import agrees as positions_agree
from test_fastyaml import agrees
from registry import blobfields

EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize="REGISTRY_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

KEYS = ["id", "name", "unit", "status", "year", "milestones", "approved", "date", "doc_no", "security", "mlps_level",
        "platforms", "systems", "creates", "a", "_", "y", "n", "yes", "no", "on", "off", "Y", "NO", "null", "Null",
        "true", "False", "~", "<<", "k" * 127, "k" * 128, "k" * 129, "名称", '"id"', "'id'", '"\\x69d"', "? id",
        "id ", "i-d", "1", "2025-01-01", "0x1", ".inf", "!!str id", "&k id", "*k"]
SCALARS = ["czj-a", "2025-001", "", "~", "null", "Null", "NULL", "yes", "no", "on", "off", "y", "n", "Yes", "True",
           "tRUE", "FALSE", "0", "-1", "+1", "007", "0o17", "017", "0x1F", "0b101", "1_000", "1,000", "12:30",
           "190:20:30", "1e3", "1E3", "1.5e-3", ".5", "5.", ".inf", "-.Inf", ".NaN", "nan", "2025-01-01", "2025-1-1",
           "2025-02-30", "2025-01-01 10:00:00", "2025-01-01T10:00:00Z", "2025-01-01t10:00:00.5+08:00",
           str(10 ** 30), "-" + "9" * 60, "9" * 400, '"quoted"', '"a: b"', '"a #b"', '"es\\"c"', '"\\u4e2d"',
           "'single'", "'it''s'", "[a, b]", "[]", "{}", "{a: 1}", "{a: 1, a: 2}", "[a, [b]]", "[a, , b]", "[a,]",
           '["a, b", c]', "{a: [b]}", "&anchor x", "*anchor", "!!str 1", "!!int '1'", "!custom x", "!!binary aGk=",
           "|", "|-", ">", ">+2", "a #comment", "a#b", "a: b", "a:", "- x", "? x", "@x", "`x", "%x", "x\u2028y",
           "x\u0085y", "x\u2029y", "x\u200by", "x\u202ey", "x\ufeffy", "x\ty", "x\ry", "中文：值", "a" * 3000,
           "'multi", "\"open", "x \\", "1 2", "- - x"]
INDENTS = [0, 0, 0, 2, 2, 4, 1, 3, 6]
SEPARATORS = [": ", ": ", ":  ", ":", ":\t", " : "]
ENDINGS = ["", "", "", " ", "  ", " # note", "\t# tab", " #", "#x"]


@st.composite
def hostile_line(draw: st.DrawFn) -> str:
    indent = " " * draw(st.sampled_from(INDENTS))
    shape = draw(st.sampled_from(["key", "key", "key", "item", "item key", "comment", "blank", "marker"]))
    ending = draw(st.sampled_from(ENDINGS))
    if shape == "comment":
        return indent + "# " + draw(st.sampled_from(SCALARS))
    if shape == "blank":
        return indent
    if shape == "marker":
        return draw(st.sampled_from(["---", "...", "%YAML 1.1", "%YAML 1.2", "--- !!map", "-", "- ", "? ", ": "]))
    key = draw(st.sampled_from(KEYS))
    separator = draw(st.sampled_from(SEPARATORS))
    value = draw(st.sampled_from(SCALARS)) if draw(st.booleans()) or shape == "item" else ""
    if shape == "item":
        return f"{indent}- {value}{ending}"
    prefix = "- " if shape == "item key" else ""
    return f"{indent}{prefix}{key}{separator if value else separator.rstrip(' ')}{value}{ending}"


PLAIN_KEYS = KEYS[:14]
PLAIN_VALUES = SCALARS[:60]


@st.composite
def block(draw: st.DrawFn, indent: int, depth: int) -> list[str]:
    """Lines of a well-formed block mapping at ``indent``: scalars, flow collections, nested
    mappings and lists (at the key's indent or deeper) — what records look like."""
    lines: list[str] = []
    for key in draw(st.lists(st.sampled_from(PLAIN_KEYS), min_size=1, max_size=5, unique=True)):
        pad = " " * indent
        kind = draw(st.sampled_from(["value"] * 4 + (["mapping", "list", "list here", "items"] if depth < 4 else [])))
        if kind == "value":
            lines.append(f"{pad}{key}: {draw(st.sampled_from(PLAIN_VALUES))}")
        elif kind == "mapping":
            lines += [f"{pad}{key}:", *draw(block(indent + 2, depth + 1))]
        elif kind == "items":  # a list of mappings
            lines.append(f"{pad}{key}:")
            for _ in range(draw(st.integers(1, 2))):
                inner = draw(block(indent + 4, depth + 1))
                lines += [f"{pad}  - {inner[0].lstrip(' ')}", *inner[1:]]
        else:
            item_pad = pad if kind == "list here" else pad + "  "
            lines.append(f"{pad}{key}:")
            lines += [f"{item_pad}- {value}" for value in draw(st.lists(st.sampled_from(PLAIN_VALUES), min_size=1, max_size=3))]
    return lines


@st.composite
def hostile_document(draw: st.DrawFn, pool: list[str]) -> bytes:
    """A well-formed record-like document, then up to three hostile edits: a line of ``pool``
    (shared by the documents of one example) or a new hostile line put in or over a line, a
    line repeated (duplicate keys), deep nesting, other line breaks, a BOM."""
    lines = draw(block(0, 0))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines)))
        edit = draw(st.sampled_from(["insert", "replace", "repeat", "indent"]))
        line = draw(st.sampled_from(pool) | hostile_line())
        if edit == "insert" or at == len(lines):
            lines.insert(at, line)
        elif edit == "replace":
            lines[at] = line
        elif edit == "repeat":
            lines.insert(at, lines[at])
        else:
            lines[at] = " " + lines[at]
    if draw(st.integers(0, 9)) == 0:  # deep nesting, one level per line
        depth = draw(st.integers(10, 40))
        lines += [" " * (2 * i) + f"k{i}:" for i in range(depth)] + [" " * (2 * depth) + "v: 1"]
    newline = draw(st.sampled_from(["\n"] * 12 + ["\r\n", "\r", "\u2028", "\x85"]))
    text = newline.join(lines) + draw(st.sampled_from(["\n", "", newline]))
    if draw(st.integers(0, 19)) == 0:
        text = "\ufeff" + text
    return text.encode("utf-8")


@FUZZ
@given(data=st.data())
def test_documents_sharing_hostile_lines_read_the_same_fast_and_full_in_any_order(data: st.DataObject) -> None:
    pool = data.draw(st.lists(hostile_line(), min_size=1, max_size=8), label="shared lines")
    for raw in data.draw(st.lists(hostile_document(pool), min_size=1, max_size=6), label="documents"):
        event("the fast reader was sure" if agrees(raw) else "left to the parser")
        positions_agree(raw)
        for path in ("systems/czj/czj-fuzz.yaml", "projects/czj/2025-czj-001.yaml"):
            assert_loads_the_same(path, raw)
        assert blobfields.system_state(raw, True) == blobfields.system_state(raw, False)
        assert blobfields.project_fields(raw, True) == blobfields.project_fields(raw, False)


def test_a_line_read_in_one_context_means_its_own_in_the_next() -> None:
    """The remembered ``key: value`` lines, scalars and flow collections, each met again where
    the same characters mean something else (or where the parser refuses them)."""
    sequences = [
        ["platforms: [a, b]\n", "x: |\n  platforms: [a, b]\n", "- platforms: [a, b]\n",
         "x:\n  platforms: [a, b]\n  platforms: [a, b]\n"],
        ["name: yes\n", "name: yes\nname: yes\n", "a: 'x\n  name: yes'\n", 'a: "x\n  name: yes"\n', "? name: yes\n"],
        ["a: {k: 1}\n", "a: {k: 1}\nb: {k: 1}\n", "a: [{k: 1}]\n", "a: {k: 1, k: 1}\n"],
        ["year: 2025\n", "year: 2025\n  year: 2025\n", "- year: 2025\n  year: 2025\n", "year: 2025 # c\nyear: 2025\n"],
        ["d: 2025-01-01\n", "d: 2025-01-01\n---\nd: 2025-01-01\n", "d: 2025-01-01\n...\n", "%YAML 1.1\n---\nd: 2025-01-01\n"],
        ["x: &a 1\n", "x: 1\ny: *a\n", "<<: {x: 1}\n", "x: 1\n<<: {x: 2}\n"],
    ]
    for texts in sequences:
        for _ in range(2):  # the second time every line is remembered
            for text in texts:
                raw = text.encode("utf-8")
                agrees(raw)
                positions_agree(raw)
                assert_loads_the_same("systems/czj/czj-fuzz.yaml", raw)
                assert blobfields.system_state(raw, True) == blobfields.system_state(raw, False)
                assert blobfields.project_fields(raw, True) == blobfields.project_fields(raw, False)
