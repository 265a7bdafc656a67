"""``registry cms``: the Decap CMS configuration is rendered from the models, field by field.

The browser test (test_cms_browser.py) proves the form writes files ``registry check``
accepts; these tests prove the configuration covers every field of both record models with
its Chinese title, every enum as a drop-down of Chinese labels, the same required keys,
patterns and bounds as the JSON Schema, and follows a model change.
"""
from __future__ import annotations

import io
import os
import shutil
import sys
import tarfile
import typing
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from ruamel.yaml import YAML

from registry.cli import main
from registry.cms import assets, config_yaml, render
from registry.enums import LabeledEnum
from registry.loader import ConfigError, config_from
from registry.models import Project, System
from registry.models.base import field
from registry.schema import schema_of

PROJECT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = (PROJECT / "registry.yaml").read_bytes()


def parse(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def collection(name: str, config_text: str | None = None) -> dict[str, Any]:
    data = parse(config_text or config_yaml(None))
    found: dict[str, Any] = next(c for c in data["collections"] if c["name"] == name)
    return found


def by_name(widgets: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in widgets}


def submodel(annotation: Any) -> type[BaseModel] | None:
    """The record model inside ``X``, ``X | None`` or ``list[X]``, if any."""
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        if typing.get_origin(arg) is list:
            return submodel(typing.get_args(arg)[0])
    return None


def enum_of(annotation: Any) -> type[Enum] | None:
    """The enum inside ``E``, ``E | None`` or ``list[E]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, LabeledEnum):
        return annotation
    for arg in typing.get_args(annotation):
        found = enum_of(arg)
        if found is not None:
            return found
    return None


def assert_covers(model: type[BaseModel], widgets: list[dict[str, Any]], where: str) -> int:
    """Every field of ``model`` (recursively) has a widget with its Chinese title; every enum
    is a select whose options are the enum's codes with their Chinese labels."""
    fields = by_name(widgets)
    count = 0
    for name, info in model.model_fields.items():
        assert name in fields, f"{where}.{name} 不在表单中"
        widget = fields[name]
        assert widget["label"] == info.title, f"{where}.{name}: {widget['label']} ≠ {info.title}"
        count += 1
        enum = enum_of(info.annotation)
        if enum is not None:
            assert widget["widget"] == "select", f"{where}.{name} 应为下拉选择"
            assert widget["options"] == [{"label": m.label, "value": m.value} for m in enum]  # type: ignore[attr-defined]
        inner = submodel(info.annotation)
        if inner is not None:
            assert widget["widget"] in ("object", "list"), f"{where}.{name}: {widget['widget']}"
            count += assert_covers(inner, widget["fields"], f"{where}.{name}")
    return count


@pytest.mark.parametrize(("name", "model"), [("systems", System), ("projects", Project)])
def test_every_field_with_its_chinese_title_and_every_enum_a_select(name: str, model: type[BaseModel]) -> None:
    widgets = collection(name)["fields"]
    assert [w["name"] for w in widgets] == list(model.model_fields)  # one widget per field, in order
    assert assert_covers(model, widgets, name) > len(model.model_fields)


@pytest.mark.parametrize(("name", "model"), [("systems", System), ("projects", Project)])
def test_required_and_patterns_follow_the_json_schema(name: str, model: type[BaseModel]) -> None:
    schema = schema_of(model, "t")
    widgets = by_name(collection(name)["fields"])
    for key, widget in widgets.items():
        assert widget["required"] is (key in schema["required"]), key
    identifier = widgets["id"]
    assert identifier["widget"] == "string"
    regex = identifier["pattern"][0]
    assert schema["properties"]["id"]["pattern"].removeprefix("^") in regex


def test_widgets_of_the_system_form() -> None:
    widgets = by_name(collection("systems")["fields"])
    assert widgets["unit"]["widget"] == "relation"
    assert widgets["unit"]["collection"] == "registry" and widgets["unit"]["value_field"] == "units.*.id"
    assert (widgets["merged_into"]["widget"], widgets["merged_into"]["collection"]) == ("relation", "systems")
    assert widgets["built_by"]["collection"] == "projects" and widgets["built_by"]["multiple"] is True
    assert widgets["online_since"] == {
        "name": "online_since", "label": "上线日期", "hint": "试运行及以后状态必填", "required": False,
        "widget": "datetime", "date_format": "YYYY-MM-DD", "time_format": False, "picker_utc": True,
    }
    assert widgets["enforcement"]["widget"] == "boolean"
    assert widgets["description"]["widget"] == "text"
    security = by_name(widgets["security"]["fields"])
    assert (security["mlps_level"]["value_type"], security["mlps_level"]["min"], security["mlps_level"]["max"]) == ("int", 1, 4)
    assert security["major_risks"]["widget"] == "list" and security["major_risks"]["field"]["widget"] == "string"
    assert widgets["platforms"]["widget"] == "select" and widgets["platforms"]["multiple"] is True
    approval = by_name(widgets["new_system_approval"]["fields"])
    assert widgets["new_system_approval"]["required"] is False
    assert approval["doc_no"]["required"] is True and approval["date"]["required"] is True
    for internal in ("notes", "contacts"):
        assert "内部信息，不公开" in widgets[internal]["hint"]
    assert "内部信息" not in widgets["name"].get("hint", "")


def test_widgets_of_the_project_form() -> None:
    widgets = by_name(collection("projects")["fields"])
    assert (widgets["year"]["widget"], widgets["year"]["value_type"], widgets["year"]["min"], widgets["year"]["max"]) == (
        "number", "int", 2000, 2100)
    links = by_name(widgets["systems"]["fields"])
    for key in ("creates", "upgrades", "maintains", "retires"):
        assert (links[key]["widget"], links[key]["collection"], links[key]["multiple"]) == ("relation", "systems", True)
    assert widgets["partners"]["collection"] == "registry" and widgets["partners"]["multiple"] is True
    budget = by_name(widgets["budget"]["fields"])
    assert budget["total_wan"]["value_type"] == "float" and budget["total_wan"]["required"] is True
    milestones = by_name(widgets["milestones"]["fields"])
    assert milestones["approved"]["widget"] == "object"  # the mapping form of a milestone
    assert by_name(milestones["approved"]["fields"])["date"]["widget"] == "datetime"
    assert by_name(milestones["trial_run"]["fields"])["start"]["required"] is True
    assert widgets["progress_reports"]["field"]["widget"] == "datetime"


def test_the_configuration_follows_a_model_change(monkeypatch: pytest.MonkeyPatch) -> None:
    before = config_yaml(None)

    class Extended(System):
        hosting_contract: str | None = field("托管合同编号", "测试用的新字段", default=None)

    monkeypatch.setattr(render, "System", Extended)
    after = config_yaml(None)
    assert after != before
    widgets = by_name(collection("systems", after)["fields"])
    assert widgets["hosting_contract"] == {
        "name": "hosting_contract", "label": "托管合同编号", "hint": "测试用的新字段", "required": False, "widget": "string",
    }
    assert list(widgets)[-1] == "hosting_contract"


def test_collections_backend_and_workflow() -> None:
    data = parse(config_yaml(None))
    assert data["locale"] == "zh_Hans"
    assert data["publish_mode"] == "editorial_workflow"
    assert data["local_backend"] is True
    assert data["backend"] == {"name": "proxy", "proxy_url": "http://localhost:8081/api/v1", "branch": "main"}
    systems = collection("systems")
    assert (systems["folder"], systems["path"], systems["extension"], systems["format"]) == (
        "systems", "{{unit}}/{{id}}", "yaml", "yaml")
    assert collection("projects")["folder"] == "projects"
    units = collection("registry")
    assert units["hide"] is True and units["files"][0]["file"] == "registry.yaml"


def with_cms(cms: str) -> Any:
    return config_from(DEMO_CONFIG + f"\ncms: {cms}\n".encode())


@pytest.mark.parametrize(("cms", "backend"), [
    ("{backend: github, repo: jinxiang/registry}", {"name": "github", "repo": "jinxiang/registry", "branch": "main"}),
    ("{backend: gitlab, repo: gov/data/registry, branch: review, base_url: 'https://git.example.gov.cn', "
     "api_root: 'https://git.example.gov.cn/api/v4', app_id: abc}",
     {"name": "gitlab", "repo": "gov/data/registry", "branch": "review", "base_url": "https://git.example.gov.cn",
      "api_root": "https://git.example.gov.cn/api/v4", "app_id": "abc", "auth_type": "pkce"}),
    # Decap's gitea backend has no editorial workflow; its forgejo backend speaks the same API.
    ("{backend: gitea, repo: dsj/registry, base_url: 'https://gitea.example.gov.cn', app_id: x}",
     {"name": "forgejo", "repo": "dsj/registry", "branch": "main", "base_url": "https://gitea.example.gov.cn",
      "app_id": "x", "auth_type": "pkce"}),
])
def test_backend_from_registry_yaml(cms: str, backend: dict[str, Any]) -> None:
    data = parse(config_yaml(with_cms(cms), proxy_url="http://127.0.0.1:9999/api/v1"))
    assert data["backend"] == backend
    assert data["local_backend"] == {"url": "http://127.0.0.1:9999/api/v1"}
    assert data["publish_mode"] == "editorial_workflow"


@pytest.mark.parametrize("cms", [
    "{backend: svn, repo: a/b}", "{backend: github}", "{backend: github, repo: 'no-owner'}",
    "{backend: gitlab, repo: a/b, base_url: 'javascript:alert(1)'}", "{backend: github, repo: a/b, extra: 1}",
])
def test_bad_cms_settings_are_refused(cms: str) -> None:
    with pytest.raises(ConfigError):
        with_cms(cms)


def write_registry(root: Path, extra: str = "") -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "registry.yaml").write_bytes(DEMO_CONFIG + extra.encode())


def test_cms_command_writes_the_admin_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "reg"
    write_registry(root)
    assert main(["--root", str(root), "cms", "--config-only", "--out", str(tmp_path / "out")]) == 0
    admin = tmp_path / "out" / "admin"
    assert sorted(p.name for p in admin.iterdir()) == ["config.yml", "index.html", "registry-form.js"]
    assert (admin / "config.yml").read_text(encoding="utf-8") == config_yaml(config_from(DEMO_CONFIG))
    page = (admin / "index.html").read_text(encoding="utf-8")
    assert 'src="decap-cms/decap-cms.js"' in page and "https://" not in page  # no CDN
    assert "本机" in capsys.readouterr().out
    assert not (root / "public").exists()


def test_committed_bundle_is_used_without_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "reg"
    write_registry(root, "\ncms: {backend: github, repo: a/b, bundle: vendor/decap}\n")
    (root / "vendor" / "decap").mkdir(parents=True)
    (root / "vendor" / "decap" / "decap-cms.js").write_text("/* bundle */")
    (root / "vendor" / "decap" / "12.decap-cms.js").write_text("/* chunk */")
    (root / "vendor" / "decap" / "notes.txt").write_text("not served")
    monkeypatch.setenv("PATH", "")  # no npm
    assert main(["--root", str(root), "cms", "--out", str(tmp_path / "out")]) == 0
    served = sorted(p.name for p in (tmp_path / "out" / "admin" / "decap-cms").iterdir())
    assert served == ["12.decap-cms.js", "decap-cms.js"]


@pytest.mark.parametrize("bundle", ["../outside", "/etc"])
def test_bundle_outside_the_registry_is_refused(tmp_path: Path, bundle: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "reg"
    write_registry(root, f"\ncms: {{backend: github, repo: a/b, bundle: '{bundle}'}}\n")
    assert main(["--root", str(root), "cms", "--out", str(tmp_path / "out")]) == 2
    assert "cms.bundle" in capsys.readouterr().err


def test_without_node_the_cms_command_says_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "reg"
    write_registry(root)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("REGISTRY_CMS_CACHE", str(tmp_path / "cache"))
    assert main(["--root", str(root), "cms", "--out", str(tmp_path / "out")]) == 2
    assert "需要 node 和 npm" in capsys.readouterr().err


def tarball(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return out.getvalue()


def test_only_the_served_files_are_extracted(tmp_path: Path) -> None:
    data = tarball({
        "package/dist/decap-cms.js": b"entry", "package/dist/7.decap-cms.js": b"chunk",
        "package/dist/decap-cms.js.map": b"map", "package/dist/../../evil.js": b"x",
        "package/dist/sub/1.decap-cms.js": b"deep", "package/package.json": b"{}",
    })
    assets._extract(data, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["7.decap-cms.js", "decap-cms.js"]
    assert not (tmp_path / "evil.js").exists()


def test_a_tarball_that_does_not_match_the_pinned_integrity_is_refused(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fake_npm = tmp_path / "npm"
    fake_npm.write_text("#!/bin/sh\necho tampered > decap-cms-3.16.3.tgz\n")
    fake_npm.chmod(0o755)
    with pytest.raises(ConfigError) as caught:
        assets._pack(str(fake_npm), tmp_path)
    assert "校验值" in caught.value.message.zh


def test_the_site_build_serves_the_form_only_when_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitebuild import FIXTURES, mkdocs_build, stage

    root = stage(FIXTURES / "jinxiang", tmp_path / "registry")
    mkdocs_build(root)
    assert (root / "public" / "index.html").exists() and not (root / "public" / "admin").exists()
    bundle = root / "vendor" / "decap"
    bundle.mkdir(parents=True)
    (bundle / "decap-cms.js").write_text("/* the committed program */")
    with (root / "registry.yaml").open("a", encoding="utf-8") as out:
        out.write("\ncms: {backend: gitea, repo: dsj/registry, base_url: 'https://git.example.gov.cn', bundle: vendor/decap}\n")
    tools = tmp_path / "bin"  # git and python only: no node, no npm
    tools.mkdir()
    for tool in ("git", "tar"):
        found = shutil.which(tool)
        assert found is not None
        (tools / tool).symlink_to(found)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.path.dirname(sys.executable)}")
    mkdocs_build(root)
    admin = root / "public" / "admin"
    assert (admin / "decap-cms" / "decap-cms.js").read_text() == "/* the committed program */"
    assert parse((admin / "config.yml").read_text(encoding="utf-8"))["backend"]["name"] == "forgejo"
    assert 'rel="cms-config-url"' in (admin / "index.html").read_text(encoding="utf-8")
    assert (admin / "registry-form.js").exists()
