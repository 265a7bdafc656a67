"""``admin/config.yml`` and ``admin/index.html`` of the clerks' web form (Decap CMS 3.x).

- collections: ``systems`` and ``projects`` are folder collections over ``systems/<unit>/`` and
  ``projects/<unit>/`` (``path: {{unit}}/{{id}}``, YAML files), their fields rendered from the
  models' JSON Schema (:mod:`registry.cms.fields`); a hidden file collection over
  ``registry.yaml`` lists the units, so that a unit is chosen from a drop-down;
- ``publish_mode: editorial_workflow``: every save is a branch and a pull (merge) request,
  checked by the same CI as any other change; nothing is written to the target branch directly;
- ``local_backend``: on the clerk's own machine (page served from localhost) the form talks to
  ``decap-server`` in the repository instead of the forge;
- ``locale: zh_Hans``: the Chinese interface.
"""
from __future__ import annotations

import html
import json
from typing import Any

from pydantic import BaseModel

from registry.cms.fields import Renderer, Widget
from registry.enums import CmsBackend
from registry.flat import INTERNAL_FIELDS
from registry.models import Project, RegistryConfig, System
from registry.models.config import CmsConfig
from registry.schema import SCHEMAS, schema_of

LOCALE = "zh_Hans"
DEFAULT_PROXY = "http://localhost:8081/api/v1"
FORM_SCRIPT = "registry-form.js"  # registry/cms/form.js: optional mappings, empty values
BUNDLE_DIR = "decap-cms"  # under admin/: the script and the chunks it loads next to itself
# Decap's own ``gitea`` backend refuses the editorial workflow; its ``forgejo`` backend speaks
# the same (Gitea-compatible) API and opens pull requests, so a Gitea forge uses it.
DECAP_BACKEND = {CmsBackend.github: "github", CmsBackend.gitlab: "gitlab",
                 CmsBackend.gitea: "forgejo", CmsBackend.forgejo: "forgejo"}
PKCE = {CmsBackend.gitlab, CmsBackend.gitea, CmsBackend.forgejo}


def record_fields(model: type[BaseModel]) -> list[Widget]:
    """The form fields of a record model, from the JSON Schema ``registry schema`` writes."""
    title = next((t for m, t in SCHEMAS.values() if issubclass(model, m)), model.__name__)
    internal = next((f for m, f in INTERNAL_FIELDS.items() if issubclass(model, m)), frozenset())
    renderer = Renderer(schema_of(model, title), internal=internal)
    return renderer.record_fields(identifier="id")


def collections() -> list[dict[str, Any]]:
    return [
        _records("systems", "政务信息系统", "系统", System),
        _records("projects", "政务信息化项目", "项目", Project),
        _units(),
    ]


def _records(folder: str, label: str, singular: str, model: type[BaseModel]) -> dict[str, Any]:
    return {
        "name": folder,
        "label": label,
        "label_singular": singular,
        "description": f"每个{singular}一个文件：{folder}/<单位代码>/<编号>.yaml。保存即提交合并请求，经检查和审核后生效。",
        "folder": folder,
        "path": "{{unit}}/{{id}}",
        "extension": "yaml",
        "format": "yaml",
        "create": True,
        "delete": False,  # a record's history is kept: retire a system, terminate a project
        "identifier_field": "id",
        "summary": "{{name}}（{{unit}}/{{id}}）",
        "sortable_fields": ["unit", "id", "name"],
        "editor": {"preview": False},
        "fields": record_fields(model),
    }


def _units() -> dict[str, Any]:
    """registry.yaml as a read-only list of units: the source of the unit drop-downs. Hidden,
    so that a clerk cannot edit the instance file through the form."""
    unit = {"name": "units", "label": "单位", "widget": "list", "fields": [
        {"name": "id", "label": "单位代码", "widget": "string"},
        {"name": "name", "label": "单位名称", "widget": "string"},
    ]}
    return {
        "name": "registry",
        "label": "登记簿设置",
        "hide": True,
        "create": False,
        "delete": False,
        "editor": {"preview": False},
        "files": [{"name": "units", "label": "单位", "file": "registry.yaml", "fields": [unit]}],
    }


def backend(config: RegistryConfig | None, *, proxy_url: str = DEFAULT_PROXY) -> dict[str, Any]:
    """The forge of ``cms:`` in registry.yaml; without it, only the local proxy."""
    cms = config.cms if config is not None else None
    if cms is None:
        return {"name": "proxy", "proxy_url": proxy_url, "branch": _branch(config, None)}
    out: dict[str, Any] = {"name": DECAP_BACKEND[cms.backend], "repo": cms.repo, "branch": _branch(config, cms)}
    for key in ("base_url", "api_root", "auth_endpoint", "app_id"):
        value = getattr(cms, key)
        if value is not None:
            out[key] = value
    if cms.backend in PKCE and cms.app_id is not None:
        out["auth_type"] = "pkce"
    return out


def _branch(config: RegistryConfig | None, cms: CmsConfig | None) -> str:
    if cms is not None and cms.branch:
        return cms.branch
    return config.base_branch if config is not None else "main"


def cms_config(config: RegistryConfig | None, *, proxy_url: str = DEFAULT_PROXY) -> dict[str, Any]:
    """The whole ``config.yml`` as data."""
    local: bool | dict[str, str] = True if proxy_url == DEFAULT_PROXY else {"url": proxy_url}
    return {
        "locale": LOCALE,
        "backend": backend(config, proxy_url=proxy_url),
        "publish_mode": "editorial_workflow",
        "local_backend": local,
        "media_folder": "docs",  # no upload widgets: a required setting, never written to
        "slug": {"encoding": "ascii", "clean_accents": True},
        "collections": collections(),
    }


def field_order(widgets: list[Widget]) -> dict[str, Any]:
    """The model's key order at every depth, for registry-form.js to write keys in."""
    children = {}
    for widget in widgets:
        inner = widget.get("fields")
        if inner is not None:
            children[widget["name"]] = field_order(inner)
    return {"keys": [w["name"] for w in widgets], "children": children}


def form_script(template: str) -> str:
    """registry-form.js with the key order of each record collection filled in."""
    order = {c["name"]: field_order(c["fields"]) for c in collections() if "fields" in c}
    return template.replace("/*registry:order*/{}/*end*/", json.dumps(order, ensure_ascii=False))


def index_html(title: str) -> str:
    """The admin page: loads the bundled script from beside it (no CDN), config from config.yml."""
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <meta name="robots" content="noindex">
  <title>{html.escape(title)}</title>
  <link href="config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
  <script src="{BUNDLE_DIR}/decap-cms.js"></script>
  <script src="{FORM_SCRIPT}"></script>
</body>
</html>
"""
