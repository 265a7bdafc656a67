"""The ``registry`` command: one subcommand per module of :mod:`registry.commands`."""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from registry import DISTRIBUTION, __version__
from registry.argparse_zh import Formatter, lang_of, localise_metavars, translated
from registry.loader import ConfigError

# Each module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS = ("check", "new", "schema", "rules", "diff", "inventory", "codeowners", "audit", "export", "site", "cms",
            "init", "upgrade", "import")
MODULES = {"import": "import_table"}  # a command whose name is a Python keyword


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The full parser; given ``argv``, only the module of the command it names is imported
    (the others get a bare entry), so ``registry check`` does not load git, MkDocs or openpyxl."""
    wanted = _command_in(argv) if argv is not None else None
    parser = argparse.ArgumentParser(
        prog="registry", formatter_class=Formatter,
        description="政务信息化项目与政务信息系统登记簿：校验、报告与发布",
    )
    parser.add_argument("--version", action="version", version=f"registry {__version__}（{DISTRIBUTION}）",
                        help="显示版本号并退出")
    parser.add_argument("--root", type=Path, default=None,
                        help="登记簿根目录（默认：当前目录所在 git 仓库的顶层，否则当前目录）")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="输出语言（默认 zh 中文）")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title="命令")
    for name in COMMANDS:
        if wanted is not None and name != wanted:
            sub.add_parser(name)
            continue
        module = importlib.import_module(f"registry.commands.{MODULES.get(name, name)}")
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP, formatter_class=Formatter)
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


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


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    with translated(lang_of(given)):
        parser = build_parser(given)
        if lang_of(given) != "en":
            localise_metavars(parser)
        args = parser.parse_args(given)
    args.root = resolve_root(args.root)
    try:
        code: int = args.handler(args)
    except ConfigError as exc:
        print(exc.text(args.lang), file=sys.stderr)
        return 2
    except BrokenPipeError:  # `registry … | head` is not an error
        return 0
    return code


if __name__ == "__main__":
    raise SystemExit(main())
