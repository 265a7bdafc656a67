"""``registry diff``: the review summary of a change, for a pull-request comment or a bot."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from registry.commands.common import iso_date
from registry.diffing import Diff, compute_diff
from registry.diffrender import as_json, render_markdown
from registry.reporters.formats import Renderers

NAME = "diff"
HELP = "变更摘要：新增、修改、停用、整合、划转的记录，项目阶段与投资变化，各单位在用系统数量，引入和修复的问题"


def render_json(diff: Diff, lang: str) -> str:
    return json.dumps(as_json(diff, lang), ensure_ascii=False, indent=2) + "\n"


FORMATS: Renderers[Diff, str] = Renderers(default="markdown")
FORMATS.add("markdown", "Markdown，篇幅适合合并请求评论", render_markdown)
FORMATS.add("json", "JSON，完整列表，供程序读取", render_json)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", metavar="REV", required=True, help="把本分支合并进该版本后的结果与该版本当前的内容比较（例如 origin/main），与 check --base 相同")
    parser.add_argument("--today", type=iso_date, default=None, help="期限规则的基准日期（默认今天）")
    FORMATS.add_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Always 0 once the summary is written (``registry check`` is what passes or fails a
    change); 2 for usage errors such as an unresolvable ``--base``."""
    diff = compute_diff(args.root, base=args.base, today=args.today or dt.date.today())
    sys.stdout.write(FORMATS.render(args.format, diff, args.lang))
    return 0
