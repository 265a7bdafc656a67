"""Differential attack on reading project blobs piece by piece (h23: the audit's fast reader
remembers a document's top-level entries — a piece starts at each line at the margin — and
builds the next blob's data from the pieces it has seen).

A piece means what it says only in its context. The documents here are made of pieces shared
between blobs read one after the other in one process, each put in a context that changes what
it is: after a block scalar (``note: |``) whose text it would end or continue, inside a flow
collection or a quoted scalar left open on the line before, after a document marker (``---``,
``...``) or a directive, after an anchor whose alias it uses, as a repeated key (the later one
wins), after a comment or a ``-`` at the margin, with tabs or odd line breaks. Every blob must
give, fast and full, exactly the parser's answer (:func:`registry.blobfields.project_fields`,
``system_state``), whatever was read before it.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from registry import blobfields
from registry.fastyaml import read_simple
from registry.yamlio import decode

EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize="REGISTRY_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

HEAD = ["id: 2025-czj-001", "name: 测试项目", "unit: czj", "year: 2025"]
PIECES = [
    "milestones:\n  declared: 2024-09-01\n  approved:\n    date: 2024-09-20\n    doc_no: 测大数据发〔2024〕3号",
    "milestones:\n  approved: {date: 2024-09-20, doc_no: 测大数据发〔2024〕3号}",
    "milestones: {approved: 2024-09-20}",
    "milestones:\n  budgeted:\n    date: 2025-01-15\n    amount_wan: 100",
    "milestones:\n  reviewed: 2024-09-15\n  finance_reviewed: 2024-09-18",
    "milestones:",
    "milestones: ~",
    "milestones: *m",
    "milestones: &m\n  approved: 2024-09-21",
    "milestones:\n  <<: *m\n  budgeted: 2025-01-16",
    "milestones:\n- approved",
    "milestones:\n\tapproved: 2024-09-20",
    "milestones:\n  approved: 2024-09-20\n  approved: 2024-09-22",
    "id: 2025-czj-002",
    "id: &i 2025-czj-003",
    "id: *i",
    "id: [2025, czj]",
    "id: 2025",
    "name: |\n  多行\n  文本",
    "name: >-\n  折叠",
    "status: operating",
    "budget:\n  total_wan: 100",
    "x: 1",
]
CONTEXTS = [
    "", "", "", "note: |", "note: |-", "note: >", "note: [", "note: {", 'note: "open', "note: 'open", "---", "...",
    "--- |", "%YAML 1.1\n---", "# comment", "#", "-", "- ", "? ", ": ", "note: &m", "note: &m {approved: 2024-01-01}",
    "note: &i 2025-czj-009", "<<: {approved: 2024-01-01}", "note:", "note: \\", "  indented: 1", "\t", " ",
]
NEWLINES = ["\n"] * 10 + ["\r\n", "\r", "\u2028", "\x85"]


@st.composite
def document(draw: st.DrawFn, pool: list[str]) -> bytes:
    """The head, then pieces of ``pool`` each after a context line, in any order."""
    lines = list(HEAD)
    for _ in range(draw(st.integers(1, 4))):
        context = draw(st.sampled_from(CONTEXTS)) if draw(st.integers(0, 2)) == 0 else ""
        if context:
            lines.append(context)
        lines.append(draw(st.sampled_from(pool)))
    if draw(st.integers(0, 4)) == 0:
        lines = draw(st.permutations(lines))
    newline = draw(st.sampled_from(NEWLINES))
    text = newline.join(lines) + draw(st.sampled_from(["\n", "", newline]))
    return ("\ufeff" + text if draw(st.integers(0, 19)) == 0 else text).encode("utf-8")


@FUZZ
@given(data=st.data())
def test_blobs_sharing_pieces_in_other_contexts_read_as_the_parser_reads_each(data: st.DataObject) -> None:
    pool = data.draw(st.lists(st.sampled_from(PIECES), min_size=2, max_size=6, unique=True), label="pieces")
    blobs = data.draw(st.lists(document(pool), min_size=2, max_size=8), label="blobs")
    for raw in blobs + blobs[::-1]:  # each blob again after the others
        fast = blobfields.project_fields(raw, True)
        assert fast == blobfields.project_fields(raw, False), raw
        assert blobfields.system_state(raw, True) == blobfields.system_state(raw, False), raw
        event("milestones" if fast.milestones else "no milestones" if fast.mapping else "not a mapping")
        event("the fast reader was sure" if read_simple(decode(raw)) is not None else "left to the parser")


def test_a_piece_after_a_block_scalar_is_the_scalar_s_text_only_where_indented() -> None:
    approved = "milestones:\n  approved:\n    date: 2024-09-20\n    doc_no: 测大数据发〔2024〕3号\n"
    plain = ("\n".join(HEAD) + "\n" + approved).encode("utf-8")
    assert blobfields.project_fields(plain, True).milestones  # the piece is learnt here
    for context in ("note: |\n", "note: |\n  前文\n", "note: >\n", "note: [\n", 'note: "open\n', "--- |\n", "...\n",
                    "note: &m\n", "- \n", "? \n"):
        raw = ("\n".join(HEAD) + "\n" + context + approved).encode("utf-8")
        assert blobfields.project_fields(raw, True) == blobfields.project_fields(raw, False), context
