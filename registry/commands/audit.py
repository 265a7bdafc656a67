"""``registry audit``: authority milestones on the base branch that did not arrive through a
verified merge by that authority's approvers, unverifiable merges, direct pushes, unauthorised
changes of approvers, committer dates going backwards, linked files."""
from __future__ import annotations

import argparse
import sys

from registry.audit import TRUST_MODES, run_audit
from registry.commands.common import iso_date
from registry.reporters import REPORTERS

NAME = "audit"
HELP = "审计主分支历史：职能部门里程碑是否经该部门批准人的可验证合并，批准人变更是否有权限，有无直接推送"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-branch", metavar="B", default=None,
                        help="审计的分支（默认 registry.yaml 的 base_branch；本地没有时用 origin/B）")
    parser.add_argument("--trust", choices=TRUST_MODES, default="signatures",
                        help="signatures（默认）：合并须用登记簿信任的公钥验证签名；identities：只比对邮箱，较弱，"
                             "用于尚不能签名的登记簿")
    since = parser.add_mutually_exclusive_group()
    since.add_argument("--since-commit", metavar="REV", default=None,
                       help="只审计此提交（或标签）之后进入主分支的提交，例如审核流程启用时打的标签")
    since.add_argument("--since", type=iso_date, default=None, metavar="YYYY-MM-DD",
                       help="已弃用：日期只用于定位起始提交（首个提交日期不早于该日的首父提交），之后按顺序全部审计；"
                            "请改用 --since-commit")
    REPORTERS.add_argument(parser)
    parser.add_argument("--strict", action="store_true", help="警告也视为失败（退出码 1）")


def run(args: argparse.Namespace) -> int:
    report = run_audit(args.root, branch=args.base_branch, since_commit=args.since_commit, since=args.since,
                       trust=args.trust)
    sys.stdout.write(REPORTERS.render(args.format, report, args.lang))
    return report.exit_code(strict=args.strict)
