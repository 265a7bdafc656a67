"""Attack on ``registry/shapes.json`` as derived data (a model changed, the shapes not made again).

shapes.json is a reduction of the models' pydantic schemas; tests/test_shapes.py fails when the
committed copy is out of date. But it is a cache like any other: where the loader builds a record
from the data the shapes vouch for (without pydantic's validator), shapes that describe OLDER
models must never decide — a model narrowed (a shorter ``max_length``) or an enumeration value
renamed, with shapes.json left as it was, must give exactly pydantic's answer, never a record the
model refuses and never an internal error. Run on a copy of the package (the source tree is
never touched), without any cache.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import registry

FIXTURES = Path(__file__).parent / "fixtures"
PACKAGE = Path(registry.__file__).parent


def check(package_parent: Path, root: Path) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(package_parent), "REGISTRY_NO_CACHE": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-m", "registry", "--root", str(root), "check", "--today", "2026-11-20",
                           "--format", "json"], env=env, cwd=package_parent, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def edited_package(tmp_path: Path, relpath: str, old: str, new: str) -> Path:
    parent = tmp_path / "pkg"
    shutil.copytree(PACKAGE, parent / "registry", ignore=shutil.ignore_patterns("__pycache__"))
    source = parent / "registry" / relpath
    text = source.read_text("utf-8")
    assert len(re.findall(re.escape(old), text)) == 1, old
    source.write_text(text.replace(old, new), "utf-8")
    return parent


EDITS = {
    "a shorter id": ("models/system.py", "max_length=64)]", "max_length=6)]"),
    "a status renamed": ("enums.py", 'retired = "retired", "已停用"', 'retired = "retirex", "已停用"'),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_shapes_of_older_models_never_decide(tmp_path: Path, edit: str) -> None:
    root = tmp_path / "registry"
    shutil.copytree(FIXTURES / "quxian", root)
    parent = edited_package(tmp_path, *EDITS[edit])
    answer = check(parent, root)
    (parent / "registry" / "shapes.json").unlink()  # no shapes: pydantic decides every record
    expected = check(parent, root)
    assert expected[0] == 1 and "Traceback" not in expected[2], expected  # the edit does refuse records
    assert answer == expected
