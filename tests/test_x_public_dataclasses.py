"""The data classes a rule profile (a plug-in distribution included) writes against stay data
classes in every respect :mod:`dataclasses` gives: ``Citation``, ``Profile``, ``Problem``,
``Message`` and the findings a reporter or a CI script reads. A profile written against today's
API may build on them with the standard library — subclass one with ``@dataclasses.dataclass``,
ask ``inspect.signature`` what it takes, read ``dataclasses.fields`` — and must keep working
however the tool declares them internally (spec/ARCHITECTURE.md: the rule/plugin API)."""
from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from typing import Any

import pytest

from registry.findings import Finding, Message, RuleInfo
from registry.rules.base import Citation, Problem
from registry.rules.profiles import Profile

FROZEN = [Citation, Message, Problem, Profile, Finding, RuleInfo]


def _sample(cls: type[Any]) -> Any:
    """An instance of ``cls`` made from its fields (text for every required one)."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            values[f.name] = {"message": Message("中文", "en"), "id": "demo", "prefix": "DM"}.get(f.name, "x")
    return cls(**values)


@pytest.mark.parametrize("cls", FROZEN, ids=lambda c: c.__name__)
def test_a_subclass_made_with_the_standard_library_works(cls: type[Any]) -> None:
    sub = dataclasses.dataclass(frozen=True)(type(f"My{cls.__name__}", (cls,), {
        "__annotations__": {"extra": "str"}, "extra": "附加", "__module__": __name__}))
    made = _sample(sub)
    assert made.extra == "附加" and dataclasses.is_dataclass(made)
    assert [f.name for f in dataclasses.fields(sub)][-1] == "extra"
    assert made == copy.copy(made) and hash(made) == hash(dataclasses.replace(made))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.extra = "改"


@pytest.mark.parametrize("cls", FROZEN, ids=lambda c: c.__name__)
def test_signature_fields_and_pickling_are_a_data_class_s(cls: type[Any]) -> None:
    names = [f.name for f in dataclasses.fields(cls)]
    assert list(inspect.signature(cls).parameters) == names
    assert all(f.init and f.kw_only is False for f in dataclasses.fields(cls))
    assert cls.__dataclass_params__.frozen is True
    made = _sample(cls)
    assert pickle.loads(pickle.dumps(made)) == made
    assert dataclasses.asdict(made).keys() == set(names)
