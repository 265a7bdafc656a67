"""argparse in Chinese: its own words (usage, options, required arguments, invalid choices…).

argparse looks every message up through ``gettext`` at the moment it uses it (group titles
when a parser is built, errors when arguments are parsed), so the translation is switched on
around both, and switched off again after: nothing else in the process (pytest, MkDocs) sees
it. ``--lang en`` keeps argparse's English.

The command line's parser and its help layout live here too (:class:`Parser`,
:class:`Formatter`): a plain ``registry check`` (the commit hook's) is read without argparse
(:func:`registry.cli.plain_check`), so argparse is imported only with this module.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的参数值 %r",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开 '%(filename)s'：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可选：%(choices)s）",
}
PLURALS = {
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
}


def lang_of(argv: Sequence[str]) -> str:
    """The ``--lang`` given on a command line (before it is parsed): ``zh`` unless ``en``."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "zh"
    return "zh"


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return PLURALS.get(chosen, chosen)


@contextlib.contextmanager
def translated(lang: str) -> Iterator[None]:
    """argparse's words in Chinese inside the block (unless ``lang`` is ``en``)."""
    if lang == "en":
        yield
        return
    module = vars(argparse)
    saved = module["_"], module["ngettext"]
    module["_"], module["ngettext"] = _gettext, _ngettext
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved



# Placeholders of argument values in help and usage (``--base REV`` → ``--base 版本``).
METAVARS = {
    "PATHS": "文件", "REV": "版本", "TODAY": "日期", "ROOT": "目录", "COMMAND": "命令", "UNIT": "单位",
    "RECORD_ID": "编号", "OUT": "目录", "PATH": "路径", "DIR": "目录", "FILE": "文件", "B": "分支", "PORT": "端口",
}


def localise_metavars(parser: argparse.ArgumentParser) -> None:
    """Chinese placeholders for every argument of ``parser`` and of its subcommands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                localise_metavars(sub)
        if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
            continue  # {a,b,c}: the values themselves are what to type
        name = action.metavar if isinstance(action.metavar, str) else action.dest.upper()
        if name in METAVARS:
            action.metavar = METAVARS[name]


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _columns() -> int:
    """``shutil.get_terminal_size().columns``: ``COLUMNS`` if a positive number, else the
    terminal's width on standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80
    return size.columns or 80


class Formatter(argparse.HelpFormatter):
    """argparse's layout, with the help column aligned after Chinese placeholders (argparse
    pads by characters, a terminal shows a Chinese character two columns wide)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        # argparse makes a formatter for every option it adds and imports shutil for its
        # width; the same width (``shutil.get_terminal_size().columns - 2``) without shutil.
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        header = self._format_action_invocation(action)
        extra = _width(header) - len(header)
        first, newline, rest = text.partition("\n")
        at = first.find(header)
        if extra <= 0 or at < 0:
            return text
        end = at + len(header)
        spaces = len(first) - end - len(first[end:].lstrip(" "))
        if spaces - extra >= 2:
            first = first[:end] + " " * (spaces - extra) + first[end + spaces:]
        return first + newline + rest


class Parser(argparse.ArgumentParser):
    """argparse's parser, except that help and version text that cannot be written (a full
    disk) is an error, not a silent exit 0: argparse ignores every ``OSError`` while writing,
    and Python's buffered output fails only later, at exit. A reader that left (a broken
    pipe, ``registry --help | head``) is still no error."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if not message:
            return
        out = file or sys.stderr
        if out is None:  # no console at all (pythonw): nothing to write to, as argparse does
            return
        try:
            out.write(message)
            flush = getattr(out, "flush", None)
            if flush is not None:
                flush()
        except BrokenPipeError:
            pass
