"""The cold check's fast paths give exactly what the slow ones give (differential fuzzing).

* :func:`registry.loader.load_record` reads plain block YAML with :mod:`registry.fastyaml` and
  everything else with the full parser: on any bytes — records generated from the models,
  mutated as data and as text (duplicate lines, truncation, flipped and inserted bytes), and
  hand-picked hostile texts — its result (the validated record, or every REG001/REG002 problem
  with line, column, field and message) equals the full parser's, and whenever the fast reader
  answers, the parser builds the same data (same types, same key order).
* Document numbers: :func:`registry.rules.docnumbers.normalised` and ``is_placeholder`` equal
  the reference spelling they replaced, on any text.
* REG012's screen (one search over all of a record's texts) never misses a text the
  field-by-field walk would report; nor does the loader's (a record it marks as read from a
  text without hidden characters has no text the walk would report).
* Working days: :meth:`registry.workdays.Calendar.nth_after` (a year at a time) finds the day
  the day-by-day walk found, with the same "estimated" flag, for any date and any N.

CI runs ``REGISTRY_FUZZ_EXAMPLES`` (default 300) examples per property, derandomized; a
campaign: ``REGISTRY_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest -q -p no:cacheprovider
tests/fuzz/test_fast_paths.py``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import sys
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from fuzz.strategies import ANY_TEXT, fuzzed_record, record_data, to_yaml
from test_fastyaml import same
from registry import loader, workdays
from registry.fastyaml import read_screened, read_simple
from registry.hiddentext import HIDDEN, hidden, screened
from registry.models import Project, System
from registry.rules import docnumbers, text
from registry.snapshot import Unreadable
from registry.yamlio import YamlError, decode, parse

EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "300"))
CAMPAIGN = "REGISTRY_FUZZ_EXAMPLES" in os.environ
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not CAMPAIGN,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
KINDS = {"systems/czj/czj-fuzz.yaml": (System, {"id": "czj-fuzz", "unit": "czj"}),
         "projects/czj/2025-czj-001.yaml": (Project, {"id": "2025-czj-001", "unit": "czj", "year": 2025})}


def models_in(value: Any) -> list[BaseModel]:
    if isinstance(value, BaseModel):
        return [value, *(m for inner in value.__dict__.values() for m in models_in(inner))]
    if isinstance(value, (list, tuple)):
        return [m for inner in value for m in models_in(inner)]
    if isinstance(value, dict):
        return [m for inner in value.values() for m in models_in(inner)]
    return []


def full_reading(path: str, raw: bytes) -> BaseModel | list[Unreadable]:
    """What loading gave before the fast reader: the full parser, then validation."""
    model = loader.RECORD_FOLDERS[path.split("/", 1)[0]]
    try:
        data = parse(raw).data
    except YamlError as exc:
        return [Unreadable(path, "REG001", exc.line, exc.column, exc.field, exc.message)]
    return loader.validate(path, raw, model, data)


def assert_loads_the_same(path: str, raw: bytes) -> None:
    try:
        fast = read_simple(decode(raw))
    except YamlError:
        fast = None
    if fast is not None:
        try:
            full = parse(raw).data
        except YamlError as exc:
            raise AssertionError(f"fast reader accepted what the parser refuses ({exc.message.en}):\n{raw!r}") from None
        assert same(fast, full), f"different data:\nfast {fast!r}\nfull {full!r}"
    got, want = loader.load_record(path, raw), full_reading(path, raw)
    if isinstance(got, BaseModel):  # every model inside shares its field names (memory)
        assert all(isinstance(m.__pydantic_fields_set__, loader.FieldNames) for m in models_in(got))
        assert_screen_is_sound(got)
    if isinstance(want, list):
        assert isinstance(got, list)
        assert [dataclasses.astuple(u) for u in got] == [dataclasses.astuple(u) for u in want]
    else:
        assert isinstance(got, BaseModel) and got == want
        assert same(got.model_dump(), want.model_dump())


@FUZZ
@given(path=st.sampled_from(sorted(KINDS)), data=st.data())
def test_loading_a_record_fast_gives_what_the_full_parser_gives(path: str, data: st.DataObject) -> None:
    model, fixed = KINDS[path]
    raw, _applied = data.draw(fuzzed_record(model, fixed), label="record")
    assert_loads_the_same(path, raw)


HOSTILE = [
    "id: czj-a\nid: czj-b\n", "id: &a czj-a\nname: *a\n", "id: !!str czj-a\n", "id: czj-a\n---\nid: czj-b\n",
    "id:\tczj-a\n", "\ufeffid: czj-a\n", "id: czj-a\r\nname: x\r\n", "id: czj-a\nname: 'x'\n", "id: czj-a\nname: \"x\\u200by\"\n",
    "id: czj-a\nenforcement: yes\n", "id: czj-a\nenforcement: on\n", "id: czj-a\nsecurity: {mlps_level: 0o17}\n",
    "id: czj-a\nsecurity: {mlps_level: 1_000}\n", "id: czj-a\nsecurity: {mlps_level: .inf}\n",
    "id: czj-a\nonline_since: 2025-01-02T10:00:00\n", "id: czj-a\nonline_since: 2025-02-30\n",
    "id: czj-a\nname: x # y\n", "id: czj-a\nname: \"x\" # y\n", "id: czj-a\nname: x#y\n", "id: czj-a\nname: |\n  x\n  y\n",
    "id: czj-a\nname: >\n  x\n", "id: czj-a\nname: x\n  y\n", "id: czj-a\nname: 预算\u200b系统\n", "id: czj-a\nname: \x07\n",
    "id: czj-a\nname: a\x85b\n", "id: czj-a\nname: a\u2028b\n", "a:\n" + "".join("  " * i + "- x:\n" for i in range(40)),
    "id: czj-a\nname: " + "9" * 400 + "\n", "id: czj-a\nnull: x\n", "id: czj-a\ntrue: x\n", "id: czj-a\n? name\n: x\n",
    "- id\n", "", "# nothing\n", "id: czj-a\n" + "k" * 1025 + ": 1\n", "id: czj-a\n" + "k" * 200 + ": 1\n",
    "id: czj-a\nsecurity: {" + "k" * 1100 + ": 1}\n", "id: czj-a\nname: " + "长" * 5000 + "\n", "id: czj-a\nplatforms: [a, , b]\n", "id: czj-a\nplatforms: [\"a, b\"]\n",
]


@pytest.mark.parametrize("text_", HOSTILE)
@pytest.mark.parametrize("path", sorted(KINDS))
def test_hostile_texts_load_the_same(path: str, text_: str) -> None:
    assert_loads_the_same(path, text_.encode("utf-8"))
    assert_loads_the_same(path, text_.encode("utf-8") + b"\xff")


# ------------------------------------------------------------------ document numbers


def reference_normalised(text_: str) -> str:
    """docnumbers.normalised as it was written before it was made faster."""
    folded = unicodedata.normalize("NFKC", text_)
    folded = "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc"))
    folded = re.sub(r"[\[(【]", "〔", folded)
    folded = re.sub(r"[\])】]", "〕", folded)
    folded = folded.replace("〕第", "〕")
    folded = re.sub(r"(?<![0-9])0+(?=[0-9])", "", folded)
    return folded.casefold()


def reference_is_placeholder(text_: str) -> bool:
    key = reference_normalised(text_).rstrip(".。")
    if key in docnumbers.PLACEHOLDERS:
        return True
    return not any(unicodedata.category(ch)[0] in "LN" for ch in key)


DOC_TEXT = st.text(st.sampled_from(list("金政字发〔〕[]［］()（）【】第号0０1１2２9９ .。-/无待定NnAa\u200b\u3000\t\ufeff﹝﹞")) | st.characters(),
                   max_size=24)


@FUZZ
@given(DOC_TEXT)
def test_document_numbers_normalise_as_before(value: str) -> None:
    assert docnumbers.normalised(value) == reference_normalised(value)
    assert docnumbers.is_placeholder(value) == reference_is_placeholder(value)
    assert docnumbers.is_placeholder(value) == reference_is_placeholder(value)  # remembered: same answer


def test_letters_and_numbers_are_exactly_what_the_pattern_finds() -> None:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    found = set(re.findall(r"[^\W_]", every))
    assert found == {ch for ch in every if unicodedata.category(ch)[0] in "LN"}


# ------------------------------------------------------------------ REG012's screen


def text_leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, str) and path:
        return [path]
    if isinstance(value, dict):
        return [leaf for key, inner in value.items() for leaf in text_leaves(inner, (*path, key))]
    if isinstance(value, list):
        return [leaf for i, inner in enumerate(value) for leaf in text_leaves(inner, (*path, i))]
    return []


@FUZZ
@given(data=st.data(), inserted=st.lists(ANY_TEXT | st.sampled_from(["\u200b", "\u202e", "a\u00adb", "\U000e0041"]),
                                         min_size=1, max_size=3))
def test_the_hidden_character_screen_misses_nothing(data: st.DataObject, inserted: list[str]) -> None:
    model: type[BaseModel] = data.draw(st.sampled_from([System, Project]))
    raw = data.draw(record_data(model))
    leaves = [path for path in text_leaves(raw) if path[0] not in ("id", "unit")]  # at any depth
    for value, path in zip(inserted, data.draw(st.permutations(leaves)) if leaves else []):
        holder = raw
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = value
    try:
        record = model.model_validate(raw)
    except ValidationError:
        return
    walked = any(hidden().search(value) for _field, value in text._texts(record))
    event("a hidden character to report" if walked else "nothing to report")
    assert text._may_hide(record) or not walked
    if not text._may_hide(record):
        assert list(text._hidden_in(record)) == []


def assert_screen_is_sound(record: BaseModel) -> None:
    """A record the loader marked as screened has no text REG012's walk would report (and
    every record it did not mark is walked: REG012 still reports it)."""
    hidden = [field for field, value in text._texts(record) if HIDDEN.search(value)]
    if screened(record):
        assert not hidden, f"screened, yet {hidden} hold hidden characters"
    else:
        assert {p.field for p in text._hidden_in(record)} == {f for f in hidden if f.split(".")[0].split("[")[0] not in text._INTERNAL}


HIDDEN_SAMPLES = ["\u200b", "\u202e", "\u00ad", "\U000e0041", "\u2066", "\ufe0f", "\U0001d173"]


@FUZZ
@given(data=st.data(), inserted=st.lists(st.sampled_from(HIDDEN_SAMPLES).map(lambda e: e.encode().decode("unicode_escape"))
                                         | ANY_TEXT, min_size=1, max_size=3),
       in_text=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(HIDDEN_SAMPLES)), max_size=2))
def test_the_loaders_screen_never_vouches_for_a_hidden_character(
        data: st.DataObject, inserted: list[str], in_text: list[tuple[int, str]]) -> None:
    """Hidden characters put into values at any depth (as data: the dumper writes some raw,
    some escaped), and raw anywhere in the text (a comment, a key, a value, between lines)."""
    path = data.draw(st.sampled_from(sorted(KINDS)))
    model, fixed = KINDS[path]
    raw = {**data.draw(record_data(model)), **fixed}
    leaves = [p for p in text_leaves(raw) if p[0] not in ("id", "unit")]
    for value, leaf in zip(inserted, data.draw(st.permutations(leaves)) if leaves else []):
        holder = raw
        for step in leaf[:-1]:
            holder = holder[step]
        holder[leaf[-1]] = value
    written = to_yaml(raw).decode("utf-8")
    for at, escaped in in_text:
        at = at % (len(written) + 1)
        written = written[:at] + escaped.encode().decode("unicode_escape") + written[at:]
    encoded = written.encode("utf-8", "surrogatepass")
    data_, clean = read_screened(written)
    if clean:
        assert data_ is not None and not HIDDEN.search(written)
    event("screened" if clean else "not screened")
    record = loader.load_record(path, encoded)
    if isinstance(record, BaseModel):
        assert_screen_is_sound(record)
        assert screened(record) == clean


SYSTEM = "id: czj-a\nunit: czj\nstatus: planned\nscope: public\ndeployment: county_cloud\n"


def test_a_copy_of_a_screened_record_is_not_screened() -> None:
    record = loader.load_record("systems/czj/czj-a.yaml", f"{SYSTEM}name: x\n".encode())
    assert isinstance(record, BaseModel) and screened(record)
    assert not screened(record.model_copy()) and record.model_copy() == record
    hidden = loader.load_record("systems/czj/czj-a.yaml", f"{SYSTEM}name: x\u200by\n".encode())
    comment = loader.load_record("systems/czj/czj-a.yaml", f"{SYSTEM}# \u202e\nname: x\n".encode())
    assert isinstance(hidden, BaseModel) and not screened(hidden) and [p.field for p in text._hidden_in(hidden)] == ["name"]
    assert isinstance(comment, BaseModel) and not screened(comment) and list(text._hidden_in(comment)) == []


# ------------------------------------------------------------------ working days


def reference_nth_after(calendar: workdays.Calendar, start: dt.date, n: int) -> workdays.Deadline:
    """Calendar.nth_after as it was written before it was made faster: one day at a time."""
    seen, estimated = 0, False
    day = start
    while seen < n:
        if day == dt.date.max:
            return workdays.Deadline(day, estimated=True)
        day += dt.timedelta(days=1)
        verdict = calendar.working_day(day)
        seen += verdict.working
        estimated = estimated or verdict.estimated
    return workdays.Deadline(day, estimated)


def calendars() -> list[workdays.Calendar]:
    """chinesecalendar alone, and with the registry's own arrangements (one year the package
    knows, overridden; one it may not know; one far ahead)."""
    own = {
        2024: workdays.Arrangement(frozenset({dt.date(2024, 10, 8)}), frozenset({dt.date(2024, 10, 12)})),
        2027: workdays.Arrangement(frozenset({dt.date(2027, 1, 1), dt.date(2027, 2, 8)}), frozenset({dt.date(2027, 2, 20)})),
        2031: workdays.Arrangement(frozenset(), frozenset({dt.date(2031, 1, 4)})),
    }
    return [workdays.Calendar(), workdays.Calendar(own)]


def test_the_nth_working_day_is_found_as_before() -> None:
    for calendar in calendars():
        start = dt.date(2019, 12, 1)
        while start < dt.date(2028, 2, 1):
            for n in (1, 2, 5, 10, 20) if start.day % 5 else (3, 30, 250):
                assert calendar.nth_after(start, n) == reference_nth_after(calendar, start, n), (start, n)
            start += dt.timedelta(days=1)


@FUZZ
@given(start=st.dates(dt.date(1, 1, 1), dt.date.max),
       n=st.integers(1, 400) | st.integers(1, workdays.MAX_WORKING_DAYS) if CAMPAIGN else st.integers(1, 400))
def test_the_nth_working_day_of_any_date_is_found_as_before(start: dt.date, n: int) -> None:
    for calendar in calendars():
        assert calendar.nth_after(start, n) == reference_nth_after(calendar, start, n)


def test_the_last_days_of_the_calendar() -> None:
    for calendar in calendars():
        for back in range(0, 20):
            start = dt.date.max - dt.timedelta(days=back)
            for n in (1, 2, 5, 10, 14, 15, 100):
                assert calendar.nth_after(start, n) == reference_nth_after(calendar, start, n)
