"""Fuzzing ``registry check`` and ``registry export`` with Hypothesis (tests/fuzz/strategies.py).

Each example writes one record — generated from the models, then mutated — into a small
registry and runs the real commands in-process. Properties:

1. the exit code is 0, 1 or 2, and nothing prints a traceback;
2. a record that the exported JSON Schema (``schema/*.json``, with format checking) refuses,
   or that is not YAML at all, gets at least one finding;
3. every finding's line exists in its file;
4. ``export --format json`` writes valid JSON (no bare NaN/Infinity); the XLSX and CSV
   exports succeed on whatever passed loading.

CI runs a small profile (300 examples, derandomized: the same examples every run). A campaign:
``REGISTRY_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest -q -p no:cacheprovider tests/fuzz``
(random examples; ``REGISTRY_FUZZ_REPORT=stats.json`` writes the figures of the run).
"""
from __future__ import annotations

import collections
import contextlib
import datetime as dt
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from fuzz.strategies import fuzzed_record, mutated_config
from registry.cli import main
from registry.models import Project, System

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "300"))
CAMPAIGN = "REGISTRY_FUZZ_EXAMPLES" in os.environ
TODAY = "2026-12-01"

CONFIG = """\
jurisdiction: 测试县
profiles: [jinxiang]
units:
  - {id: dsj, name: 测试县大数据局, kind: authority}
  - {id: czj, name: 测试县财政局, kind: department}
authorities: {data_authority: dsj, finance: czj}
"""
KINDS: dict[str, tuple[str, type[Any], str, dict[str, Any]]] = {
    "system": ("systems/czj/czj-fuzz.yaml", System, "system.schema.json", {"id": "czj-fuzz", "unit": "czj"}),
    "project": ("projects/czj/2025-czj-001.yaml", Project, "project.schema.json",
                {"id": "2025-czj-001", "unit": "czj", "year": 2025}),
}
_VALIDATORS = {
    name: Draft202012Validator(json.loads((REPO / "schema" / name).read_text("utf-8")),
                               format_checker=Draft202012Validator.FORMAT_CHECKER)
    for name in ("system.schema.json", "project.schema.json", "registry.schema.json")
}
VALID_SYSTEM = "id: czj-ok\nname: 预算系统\nunit: czj\nstatus: planned\ndeployment: county_cloud\n".encode()


def refusal(raw: bytes, schema: str) -> str | None:
    """Why an independent reading refuses the file (None: it is a valid record): ruamel.yaml's
    pure-Python safe loader (YAML 1.2, duplicate keys refused) and the exported JSON Schema."""
    try:
        data = YAML(typ="safe", pure=True).load(raw)
    except Exception as exc:  # noqa: BLE001  (any loader error: the file is not YAML)
        return f"not YAML: {type(exc).__name__}"
    if not isinstance(data, dict):
        return "not a mapping"
    try:
        document = json.loads(json.dumps(_as_json(data), allow_nan=False))
    except (TypeError, ValueError) as exc:
        return f"not JSON: {exc}"
    errors = list(_VALIDATORS[schema].iter_errors(document))
    return f"schema: {errors[0].message[:200]}" if errors else None


def _as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {_key(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _key(key: Any) -> Any:
    if isinstance(key, (str, int, float, bool)) or key is None:
        return key
    raise TypeError(f"a {type(key).__name__} key has no JSON form")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def lines_of(raw: bytes) -> int:
    return max(1, len(raw.splitlines()))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@pytest.fixture(scope="module")
def workspace() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="registry-fuzz-"))
    (root / "registry.yaml").write_text(CONFIG, encoding="utf-8")
    yield root
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(root.parent / f"{root.name}-out", ignore_errors=True)


@pytest.fixture(scope="module")
def stats() -> Iterator[collections.Counter[str]]:
    counter: collections.Counter[str] = collections.Counter()
    yield counter
    report = os.environ.get("REGISTRY_FUZZ_REPORT")
    if report:
        Path(report).write_text(json.dumps(dict(sorted(counter.items())), ensure_ascii=False, indent=2), "utf-8")


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not CAMPAIGN,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(kind=st.sampled_from(sorted(KINDS)), data=st.data())
def test_fuzzed_record(workspace: Path, stats: collections.Counter[str], kind: str, data: st.DataObject) -> None:
    path, model, schema, fixed = KINDS[kind]
    raw, applied = data.draw(fuzzed_record(model, fixed), label="record")
    for folder in ("systems", "projects"):
        shutil.rmtree(workspace / folder, ignore_errors=True)
    (workspace / path).parent.mkdir(parents=True)
    (workspace / path).write_bytes(raw)

    code, out, err = run("--root", str(workspace), "check", "--format", "json", "--no-cache", "--today", TODAY)
    assert code in (0, 1, 2), (code, out, err)
    assert "Traceback" not in out + err
    why = refusal(raw, schema)
    _count(stats, kind, applied, code, why)
    if code == 2:
        assert path in err, err  # a usage-level refusal still names the file
        return
    findings = json.loads(out)["findings"]
    for finding in findings:
        assert 1 <= finding["line"] <= lines_of((workspace / finding["path"]).read_bytes()), finding
    mine = [f for f in findings if f["path"] == path]
    stats["findings"] += len(mine)
    if why is not None:
        assert mine, f"silent pass: {why}\n{raw!r}"

    code, out, err = run("--root", str(workspace), "export", "--format", "json", "--today", TODAY)
    assert code == 0, err
    assert "Traceback" not in out + err
    catalog = json.loads(out, parse_constant=_refuse_constant)
    # the record, when it loads, under whatever id it carries (a wrong one is REG003's business)
    assert len(catalog["systems"] + catalog["projects"]) <= 1
    out_dir = workspace.parent / f"{workspace.name}-out"
    for fmt, target in (("xlsx", out_dir / "catalog.xlsx"), ("csv", out_dir)):
        code, out, err = run("--root", str(workspace), "export", "--format", fmt, "--out", str(target), "--today", TODAY)
        assert code == 0 and "Traceback" not in out + err, err


@settings(max_examples=max(50, EXAMPLES // 3), deadline=None, database=None, derandomize=not CAMPAIGN,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_fuzzed_configuration(workspace: Path, stats: collections.Counter[str], data: st.DataObject) -> None:
    """registry.yaml mutated: a configuration the schema refuses stops every command with exit 2
    and a message naming registry.yaml; whatever is accepted, the commands still finish."""
    root = workspace.parent / f"{workspace.name}-config"
    shutil.rmtree(root, ignore_errors=True)
    (root / "systems/czj").mkdir(parents=True)
    (root / "systems/czj/czj-ok.yaml").write_bytes(VALID_SYSTEM)
    config = YAML(typ="safe", pure=True).load(CONFIG)
    raw, applied = data.draw(mutated_config(config), label="registry.yaml")
    (root / "registry.yaml").write_bytes(raw)
    why = refusal(raw, "registry.schema.json")
    for argv in (("check", "--format", "json", "--no-cache"), ("export", "--format", "json")):
        code, out, err = run("--root", str(root), *argv, "--today", TODAY)
        assert code in (0, 1, 2) and "Traceback" not in out + err, (argv, code, err)
        stats[f"config {argv[0]} exit {code}"] += 1
        if why is not None:
            assert code == 2 and "registry.yaml" in err, f"configuration accepted: {why}\n{raw!r}"
        if code == 2:
            assert "registry.yaml" in err or "参数" in err, err
    shutil.rmtree(root, ignore_errors=True)


def _count(stats: collections.Counter[str], kind: str, applied: list[str], code: int, why: str | None) -> None:
    verdict = "valid" if why is None else why.split(":")[0]
    for name in ("examples", f"kind {kind}", f"exit {code}", f"oracle {verdict}",
                 f"mutations {'+'.join(applied) or 'none'}"):
        stats[name] += 1
        event(name)
