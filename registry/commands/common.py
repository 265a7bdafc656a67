"""Argument helpers shared by subcommands."""
from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from registry.dates import TODAY_FIRST, TODAY_LAST, today_in_range
from registry.findings import Message
from registry.errors import ConfigError


def iso_date(text: str) -> dt.date:
    """A YYYY-MM-DD option value between 1990 and 2100 (see :mod:`registry.dates`)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None
    if not today_in_range(day):
        raise argparse.ArgumentTypeError(f"日期 {text} 超出允许范围：应在 {TODAY_FIRST} 至 {TODAY_LAST} 之间")
    return day


def relative_paths(root: Path, paths: list[str]) -> list[str]:
    """Command-line paths (relative to the current directory) as registry-root posix paths."""
    top = root.resolve()
    out = []
    for raw in paths:
        resolved = Path(os.path.abspath(raw))
        try:
            out.append(resolved.relative_to(top).as_posix())
        except ValueError:
            continue  # outside the registry: nothing of ours to report on
    return out


def missing_paths(paths: list[str], exists: Callable[[str], bool] = os.path.lexists) -> None:
    """A file named on the command line that does not exist is a usage error (exit 2), not a
    silent pass: a mistyped name would otherwise check nothing and report success. ``exists``
    says what "exists" means (``check --staged``: in git's index)."""
    missing = [raw for raw in paths if not exists(raw)]
    if missing:
        names = "、".join(missing)
        raise ConfigError(Message(f"找不到文件：{names}", f"no such file: {', '.join(missing)}"), path="")
