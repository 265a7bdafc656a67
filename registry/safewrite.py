"""Files a command writes into the registry's repository — a new record (``registry new``),
CODEOWNERS (``registry codeowners --write``), the files ``registry upgrade`` keeps current — are
written there and nowhere else.

A symbolic link is content like any other: a change can commit ``CODEOWNERS`` as a link to a
file of whoever runs the command (``~/.bashrc``), or ``schema/`` or a unit folder as a link to a
folder outside the repository. Writing "to" such a path writes through the link, replacing a
file the registry does not own. So no part of the path below the repository may be a link (or
anything but a folder, the file itself anything but a regular file), checked before anything is
written, and the file is opened without following a link placed there in the meantime. The
command then stops with exit 2 naming the link: remove it (``git rm``) and run it again.
"""
from __future__ import annotations

import os
from pathlib import Path

from registry.findings import Message
from registry.loader import ConfigError

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def write_text_inside(top: Path, path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path``, a file inside the folder ``top``
    (a path outside ``top`` — one the user named — is only checked from its own folder on)."""
    checked = check_inside(top, path)
    checked.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(checked, _FLAGS, 0o644)
    with open(descriptor, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)


def check_inside(top: Path, path: Path) -> Path:
    """``path``, once none of its parts below ``top`` is a link or of the wrong kind."""
    top, path = Path(os.path.abspath(top)), Path(os.path.abspath(path))
    try:
        parts = path.relative_to(top).parts
        current = top
    except ValueError:  # outside the repository: the user's own choice of folder
        parts, current = (path.name,), path.parent
    for depth, part in enumerate(parts):
        current = current / part
        last = depth == len(parts) - 1
        if current.is_symlink():
            raise _refused(top, current, "是符号链接：registry 不通过链接写入文件（链接可能指向登记簿以外的文件或目录）",
                           "is a symbolic link: registry never writes through a link (it may point outside the registry)")
        if current.exists() and not (current.is_file() if last else current.is_dir()):
            raise _refused(top, current, "不是普通文件" if last else "不是目录", "is not a regular file" if last else
                           "is not a folder")
    return path


def _refused(top: Path, where: Path, zh: str, en: str) -> ConfigError:
    try:
        shown = where.relative_to(top).as_posix()
    except ValueError:
        shown = str(where)
    return ConfigError(Message(f"{shown} {zh}；未写入任何文件：请删除它（git rm {shown}）后重试",
                               f"{shown} {en}; nothing written: remove it (git rm {shown}) and try again"), path="")
