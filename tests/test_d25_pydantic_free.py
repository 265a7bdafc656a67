"""A cold ``registry diff`` without pydantic: the configurations, rule parameters and records as
plain twins (registry.models.twins) where the shapes are sure of them, the models otherwise.

The twin run must give exactly what the models give: every parameter class at its defaults, the
rules a configuration selects, the JSON-mode dump the change rules compare, how a model prints,
and whole ``diff``/``check --base`` outputs on histories with edits, renames, transfers, merges
of systems, configuration changes (approvers, units, parameters), records the shapes are not
sure of and records only pydantic refuses.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from basekit import assert_base_runs_agree as _assert_twins_are_models
from basekit import synthetic as _synthetic
from basekit import walked_histories
from gitrepo import GitRepo
from registry.configfacts import surely_valid_twin
from registry.diffcache import config_key
from registry.engine import select_rules
from registry.errors import ConfigError
from registry.loader import config_from, load_records
from registry.models import twins
from registry.plainparams import default_params, plain_selection
from registry.rules import RULES
from registry.rules.profiles import SELECTABLE

ROOT = Path(__file__).resolve().parents[1]
# the shortcuts (tests/shortcutkit.py) a twin run takes: registry.yaml as twins, records made entry by entry
TWIN_RUN = "registry.yaml as twins, rules' parameters without pydantic (diff --base)"
ENTRY_TWINS = "records read and made entry by entry (twins)"
CONFIGS = [ROOT / "registry.yaml", *sorted((ROOT / "tests" / "fixtures").glob("*/registry.yaml"))]


# -- the parts ------------------------------------------------------------------------------------


def test_every_shipped_parameter_class_at_its_defaults_is_what_calling_it_gives() -> None:
    RULES.of_profiles({"common", *SELECTABLE})
    classes = {rule.params for rule in RULES.values()}
    for cls in classes:
        plain, real = default_params(cls), cls()
        assert plain is not None, cls  # (else a cold diff of that profile imports pydantic)
        assert type(plain) is type(real) and list(plain.__dict__.items()) == list(real.__dict__.items()), cls
        assert [type(v) for v in plain.__dict__.values()] == [type(v) for v in real.__dict__.values()], cls
        assert plain == real and hash(plain) == hash(real) and repr(plain) == repr(real)


def test_parameter_classes_the_defaults_cannot_vouch_for_are_left_to_pydantic() -> None:
    from registry.rules.paramkit import Field, Params, model_validator

    class Required(Params):
        n: int = Field(..., ge=1, le=9)

    class Listed(Params):
        days: list[int] = Field(default_factory=list)

    class Refused(Params):
        low: int = Field(5, ge=0, le=9)
        high: int = Field(3, ge=0, le=9)

        @model_validator(mode="after")
        def _ordered(self) -> Any:
            if self.low > self.high:
                raise ValueError("low > high")
            return self

    class Before(Params):
        n: int = Field(3, ge=1, le=9)

        @model_validator(mode="before")
        @classmethod
        def _data(cls, data: Any) -> Any:
            return data

    for cls in (Required, Listed, Refused, Before):
        assert default_params(cls) is None, cls


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.parent.name)
def test_plain_selection_is_select_rules(path: Path) -> None:
    raw = path.read_bytes()
    try:
        model = config_from(raw)
    except ConfigError:
        assert surely_valid_twin(raw) is None  # (the hostile fixture's is broken on purpose)
        return
    twin = surely_valid_twin(raw)
    if twin is None or model.parameters or model.disabled_rules:
        return
    plain, real = plain_selection(twin), select_rules(model)
    assert plain is not None
    assert [(r.id, p) for r, p in plain.rules] == [(r.id, p) for r, p in real.rules]
    assert (plain.profiles, plain.disabled) == (real.profiles, real.disabled)


def test_twins_dump_and_print_as_the_models_do(tmp_path: Path) -> None:
    folders = [ROOT, *sorted(p.parent for p in (ROOT / "tests" / "fixtures").glob("*/registry.yaml")),
               _synthetic(tmp_path, records=60, merges=5)]
    seen = 0
    for folder in folders:
        files = [(p.relative_to(folder).as_posix(), p.read_bytes())
                 for top in ("systems", "projects") for p in sorted((folder / top).glob("*/*.yaml"))]
        snapshot = load_records(files)
        for record in [*snapshot.systems, *snapshot.projects]:
            twin = twins.twin_of(record)
            assert twin.model_dump(mode="json") == record.model_dump(mode="json")
            assert json.dumps(twin.model_dump(mode="json")) == json.dumps(record.model_dump(mode="json"))
            assert str(twin) == str(record) and repr(twin) == repr(record)
            seen += 1
        try:
            config = config_from((folder / "registry.yaml").read_bytes())
        except ConfigError:
            continue
        twin_config = twins.twin_of(config)
        assert twin_config.model_dump(mode="json") == config.model_dump(mode="json")
        assert config_key(twin_config) == config_key(config)
        for unit, twin_unit in zip(config.units, twin_config.units):
            assert str(unit) == str(twin_unit)
            assert [str(a) for a in unit.approvers] == [str(a) for a in twin_unit.approvers]
    assert seen > 100


# -- whole runs -----------------------------------------------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_cold_diff_imports_no_pydantic(tmp_path: Path) -> None:
    root = _synthetic(tmp_path)
    code = ("import sys, io; from registry.cli import main; out = sys.stdout; sys.stdout = io.StringIO(); "
            f"code = main(['--root', {str(root)!r}, 'diff', '--base', 'HEAD~10', '--today', '2025-12-01', "
            "'--format', 'json']); sys.stdout = out; "
            "print(code, 'pydantic' in sys.modules, 'registry.models.system' in sys.modules)")
    env = {key: value for key, value in os.environ.items() if not key.startswith("REGISTRY_")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**env, "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(tmp_path)})
    assert done.stdout.split() == ["0", "False", "False"], done.stdout + done.stderr


def test_twins_equal_models_after_edits_renames_transfers_and_config_changes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = _synthetic(tmp_path)
    repo = GitRepo(root)
    taken = _assert_twins_are_models(root, ["HEAD~1", "HEAD~10"], capsys, monkeypatch)
    assert taken[TWIN_RUN] and taken[ENTRY_TWINS], taken  # (the twins were compared, not the models twice)
    project = sorted((root / "projects").glob("*/*.yaml"))[0]
    _edit(project, "total_wan:", "total_wan: -5\n  old_total_wan:")
    systems = sorted((root / "systems").glob("*/*.yaml"))
    systems[0].rename(systems[0].with_name("renamed-" + systems[0].name))
    other = next(p for p in systems[1:] if p.parent != systems[2].parent)
    other.rename(systems[2].parent / other.name)
    systems[3].unlink()
    _edit(systems[5], "status: ", "status: merged\nmerged_into: x\nold_status: ")  # refused by the models
    (systems[6].parent / ("odd-" + systems[6].name)).write_text(
        systems[6].read_text(encoding="utf-8").replace("mlps_level: 3", "mlps_level: 3.0"), encoding="utf-8")
    _assert_twins_are_models(root, ["HEAD~1", "HEAD~10"], capsys, monkeypatch)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "edits")
    # registry.yaml: a reviewer and a unit added, an approver changed (shown by the config changes)
    text = (root / "registry.yaml").read_text(encoding="utf-8")
    (root / "registry.yaml").write_text(text.replace("reviewers: [", "reviewers: [\"@x/new\", ", 1)
                                        + "  - id: xzb\n    name: 新增单位\n    kind: department\n", encoding="utf-8")
    _assert_twins_are_models(root, ["HEAD~1", "HEAD~6"], capsys, monkeypatch)
    # parameters set: the models (pydantic validates them), the same outcome
    (root / "registry.yaml").write_text(text.replace("parameters: {}", "parameters: {progress_interval_months: 4}")
                                        if "parameters: {}" in text else text + "parameters:\n  progress_interval_months: 4\n",
                                        encoding="utf-8")
    _assert_twins_are_models(root, ["HEAD~1"], capsys, monkeypatch)


@pytest.mark.parametrize("seed", [3, 11])
def test_twins_equal_models_on_random_histories(seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/x23walk.py: transfers, merges of systems, retirements, revivals, deletions, re-adding
    under a new id, hostile files, work in progress."""
    # (x23walk's registry.yaml lists approvers, a union the shapes leave to pydantic: these runs
    # take the models throughout; twins on random histories: tests/test_a26_shortcuts.py)
    for root, bases in walked_histories(seed, tmp_path):
        _assert_twins_are_models(root, bases, capsys, monkeypatch)
