"""Document numbers are read without compiling their regular expressions on every run
(:mod:`registry.rules.docnumbers`): the default form, the year and the brackets must give
exactly what the expressions give, for numbers as people type them and for any other text."""
from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.rules.docnumbers import DEFAULT_DOC_NO_PATTERN, doc_no_year, normalised, well_formed

YEAR = re.compile(r"[〔\[［(（【]([0-9０-９]{4})[〕\]］)）】]")
BRACKETS = str.maketrans({"[": "〔", "(": "〔", "【": "〔", "]": "〕", ")": "〕", "】": "〕"})
# every kind of character the expressions tell apart, the edges of each range among them
ALPHABET = ("金政字发办函〇一丿鿿\u4dff\ua000第号〔〕[]［］()（）【】0123456789０１２３４５６７８９ \u3000\t\nAbx-号第")


def _year(doc_no: str) -> int | None:
    import unicodedata

    match = YEAR.search(doc_no)
    return int(unicodedata.normalize("NFKC", match.group(1))) if match else None


def _typed(chooser: random.Random) -> str:
    """A number as people type it, often slightly wrong."""
    issuer = "".join(chooser.choice("金政字发办函〇鿿一") for _ in range(chooser.choice([0, 1, 2, 5, 19, 20, 21])))
    opening = chooser.choice("〔[［(（【x")
    closing = chooser.choice("〕]］)）】" if chooser.random() < 0.3 else {"〔": "〕", "[": "]", "［": "］", "(": ")）",
                                                                         "（": "）)", "【": "】", "x": "x"}[opening])
    year = "".join(chooser.choice("20２０249１") for _ in range(chooser.choice([3, 4, 4, 4, 5])))
    number = "".join(chooser.choice("0１2３89０") for _ in range(chooser.choice([0, 1, 2, 6, 7])))
    text = issuer + opening + year + closing + chooser.choice(["", "", "第", "第第"]) + number + chooser.choice(["号", "号", "", "号号"])
    return chooser.choice(["", " ", "\u3000"]) + text + chooser.choice(["", " ", "\n"])


def test_the_default_form_year_and_brackets_are_the_expressions_for_typed_numbers() -> None:
    chooser = random.Random(25)
    for _ in range(20_000):
        text = _typed(chooser)
        assert well_formed(text, DEFAULT_DOC_NO_PATTERN) == (re.fullmatch(DEFAULT_DOC_NO_PATTERN, text.strip()) is not None), text
        assert doc_no_year(text) == _year(text), text


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_the_default_form_year_and_brackets_are_the_expressions_for_any_text(text: str) -> None:
    assert well_formed(text, DEFAULT_DOC_NO_PATTERN) == (re.fullmatch(DEFAULT_DOC_NO_PATTERN, text.strip()) is not None)
    assert doc_no_year(text) == _year(text)
    assert normalised(text).translate(BRACKETS) == normalised(text)  # (every bracket variant already 〔〕)


def test_another_pattern_is_still_a_regular_expression() -> None:
    assert well_formed(" A-12 ", r"[A-Z]-\d+") and not well_formed("A-12号", r"[A-Z]-\d+")
    assert well_formed("金政字〔2024〕80号", DEFAULT_DOC_NO_PATTERN) and not well_formed("金政字〔2024〕080号", DEFAULT_DOC_NO_PATTERN)
