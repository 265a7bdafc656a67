"""``inventory --format json`` writes exactly what ``json.dumps(..., indent=2)`` writes."""
from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.commands.inventory import indented_json

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text() | st.integers(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(VALUES)
def test_the_same_text_as_the_standard_encoder(value: Any) -> None:
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_odd_text_is_escaped_as_the_standard_encoder_escapes_it() -> None:
    value = {"subject": "引号\" 反斜杠\\ 换行\n 制表\t \x00 \u2028 \ud800 😀", "counts": {"czj": 3, "": 0}, "units": []}
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)
