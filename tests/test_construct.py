"""registry.shapebuild: a record made without pydantic's validator is exactly what
``model_validate`` makes — same values of the same types at every depth, the same defaults, the
same ``model_fields_set`` everywhere, the same pickled state, the same ``model_dump`` — and the
rules find the same problems on it; data the shapes are not sure of is left to pydantic.

Compared on every record the project ships (fixtures, demo, examples), on Hypothesis data drawn
from the models and mutated (types swapped, keys dropped or renamed, random text, integers in
float fields, bare-date milestones), and end to end: ``registry check`` of every fixture gives
the same output with and without the construct path."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from fixturekit import FIXTURES
from fuzz.strategies import mutated_data, record_data
from registry import cli, loader, shapes
from registry.engine import select_rules
from registry.loader import load_config
from registry.models import Project, System
from registry.models.kinds import SystemKind
from registry.shapebuild import surely_built
from registry.rules import Context
from registry.snapshot import Snapshot
from registry.yamlio import YamlError, parse
from test_fastyaml import shipped_yaml

EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize="REGISTRY_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
MODELS: dict[str, type[BaseModel]] = {"systems": System, "projects": Project}
TODAY = dt.date(2026, 6, 30)


def assert_same(made: Any, validated: Any, where: str = "") -> None:
    """Equal, and of the same type, at every depth; models with the same fields in the same
    order, the same names set, and nothing else on them."""
    assert type(made) is type(validated), f"{where}: {type(made)} != {type(validated)}"
    if isinstance(made, BaseModel):
        assert list(made.__dict__) == list(validated.__dict__), where
        assert made.model_fields_set == validated.model_fields_set, f"{where}: fields set"
        assert type(made.model_fields_set) is type(validated.model_fields_set), where
        assert made.__pydantic_extra__ == validated.__pydantic_extra__ is None, where
        assert made.__pydantic_private__ == validated.__pydantic_private__, where
        for name, value in made.__dict__.items():
            assert_same(value, validated.__dict__[name], f"{where}.{name}")
    elif isinstance(made, list):
        assert len(made) == len(validated), where
        for i, (one, other) in enumerate(zip(made, validated)):
            assert_same(one, other, f"{where}[{i}]")
    elif isinstance(made, float):
        assert repr(made) == repr(validated), where  # (-0.0 is not 0.0)
    else:
        assert made == validated, where


def compare(model: type[BaseModel], data: Any) -> bool:
    """True when the construct path was sure (and agreed in every respect); False when not sure."""
    made = surely_built(model, data)
    if made is None:
        return False
    try:
        validated = model.model_validate(data)
    except ValidationError as exc:
        raise AssertionError(f"made without validation, but pydantic refuses:\n{exc}\n{data!r}") from None
    assert_same(made, validated, model.__name__)
    assert made == validated
    assert made.model_dump() == validated.model_dump()
    assert made.model_dump_json() == validated.model_dump_json()
    assert made.__getstate__() == validated.__getstate__()
    assert _hashed(made) == _hashed(validated)
    assert findings(made) == findings(validated)
    return True


_RULES: list[tuple[Any, Any]] = []


def all_profiles() -> tuple[Any, Any]:
    """A configuration choosing every profile, and its selection of rules."""
    if not _RULES:
        config = load_config(FIXTURES / "quxian")
        config = config.model_copy(update={"profiles": ["dalad", "dashiqiao", "jinxiang", "potou", "quxian"]})
        _RULES.append((config, select_rules(config)))
    config, selection = _RULES[0]
    return config, selection


def findings(record: Any, config: Any = None) -> list[tuple[str, str, str, str]]:
    """What every record, registry and deadline rule of every profile finds on a registry of
    this one record (errors raised by a rule included, as text), under ``config`` (else the
    one of :func:`all_profiles`)."""
    chosen, selection = all_profiles()
    config = chosen if config is None else config
    folder = "systems" if isinstance(record, SystemKind) else "projects"
    head = Snapshot([(f"{folder}/{record.unit}/{record.id}.yaml", record)], [])
    ctx = Context(config=config, head=head, today=TODAY)
    out = []
    for rule, params in selection.rules:
        if rule.kind.value == "change":
            continue
        try:
            out += [(rule.id, p.field, p.message.zh, str(p.severity)) for p in rule.run(ctx, params)]
        except Exception as exc:  # the same failure both ways is the same behaviour
            out.append((rule.id, "!", type(exc).__name__, str(exc)))
    return out


def shipped_records() -> list[tuple[str, Any]]:
    out = []
    for path in sorted({*shipped_yaml(), *FIXTURES.rglob("*.yaml")}):
        kind = next((part for part in path.parts if part in MODELS), None)
        if kind is None or path.parent.parent.name != kind:
            continue
        try:
            out.append((kind, parse(path.read_bytes()).data))
        except YamlError:
            continue
    return out


def test_every_shipped_record_is_made_exactly_and_nearly_all_without_validation() -> None:
    records = shipped_records()
    sure = [compare(MODELS[kind], data) for kind, data in records if isinstance(data, dict)]
    assert len(sure) >= 70
    assert sum(sure) >= 0.8 * len(sure), f"only {sum(sure)} of {len(sure)} made without validation"


def _hashed(model: BaseModel) -> int | str:
    try:
        return hash(model)
    except TypeError as exc:  # (a frozen model holding a list)
        return str(exc)


@st.composite
def generated_record(draw: st.DrawFn, model: type[BaseModel]) -> dict[str, Any]:
    """A record's data drawn from ``model`` and mutated 0 to 3 times."""
    record = {**draw(record_data(model)), "unit": "czj"}
    record["id"] = "czj-a" if model is System else "2025-czj-001"
    for _ in range(draw(st.integers(0, 3))):
        record = draw(mutated_data(record))
    return record


@FUZZ
@given(data=st.data(), model=st.sampled_from([System, Project]))
def test_data_made_without_validation_is_what_pydantic_makes(data: st.DataObject, model: type[BaseModel]) -> None:
    event(f"made without validation: {compare(model, data.draw(generated_record(model)))}")


NUMBERS = st.one_of(st.integers(-(2**60), 2**60), st.sampled_from([0, -0, 2**53, 2**53 + 1, -(2**53) - 1, 10**400]),
                    st.floats(allow_nan=True, allow_infinity=True), st.booleans())


@FUZZ
@given(total=NUMBERS, amount=NUMBERS, target=st.one_of(NUMBERS, st.text(max_size=3)), months=NUMBERS,
       milestone=st.one_of(st.dates(), st.sampled_from(["2025-02-30", "2025-01-01", "", None, 3, [], {}]),
                           st.fixed_dictionaries({"date": st.dates()})),
       stage=st.sampled_from(["declared", "planned", "trial_run", "contracted", "terminated", "unknown"]))
def test_numbers_and_milestones_are_read_as_pydantic_reads_them(total: Any, amount: Any, target: Any, months: Any,
                                                               milestone: Any, stage: str) -> None:
    record: dict[str, Any] = {
        "id": "2025-czj-001", "name": "项目", "unit": "czj", "year": 2025, "nature": "new", "delivery": "build",
        "scope": "public", "track": "approval", "goals": [{"indicator": "x", "target": target}],
        "budget": {"total_wan": total, "sources": [{"kind": "bond", "amount_wan": amount}]},
        "milestones": {stage: milestone, "contracted": {"date": dt.date(2025, 3, 1), "warranty_months": months}},
    }
    event(f"made without validation: {compare(Project, record)}")


def test_what_the_shapes_cannot_tell_is_left_to_pydantic() -> None:
    base = shipped_records()
    project = next(data for kind, data in base if kind == "projects" and surely_built(Project, data) is not None)
    unsure = [
        {**project, "goals": [{"indicator": "x", "target": 5}]},  # int or float: pydantic's smart union decides
        {**project, "year": 2025.0},  # a whole float becomes an int: left to pydantic
        {**project, "extra": 1},  # unknown key: pydantic's error
        {k: v for k, v in project.items() if k != "name"},  # required field missing
        {**project, "budget": {"total_wan": float("nan")}},
        {**project, "budget": {"total_wan": 2**60}},  # beyond exact floats
        {**project, "nature": "nouveau"},
        "not a mapping",
    ]
    for data in unsure:
        assert surely_built(Project, data) is None, data
    assert surely_built(Project, {**project, "goals": [{"indicator": "x", "target": "5"}]}) is not None


def test_a_model_the_shapes_do_not_describe_is_never_made(monkeypatch: pytest.MonkeyPatch) -> None:
    from registry import shapebuild as construct
    from registry.models.project import Milestones

    data = next(data for kind, data in shipped_records() if kind == "systems")
    construct._builder.cache_clear()
    monkeypatch.setattr(System, "__pydantic_fields__", {k: v for k, v in System.__pydantic_fields__.items() if k != "notes"})
    try:
        assert surely_built(System, data) is None  # the class no longer has the shape's fields
    finally:
        construct._builder.cache_clear()
    assert surely_built(Milestones, {}) is None  # not a model of shapes.MODELS
    monkeypatch.setattr(shapes, "shapes", lambda: None)
    construct._builder.cache_clear()
    try:
        assert surely_built(System, data) is None  # no shapes: never sure
    finally:
        construct._builder.cache_clear()


def _check_output(root: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(["--root", str(root), "check", "--no-cache", "--today", TODAY.isoformat(), *args])
    return code, out.getvalue()


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir() if (p / "registry.yaml").is_file()))
def test_check_says_the_same_with_and_without_the_construct_path(fixture: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root)
    made = [_check_output(root, "--format", form) for form in ("json", "text")]
    monkeypatch.setattr(loader, "surely_built", lambda model, data: None)
    validated = [_check_output(root, "--format", form) for form in ("json", "text")]
    assert made == validated


def test_assemble_is_model_validate_for_plain_models() -> None:
    from pydantic import ConfigDict, PrivateAttr

    from registry.models import RegistryConfig
    from registry.models.base import DocRef
    from registry.models.construct import assemble, plain_model

    data = {"doc_no": "金政字〔2025〕3号", "date": dt.date(2025, 3, 14)}
    assert_same(assemble(DocRef, dict(data), {"doc_no", "date"}), DocRef.model_validate(data))
    assert all(plain_model(model) for model in (System, Project, RegistryConfig, DocRef))

    class Private(BaseModel):
        model_config = ConfigDict(extra="forbid")
        _secret: int = PrivateAttr(0)

    class Extra(BaseModel):
        model_config = ConfigDict(extra="allow")

    class Init(BaseModel):
        model_config = ConfigDict(extra="forbid")

        def __init__(self, **data: Any) -> None:
            super().__init__(**data)

    assert not any(plain_model(model) for model in (Private, Extra, Init, dict, "System", None))


def test_shapes_made_from_other_models_decide_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """shapes.json is derived from registry/models and registry/enums.py: edited sources without
    ``python -m registry.shapes`` leave every record to pydantic (and the history's check too)."""
    from registry import shapebuild

    data = next(data for kind, data in shipped_records() if kind == "systems")
    assert shapes.shapes() is not None and surely_built(System, data) is not None
    monkeypatch.setattr(shapes, "source_fingerprint", lambda: "another model")
    for cached in (shapes.shapes, shapes._checker, shapebuild._builder):
        cached.cache_clear()
    try:
        assert shapes.shapes() is None
        assert surely_built(System, data) is None
        assert not shapes.surely_valid("System", data)
    finally:
        monkeypatch.undo()
        for cached in (shapes.shapes, shapes._checker, shapebuild._builder):
            cached.cache_clear()


def test_a_builder_that_fails_leaves_the_record_to_pydantic(monkeypatch: pytest.MonkeyPatch) -> None:
    from registry import shapebuild

    data = next(data for kind, data in shipped_records() if kind == "systems")
    monkeypatch.setattr(shapebuild, "_builder", lambda model: lambda value: (_ for _ in ()).throw(ValueError("x")))
    assert surely_built(System, data) is None


def test_a_large_load_goes_to_pydantic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Making records from their shapes pays for a few files (no validator to build); a load of
    many files validates with pydantic, whose built validator is faster per record."""
    files = [(f"systems/czj/czj-{i}.yaml", f"id: czj-{i}\nname: 系统\nunit: czj\nstatus: operating\n"
              f"deployment: county_cloud\n".encode("utf-8")) for i in range(4)]
    built: list[Any] = []
    real = loader.surely_built
    monkeypatch.setattr(loader, "surely_built", lambda model, data: built.append(data) or real(model, data))
    few = loader.load_all(files)
    assert len(built) == 4
    monkeypatch.setattr(loader, "CONSTRUCT_MAX_FILES", 3)
    many = loader.load_all(files)
    assert len(built) == 4  # not asked again
    for one, other in zip(few, many):
        assert_same(one, other)
