"""``registry audit``: authority milestones on the base branch that did not arrive through a
merge by one of that authority's approvers, and changes pushed without a merge."""
from __future__ import annotations

import argparse
import sys

from registry.audit import run_audit
from registry.commands.common import iso_date
from registry.reporters import REPORTERS

NAME = "audit"
HELP = "审计主分支历史：职能部门里程碑是否由该部门批准人（approvers）合并，是否有未经合并请求的直接提交"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-branch", metavar="B", default=None,
                        help="审计的分支（默认 registry.yaml 的 base_branch；本地没有时用 origin/B）")
    parser.add_argument("--since", type=iso_date, default=None, metavar="YYYY-MM-DD",
                        help="只审计这一天及以后进入主分支的提交（例如审核流程启用之日）")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text", help="输出格式")
    parser.add_argument("--strict", action="store_true", help="警告也视为失败（退出码 1）")


def run(args: argparse.Namespace) -> int:
    report = run_audit(args.root, branch=args.base_branch, since=args.since)
    sys.stdout.write(REPORTERS[args.format](report, args.lang))
    return report.exit_code(strict=args.strict)
