"""What ``registry init`` writes and ``registry upgrade`` refreshes: a county's registry repository.

The files come from one source, this project's own: ``files/`` links to the repository's page
hook, site assets, guide pages, ``mkdocs.yml``, CI templates and pre-commit hook manifest (the
links are resolved when the package is built), and each is adapted here to the county — its
name, its profiles, and the checker installed at this version (:data:`PIN`). Nothing is a second
copy that could drift from what this repository runs.

Two groups: :func:`managed_files` belong to the tool (``upgrade`` rewrites them: schema, hook,
assets, CI, pre-commit pins); :func:`starter_files` are the county's own from the first day
(``registry.yaml``, README, home and guide pages, ``mkdocs.yml``, CODEOWNERS, ``.gitignore``).
"""
from __future__ import annotations

import re
from importlib import resources
from typing import Any

from registry import DISTRIBUTION, __version__
from registry.models import RegistryConfig
from registry.rules.profiles import PROFILES

PIN = f"{DISTRIBUTION}=={__version__}"
HOOK_IDS = ("registry-check", "registry-check-base")
# The repository's path of each packaged file that is copied as it is.
VERBATIM = {
    "hooks/registry_pages.py": "hooks/registry_pages.py",
    "site/assets/registry.css": "site/assets/registry.css",
    "site/assets/tables.js": "site/assets/tables.js",
    "site/overrides/partials/source.html": "site/overrides/partials/source.html",
}
GUIDES = ("site/guide/submit.md", "site/guide/review.md", "site/guide/rules.md")


def packaged(name: str) -> str:
    return resources.files("registry.scaffold").joinpath("files", name).read_text("utf-8")


# ------------------------------------------------------------------------------ tool-owned files


def managed_files(config: RegistryConfig) -> dict[str, str]:
    """Path → content of every file the tool owns in a county's repository."""
    from registry.schema import schema_texts

    out = {path: packaged(source) for path, source in VERBATIM.items()}
    out.update({f"schema/{name}": text for name, text in schema_texts().items()})
    out[".github/workflows/registry.yml"] = pinned_ci(packaged("ci/github.yml"), config.base_branch)
    out[".gitlab-ci.yml"] = pinned_ci(packaged("ci/gitlab-ci.yml"), config.base_branch)
    return out


_SELF_INSTALL = re.compile(r'(?P<head>pip install |REGISTRY_INSTALL: )(?P<spec>"?\.(?:\[[a-z,]+\])?"?)(?=\s|$)', re.M)
_SELF_NOTE = re.compile(r"^(?P<indent>\s*)#.*本仓库即工具本身.*$", re.M)


def pinned_ci(text: str, base_branch: str) -> str:
    """A CI template of this repository, installing the checker pinned at this version instead
    of the working copy (this repository is the tool; a county's is not)."""
    text = _SELF_INSTALL.sub(lambda m: f'{m["head"]}"{PIN}"', text)
    text = _SELF_NOTE.sub(lambda m: f"{m['indent']}# 登记簿工具 {DISTRIBUTION} 的固定版本：工具升级后运行 registry upgrade 更新", text)
    if base_branch != "main":
        text = text.replace("branches: [main]", f"branches: [{base_branch}]")
        text = text.replace("--base-branch main", f"--base-branch {base_branch}")
    return text


def pre_commit_hooks(base_branch: str) -> list[dict[str, Any]]:
    """This project's hooks (its ``.pre-commit-hooks.yaml``), run by pre-commit from the pinned
    distribution: ``repo: local`` hooks with ``additional_dependencies`` need no repository URL."""
    from ruamel.yaml import YAML

    manifest: list[dict[str, Any]] = YAML(typ="safe").load(packaged("pre-commit-hooks.yaml"))
    hooks = []
    for hook in manifest:
        hook = {k: v for k, v in hook.items() if k != "description"}
        hook["language"] = "python"
        hook["additional_dependencies"] = [PIN]
        if hook["id"] == "registry-check-base":
            hook["args"] = ["--base", f"origin/{base_branch}"]
        hooks.append(hook)
    return hooks


def pre_commit_config(existing: str | None, base_branch: str) -> str:
    """``.pre-commit-config.yaml`` with this project's hooks at :data:`PIN`; other hooks the
    county added, and the ``args`` it gave ours, are kept."""
    from registry.scaffold.yamltext import dump_roundtrip, load_roundtrip

    fresh = {hook["id"]: hook for hook in pre_commit_hooks(base_branch)}
    data = load_roundtrip(existing) if existing else None
    if not isinstance(data, dict) or not isinstance(data.get("repos"), list):
        data = {"repos": []}
    found = False
    for repo in data["repos"]:
        if not isinstance(repo, dict) or not isinstance(repo.get("hooks"), list):
            continue
        ours = [h for h in repo["hooks"] if isinstance(h, dict) and h.get("id") in fresh]
        found = found or bool(ours)
        if ours and repo.get("repo") != "local":
            repo["rev"] = f"v{__version__}"  # hooks taken from this project's repository by tag
            continue
        for hook in ours:
            for key, value in fresh[hook["id"]].items():
                if key != "args" or "args" not in hook:  # the county's own args are kept
                    hook[key] = value
    if not found:
        data["repos"].append({"repo": "local", "hooks": list(fresh.values())})
    header = (
        "# 登记簿的 pre-commit 钩子：提交前校验改动的记录（registry check）并运行变更规则（与主分支比较）。\n"
        f"# 钩子从 {DISTRIBUTION} 的固定版本安装；工具升级后运行 registry upgrade 更新版本。\n"
        "# 安装：pip install pre-commit && pre-commit install\n"
    )
    body = dump_roundtrip(data)
    return body if existing and body.startswith("#") else header + body


# ------------------------------------------------------------------------------ the county's own


def starter_files(config: RegistryConfig) -> dict[str, str]:
    """Files written once by ``init`` (the county edits them afterwards)."""
    from registry.codeowners import render

    name = config.jurisdiction
    out = {
        "mkdocs.yml": county_mkdocs(packaged("mkdocs.yml"), config),
        "site/index.md": county_page(packaged("site/index.md"), config),
        ".gitignore": packaged("gitignore"),
        "CODEOWNERS": render(config),
        "README.md": county_readme(config),
        "systems/.gitkeep": "",
        "projects/.gitkeep": "",
    }
    out.update({guide: county_page(packaged(guide), config) for guide in GUIDES})
    out["site/index.md"] = out["site/index.md"].replace("title: 首页", f"title: {name}政务信息化登记簿", 1)
    return out


_NAV_RULE = re.compile(r"^(?P<indent>\s*)- [^:\n]+: rules/(?P<profile>[a-z]+)\.md\s*$")


def county_mkdocs(text: str, config: RegistryConfig) -> str:
    """This project's ``mkdocs.yml`` for the county: its name, the rule pages of its profiles."""
    name = config.jurisdiction
    text = re.sub(r"^site_name: .*$", f"site_name: {name}政务信息化登记簿", text, count=1, flags=re.M)
    text = re.sub(r"^site_description: .*$", f"site_description: {name}政务信息化项目与政务信息系统登记簿：系统目录、"
                  "项目目录、合规状态、只减不增与开放数据", text, count=1, flags=re.M)
    lines: list[str] = []
    for line in text.splitlines():
        m = _NAV_RULE.match(line)
        if m is None or m["profile"] not in PROFILES:
            lines.append(line)
        elif m["profile"] == "common":
            lines.append(line)
            lines += [f"{m['indent']}- {PROFILES[p].regulation}: rules/{p}.md" for p in config.profiles]
    return "\n".join(lines) + "\n"


def county_page(text: str, config: RegistryConfig) -> str:
    """A page of this project's site, naming the county and citing only its profiles."""
    name = config.jurisdiction
    own = PROFILES[config.profiles[0]]
    text = text.replace("本地区", name).replace("本地现行的", f"{name}现行的").replace("本地管理办法", "本县管理办法")
    text = re.sub(r"例如\S+?办法的规则编号以 [A-Z]+ 开头",
                  f"例如{own.regulation}的规则编号以 {own.prefix} 开头", text)
    return re.sub(r"^# (.+)$", lambda m: f"# {m[1]}（{name}）", text, count=1, flags=re.M)


def county_readme(config: RegistryConfig) -> str:
    from string import Template

    regulations = "、".join(f"{PROFILES[p].regulation}（{PROFILES[p].document}）" for p in config.profiles)
    return Template(packaged("county-readme.md")).substitute(
        name=config.jurisdiction, regulations=regulations, pin=PIN, version=__version__,
        data_authority=config.authorities.data_authority, base=config.base_branch, distribution=DISTRIBUTION,
    )
