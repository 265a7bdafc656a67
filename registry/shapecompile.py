"""The shapes of :mod:`registry.shapes` made into nested functions: each takes a value and
returns what the model makes of it (with a :class:`Maker`, the model's own objects; without,
the data as checked), or raises :class:`Unsure` — the model may refuse the value, or the shape
cannot tell (an opaque part). A union is exact only where a single choice may take the value's
type (which choice pydantic's smart union picks is otherwise left to it)."""
from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable
from typing import Any

from registry.patterns import on_first_use

# A date as pydantic reads one from text, compiled when a date is first given as text (YAML
# gives most dates as dates).
_iso_date = on_first_use(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Unsure(Exception):
    """The data is not surely accepted (it may be refused, or the shape cannot tell)."""


Check = Callable[[Any], Any]  # the value as the model reads it; raises Unsure unless its shape surely accepts it


class Maker:
    """What turns checked data into the model's own objects (:mod:`registry.shapebuild`);
    without one, a compiled shape only checks (and needs no pydantic)."""

    def enum(self, name: str) -> Callable[[str], Any] | None:
        """The enumeration class ``name`` (``module.qualname``); None if there is none."""
        raise NotImplementedError

    def instance(self, name: str, fields: list[str]) -> Callable[[dict[str, Any], set[str]], Any] | None:
        """A function making a model of class ``name`` (whose fields, in order, are ``fields``)
        from its field values (every field, in that order) and the names set in the data; None
        if that class cannot be made so (then never sure)."""
        raise NotImplementedError


# Every type of value data read from YAML or JSON may hold (mappings, lists, text, numbers,
# booleans, dates, null): what a shape that says nothing about types (opaque, any) may receive.
_ALL_TYPES = frozenset({dict, list, str, int, float, bool, dt.date, dt.datetime, type(None)})


class Compiler:
    def __init__(self, defs: dict[str, Any], maker: Maker | None) -> None:
        self.defs = defs
        self.maker = maker  # None: check only (the values returned are the data's own)
        self.named: dict[str, Check] = {}

    def compile(self, node: dict[str, Any]) -> Check:
        make = getattr(self, "_" + str(node.get("t")), None)
        return make(node) if make is not None else _never

    def _ref(self, node: dict[str, Any]) -> Check:
        name = node["name"]
        if name not in self.named:
            self.named[name] = _never  # (a model reaching itself: not sure)
            self.named[name] = self.compile(self.defs[name])
        return self.named[name]

    def _str(self, node: dict[str, Any]) -> Check:
        pattern = re.compile(node["pattern"]).search if "pattern" in node else None
        shortest, longest = node.get("min_length", 0), node.get("max_length", math.inf)

        def check(value: Any) -> Any:
            if type(value) is not str or (not value.isascii() and not _encodable(value)):
                raise Unsure  # (a lone surrogate, from an escape, is no text pydantic accepts)
            if pattern is not None and ("\n" in value or pattern(value) is None):
                raise Unsure  # a line break: where ``$`` matches differs between regex engines
            if not shortest <= len(value) <= longest:
                raise Unsure
            return value
        return check

    def _int(self, node: dict[str, Any]) -> Check:
        return _number(node, int)

    def _float(self, node: dict[str, Any]) -> Check:
        return _number(node, float)

    def _bool(self, node: dict[str, Any]) -> Check:
        return _of_type(bool)

    def _date(self, node: dict[str, Any]) -> Check:
        return _of_type(dt.date)  # exactly a date: never a date with a time

    def _any(self, node: dict[str, Any]) -> Check:
        return _anything

    def _date_text(self, node: dict[str, Any]) -> Check:
        """models.base._date_from_text: text ``YYYY-MM-DD`` that is a date is that date."""
        inner = self.compile(node["s"])

        def check(value: Any) -> Any:
            if type(value) is str and _iso_date().fullmatch(value):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    pass
            return inner(value)
        return check

    def _whole_number(self, node: dict[str, Any]) -> Check:
        inner = self.compile(node["s"])

        def check(value: Any) -> Any:
            if type(value) is float:
                raise Unsure  # 3.0 would become 3: rare enough to leave to pydantic
            return inner(value)
        return check

    def _non_empty(self, node: dict[str, Any]) -> Check:
        inner = self.compile(node["s"])

        def check(value: Any) -> Any:
            found = inner(value)
            if not value:
                raise Unsure
            return found
        return check

    def _dates_to_mappings(self, node: dict[str, Any]) -> Check:
        """models.project.Milestones._dates_to_mappings: a bare value is ``{date: value}``
        (``{start: value}`` for ``trial_run``)."""
        inner = self.compile(node["s"])

        def check(value: Any) -> Any:
            if type(value) is not dict:
                raise Unsure  # (anything else goes on unchanged, and the model refuses it)
            return inner({key: ({"start": one} if key == "trial_run" else {"date": one})
                          if one is not None and type(one) is not dict else one for key, one in value.items()})
        return check

    def _nullable(self, node: dict[str, Any]) -> Check:
        inner = self.compile(node["s"])

        def check(value: Any) -> Any:
            return None if value is None else inner(value)
        return check

    def _default(self, node: dict[str, Any]) -> Check:
        return self.compile(node["s"])  # a value given is checked; an absent one is the default

    def _list(self, node: dict[str, Any]) -> Check:
        item = self.compile(node["s"])
        shortest, longest = node.get("min_length", 0), node.get("max_length", math.inf)

        def check(value: Any) -> Any:
            if type(value) is not list or not shortest <= len(value) <= longest:
                raise Unsure
            return [item(one) for one in value]
        return check

    def _dict(self, node: dict[str, Any]) -> Check:
        key, item = self.compile(node["k"]), self.compile(node["v"])
        shortest, longest = node.get("min_length", 0), node.get("max_length", math.inf)

        def check(value: Any) -> Any:
            if type(value) is not dict or not shortest <= len(value) <= longest:
                raise Unsure
            built = {key(k): item(v) for k, v in value.items()}
            if len(built) != len(value):
                raise Unsure  # two keys became one (the model keeps the last: left to it)
            return built
        return check

    def model_fields(self, node: dict[str, Any]) -> tuple[dict[str, Check], frozenset[str]]:
        """A model shape's field checks by name, and the names of its required fields."""
        fields = {name: self.compile(shape) for name, (_, shape) in node["fields"].items()}
        return fields, frozenset(name for name, (needed, _) in node["fields"].items() if needed)

    def _model(self, node: dict[str, Any]) -> Check:
        fields, required = self.model_fields(node)
        if self.maker is None:
            def check(value: Any) -> Any:
                if type(value) is not dict:
                    raise Unsure
                for name, one in value.items():
                    field = fields.get(name) if type(name) is str else None
                    if field is None:
                        raise Unsure  # unknown keys are refused (extra="forbid"); pydantic says which
                    field(one)
                if not required <= value.keys():
                    raise Unsure
                return value
            return check
        return self._fields(node, fields, required)

    def _fields(self, node: dict[str, Any], fields: dict[str, Check], required: frozenset[str]) -> Check:
        """A model's fields as the model sets them: ``(every field's value in order, the names
        given)``; an absent field takes its default (a default the shape does not know: not sure)."""
        defaults = {name: self.default_of(shape) for name, (needed, shape) in node["fields"].items() if not needed}
        order = list(fields)

        def build(value: Any) -> Any:
            if type(value) is not dict:
                raise Unsure
            for name in value:
                if type(name) is not str or name not in fields:
                    raise Unsure  # unknown keys are refused (extra="forbid"); pydantic says which
            if not required <= value.keys():
                raise Unsure
            return {name: fields[name](value[name]) if name in value else defaults[name]()
                    for name in order}, set(value)
        return build

    def default_of(self, node: dict[str, Any]) -> Callable[[], Any]:
        """What an absent field is: its default value, a new empty list or mapping, or the model
        of its own type built from nothing (``default_factory=Security``)."""
        if node.get("t") != "default":
            return _unknown_default
        if "value" in node:
            value = node["value"]
            return lambda: value
        factory = node.get("factory")
        if factory == "list":
            return list
        if factory == "dict":
            return dict
        if isinstance(factory, str) and factory in self.defs:
            made = self._ref({"name": factory})
            return lambda: made({})
        return _unknown_default

    def _instance(self, node: dict[str, Any]) -> Check:
        inner = self.compile(node["s"])
        if self.maker is None:
            return inner
        fields = _model_fields(node["s"], self.defs)
        if fields is None:
            return _never
        make = self.maker.instance(node["cls"], fields)
        if make is None:
            return _never

        def build(value: Any) -> Any:
            values, given = inner(value)
            return make(values, given)
        return build

    def _union(self, node: dict[str, Any]) -> Check:
        choices = [self.compile(choice) for choice in node["of"]]
        if self.maker is not None:  # the model's value: only when a single choice may take the data's type
            kinds = [_types(choice, self.defs) for choice in node["of"]]

            def build(value: Any) -> Any:
                takers = [choice for choice, types in zip(choices, kinds) if type(value) in types]
                if len(takers) != 1:
                    raise Unsure  # which choice pydantic's smart union picks: left to it
                return takers[0](value)
            return build

        def check(value: Any) -> Any:
            for choice in choices:
                try:
                    return choice(value)
                except Unsure:
                    continue
            raise Unsure
        return check

    def _literal(self, node: dict[str, Any]) -> Check:
        options = [(type(option), option) for option in node["values"]]

        def check(value: Any) -> Any:
            if not any(type(value) is kind and value == option for kind, option in options):
                raise Unsure
            return value
        return check

    def _enum(self, node: dict[str, Any]) -> Check:
        values = frozenset(node["values"])
        member = self.maker.enum(node["cls"]) if self.maker is not None and "cls" in node else None
        if self.maker is not None and member is None:
            return _never

        def check(value: Any) -> Any:
            if type(value) is not str or value not in values:
                raise Unsure
            return value if member is None else member(value)
        return check


def _model_fields(node: dict[str, Any], defs: dict[str, Any]) -> list[str] | None:
    """The field names, in order, of the model-fields shape inside a model's shape (through a
    re-stated model validator); None if there is none."""
    while node.get("t") in ("dates_to_mappings", "ref"):
        node = defs[node["name"]] if node["t"] == "ref" else node["s"]
    return list(node["fields"]) if node.get("t") == "model" else None


def _types(node: dict[str, Any], defs: dict[str, Any], seen: frozenset[str] = frozenset()) -> frozenset[type]:
    """The types of data a shape may accept (a superset: a union is exact only when one choice
    may take the data's type)."""
    kind = node.get("t")
    if kind == "ref":
        name = node["name"]
        return _ALL_TYPES if name in seen else _types(defs[name], defs, seen | {name})
    if kind in ("nullable",):
        return _types(node["s"], defs, seen) | {type(None)}
    if kind in ("default", "non_empty", "instance", "dates_to_mappings"):
        return _types(node["s"], defs, seen)
    if kind in ("date_text",):
        return _types(node["s"], defs, seen) | {str}
    if kind in ("whole_number",):
        return _types(node["s"], defs, seen) | {float}
    if kind == "union":
        return frozenset().union(*(_types(choice, defs, seen) for choice in node["of"]))
    if kind == "literal":
        return frozenset(type(value) for value in node["values"])
    simple: dict[str, frozenset[type]] = {
        "str": frozenset({str}), "enum": frozenset({str}), "int": frozenset({int}), "float": frozenset({int, float}),
        "bool": frozenset({bool}), "date": frozenset({dt.date}), "list": frozenset({list}), "dict": frozenset({dict}),
        "model": frozenset({dict})}
    return simple.get(str(kind), _ALL_TYPES)


def _never(value: Any) -> Any:
    raise Unsure  # an opaque part, or one this module does not know


def _unknown_default() -> Any:
    raise Unsure  # an absent field whose default the shape does not know


def _anything(value: Any) -> Any:
    return value


def _of_type(kind: type) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise Unsure
        return value
    return check


_EXACT_FLOAT = 2 ** 53  # every integer up to this is a float exactly: pydantic's float is Python's


def _number(node: dict[str, Any], kind: Any) -> Check:
    bounds = [(test, node[name]) for name, test in (("ge", operator.ge), ("le", operator.le),
                                                     ("gt", operator.gt), ("lt", operator.lt)) if name in node]

    def check(value: Any) -> Any:
        if kind is float and type(value) is int and -_EXACT_FLOAT <= value <= _EXACT_FLOAT:
            value = float(value)  # a strict float field takes an integer as that number
        if type(value) is not kind or (kind is float and not math.isfinite(value)):
            raise Unsure
        if not all(test(value, bound) is True for test, bound in bounds):  # exact for any size of int
            raise Unsure
        return value
    return check


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
