"""Argument helpers shared by subcommands."""
from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


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
