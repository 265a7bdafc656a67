"""Records compared as values instead of through ``model_dump`` on the diff path.

* ``diffing.changed_fields`` must name exactly the fields the dump comparison named (kept below
  as the reference), for any two records — equal ones, ones differing anywhere, and the
  number/text/date edge cases where a value comparison could in principle differ from a
  comparison of JSON dumps.
* CHG004 skips a record equal at base: for any record, an equal one (validated separately)
  keeps every milestone, entry and recorded approval by the rule's own comparisons."""
from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from fuzz.strategies import record_data
from registry import loader
from registry.diffing import EXPANDED, changed_fields
from registry.models import Project, System
from registry.models.project import Budget, Milestones

NESTED: dict[str, type[BaseModel]] = {"budget": Budget, "milestones": Milestones}  # the fields EXPANDED names

SETTINGS = settings(max_examples=int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "300")), deadline=None,
                    database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
FIXED = {System: {"id": "czj-a", "unit": "czj"}, Project: {"id": "2025-czj-001", "unit": "czj", "year": 2025}}


def reference(old: BaseModel, new: BaseModel) -> tuple[str, ...]:
    """What changed_fields said before: the JSON dumps compared field by field."""
    a, b = old.model_dump(mode="json"), new.model_dump(mode="json")
    out: list[str] = []
    names = System.model_fields if isinstance(new, System) else Project.model_fields
    for name in names:
        if a.get(name) == b.get(name):
            continue
        if name in EXPANDED and isinstance(a.get(name), dict) and isinstance(b.get(name), dict):
            out.extend(f"{name}.{sub}" for sub in NESTED[name].model_fields if a[name].get(sub) != b[name].get(sub))
        else:
            out.append(name)
    return tuple(out)


def valid(model: type[BaseModel], data: dict[str, Any]) -> BaseModel | None:
    try:
        record = model.model_validate({**data, **FIXED[model]})
    except Exception:  # noqa: BLE001  (generated data may be invalid)
        return None
    loader.share_field_sets(record)
    return record


def mixed(a: dict[str, Any], b: dict[str, Any], picks: list[bool]) -> dict[str, Any]:
    """``a`` with some of its top-level (and budget/milestones) values taken from ``b``."""
    out = dict(a)
    for (key, value), take in zip(sorted(b.items()), picks):
        if take:
            if key in ("budget", "milestones") and isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = {**out[key], **dict(list(value.items())[: len(value) // 2 + 1])}
            else:
                out[key] = value
    return out


@SETTINGS
@given(kind=st.sampled_from([System, Project]), data=st.data())
def test_changed_fields_are_the_fields_whose_dumps_differ(kind: type[BaseModel], data: st.DataObject) -> None:
    first = data.draw(record_data(kind))
    second = mixed(first, data.draw(record_data(kind)), data.draw(st.lists(st.booleans(), min_size=40, max_size=40)))
    old, new = valid(kind, first), valid(kind, second)
    if old is None or new is None:
        return
    assert changed_fields(old, new) == reference(old, new)  # type: ignore[arg-type]
    assert changed_fields(new, old) == reference(new, old)  # type: ignore[arg-type]
    assert changed_fields(old, old.model_copy()) == () == reference(old, old)  # type: ignore[arg-type]


def test_numbers_texts_and_dates_compare_as_their_dumps_do() -> None:
    base = {"name": "甲", "nature": "new", "delivery": "build", "scope": "public", "track": "approval",
            "budget": {"total_wan": 100}}
    pairs = [
        ({"budget": {"total_wan": 100}}, {"budget": {"total_wan": 100.0}}),
        ({"budget": {"total_wan": 0.0}}, {"budget": {"total_wan": -0.0}}),
        ({"goals": [{"indicator": "a", "target": 1}]}, {"goals": [{"indicator": "a", "target": 1.0}]}),
        ({"goals": [{"indicator": "a", "target": 1}]}, {"goals": [{"indicator": "a", "target": "1"}]}),
        ({"milestones": {"approved": "2025-01-02"}}, {"milestones": {"approved": {"date": "2025-01-02"}}}),
        ({"milestones": {"trial_run": "2025-01-02"}}, {"milestones": {"trial_run": {"start": "2025-01-02", "end": None}}}),
        ({"classified": False}, {}),
        ({"notes": None}, {}),
    ]
    for extra_a, extra_b in pairs:
        old, new = valid(Project, {**base, **extra_a}), valid(Project, {**base, **extra_b})
        assert old is not None and new is not None, (extra_a, extra_b)
        assert changed_fields(old, new) == reference(old, new), (extra_a, extra_b)  # type: ignore[arg-type]


@SETTINGS
@given(kind=st.sampled_from([System, Project]), data=st.data())
def test_an_equal_record_at_base_keeps_everything_chg004_compares(kind: type[BaseModel], data: st.DataObject) -> None:
    from registry.rules.change import _milestone_kept
    from registry.rules.history import removed_entries, system_records

    values = data.draw(record_data(kind))
    before, after = valid(kind, values), valid(kind, values)
    if before is None or after is None:
        return
    assert before == after and before is not after
    if isinstance(before, Project):
        assert isinstance(after, Project)
        for stage in before.milestones.present():
            assert not list(_milestone_kept(after, stage, before.milestones.get(stage), after.milestones.get(stage)))
        assert not list(removed_entries(before, after))
    else:
        assert isinstance(before, System) and isinstance(after, System)
        assert not list(system_records(before, after))
