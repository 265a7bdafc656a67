"""The problems of files the scan of a working tree cannot read as records (see
:mod:`registry.layout`): what each is, said in Chinese and English, naming the path."""
from __future__ import annotations

import errno
import os
import stat
import unicodedata

from registry.findings import Message, Unreadable

SYNTAX = "REG001"  # the file cannot be read as a record
LOCATION = "REG003"  # the file is not where (or not what) a record must be


def shown(path: str) -> str:
    """A path as it can be printed: bytes that are not UTF-8 and control characters escaped."""
    raw = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(c if unicodedata.category(c)[0] != "C" else repr(c)[1:-1] for c in raw)


# -- messages ---------------------------------------------------------------------------------

_KINDS = (
    (stat.S_ISLNK, "符号链接", "a symbolic link"),
    (stat.S_ISFIFO, "命名管道（FIFO）", "a FIFO"),
    (stat.S_ISSOCK, "套接字", "a socket"),
    (stat.S_ISCHR, "字符设备", "a character device"),
    (stat.S_ISBLK, "块设备", "a block device"),
)


def _kind(mode: int) -> tuple[str, str]:
    return next(((zh, en) for test, zh, en in _KINDS if test(mode)), ("特殊文件", "a special file"))


def _problem(path: str, rule: str, zh: str, en: str) -> Unreadable:
    return Unreadable(shown(path), rule, 1, 1, "", Message(zh, en))


def not_regular(path: str, mode: int, record_area: bool) -> Unreadable:
    zh, en = _kind(mode)
    if stat.S_ISDIR(mode):
        zh, en = "目录", "a folder"
    where = "记录和附件" if record_area else "附件"
    return _problem(
        path, LOCATION,
        f"{shown(path)} 是{zh}，不是普通文件：登记簿的{where}只能是普通文件，不会跟随链接或读取特殊文件；"
        f"请用文件本身替换它，或删除",
        f"{shown(path)} is {en}, not a regular file: the registry reads regular files only and never "
        f"follows links; replace it with the file itself or remove it",
    )


def not_a_record(path: str) -> Unreadable:
    folder = "projects" if path.casefold().startswith("project") else "systems"
    stem = os.path.splitext(path.rsplit("/", 1)[-1])[0] or "<编号>"
    target = f"{folder}/<单位代码>/{stem}.yaml"
    return _problem(
        path, LOCATION,
        f"不是记录文件：{shown(path)} 不在 {folder}/<单位代码>/<编号>.yaml 位置（扩展名须为小写 .yaml，"
        f"不能有子目录），不会被读取和计数；请移到 {target} 或删除",
        f"not a record file: {shown(path)} is not at {folder}/<unit>/<id>.yaml (lower-case .yaml, no "
        f"sub-folders), so it is neither read nor counted; move it to {folder}/<unit>/{stem}.yaml or remove it",
    )


def bad_name(path: str) -> Unreadable:
    return _problem(
        path, LOCATION,
        f"文件名 {shown(path)} 不是有效的 UTF-8 文本或含控制字符：请改用由字母、数字、连字符组成的文件名",
        f"file name {shown(path)} is not valid UTF-8 or holds control characters: rename it "
        f"(letters, digits and hyphens)",
    )


def too_large(path: str, size: int, limit: int) -> Unreadable:
    return _problem(
        path, SYNTAX,
        f"{shown(path)} 有 {size} 字节，超过记录文件的上限 {limit} 字节：一条记录只有几 KB，请检查文件内容",
        f"{shown(path)} has {size} bytes, over the {limit}-byte limit for a record: check its content",
    )


_HINTS = {
    errno.EACCES: ("权限不足，请检查文件权限（例如 chmod 644，目录 chmod 755）", "permission denied: check its permissions"),
    errno.EPERM: ("权限不足，请检查文件权限（例如 chmod 644，目录 chmod 755）", "permission denied: check its permissions"),
    errno.ELOOP: ("是符号链接或链接循环，登记簿不跟随链接：请用文件本身替换它", "a symbolic link or link loop: replace it with the file itself"),
    errno.ENAMETOOLONG: ("路径过长：请缩短文件名或目录名", "the path is too long: shorten the names"),
    errno.ENOENT: ("文件不存在（可能在读取时被删除）：请重新运行", "the file does not exist (removed while reading?): run again"),
    errno.EISDIR: ("是目录，不是文件", "a folder, not a file"),
    errno.EIO: ("磁盘读取错误：请检查磁盘或重新检出仓库", "an I/O error: check the disk or check the repository out again"),
}


def os_problem(path: str, exc: OSError, *, folder: bool = False) -> Unreadable:
    """A REG001 problem for a file or folder the operating system refused to read."""
    zh, en = _HINTS.get(exc.errno or 0, (f"{exc.strerror or exc}", f"{exc.strerror or exc}"))
    what, what_en = ("目录", "folder") if folder else ("文件", "file")
    return _problem(
        path, SYNTAX,
        f"无法读取{what} {shown(path)}：{zh}",
        f"cannot read {what_en} {shown(path)}: {en}",
    )
