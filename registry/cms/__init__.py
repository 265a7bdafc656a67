"""The clerks' web form: Decap CMS configured from the models (``registry cms``, the site build).

:func:`admin_files` maps ``admin/…`` paths to file contents: ``index.html``, ``config.yml``
(rendered from the models by :mod:`registry.cms.render`) and, unless left out, the Decap CMS
program (:mod:`registry.cms.assets`).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from registry.cms import assets
from registry.cms.render import BUNDLE_DIR, DEFAULT_PROXY, FORM_SCRIPT, cms_config, form_script, index_html
from registry.models import RegistryConfig

ADMIN = "admin"
HEADER = (
    "# 办事员网页表单（Decap CMS {version}）的配置：由 `registry cms` 从数据模型生成，请勿手工修改。\n"
    "# Generated from the registry's models by `registry cms`; do not edit.\n"
)


def config_yaml(config: RegistryConfig | None, *, proxy_url: str = DEFAULT_PROXY) -> str:
    return dump_yaml(cms_config(config, proxy_url=proxy_url))


def dump_yaml(data: Any) -> str:
    yaml = YAML(typ="rt", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(data, out)
    return HEADER.format(version=assets.VERSION) + out.getvalue()


def admin_files(root: Path, config: RegistryConfig | None, *, proxy_url: str = DEFAULT_PROXY,
                program: bool = True) -> dict[str, bytes]:
    """``admin/`` path → content; ``program=False`` leaves the Decap CMS script out."""
    title = f"{config.jurisdiction if config else ''}登记簿 · 网页表单"
    files = {
        f"{ADMIN}/index.html": index_html(title).encode(),
        f"{ADMIN}/config.yml": config_yaml(config, proxy_url=proxy_url).encode(),
        f"{ADMIN}/{FORM_SCRIPT}": form_script((Path(__file__).parent / "form.js").read_text(encoding="utf-8")).encode(),
    }
    if program:
        configured = config.cms.bundle if config is not None and config.cms is not None else None
        for name, content in assets.bundle(root, configured).items():
            files[f"{ADMIN}/{BUNDLE_DIR}/{name}"] = content
    return files


__all__ = ["ADMIN", "admin_files", "config_yaml", "site_files"]


def site_files(root: Path) -> dict[str, bytes]:
    """What the site build adds: the admin form when registry.yaml has ``cms:``, else nothing
    (a registry without the form builds without node)."""
    from registry.loader import load_config

    config = load_config(root)
    return admin_files(root, config) if config.cms is not None else {}
