"""Plain twins (registry.models.twins): a warm ``registry check`` of a few edited files hands the
rules twins of the models instead of the models, and imports no pydantic.

A twin must be what the model is to everything a rule may ask: the same field values of the
same types at every depth, in the same order, the same ``model_fields_set``, the same kinds and
methods — and every rule of every profile finds the same problems on it. Compared on every
shipped record, on Hypothesis data drawn from the models and mutated, on the record cache's
bytes both ways, and end to end (a warm check of edited files says what ``--no-cache`` says,
without importing pydantic; a record the shapes cannot vouch for, a refused one and a plug-in
profile take the models, as before)."""
from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from fixturekit import committed_fixture
from pluginkit import demo_plug_in
from registry import recordcodec
from registry.enums import BasisKind, DocumentKind, Stage
from registry.models import Project, System, twins
from registry.models.kinds import (
    ApproverKind,
    DocumentsKind,
    MilestonesKind,
    ProjectKind,
    RecordPart,
    RegistryConfigKind,
    SystemKind,
    TrialRunKind,
)
from registry.shapebuild import surely_twin
from test_construct import FUZZ, all_profiles, findings, generated_record, shipped_records

MODELS: dict[str, type[BaseModel]] = {"systems": System, "projects": Project}
KINDS = (RecordPart, SystemKind, ProjectKind, MilestonesKind, DocumentsKind, TrialRunKind, ApproverKind,
         RegistryConfigKind)
TODAY = dt.date(2026, 6, 30)
DAYS = (dt.date(2020, 1, 1), TODAY, dt.date(2031, 12, 31))


def assert_twin(twin: Any, model: Any, where: str = "") -> None:
    """``twin`` holds what ``model`` holds, at every depth: a twin for each model (same class
    name, same kinds, fields in the same order, the same names given), everything else of the
    same type and value."""
    if isinstance(model, BaseModel):
        assert isinstance(twin, twins.Twin), f"{where}: {type(twin)} is not a twin"
        assert type(twin).__name__ == type(model).__name__, where
        assert [isinstance(twin, kind) for kind in KINDS] == [isinstance(model, kind) for kind in KINDS], where
        assert list(twin.__dict__) == list(model.__dict__), f"{where}: field order"
        assert set(twin.model_fields_set) == set(model.model_fields_set), f"{where}: fields set"
        for name, value in model.__dict__.items():
            assert_twin(twin.__dict__[name], value, f"{where}.{name}")
    elif isinstance(model, list):
        assert type(twin) is list and len(twin) == len(model), where
        for i, (one, other) in enumerate(zip(twin, model)):
            assert_twin(one, other, f"{where}[{i}]")
    elif isinstance(model, dict):
        assert type(twin) is dict and list(twin) == list(model), where
        for key, value in model.items():
            assert_twin(twin[key], value, f"{where}[{key!r}]")
    else:
        assert type(twin) is type(model), f"{where}: {type(twin)} != {type(model)}"
        assert repr(twin) == repr(model) if isinstance(model, float) else twin == model, where


def behaviour(record: Any) -> list[Any]:
    """What rules ask of a record besides its fields (registry.models.kinds)."""
    out: list[Any] = [type(record).__name__, str(record.id)]
    if isinstance(record, SystemKind):
        out += [record.active, *(record.in_use_on(day) for day in DAYS)]
    else:
        m = record.milestones
        out += [record.in_flight, record.stage, record.target_systems(), m.present(),
                [record.has_basis(kind) for kind in BasisKind], [record.reached(s) for s in Stage],
                [m.date_of(s) for s in Stage], [type(m.get(s)).__name__ for s in Stage],
                [record.documents.get(kind) for kind in DocumentKind],
                m.trial_run.date if m.trial_run is not None else None]
    return out


def compare(kind: str, data: Any) -> bool:
    """True when the shapes vouched for ``data`` and made a twin (which then agrees with the
    validated model in every respect); False when they did not (the twin of the validated
    model is compared instead, where pydantic accepts the data)."""
    model = MODELS[kind]
    made = surely_twin(model.__name__, data)
    try:
        validated = model.model_validate(data)
    except ValidationError as exc:
        assert made is None, f"made a twin, but pydantic refuses:\n{exc}\n{data!r}"
        return False
    twin = made if made is not None else twins.twin_of(validated)
    assert_twin(twin, validated, model.__name__)
    assert twin == twins.twin_of(validated)
    assert twin.model_dump() == validated.model_dump()
    assert behaviour(twin) == behaviour(validated)
    config, _selection = all_profiles()
    with twins.records_as_twins():
        on_twin = findings(twin, twins.twin_of(config))
    assert on_twin == findings(validated, config)
    stored = recordcodec.dumps(twin)
    assert stored == recordcodec.dumps(validated)  # the record cache's bytes: the same either way
    if stored is not None:
        with twins.records_as_twins():
            assert_twin(recordcodec.loads(stored), validated, "decoded")
        assert_twin(twin, recordcodec.loads(stored), "decoded model")
    assert_twin(pickle.loads(pickle.dumps(twin)), validated, "unpickled")
    return made is not None


def test_every_shipped_record_has_an_exact_twin_nearly_all_made_without_pydantic() -> None:
    sure = [compare(kind, data) for kind, data in shipped_records() if isinstance(data, dict)]
    assert len(sure) >= 70
    assert sum(sure) >= 0.8 * len(sure), f"only {sum(sure)} of {len(sure)} made without pydantic"


@FUZZ
@given(data=st.data(), model=st.sampled_from([System, Project]))
def test_twins_of_generated_records_are_what_pydantic_makes(data: st.DataObject, model: type[BaseModel]) -> None:
    record = data.draw(generated_record(model))
    event(f"twin made without pydantic: {compare('systems' if model is System else 'projects', record)}")


def test_the_configuration_and_its_parameters_come_back_plain() -> None:
    config, selection = all_profiles()
    twin = twins.twin_of(config)
    assert_twin(twin, config, "RegistryConfig")
    assert twin.unit("czj") == twins.twin_of(config.unit("czj"))
    assert [str(a) for u in twin.units for a in u.approvers] == [str(a) for u in config.units for a in u.approvers]
    assert list(twin.authorities) == list(config.authorities)  # (role, unit) pairs, in order
    for rule, params in selection.rules:
        back = pickle.loads(pickle.dumps(params))
        assert type(back) is type(params) and back == params and back.model_dump() == params.model_dump()
        assert back.model_dump() == rule.defaults() | back.model_dump()


def test_a_twin_is_frozen_and_copies_as_a_model_does() -> None:
    kind, data = next((k, d) for k, d in shipped_records() if k == "systems" and surely_twin("System", d) is not None)
    twin = surely_twin("System", data)
    with pytest.raises(AttributeError):
        twin.name = "改"
    copy = twin.model_copy(update={"name": "改"})
    assert copy.name == "改" and twin.name != "改" and "name" in copy.model_fields_set
    assert twin.model_copy() == twin and twin.model_copy() is not twin


PROBE = """
import json, sys
from registry import cli
code = cli.main(sys.argv[1:])
print(json.dumps({"code": code, "pydantic": sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core")),
                  "models": sorted(m for m in sys.modules if m.startswith("registry.models.") and m not in (
                      "registry.models.kinds", "registry.models.twins", "registry.models.fieldsets"))}))
"""


def probe(root: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    environment = {**os.environ, **(env or {})}
    environment.pop("REGISTRY_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", PROBE, "--root", str(root), "check", "--today", "2026-06-30",
                           "--format", "json", *args], capture_output=True, text=True, env=environment,
                          check=False, timeout=300, cwd=root)
    assert done.stderr == ""
    *report, last = done.stdout.splitlines()
    result: dict[str, Any] = json.loads(last)
    result["report"] = "\n".join(report)
    return result


def _edit(root: Path, path: str, text: str) -> None:
    file = root / path
    file.write_text(file.read_text(encoding="utf-8") + text, encoding="utf-8")


EDITED = ["systems/czj/czj-asset.yaml", "projects/czj/2026-czj-001.yaml", "projects/fgj/2025-fgj-001.yaml"]


def test_a_warm_check_of_edited_files_imports_no_pydantic_and_says_the_same(tmp_path: Path) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    probe(root)  # cold: validates registry.yaml and remembers it
    for round_ in range(2):
        for path in EDITED:
            _edit(root, path, f"# 第 {round_} 次修改\n")
        warm = probe(root, *EDITED)
        assert (warm["pydantic"], warm["models"]) == ([], [])
        uncached = probe(root, *EDITED, "--no-cache")
        assert uncached["pydantic"] != []
        assert (warm["code"], warm["report"]) == (uncached["code"], uncached["report"])
    _edit(root, "projects/fgj/2025-fgj-001.yaml", "# 全部\n")
    whole = probe(root)  # a whole check with one record changed: twins too
    assert whole["pydantic"] == []
    assert (whole["code"], whole["report"]) == (probe(root, "--no-cache")["code"], probe(root, "--no-cache")["report"])


def test_records_the_shapes_cannot_vouch_for_are_validated_by_pydantic(tmp_path: Path) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    probe(root)
    # an integer target: int or float is pydantic's smart union's to decide (never sure)
    file = root / EDITED[1]
    file.write_text(file.read_text(encoding="utf-8").replace('target: "100%"', "target: 100"), encoding="utf-8")
    unsure = probe(root, *EDITED)
    assert unsure["pydantic"] != []
    uncached = probe(root, *EDITED, "--no-cache")
    assert (unsure["code"], unsure["report"]) == (uncached["code"], uncached["report"])
    _edit(root, EDITED[1], "unknown_key: 1\n")
    refused = probe(root, *EDITED)
    assert refused["code"] == 1 and "REG002" in refused["report"] and "unknown_key" in refused["report"]
    assert (refused["code"], refused["report"]) == (probe(root, *EDITED, "--no-cache")["code"],
                                                    probe(root, *EDITED, "--no-cache")["report"])


PLUG_IN_RULES = '''from collections.abc import Iterator

from pydantic import Field

from registry.models import System
from registry.rules.base import Citation, Context, Kind, Params, Problem, problem, rule

ART1 = Citation("demo", "第一条", "示例条文。")


class LimitParams(Params):
    max_aliases: int = Field(3, ge=0, le=10, description="简称个数上限")


@rule("DM1", name="few-aliases", title="简称不过多", kind=Kind.record, profile="demo", cite=[ART1],
      params=LimitParams, fails="aliases: [a, b, c, d]", passes="aliases: [a]")
def dm1(ctx: Context, params: LimitParams) -> Iterator[Problem]:
    """简称不超过上限。

    示例。"""
    for s in ctx.systems:
        assert isinstance(s, System)  # a plug-in written against the models keeps them
        if len(s.aliases) > params.max_aliases:
            yield problem(s, "aliases", f"简称 {len(s.aliases)} 个", f"{len(s.aliases)} aliases")
'''


def test_a_plug_in_profile_with_pydantic_parameters_still_works(tmp_path: Path) -> None:
    """A third-party profile declares its parameters with pydantic's own Field and checks
    ``isinstance(record, System)``: it keeps working (on the models: its run imports pydantic)."""
    plugins = demo_plug_in(tmp_path / "plugins", PLUG_IN_RULES)
    root, _repo = committed_fixture("quxian", tmp_path / "fixture")
    config = (root / "registry.yaml").read_text(encoding="utf-8")
    config = config.replace("profiles: [quxian]", "profiles: [quxian, demo]").replace("parameters: {}", "parameters: {max_aliases: 1}")
    (root / "registry.yaml").write_text(config, encoding="utf-8")
    env = {"PYTHONPATH": os.pathsep.join([str(plugins), os.environ.get("PYTHONPATH", "")])}
    _edit(root, EDITED[0], "aliases: [甲, 乙]\n")
    cold = probe(root, *EDITED, env=env)
    for path in EDITED:
        _edit(root, path, "# 再改\n")
    warm = probe(root, *EDITED, env=env)
    assert warm["pydantic"] != []  # a plug-in's rules get the models
    assert "DM1" in warm["report"] and "简称 2 个" in warm["report"]
    uncached = probe(root, *EDITED, "--no-cache", env=env)
    assert (warm["code"], warm["report"]) == (cold["code"], cold["report"]) == (uncached["code"], uncached["report"])
    listed = subprocess.run([sys.executable, "-m", "registry", "--root", str(root), "rules", "--all", "--format",
                             "json"], capture_output=True, text=True, env={**os.environ, **env}, check=False,
                            timeout=120)
    entry = next(r for r in json.loads(listed.stdout)["rules"] if r["id"] == "DM1")
    assert "max_aliases" in json.dumps(entry, ensure_ascii=False)


def test_code_that_imported_the_models_keeps_the_models(tmp_path: Path) -> None:
    """A rule module (of a profile copied into the package, say) that imports the models may ask
    ``isinstance(record, System)``, which a twin is not: once the models are imported, the run
    hands the rules the models."""
    root, _repo = committed_fixture("quxian", tmp_path)
    probe(root)
    for path in EDITED:
        _edit(root, path, "# 改\n")
    code = "import registry.models.system\n" + PROBE
    done = subprocess.run([sys.executable, "-c", code, "--root", str(root), "check", "--today", "2026-06-30",
                           "--format", "json", *EDITED], capture_output=True, text=True, check=False, timeout=300,
                          cwd=root, env={k: v for k, v in os.environ.items() if k != "REGISTRY_NO_CACHE"})
    *report, last = done.stdout.splitlines()
    assert json.loads(last)["models"] != []
    assert "\n".join(report) == probe(root, *EDITED, "--no-cache")["report"]
    import registry.configfacts as configfacts

    assert not configfacts.twins_fit()  # (this test process has imported them)
