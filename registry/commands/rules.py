"""``registry rules``: every rule with its citation, parameters and examples."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from registry.engine import select_rules
from registry.loader import CONFIG_FILE, load_config
from registry.rules import RULES
from registry.rules.base import Rule
from registry.rules.profiles import PROFILES

NAME = "rules"
HELP = "列出规则及其依据条款、参数和示例（标明本登记簿是否适用）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", choices=sorted(PROFILES), help="只列出这一配置的规则（common 为通用规则）")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="输出格式")


def _in_force(args: argparse.Namespace) -> dict[str, dict[str, Any]] | None:
    """Rule ID → effective parameters for the registry at --root, or None without one."""
    if not (args.root / CONFIG_FILE).exists():
        return None
    selection = select_rules(load_config(args.root))
    return {r.id: params.model_dump() for r, params in selection.rules}


def run(args: argparse.Namespace) -> int:
    from registry import ruledocs

    # A broken registry.yaml is refused here as by every other command (exit 2); without one
    # (outside a registry) the rules are listed as documentation.
    in_force = _in_force(args)
    rules = [r for r in RULES.values() if args.profile is None or r.profile == args.profile]
    if args.format == "json":
        entries = [
            ruledocs.rule_entry(r, in_force=None if in_force is None else r.id in in_force,
                                values=(in_force or {}).get(r.id))
            for r in rules
        ]
        sys.stdout.write(json.dumps({"rules": entries}, ensure_ascii=False, indent=2, default=str) + "\n")
    elif args.format == "markdown":
        title = ruledocs.profile_title(args.profile) if args.profile else "规则参考"
        sys.stdout.write(ruledocs.markdown_document(rules, title))
    else:
        sys.stdout.write("".join(_text_line(r, in_force) for r in rules))
    return 0


def _text_line(rule: Rule[Any], in_force: dict[str, dict[str, Any]] | None) -> str:
    mark = "" if in_force is None else ("✓ " if rule.id in in_force else "  ")
    params = ", ".join(f"{k}={v}" for k, v in (in_force or {}).get(rule.id, rule.defaults()).items())
    line = f"{mark}{rule.id:<8} [{rule.severity}] {rule.title}"
    if params:
        line += f"  ({params})"
    cite = f"\n{' ' * (len(mark) + 9)}依据：{rule.citation}" if rule.citation else ""
    return line + cite + "\n"
