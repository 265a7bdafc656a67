"""Argument helpers shared by subcommands."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from registry.dates import TODAY_FIRST, TODAY_LAST, today_in_range
from registry.findings import Message
from registry.errors import CONFIG_FILE, ConfigError


def iso_date(text: str) -> dt.date:
    """A YYYY-MM-DD option value between 1990 and 2100 (see :mod:`registry.dates`)."""
    day = date_or_reason(text)
    if isinstance(day, str):
        import argparse  # (only to refuse: a command line parsed without argparse never gets here)

        raise argparse.ArgumentTypeError(day)
    return day


def date_or_reason(text: str) -> dt.date | str:
    """:func:`iso_date`'s date, or why ``text`` is not one (its error message)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return f"日期格式应为 YYYY-MM-DD：{text}"
    if not today_in_range(day):
        return f"日期 {text} 超出允许范围：应在 {TODAY_FIRST} 至 {TODAY_LAST} 之间"
    return day


def relative_paths(root: Path, paths: list[str]) -> list[str]:
    """Command-line paths (relative to the current directory) as registry-root posix paths."""
    tops = _tops(root)
    out = []
    for raw, absolute in zip(paths, _named(paths)):
        inside = _inside(tops, absolute)
        if inside is not None:  # (outside the registry: nothing of ours to report on)
            out.append(inside)
    return out


def _named(paths: list[str]) -> list[Path]:
    """Where each command-line path leads: its folders resolved (a file named through a link
    to a folder — ``loop/systems/czj/x.yaml`` with ``loop -> .``, ``docs/out/x.yaml`` with
    ``docs/out -> /tmp`` — is the file the link leads to, inside the registry or not), its last
    part as named (a link named is the link, which the registry reports: REG003). Each folder
    is resolved once: a commit hook names thousands of files in a few folders."""
    resolved: dict[str, str] = {}
    out = []
    for raw in paths:
        folder, name = os.path.split(os.path.abspath(raw))
        if folder not in resolved:
            resolved[folder] = os.path.realpath(folder)
        out.append(Path(resolved[folder], name))
    return out


def outside_paths(root: Path, paths: list[str]) -> list[str]:
    """The command-line paths that lie outside the registry: neither in it nor a folder that
    holds it (which stands for the whole registry, see :func:`named_paths`). Nothing of theirs
    is checked or reported."""
    tops = _tops(root)
    outside = []
    for raw, absolute in zip(paths, _named(paths)):
        if _inside(tops, absolute) is None and not (os.path.isdir(absolute) and _holds(absolute, tops)):
            outside.append(raw)
    return outside


def named_paths(root: Path, paths: list[str], listed: Sequence[str] | None = None) -> list[str]:
    """The registry-root paths findings are reported for when ``paths`` are named: a file
    stands for itself, a folder for every path below it (findings carry file paths, so
    ``check systems/czj`` would otherwise match none and print a silent 0 errors).

    ``listed``: the paths the run checks (``check --staged``: the index's, which may hold a file
    the working tree no longer has), else the working tree's entries below the folder. A folder
    holding the registry root stands for the whole registry, registry.yaml included (which the
    caller reads as "report everything")."""
    tops = _tops(root)
    out: list[str] = []
    for raw, absolute in zip(paths, _named(paths)):
        if not os.path.isdir(absolute):
            out.extend(relative_paths(root, [raw]))
        elif absolute in tops or _holds(absolute, tops):
            out.append(CONFIG_FILE)
        elif (folder := _inside(tops, absolute)) is not None:
            out.append(folder)
            out.extend(_below(folder, listed) if listed is not None else _walked(tops[0], folder))
    return out


def _tops(root: Path) -> tuple[Path, ...]:
    """The registry root under each name a command-line path may reach it by: its real path,
    and the path given as the root (``--root /data/reg`` where /data/reg is a link, or the
    current directory entered through one): a file named through the link is in the registry."""
    real = root.resolve()
    given = Path(os.path.abspath(root))
    return (real,) if given == real else (real, given)


def _inside(tops: tuple[Path, ...], absolute: Path) -> str | None:
    """``absolute`` as a registry-root path when it lies in the registry, else None."""
    for top in tops:
        try:
            return absolute.relative_to(top).as_posix()
        except ValueError:
            continue
    return None


def _holds(folder: Path, tops: tuple[Path, ...]) -> bool:
    """Whether ``folder`` is above the registry root (it stands for the whole registry)."""
    return any(folder in top.parents for top in tops)


def _below(folder: str, listed: Sequence[str]) -> Iterator[str]:
    prefix = folder + "/"
    return (path for path in listed if path.startswith(prefix))


def _walked(top: Path, folder: str) -> list[str]:
    """Every entry below ``folder`` in the working tree, links not followed. A folder reached
    through a link is not walked (the registry reports the link itself, REG003, and a link to
    ``/`` must not walk the whole disk)."""
    start = top / folder
    if os.path.realpath(start) != os.fspath(start):
        return []
    found: list[str] = []
    pending = [(os.fspath(start), folder)]
    while pending:
        directory, name = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue  # unreadable: the scan reports it, under the folder's own path
        for entry in entries:
            path = f"{name}/{entry.name}"
            found.append(path)
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, path))
    return found


def missing_paths(paths: list[str], exists: Callable[[str], bool] = os.path.lexists) -> None:
    """A file named on the command line that does not exist is a usage error (exit 2), not a
    silent pass: a mistyped name would otherwise check nothing and report success. ``exists``
    says what "exists" means (``check --staged``: in git's index)."""
    missing = [raw for raw in paths if not exists(raw)]
    if missing:
        names = "、".join(missing)
        raise ConfigError(Message(f"找不到文件：{names}", f"no such file: {', '.join(missing)}"), path="")
