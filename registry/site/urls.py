"""Where each generated page lives, and relative links between pages.

Links inside raw HTML are not rewritten by MkDocs, so they are written as the final ``.html``
URLs; the site is built with ``use_directory_urls: false`` (which also lets it be browsed
straight from disk). A record page lives under its kind's folder, and the catalogs are files
next to those folders (``systems.md`` beside ``systems/``), so no record id can collide with
a catalog page.
"""
from __future__ import annotations

import posixpath

from registry.rules import RULES

HOME = "index.md"
SYSTEMS = "systems.md"
PROJECTS = "projects.md"
UNITS = "units.md"
COMPLIANCE = "compliance.md"
DEADLINES = "deadlines.md"
INVENTORY = "inventory.md"
RULES_INDEX = "rules/index.md"
OPEN_DATA = "data.md"
SUMMARY = "summary.md"
DATA_DIR = "data"


def system(system_id: str) -> str:
    return f"systems/{system_id}.md"


def project(project_id: str) -> str:
    return f"projects/{project_id}.md"


def unit(unit_id: str) -> str:
    return f"units/{unit_id}.md"


def rules(profile: str) -> str:
    return f"rules/{profile}.md"


def rule_anchor(rule_id: str) -> str:
    """The heading id ``ruledocs.markdown`` gives a rule (``QX15.1`` → ``qx15-1``)."""
    return rule_id.lower().replace(".", "-")


def rule(rule_id: str) -> str | None:
    """The rule's section on its profile page, or None for an unknown rule id."""
    found = RULES.get(rule_id)
    if found is None:
        return None
    return f"{rules(found.profile)}#{rule_anchor(rule_id)}"


def href(source: str, target: str) -> str:
    """Relative URL from page ``source`` to page or file ``target`` (``.md`` → ``.html``)."""
    path, _, anchor = target.partition("#")
    if path.endswith(".md"):
        path = path[: -len(".md")] + ".html"
    relative = _relpath(path, posixpath.dirname(source))
    return relative + (f"#{anchor}" if anchor else "")


def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath(path, start or ".")`` for site paths, without its two ``abspath``
    calls (each asks the OS for the working directory): a catalog links thousands of pages."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    base = [p for p in start.split("/") if p not in ("", ".")]
    if path.startswith("/") or start.startswith("/") or ".." in parts or ".." in base:
        return posixpath.relpath(path, start or ".")
    common = 0
    while common < min(len(parts), len(base)) and parts[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."
