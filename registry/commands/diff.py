"""``registry diff``: the review summary of a change, for a pull-request comment or a bot."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING

from registry.commands.common import iso_date
from registry.reporters.formats import Renderers

if TYPE_CHECKING:
    from registry.diffing import Diff

NAME = "diff"
HELP = "变更摘要：新增、修改、停用、整合、划转的记录，项目阶段与投资变化，各单位在用系统数量，引入和修复的问题"


# The renderers import the summary's modules (pydantic, the models) only when there is a
# summary to render: a summary reused from the cache (registry.diffcache) needs none of them.
def render_markdown(diff: Diff, lang: str) -> str:
    from registry.diffrender import render_markdown as markdown

    return markdown(diff, lang)


def render_json(diff: Diff, lang: str) -> str:
    from registry.diffrender import as_json

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
    from registry.diffcache import diff_text

    renderer = FORMATS.renderer(args.format)
    text = diff_text(args.root, base=args.base, today=args.today or dt.date.today(),
                     render=lambda diff: renderer.render(diff, args.lang), variant=f"{args.format}\0{args.lang}")
    sys.stdout.write(text)
    return 0
