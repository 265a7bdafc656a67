"""shapes.json vouches for records so that pydantic need not run; it records the versions of
pydantic and pydantic-core it was made with, and shapes made with other versions than the
installed ones decide nothing: pydantic decides every record, as without shapes.json.

The attack it stops: a pydantic that refuses what the shapes accept (here simulated by a model
narrowed under shapes.json whose sources were re-stamped, so that only the versions differ) —
trusted, the shapes would pass records pydantic refuses. Run on a copy of the package (the
source tree is never touched), without any cache."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from registry import shapes
from test_x_stale_shapes import FIXTURES, check, edited_package


def test_the_committed_shapes_name_the_installed_versions() -> None:
    recorded = json.loads(shapes.SHAPES_FILE.read_text(encoding="utf-8"))["libraries"]
    assert recorded == shapes.library_versions()
    assert set(recorded) == set(shapes.LIBRARIES) and all(v and v != "-" for v in recorded.values())
    assert shapes.shapes() is not None


def _restamped(parent: Path, libraries: dict[str, str]) -> None:
    """The copy's shapes.json with the copy's own source fingerprint and these library versions."""
    env = {**os.environ, "PYTHONPATH": str(parent), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", "from registry.shapes import source_fingerprint; print(source_fingerprint())"],
                          env=env, cwd=parent, capture_output=True, text=True, check=True)
    path = parent / "registry" / "shapes.json"
    found = json.loads(path.read_text(encoding="utf-8"))
    found.update(sources=done.stdout.strip(), libraries=libraries)
    path.write_text(shapes.render(found), encoding="utf-8")


def test_shapes_of_other_library_versions_never_decide(tmp_path: Path) -> None:
    root = tmp_path / "registry"
    shutil.copytree(FIXTURES / "quxian", root)
    parent = edited_package(tmp_path, "models/system.py", "max_length=64)]", "max_length=6)]")
    installed = shapes.library_versions()
    (parent / "registry" / "shapes.json").rename(tmp_path / "shapes.json")
    expected = check(parent, root)  # no shapes: pydantic decides every record
    assert expected[0] == 1 and "Traceback" not in expected[2], expected  # the narrowed model refuses records
    for name in shapes.LIBRARIES:  # another version of either library: the same answer as pydantic's
        shutil.copy2(tmp_path / "shapes.json", parent / "registry" / "shapes.json")
        _restamped(parent, {**installed, name: "1.0.0"})
        assert check(parent, root) == expected, name
    # The same shapes stamped with the installed versions are trusted, and pass what pydantic
    # refuses: what a pydantic changed under them could do, and what the versions stop.
    _restamped(parent, installed)
    trusted = check(parent, root)
    assert trusted != expected and len(json.loads(trusted[1])["findings"]) < len(json.loads(expected[1])["findings"])


def test_shapes_without_versions_never_decide(tmp_path: Path) -> None:
    """A shapes.json of before this check (no ``libraries``) is treated as made with others."""
    root = tmp_path / "registry"
    shutil.copytree(FIXTURES / "quxian", root)
    parent = edited_package(tmp_path, "models/system.py", "max_length=64)]", "max_length=6)]")
    path = parent / "registry" / "shapes.json"
    _restamped(parent, shapes.library_versions())
    found = json.loads(path.read_text(encoding="utf-8"))
    del found["libraries"]
    path.write_text(shapes.render(found), encoding="utf-8")
    answer = check(parent, root)
    path.unlink()
    assert answer == check(parent, root)
