"""``registry check``: validate records against the rules in force."""
from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from registry import plainclass
from registry.cache import columns_of
from registry.commands.common import date_or_reason, iso_date, missing_paths, named_paths, outside_paths, relative_paths
from registry.errors import CONFIG_FILE, ConfigError
from registry.findings import Message, Report
from registry.gcpause import paused_gc
from registry.reporters import REPORTERS

if TYPE_CHECKING:
    import argparse

    from registry.warm import Inputs

NAME = "check"
HELP = "按所选管理办法校验记录（不指定文件时校验全部）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATHS",
                        help="只报告这些文件（文件夹：其下的全部文件）的问题（交叉引用仍按整个登记簿解析）")
    parser.add_argument("--base", metavar="REV", help="同时运行变更规则：把本分支（含未提交的改动）合并进该版本后的结果与该版本当前的内容比较，规则配置取自该版本；该版本移动后须重新检查")
    parser.add_argument("--today", type=iso_date, default=None, help="期限规则的基准日期（默认今天）")
    REPORTERS.add_argument(parser)
    parser.add_argument("--strict", action="store_true", help="警告也视为失败（退出码 1）")
    parser.add_argument("--changes-only", action="store_true",
                        help="只报告变更规则（需 --base）的问题：pre-commit 的 registry-check-base 钩子用它，"
                             "其余问题已由 registry-check 钩子报告")
    parser.add_argument("--no-cache", action="store_true",
                        help="不读取也不写入 .registry-cache/ 缓存（也可设环境变量 REGISTRY_NO_CACHE=1）")
    parser.add_argument("--staged", action="store_true",
                        help="检查将要提交的内容（git 暂存区/索引）而不是工作区：未暂存的改动和未跟踪的文件不计入，"
                             "记录、registry.yaml 和行号都取自暂存的内容（pre-commit 钩子用它）")


# The options of add_arguments a plain command line may give (see plain_arguments): each
# flag's and each valued option's destination, and every destination's default.
_FLAGS = {"--staged": "staged", "--strict": "strict", "--changes-only": "changes_only", "--no-cache": "no_cache"}
_VALUED = {"--base": "base", "--today": "today", "--format": "format"}


def plain_arguments(argv: Sequence[str]) -> dict[str, object] | None:
    """The arguments of ``check`` as :func:`add_arguments`' parser gives them, for a plain
    command line — each option at most once and written in full, a value that does not start
    with ``-`` and that the parser would accept, the PATHS after every option (the commit hook's
    ``check --staged --today D FILE…``) — without importing argparse or building its parser
    (a tenth of a three-file hook run). None for any other command line: the parser decides
    it (``--help``, an abbreviation, ``--opt=value``, ``--``, a refused value …), with its own
    words and exit code."""
    values: dict[str, object] = {"paths": [], "base": None, "today": None, "format": REPORTERS.default,
                                 **{dest: False for dest in _FLAGS.values()}}
    seen: set[str] = set()
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        option = argv[i]
        if option in seen:
            return None
        seen.add(option)
        if option in _FLAGS:
            values[_FLAGS[option]] = True
            i += 1
            continue
        if option not in _VALUED or i + 1 == len(argv) or argv[i + 1].startswith("-"):
            return None
        value: object = argv[i + 1]
        if option == "--today":
            value = date_or_reason(argv[i + 1])
            if isinstance(value, str):
                return None
        elif option == "--format" and value not in REPORTERS:
            return None
        values[_VALUED[option]] = value
        i += 2
    paths = list(argv[i:])
    if any(path.startswith("-") for path in paths):
        return None
    values["paths"] = paths
    return values


def run(args: argparse.Namespace) -> int:
    if args.staged:
        inputs = _staged_inputs(args, args.paths)
        staged = inputs
        missing_paths(args.paths, exists=lambda raw: _in_index(args.root, raw, staged))
    else:
        inputs = None
        missing_paths(args.paths)
        _say_outside(args.root, args.paths, args.lang)
    # a folder named stands for the files below it: the index's under --staged
    listed = columns_of(inputs.files)[0] if inputs is not None else None
    paths = named_paths(args.root, args.paths, listed) if args.paths else None
    if paths is not None and CONFIG_FILE in paths:
        paths = None  # registry.yaml changed: profiles or units may change any finding
    if args.changes_only and args.base is None:
        raise ConfigError(Message("--changes-only 需要同时指定 --base", "--changes-only needs --base"), path="--base")
    # A short-lived run that builds a few million objects and no garbage cycles worth
    # collecting: each automatic collection would only walk the whole registry again.
    with paused_gc():
        report = _report(args, args.today or dt.date.today(), paths, inputs)
        _promote_survivors()
    if args.changes_only:
        report = plainclass.replace(report, findings=[f for f in report.findings if _is_change(f.rule)])
    code = report.exit_code(strict=args.strict)
    try:
        sys.stdout.write(REPORTERS.render(args.format, report, args.lang))
        sys.stdout.flush()
    except BrokenPipeError:  # `registry check | head`: the reader left, the verdict stands (never a pass)
        quiet_stdout()
    return code


def _say_outside(root: Path, paths: list[str], lang: str) -> None:
    """Say on standard error which named paths lie outside the registry and so are not checked
    (a plain check only: a mistyped root must not look like a clean file; the commit hook
    passes every staged file of the repository, which in a monorepo holds files outside the
    registry, and stays quiet about them). The exit status is the checked files' own."""
    if sys.stderr is None:  # (started with standard error closed: print would write to stdout)
        return
    top = root.resolve()
    for raw in outside_paths(root, paths):
        print(f"note: {raw} is outside the registry ({top}), not checked" if lang == "en"
              else f"注意：{raw} 不在登记簿（{top}）内，未检查", file=sys.stderr)


def quiet_stdout() -> None:
    """Send what is left of standard output nowhere: its reader is gone, and flushing the rest
    at exit would only fail again (Python's advice for SIGPIPE, ``signal`` module docs)."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (output captured in-process): nothing to flush
        pass


def _staged_inputs(args: argparse.Namespace, paths: list[str]) -> Inputs:
    """``--staged``: what git's index holds (see :mod:`registry.staged`). With PATHS (the commit
    hook) the files named are new to the cache, so the checker's modules are imported while git
    reads the index (as :func:`_report` does for the working tree)."""
    from registry import warm

    return warm.gather_staged(args.root, use_cache=not args.no_cache, meanwhile=_import_checker if paths else None)


def _in_index(root: Path, raw: str, inputs: Inputs) -> bool:
    """Whether a command-line path names a file of git's index (a file staged for deletion, or
    deleted from the working tree after staging, is still a file of the commit's question; one
    removed from the index but left in the working tree is not: the commit has no such file).
    A folder, or a path outside the registry, exists as for a plain check."""
    assert inputs.staged is not None
    relative = relative_paths(root, [raw])
    if not relative or os.path.isdir(raw):
        return os.path.lexists(raw)
    return inputs.staged.holds(relative[0])


def _report(args: argparse.Namespace, today: dt.date, paths: list[str] | None, inputs: Inputs | None = None) -> Report:
    """The stored report when nothing changed (:mod:`registry.warm`: the models, the parser and
    the rules are not even imported), else a check run."""
    from registry import warm

    # With PATHS (pre-commit, an editor) the files named usually changed, so the checker's own
    # modules are imported while git reads its index on the other core (see registry.gitscan)
    if inputs is None:
        inputs = warm.gather(args.root, use_cache=not args.no_cache,
                             meanwhile=_import_checker if paths is not None else None)
    if args.base is None:
        reused = warm.reused_report(inputs, today=today.isoformat(), base="", paths=paths)
        if reused is not None:
            return reused
    from registry.checking import check_report

    return check_report(args.root, today=today, base=args.base, paths=paths, inputs=inputs)


def _import_checker() -> None:
    """Import what a check run needs (pydantic, the models, the rules) ahead of time; an error
    here is left for the import where it is needed (a reused report needs none of it)."""
    try:
        import registry.checking  # noqa: F401
    except Exception:  # noqa: BLE001
        pass


def _promote_survivors() -> None:
    """Move every object to the oldest generation (``gc.freeze`` and ``gc.unfreeze``: two list
    splices): otherwise the first allocation after the pause starts a collection that walks
    each object the run made (tens of milliseconds at 20,000 records) only to find them alive.
    Garbage among them is collected with the oldest generation, as survivors would have been."""
    gc.freeze()
    gc.unfreeze()


def _is_change(rule_id: str) -> bool:
    from registry.rules import RULES
    from registry.rules.base import Kind

    rule = RULES.get(rule_id)
    return rule is not None and rule.kind is Kind.change
