"""``registry rules``: every rule with its citation, parameters and examples.

Inside a registry the listing is the registry's own: the common rules and those of the chosen
profiles, citing only the chosen profiles' regulations (``--all`` lists every rule of every
profile as a reference; ``--format json`` keeps every rule ID, marked ``in_force``)."""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from typing import Any

from registry.engine import select_rules
from registry.loader import CONFIG_FILE, load_config
from registry.rules import RULES
from registry.rules.base import Rule
from registry.rules.profiles import PROFILES
from registry.reporters.formats import Renderers

NAME = "rules"
HELP = "列出规则及其依据条款、参数和示例（标明本登记簿是否适用）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", choices=sorted(PROFILES), help="只列出这一配置的规则（common 为通用规则）")
    parser.add_argument("--all", action="store_true",
                        help="列出全部规则配置的规则及其全部依据条款（默认只列本登记簿选用的配置）")
    FORMATS.add_argument(parser)


class _Registry:
    """The registry at --root, as far as the listing needs it (nothing outside a registry)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.in_force: dict[str, dict[str, Any]] | None = None
        self.profiles: list[str] | None = None
        if not os.path.lexists(args.root / CONFIG_FILE):
            return  # outside a registry the rules are listed as documentation
        # a broken registry.yaml is refused as by every other command (exit 2)
        config = load_config(args.root)
        selection = select_rules(config)
        self.in_force = {r.id: params.model_dump() for r, params in selection.rules}
        self.profiles = list(config.profiles)


@dataclasses.dataclass
class Listing:
    """The rules asked for, and how the registry at --root sees them."""

    rules: list[Rule[Any]]  # every rule asked for (JSON lists them all, marked in_force)
    shown: list[Rule[Any]]  # those text and Markdown show: the registry's own, unless --all/--profile
    in_force: dict[str, dict[str, Any]] | None  # rule ID → parameters in force; None outside a registry
    view: list[str] | None  # the profiles whose regulations are cited (None: every profile's)
    profile: str | None  # --profile


def render_json(listing: Listing, lang: str) -> str:
    from registry import ruledocs

    in_force = listing.in_force
    entries = [
        ruledocs.rule_entry(r, in_force=None if in_force is None else r.id in in_force,
                            values=(in_force or {}).get(r.id), profiles=listing.view)
        for r in listing.rules
    ]
    return json.dumps({"rules": entries}, ensure_ascii=False, indent=2, default=str) + "\n"


def render_markdown(listing: Listing, lang: str) -> str:
    from registry import ruledocs

    title = ruledocs.profile_title(listing.profile) if listing.profile else "规则参考"
    return ruledocs.markdown_document(listing.shown, title, listing.view)


def render_text(listing: Listing, lang: str) -> str:
    return "".join(_text_line(r, listing.in_force, listing.view) for r in listing.shown)


FORMATS: Renderers[Listing, str] = Renderers(default="text")
FORMATS.add("text", "每条规则一行：编号、严重程度、标题、参数与依据", render_text)
FORMATS.add("json", "JSON，列出全部规则并标明是否适用（in_force）", render_json)
FORMATS.add("markdown", "Markdown 规则参考文档（与网站规则页相同）", render_markdown)


def run(args: argparse.Namespace) -> int:
    registry = _Registry(args)
    # the registry's own view, unless a reference listing was asked for
    view = None if args.all or args.profile else registry.profiles
    rules = [r for r in RULES.values() if args.profile is None or r.profile == args.profile]
    shown = rules if view is None else [r for r in rules if r.profile in ("common", *view)]
    listing = Listing(rules, shown, registry.in_force, view, args.profile)
    sys.stdout.write(FORMATS.render(args.format, listing, args.lang))
    if args.format != "json" and len(shown) < len(rules):  # JSON leaves no rule out
        print(f"（另有 {len(rules) - len(shown)} 条规则属于本登记簿未选用的规则配置：registry rules --all 列出）",
              file=sys.stderr)
    return 0


def _text_line(rule: Rule[Any], in_force: dict[str, dict[str, Any]] | None, view: list[str] | None) -> str:
    mark = "" if in_force is None else ("✓ " if rule.id in in_force else "  ")
    params = ", ".join(f"{k}={v}" for k, v in (in_force or {}).get(rule.id, rule.defaults()).items())
    line = f"{mark}{rule.id:<8} [{rule.severity}] {rule.title}"
    if params:
        line += f"  ({params})"
    citation = rule.citation_for(view)
    cite = f"\n{' ' * (len(mark) + 9)}依据：{citation}" if citation else ""
    return line + cite + "\n"
