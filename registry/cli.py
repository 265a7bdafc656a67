"""The ``registry`` command: one subcommand per module of :mod:`registry.commands`."""
from __future__ import annotations

import errno
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, NoReturn
from pathlib import Path

from registry import DISTRIBUTION, __version__
from registry.errors import ConfigError

if TYPE_CHECKING:
    import argparse

# Each module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS = ("check", "new", "schema", "rules", "diff", "inventory", "codeowners", "audit", "export", "site", "cms",
            "init", "upgrade", "import")
MODULES = {"import": "import_table"}  # a command whose name is a Python keyword


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The full parser; given ``argv``, only the module of the command it names is imported
    (the others get a bare entry), so ``registry check`` does not load git, MkDocs or openpyxl."""
    from registry.argparse_zh import Formatter, Parser

    wanted = _command_in(argv) if argv is not None else None
    parser = Parser(
        prog="registry", formatter_class=Formatter,
        description="政务信息化项目与政务信息系统登记簿：校验、报告与发布",
    )
    parser.add_argument("--version", action="version", version=f"registry {__version__}（{DISTRIBUTION}）",
                        help="显示版本号并退出")
    parser.add_argument("--root", type=Path, default=None,
                        help="登记簿根目录（默认：当前目录所在 git 仓库的顶层，否则当前目录）")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="输出语言（默认 zh 中文）")
    parser.add_argument("--debug", action="store_true",
                        help=f"内部错误时输出完整的错误堆栈（也可设环境变量 {DEBUG_ENV}=1）")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title="命令")
    for name in COMMANDS:
        if wanted is not None and name != wanted:
            sub.add_parser(name, formatter_class=Formatter)
            continue
        module = importlib.import_module(f"registry.commands.{MODULES.get(name, name)}")
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP, formatter_class=Formatter)
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


def plain_check(argv: Sequence[str]) -> SimpleNamespace | None:
    """The parsed arguments of a plain ``registry check`` command line (the commit hook's),
    exactly as :func:`build_parser` would give them, without argparse: global options each
    at most once, in full, with a value argparse accepts, then ``check`` and what
    :func:`registry.commands.check.plain_arguments` reads. None for any other command line,
    which argparse parses."""
    values: dict[str, object] = {"root": None, "lang": "zh", "debug": False}
    seen: set[str] = set()
    i = 0
    while i < len(argv) and argv[i] != "check":
        option = argv[i]
        if option in seen:
            return None
        seen.add(option)
        if option == "--debug":
            values["debug"] = True
            i += 1
            continue
        if option not in ("--root", "--lang") or i + 1 == len(argv) or argv[i + 1].startswith("-"):
            return None
        value = argv[i + 1]
        if option == "--lang" and value not in ("zh", "en"):
            return None
        values[option[2:]] = Path(value) if option == "--root" else value
        i += 2
    if i == len(argv):
        return None
    from registry.commands import check

    rest = check.plain_arguments(argv[i + 1:])
    if rest is None:
        return None
    return SimpleNamespace(**values, command="check", **rest, handler=check.run)


def _command_in(argv: Sequence[str]) -> str | None:
    """The command named on a command line (after any global options), if it is one of ours."""
    args = iter(argv)
    for arg in args:
        if arg in ("--root", "--lang"):
            next(args, None)
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def resolve_root(given: Path | None) -> Path:
    if given is not None:
        return given
    cwd = Path.cwd()
    # The usual case without gitpython (a costly import): the nearest folder holding .git.
    near = next((d for d in (cwd, *cwd.parents) if (d / ".git").exists()), None)
    if near is not None and (near / "registry.yaml").exists():
        return near
    from registry.gitio import top_level  # git is only imported when needed

    top = top_level(cwd)
    return top if top is not None and (top / "registry.yaml").exists() else cwd


def _parsed(given: list[str]) -> argparse.Namespace:
    """``given`` parsed by argparse, in the language it asks for (argparse's own words too)."""
    from registry.argparse_zh import lang_of, localise_metavars, translated

    with translated(lang_of(given)):
        parser = build_parser(given)
        if lang_of(given) != "en":
            localise_metavars(parser)
        return parser.parse_args(given)


def main(argv: Sequence[str] | None = None) -> int:
    """Exit codes: 0 ok, 1 findings, 2 usage or configuration error, 3 internal error (a bug:
    never 0 or 1, so that CI cannot mistake a crash for a pass or for ordinary findings)."""
    given = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None:  # started with standard output closed (``>&-``): Python gives no stream at all
        from registry.argparse_zh import lang_of

        return write_failure(OSError(errno.EBADF, os.strerror(errno.EBADF)), lang_of(given))
    try:
        args = plain_check(given) or _parsed(given)
    except Exception as exc:  # a command's module imports the rules: a broken profile package
        from registry.argparse_zh import lang_of

        if isinstance(exc, OSError):  # help or version text that could not be written
            return write_failure(exc, lang_of(given))
        if not broken_profile(exc):
            raise
        return profile_failure(exc, lang_of(given))
    try:
        args.root = resolve_root(args.root)
        code: int = args.handler(args)
    except ConfigError as exc:
        print(exc.text(args.lang), file=sys.stderr)
        return 2
    except BrokenPipeError:  # `registry … | head` is not an error
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001  (the one place that turns a bug into exit code 3)
        if broken_profile(exc):  # rules imported lazily by the command
            return profile_failure(exc, args.lang)
        if from_git(exc):
            return git_failure(exc, args.lang, debug=args.debug or debug_enabled())
        if out_of_space(exc):
            return write_failure(exc, args.lang)
        return internal_error(args.lang, debug=args.debug or debug_enabled())
    return code


_QUICK_EXIT = frozenset({"check", "diff", "inventory", "audit"})


def entry() -> NoReturn:
    """The ``registry`` program (``python -m registry`` too): :func:`main`, then the exit.

    After ``registry check`` (and the history commands ``diff``, ``inventory``, ``audit``) the
    process ends without tearing its heap down: a check of a large registry leaves hundreds of
    thousands of objects, whose one-by-one deallocation and the final garbage collection cost
    more than a pre-commit run of three files spends on checking them (and about a tenth of an
    ``inventory --history``). Nothing is lost: the command's files are written and closed when
    it returns (the cache store writes to a temporary file and renames it), its pool of workers
    and its git processes are joined, and the standard streams are flushed here. Other commands
    exit as usual.

    ``registry check`` runs without the cyclic garbage collector from here on: its run pauses
    it anyway (:func:`registry.gcpause.paused_gc`), and before that the commit hook's run only
    imports modules and unpickles its cache — dozens of collections that find no garbage and
    cost it a tenth of its time. Reference counting still frees everything else."""
    command = _command_in(sys.argv[1:])
    if command == "check":
        gc.disable()
    code = main()
    if command not in _QUICK_EXIT:
        raise SystemExit(code)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # (None: the process was started with it closed)
                stream.flush()
    except BrokenPipeError:  # `registry check | head`: the reader left, nothing more to say
        pass
    except OSError as exc:  # the report could not be written (a full disk): never a pass
        from registry.argparse_zh import lang_of

        code = write_failure(exc, lang_of(sys.argv[1:]))
    os._exit(code)


DEBUG_ENV = "REGISTRY_DEBUG"
INTERNAL_ERROR = 3


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")


def from_git(exc: BaseException) -> bool:
    """Raised by gitpython or gitdb (a git command failed, an object is missing): a problem
    of the repository, not of this tool, wherever our code did not catch it first."""
    if type(exc).__module__.split(".", 1)[0] in ("git", "gitdb"):
        return True
    import traceback  # (only after a failure)

    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and any(f"{os.sep}{name}{os.sep}" in frames[-1].filename for name in ("git", "gitdb"))


def git_failure(exc: BaseException, lang: str, *, debug: bool) -> int:
    """A git failure is exit 2 with a hint (the repository needs fixing), never a traceback."""
    if debug:
        import traceback

        traceback.print_exc()
    detail = " ".join(str(exc).split())[:300]
    if lang == "en":
        print(f"git failed: {detail}. Check the repository with git fsck; in a shallow clone run "
              "git fetch --unshallow", file=sys.stderr)
    else:
        print(f"git 操作失败：{detail}。请用 git fsck 检查仓库；浅克隆请先运行 git fetch --unshallow", file=sys.stderr)
    return 2


def out_of_space(exc: BaseException) -> bool:
    """A write refused for want of space (a full disk or quota, a file too large): the machine
    needs attention, not the tool."""
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def write_failure(exc: BaseException, lang: str) -> int:
    """Output that could not be written is exit 2 with the reason, never a pass nor a "bug"."""
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    closed = isinstance(exc, OSError) and exc.errno == errno.EBADF
    try:
        if closed and lang == "en":
            print(f"registry: could not write the output ({detail}): standard output is closed; run it with "
                  "standard output on a terminal, a file or a pipe", file=sys.stderr)
        elif closed:
            print(f"registry：无法写出结果（{detail}）：标准输出已关闭，请让标准输出指向终端、文件或管道后重新运行",
                  file=sys.stderr)
        elif lang == "en":
            print(f"registry: could not write the output ({detail}): free some space and run again", file=sys.stderr)
        else:
            print(f"registry：无法写出结果（{detail}）：磁盘已满或超出配额，请腾出空间后重新运行", file=sys.stderr)
    except OSError:  # standard error is on the full disk too: the exit code still says it
        pass
    return 2


def broken_profile(exc: BaseException) -> bool:
    """A :class:`registry.rules.profiles.ProfileError`, told without importing the rules (which
    is what raised it): if one was raised, its module is loaded."""
    profiles = sys.modules.get("registry.rules.profiles")
    return profiles is not None and isinstance(exc, profiles.ProfileError)


def profile_failure(exc: BaseException, lang: str) -> int:
    """A rule profile package is broken (see CONTRIBUTING.md): exit 2 naming it, no traceback."""
    if lang == "en":
        print(f"a rule profile package is broken (see CONTRIBUTING.md): {exc}", file=sys.stderr)
    else:
        print(f"规则配置包有误（见 CONTRIBUTING.md）：{exc}", file=sys.stderr)
    return 2


def internal_error(lang: str, *, debug: bool) -> int:
    """One line asking for a report (the traceback only when debugging); exit code 3."""
    if debug:
        import traceback

        traceback.print_exc()
    print(internal_error_message(sys.exc_info()[1], lang), file=sys.stderr)
    return INTERNAL_ERROR


def internal_error_message(exc: BaseException | None, lang: str = "zh") -> str:
    kind = type(exc).__name__ if exc is not None else "Exception"
    if lang == "en":
        return (f"registry: internal error ({kind}); this is a bug in registry, not in your records: please report it "
                f"to the tool's maintainers (the project's issue tracker) with the command you ran and the output of "
                f"the same command with --debug (or {DEBUG_ENV}=1)")
    return (f"registry：内部错误（{kind}），这是 registry 工具的缺陷，不是记录的问题：请向工具维护者报告"
            f"（在项目的问题跟踪页面新建问题），附上所运行的命令，以及加 --debug（或设环境变量 {DEBUG_ENV}=1）"
            f"重新运行的完整输出")


if __name__ == "__main__":
    entry()
