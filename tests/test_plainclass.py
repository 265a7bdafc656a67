"""registry.plainclass makes the classes dataclasses would, without generating code: every
behaviour a caller can see is compared with :mod:`dataclasses`' own class declared the same way."""
from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from typing import Any

import pytest

from registry import plainclass
from registry.findings import Finding, Message, Severity, Unreadable
from registry.rules import RULES
from registry.rules.base import cleandoc


def declare(make: Any, field: Any) -> dict[str, type]:
    """The same declarations, made by ``make`` (a ``dataclass`` decorator) with ``field``."""

    @make(frozen=True)
    class Point:
        """A point."""

        x: int
        y: int = 0

    @make(frozen=True, order=True)
    class Ranked:
        path: str
        line: int
        note: str = field(compare=False, default="")
        hidden: str = field(repr=False, default="h")

    @make
    class Bag:
        name: str
        items: list[int] = field(default_factory=list)

        def __post_init__(self) -> None:
            self.items.append(len(self.name))

    @make(frozen=True, eq=False)
    class Identity:
        value: int

    @make(frozen=True)
    class Child(Point):
        z: int = 5

    return {"Point": Point, "Ranked": Ranked, "Bag": Bag, "Identity": Identity, "Child": Child}


PLAIN = declare(plainclass.dataclass, plainclass.field)
REAL = declare(dataclasses.dataclass, dataclasses.field)
CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("Point", (1,), {}), ("Point", (1, 2), {}), ("Point", (), {"x": 3, "y": 4}), ("Point", (1,), {"y": 9}),
    ("Ranked", ("a", 2), {}), ("Ranked", ("a", 2, "n"), {}), ("Ranked", ("a",), {"line": 1, "hidden": "x"}),
    ("Bag", ("abc",), {}), ("Bag", ("abc", [7]), {}), ("Identity", (1,), {}), ("Child", (1, 2, 3), {}),
    ("Child", (), {"x": 1}),
]
BAD_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("Point", (), {}), ("Point", (1, 2, 3), {}), ("Point", (1,), {"x": 2}), ("Point", (1,), {"w": 2}),
    ("Ranked", ("a",), {}),
]


def both(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    return PLAIN[name](*copy.deepcopy(args), **copy.deepcopy(kwargs)), REAL[name](*copy.deepcopy(args), **copy.deepcopy(kwargs))


@pytest.mark.parametrize(("name", "args", "kwargs"), CALLS)
def test_instances_behave_as_dataclasses_instances(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    plain, real = both(name, args, kwargs)
    assert repr(plain) == repr(real)
    assert vars(plain) == vars(real)
    assert dataclasses.asdict(plain) == dataclasses.asdict(real)
    assert [f.name for f in dataclasses.fields(plain)] == [f.name for f in dataclasses.fields(real)]
    assert dataclasses.is_dataclass(plain)
    twin, real_twin = both(name, args, kwargs)
    assert (plain == twin) == (real == real_twin)
    assert (plain != twin) == (real != real_twin)
    assert plain != real  # another class is never equal, as with dataclasses
    hashable = type(real).__hash__ is not None
    assert (type(plain).__hash__ is not None) == hashable
    if hashable and type(real).__eq__ is not object.__eq__:
        assert hash(plain) == hash(twin)
    assert type(plain).__match_args__ == type(real).__match_args__
    for back in (copy.copy(plain), copy.deepcopy(plain)):  # (local classes: pickle is below, same protocol)
        assert vars(back) == vars(plain) and type(back) is type(plain)
    changed = dataclasses.replace(plain, **{type(plain).__match_args__[0]: args[0] if args else 8})
    assert vars(changed) == vars(dataclasses.replace(real, **{type(real).__match_args__[0]: args[0] if args else 8}))
    assert vars(plainclass.replace(plain)) == vars(plain)


@pytest.mark.parametrize(("name", "args", "kwargs"), BAD_CALLS)
def test_wrong_arguments_are_refused_as_dataclasses_refuse_them(name: str, args: tuple[Any, ...],
                                                                 kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError) as plain:
        PLAIN[name](*args, **kwargs)
    with pytest.raises(TypeError):
        REAL[name](*args, **kwargs)
    assert "__init__()" in str(plain.value)


def test_the_registrys_own_classes_pickle_back_equal() -> None:
    finding = Finding("a.yaml", 1, 2, "REG001", Severity.error, "f", Message("中", "en"), "c", "q")
    back = pickle.loads(pickle.dumps(finding))
    assert back == finding and vars(back) == vars(finding) and hash(back) == hash(finding)
    unreadable = Unreadable("a.yaml", "REG002", 1, 1, "", Message("中", "en"))
    assert vars(pickle.loads(pickle.dumps(unreadable))) == vars(unreadable)


def test_order_and_equality_use_the_compared_fields_only() -> None:
    values = [("b", 1, "x"), ("a", 2, "y"), ("a", 1, "z"), ("a", 1, "w")]
    plain = sorted(PLAIN["Ranked"](*v) for v in values)
    real = sorted(REAL["Ranked"](*v) for v in values)
    assert [vars(p) for p in plain] == [vars(r) for r in real]
    assert PLAIN["Ranked"]("a", 1, "x") == PLAIN["Ranked"]("a", 1, "y")
    assert PLAIN["Ranked"]("a", 1) < PLAIN["Ranked"]("a", 2) <= PLAIN["Ranked"]("b", 0)
    assert PLAIN["Identity"](1) != PLAIN["Identity"](1)  # eq=False: identity


def test_frozen_instances_refuse_assignment_with_dataclasses_error() -> None:
    point = PLAIN["Point"](1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.x  # type: ignore[misc]
    bag = PLAIN["Bag"]("a")
    bag.name = "b"
    assert bag.name == "b" and type(bag).__hash__ is None


def test_defaults_are_class_attributes_and_factories_give_fresh_values() -> None:
    assert PLAIN["Point"].y == REAL["Point"].y == 0
    assert "x" not in vars(PLAIN["Point"]) and "items" not in vars(PLAIN["Bag"])
    assert PLAIN["Bag"]("a").items is not PLAIN["Bag"]("a").items


def test_a_default_before_a_field_without_one_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        @plainclass.dataclass
        class Wrong:
            a: int = 1
            b: int


def test_a_method_the_class_writes_itself_is_kept() -> None:
    @plainclass.dataclass(frozen=True)
    class Own:
        a: int

        def __repr__(self) -> str:
            return "own"

    assert repr(Own(1)) == "own" and Own(1) == Own(1)


def test_cleandoc_is_inspects_for_every_rule_and_odd_texts() -> None:
    texts = [rule.check.__doc__ or "" for rule in RULES.values()]
    texts += [rule.fails for rule in RULES.values()] + ["    " + rule.passes.replace("\n", "\n    ") for rule in RULES.values()]
    texts += ["", "\n", "  a\n    b\n  c\n\n", "\tx\n\t\ty", "first\n\n   second\n  third  \n", "   \n   \n"]
    for text in texts:
        assert cleandoc(text) == inspect.cleandoc(text)


def test_stdlib_data_classes_build_on_plain_ones_and_plain_ones_on_stdlib_ones() -> None:
    @dataclasses.dataclass(frozen=True)
    class Extended(PLAIN["Point"]):  # type: ignore[misc,valid-type]
        label: str = ""

    @dataclasses.dataclass(frozen=True)
    class RealExtended(REAL["Point"]):  # type: ignore[misc,valid-type]
        label: str = ""

    assert repr(Extended(1, 2, "a")) == repr(RealExtended(1, 2, "a")).replace("RealExtended", "Extended")
    assert Extended(1) == Extended(1, 0, "") and hash(Extended(1)) == hash(Extended(1, 0))
    with pytest.raises(dataclasses.FrozenInstanceError):
        Extended(1).label = "b"  # type: ignore[misc]

    @plainclass.dataclass(frozen=True)
    class OnStdlib(REAL["Bag"]):  # type: ignore[misc,valid-type]
        extra: int = 0

    made = OnStdlib("ab")
    assert (made.name, made.items, made.extra) == ("ab", [2], 0)
    assert [f.name for f in dataclasses.fields(OnStdlib)] == ["name", "items", "extra"]


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_signature_doc_params_and_fields_are_dataclasses(name: str) -> None:
    plain, real = PLAIN[name], REAL[name]
    assert str(inspect.signature(plain)) == str(inspect.signature(real))
    assert plain.__doc__ == real.__doc__
    assert repr(plain.__dataclass_params__) == repr(real.__dataclass_params__)
    for made, expected in zip(dataclasses.fields(plain), dataclasses.fields(real), strict=True):
        assert [getattr(made, a) for a in ("name", "type", "default", "init", "repr", "hash", "compare", "kw_only")] == \
            [getattr(expected, a) for a in ("name", "type", "default", "init", "repr", "hash", "compare", "kw_only")]
