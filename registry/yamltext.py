"""Text-level checks and positions for :mod:`registry.yamlio`.

* characters no record may hold (control characters: invisible, and fatal to the XLSX/XML,
  HTML and CSV consumers of the published catalog);
* lines and columns as an editor counts them, so that every position reported lies inside
  its file (the parser marks "unexpected end of file" one line past the end, and it also ends
  lines at NEL/LS/PS, which editors do not).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from registry.findings import Message
from registry.patterns import on_first_use

if TYPE_CHECKING:  # ruamel is imported only where a document is parsed (registry.yamlio)
    from ruamel.yaml.reader import ReaderError

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; lone
# surrogates (not encodable as UTF-8); U+FFFE/U+FFFF. YAML's reader refuses most of them
# written raw, but a double-quoted "\x07", "\0" or "\e" escapes them in. (The body of a
# character class: the fast reader, registry.fastyaml, puts it into its own.)
CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
ODD_BREAKS = "\x85\u2028\u2029"


# One control character, and one line break editors do not count: compiled when a document is
# first parsed (a run whose files the fast reader reads, every warm commit hook, never parses one;
# the class of control characters alone costs about 0.4 ms to compile).
control = on_first_use(f"[{CONTROL_CHARACTERS}]")
odd_break = on_first_use(f"[{ODD_BREAKS}]")


def __getattr__(name: str) -> re.Pattern[str]:
    """``CONTROL`` and ``ODD_BREAK``, the patterns of :func:`control` and :func:`odd_break`, for
    code that imports them by name (compiled then)."""
    if name == "CONTROL":
        return control()
    if name == "ODD_BREAK":
        return odd_break()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def control_message(value: str, field: str) -> Message:
    """Why a text holding a control character is refused (``value`` holds one)."""
    found = control().search(value)
    code = f"U+{ord(found.group()):04X}" if found else "?"
    where = f"字段 {field} 的" if field else ""
    return Message(
        f"{where}文本含控制字符 {code}（不可见，无法在网站、表格中公开发布）：请删除该字符",
        f"{field + ': ' if field else ''}text holds control character {code} (invisible, cannot be published): remove it",
    )


def end_position(text: str) -> tuple[int, int]:
    """Line and column just after the last character of the last line; editors' lines (line
    feed, carriage return or both end one; a final line break opens none); 1, 1 when empty."""
    lines = text.encode("utf-8", "surrogatepass").splitlines()
    if not lines:
        return 1, 1
    return len(lines), len(lines[-1].decode("utf-8", "replace")) + 1


def last_line(text: str) -> int:
    return end_position(text)[0]


def line_column(text: str, index: int) -> tuple[int, int]:
    """Line and column of the character at ``index``."""
    before = text[:index].encode("utf-8", "surrogatepass").splitlines(keepends=True)
    if not before:
        return 1, 1
    if before[-1].endswith((b"\n", b"\r")):
        return len(before) + 1, 1
    return len(before), len(before[-1].decode("utf-8", "replace")) + 1


def reader_error(text: str, exc: ReaderError) -> tuple[int, int, Message]:
    """Where and why the reader refused a character YAML does not allow in a file."""
    position = exc.position if isinstance(exc.position, int) else 0
    line, column = line_column(text, min(max(position, 0), len(text)))
    code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else str(exc.character)
    return line, column, Message(
        f"第 {line} 行第 {column} 列有不允许的控制字符 {code}（不可见，无法公开发布）：请删除该字符",
        f"line {line}, column {column}: control character {code} is not allowed: remove it",
    )


def stray_tab(text: str, quoted: list[tuple[int, int]]) -> int | None:
    """The index of the first tab that is neither inside a quoted or block scalar (the spans
    ``quoted``) nor in a comment, else None.

    The C parser accepts a tab as a separator (``name:\\tx``, ``name: x\\t``), but most YAML
    loaders — and editors that show tabs as any width — do not: the same file would be read
    differently elsewhere, so a tab is only allowed where it is part of written text."""
    spans = sorted(quoted)
    at = text.find("\t")
    while at != -1:
        if not any(start <= at < end for start, end in spans) and not _in_comment(text, at, spans):
            return at
        at = text.find("\t", at + 1)
    return None


def _in_comment(text: str, index: int, spans: list[tuple[int, int]]) -> bool:
    line_start = text.rfind("\n", 0, index) + 1
    for hash_at in range(line_start, index):
        if text[hash_at] != "#" or any(start <= hash_at < end for start, end in spans):
            continue
        if hash_at == line_start or text[hash_at - 1] in " \t":
            return True
    return False


def tab_message(line: int, column: int) -> Message:
    return Message(
        f"第 {line} 行第 {column} 列使用了制表符（Tab）作缩进或分隔：YAML 中请改用空格（制表符只能出现在引号内的文字中）",
        f"line {line}, column {column}: a tab is used as indentation or separator: use spaces (tabs only inside quoted text)",
    )
