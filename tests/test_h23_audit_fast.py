"""``registry audit`` without pydantic and without parsing a file twice, and still exactly the
full path's answer: registry.yaml as plain twins (from the cache, or made from data the shapes
vouch for), positions remembered by blob id and field, the blobs of merged parents asked by id
first. Real temporary git repositories; every comparison is against ``REGISTRY_NO_CACHE=1
REGISTRY_HISTORY_FULL=1`` (no cache, the full YAML loader, pydantic's models)."""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from auditkit import ADMIN, APPROVED, BUDGETED, CLERK, EARLY, FINANCE, PROJECT, project
from casekit import REGISTRY
from gitrepo import GitRepo, yaml_text
from registry.blobfields import history_config
from registry.cli import main
from registry.configfacts import config_twin, surely_valid_twin
from registry.models.twins import twin_of
from registry.yamlio import YamlError, parse
from test_audit import pull_request
from test_history_fast import synthetic, varied

ROOT = Path(__file__).resolve().parent.parent
FULL = {"REGISTRY_NO_CACHE": "1", "REGISTRY_HISTORY_FULL": "1"}


def audit_json(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(["--root", str(root), "audit", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def full_json(root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
              *args: str) -> tuple[int, Any]:
    with monkeypatch.context() as patched:
        for name, value in FULL.items():
            patched.setenv(name, value)
        return audit_json(root, capsys, *args)


def governed(tmp_path: Path) -> GitRepo:
    """A history whose registry.yaml changes approvers (one change allowed, one refused), with
    approvers written as mappings with keys, and milestones merged by the right and the wrong
    people."""
    repo = GitRepo.init(tmp_path / "registry")
    data = copy.deepcopy(REGISTRY)
    data["units"][0]["approvers"] = [{"email": "approver@dsj.test.gov.cn", "name": "审批人",
                                      "fingerprint": "SHA256:" + "A" * 43}]
    data["units"][1]["approvers"] = ["approver@czj.test.gov.cn"]
    repo.write("registry.yaml", data)
    repo.write(PROJECT, project(milestones=EARLY))
    repo.commit("初始登记", as_=CLERK)
    changed = copy.deepcopy(data)
    changed["units"][1]["approvers"] = ["approver@czj.test.gov.cn", "clerk@wjw.test.gov.cn"]
    pull_request(repo, "grab", {"registry.yaml": changed}, merged_by=CLERK)
    pull_request(repo, "approve", {PROJECT: yaml_text(project(milestones=APPROVED))}, merged_by=ADMIN)
    pull_request(repo, "budget", {PROJECT: yaml_text(project(milestones=BUDGETED))}, merged_by=CLERK)
    allowed = copy.deepcopy(changed)
    allowed["units"][0]["reviewers"] = ["@dsj-team"]
    pull_request(repo, "reviewers", {"registry.yaml": allowed}, merged_by=ADMIN)
    return repo


@pytest.mark.parametrize("trust", ["identities", "signatures"])
@pytest.mark.parametrize("build", [varied, synthetic, governed])
def test_cold_warm_and_full_audits_print_the_same_json(tmp_path: Path, build: Any, trust: str,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    repo = build(tmp_path)
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    monkeypatch.delenv("REGISTRY_HISTORY_FULL", raising=False)
    full = full_json(repo.path, capsys, monkeypatch, "--trust", trust)
    cold = audit_json(repo.path, capsys, "--trust", trust)
    assert (repo.path / ".registry-cache").is_dir()
    warm = audit_json(repo.path, capsys, "--trust", trust)
    assert cold == warm == full
    assert full[1]["findings"] and any(f["line"] > 1 for f in full[1]["findings"])


def test_governance_findings_are_the_full_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    repo = governed(tmp_path)
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    _, found = audit_json(repo.path, capsys, "--trust", "identities")
    rules = {(f["rule"], f["path"], f["field"]) for f in found["findings"]}
    assert ("AUD004", "registry.yaml", "units[1].approvers") in rules  # the clerk cannot add himself
    assert ("AUD001", PROJECT, "milestones.budgeted") in rules  # ... so his budget merge is no approval
    assert not any(r == "AUD004" and field.startswith("units[0]") for r, _, field in rules)  # the admin may
    assert found == full_json(repo.path, capsys, monkeypatch, "--trust", "identities")[1]


def test_positions_follow_the_working_tree_after_a_cached_run(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Positions are remembered by the file's blob id: an edit in the same second, a file
    turned unreadable as YAML, and back again, each place findings as a run without cache."""
    repo = governed(tmp_path)
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    record = repo.path / PROJECT
    original = record.read_bytes()
    edits = [b"# \xe6\xb3\xa8\xe9\x87\x8a\n# two more lines\n" + original,  # every field two lines down
             original.replace(b"milestones:", b"notes: moved\nmilestones:"),
             b"milestones: [unclosed\n",  # not YAML: line 1
             original]
    for content in edits:
        record.write_bytes(content)
        stat = record.stat()
        os.utime(record, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # (same second as before)
        assert audit_json(repo.path, capsys) == full_json(repo.path, capsys, monkeypatch)
    lines = {f["line"] for f in audit_json(repo.path, capsys)[1]["findings"] if f["field"].startswith("milestones.")}
    assert lines and lines != {1}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "swapped"])
def test_a_forged_or_damaged_cache_changes_nothing(tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    repo = governed(tmp_path)
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    expected = full_json(repo.path, capsys, monkeypatch)
    assert audit_json(repo.path, capsys) == expected
    kept = {p.name: p for p in (repo.path / ".registry-cache").glob("*/*") if p.is_file()}
    assert {"positions", "history-fields", "config-twin"} <= kept.keys()
    for name in ("positions", "history-fields", "config-twin"):
        path = kept[name]
        if damage == "garbage":
            path.write_bytes(os.urandom(200))
        elif damage == "truncated":
            path.write_bytes(path.read_bytes()[:-7])
        elif damage == "empty":
            path.write_bytes(b"")
        else:  # a validly signed file under another name: its signature covers its name
            other = kept["history-fields" if name != "history-fields" else "positions"]
            path.write_bytes(other.read_bytes())
    assert audit_json(repo.path, capsys) == expected
    assert audit_json(repo.path, capsys) == expected  # and what the damaged run wrote again


def test_a_registry_yaml_edited_after_a_cached_run_is_validated_again(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    repo = governed(tmp_path)
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    assert audit_json(repo.path, capsys)[0] == 1
    config = repo.path / "registry.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("kind: authority", "kind: ministry", 1), encoding="utf-8")
    assert main(["--root", str(repo.path), "audit"]) == 2
    error = capsys.readouterr().err
    assert "registry.yaml" in error and "kind" in error
    config.write_text(text, encoding="utf-8")
    assert audit_json(repo.path, capsys) == full_json(repo.path, capsys, monkeypatch)


def run_isolated(root: Path, code: str, env: dict[str, str] | None = None) -> str:
    """``code`` in a fresh interpreter (what a run imports is per process)."""
    environment = {**os.environ, **(env or {})}
    environment.pop("REGISTRY_HISTORY_FULL", None)
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=environment, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


IMPORTS = """
import contextlib, io, sys
from registry.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["--root", ".", "audit", "--format", "json"])
print(code, sorted(m for m in ("pydantic", "ruamel.yaml", "registry.rules", "registry.models.config") if m in sys.modules))
"""


def test_neither_a_cold_nor_a_warm_audit_imports_pydantic_or_the_rules(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain registry.yaml (and plain history) is vouched for by the shapes: no model is
    built, cold or warm; a registry.yaml the shapes cannot vouch for goes through pydantic."""
    repo = synthetic(tmp_path)
    monkeypatch.delenv("REGISTRY_NO_CACHE", raising=False)
    assert run_isolated(repo.path, IMPORTS).split(" ", 1)[1].strip() == "[]"  # cold
    assert run_isolated(repo.path, IMPORTS).split(" ", 1)[1].strip() == "[]"  # warm
    config = repo.path / "registry.yaml"
    config.write_text('# 带转义\njurisdiction: "\\u6d4b"\n' + config.read_text(encoding="utf-8").split("\n", 2)[2],
                      encoding="utf-8")
    assert "pydantic" in run_isolated(repo.path, IMPORTS)  # not sure: validated by the model


def configurations() -> list[bytes]:
    keyed = copy.deepcopy(REGISTRY)
    keyed["units"][0]["approvers"] = [{"email": " approver@dsj.test.gov.cn ", "keys": ["SHA256:" + "B" * 43]},
                                      "@login", "名字"]
    keyed["trust"] = {"approver_changes": "either"}
    contact = copy.deepcopy(REGISTRY)
    contact["units"][0]["contact"] = {"name": "联系人", "phone": "0000-1"}
    contact["units"][0]["aliases"] = ["别名"]
    bad = copy.deepcopy(REGISTRY)
    bad["units"][0]["kind"] = "ministry"
    duplicate = copy.deepcopy(REGISTRY)
    duplicate["units"].append(copy.deepcopy(duplicate["units"][0]))
    return [yaml_text(c).encode() for c in (REGISTRY, keyed, contact, bad, duplicate)] + [
        (ROOT / "registry.yaml").read_bytes(), b"jurisdiction: [\n", b"- not a mapping\n"]


@pytest.mark.parametrize("raw", configurations())
def test_a_configuration_made_from_the_shapes_is_the_models_twin(raw: bytes) -> None:
    """Field by field, nested twins, ``model_fields_set`` at every level and class names: what
    the shapes make is what twin_of makes of pydantic's model (or nothing, when not sure)."""
    from pydantic import ValidationError

    from registry.models import RegistryConfig

    try:
        model = RegistryConfig.model_validate(parse(raw).data)
    except (ValidationError, ValueError, YamlError):
        model = None
    expected = twin_of(model) if model is not None else None
    fast = history_config(raw, True)
    assert fast == history_config(raw, False) == expected
    if expected is not None:
        assert repr(fast) == repr(expected)
        assert fast.model_dump() == expected.model_dump() == model.model_dump()
        assert [u.model_fields_set for u in fast.units] == [u.model_fields_set for u in model.units]
        assert fast.model_fields_set == model.model_fields_set
    vouched = surely_valid_twin(raw)
    assert vouched is None or vouched == expected


def test_the_current_configuration_is_config_froms_twin_cold_and_warm(tmp_path: Path) -> None:
    from registry.cachestore import Store
    from registry.errors import ConfigError
    from registry.loader import config_from

    for raw in configurations():
        try:
            expected = twin_of(config_from(raw))
        except ConfigError as error:
            with pytest.raises(ConfigError) as raised:
                config_twin(raw, Store.open(tmp_path))
            assert (raised.value.text("zh"), raised.value.line) == (error.text("zh"), error.line)
            continue
        assert config_twin(raw, None) == expected
        assert config_twin(raw, Store.open(tmp_path)) == expected  # cold: kept
        assert config_twin(raw, Store.open(tmp_path)) == expected  # warm: remembered


def test_role_titles_are_the_models() -> None:
    from registry.audit.rules import AUTHORITY_OF_MILESTONE, ROLE_TITLES
    from registry.models import Authorities

    assert set(AUTHORITY_OF_MILESTONE.values()) <= ROLE_TITLES.keys()
    assert ROLE_TITLES == {role: Authorities.model_fields[role].title for role in ROLE_TITLES}


def test_findings_keep_the_order_of_findings() -> None:
    """The report sorts by a key equal to Finding's own order (stable for equal keys)."""
    from registry.audit import _place
    from registry.findings import Finding, Message, Severity

    made = [Finding(path=p, line=ln, column=c, rule=r, severity=Severity.error, field=f, message=Message(f, f))
            for p, ln, c, r, f in [("b", 1, 1, "AUD001", "x"), ("a", 2, 1, "AUD002", "y"), ("a", 2, 1, "AUD001", "z"),
                                   ("a", 10, 3, "AUD003", "w"), ("a", 2, 1, "AUD001", "v")]]
    assert sorted(made, key=_place) == sorted(made)
    assert [f.field for f in sorted(made, key=_place)] == [f.field for f in sorted(made)]
