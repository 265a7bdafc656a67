"""``registry rules``: every rule with its citation, parameters and examples.

Inside a registry the listing is the registry's own: the common rules and those of the chosen
profiles, citing only the chosen profiles' regulations (``--all`` lists every rule of every
profile as a reference; ``--format json`` keeps every rule ID, marked ``in_force``)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from registry.engine import select_rules
from registry.loader import CONFIG_FILE, ConfigError, load_config
from registry.rules import RULES
from registry.rules.base import Rule
from registry.rules.profiles import PROFILES

NAME = "rules"
HELP = "列出规则及其依据条款、参数和示例（标明本登记簿是否适用）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", choices=sorted(PROFILES), help="只列出这一配置的规则（common 为通用规则）")
    parser.add_argument("--all", action="store_true",
                        help="列出全部规则配置的规则及其全部依据条款（默认只列本登记簿选用的配置）")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="输出格式")


class _Registry:
    """The registry at --root, as far as the listing needs it (nothing outside a registry)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.in_force: dict[str, dict[str, Any]] | None = None
        self.profiles: list[str] | None = None
        if not (args.root / CONFIG_FILE).exists():
            return
        try:
            config = load_config(args.root)
            selection = select_rules(config)
        except ConfigError:
            return  # documentation must still be readable next to a broken registry.yaml
        self.in_force = {r.id: params.model_dump() for r, params in selection.rules}
        self.profiles = list(config.profiles)


def run(args: argparse.Namespace) -> int:
    from registry import ruledocs

    registry = _Registry(args)
    # the registry's own view, unless a reference listing was asked for
    view = None if args.all or args.profile else registry.profiles
    rules = [r for r in RULES.values() if args.profile is None or r.profile == args.profile]
    if args.format == "json":
        entries = [
            ruledocs.rule_entry(r, in_force=None if registry.in_force is None else r.id in registry.in_force,
                                values=(registry.in_force or {}).get(r.id), profiles=view)
            for r in rules
        ]
        sys.stdout.write(json.dumps({"rules": entries}, ensure_ascii=False, indent=2, default=str) + "\n")
        return 0
    shown = rules if view is None else [r for r in rules if r.profile in ("common", *view)]
    if args.format == "markdown":
        title = ruledocs.profile_title(args.profile) if args.profile else "规则参考"
        sys.stdout.write(ruledocs.markdown_document(shown, title, view))
    else:
        sys.stdout.write("".join(_text_line(r, registry.in_force, view) for r in shown))
    if len(shown) < len(rules):
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
