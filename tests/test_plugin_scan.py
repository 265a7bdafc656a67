"""Profile discovery asks ``importlib.metadata`` for plug-in profiles only when an installed
distribution may declare one (:func:`registry.pluginsources.none_installed`); the answer is the
same as ``importlib.metadata``'s whichever way a plug-in is installed — a ``.dist-info`` folder of
any case, a zip archive on ``sys.path``, a finder of its own — and a registry without plug-ins
imports no ``importlib.metadata`` at all."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from registry.pluginsources import none_installed
from test_profiles_discovery import plug_in, python

LISTED = ("import sys\nfrom registry.rules.profiles import SELECTABLE\n"
          "from registry.pluginsources import none_installed\n"
          "print('demo' in SELECTABLE, none_installed(), 'importlib.metadata' in sys.modules)")


def test_without_plug_ins_the_scan_agrees_with_importlib_metadata() -> None:
    import importlib.metadata

    assert none_installed()
    assert not list(importlib.metadata.entry_points(group="registry.profiles"))


def test_no_plug_in_no_importlib_metadata(tmp_path: Path) -> None:
    done = python(tmp_path, LISTED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "False"]


def test_a_plug_in_folder_is_seen(tmp_path: Path) -> None:
    done = python(plug_in(tmp_path), LISTED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "True"]


def test_a_dist_info_folder_in_capitals_is_seen(tmp_path: Path) -> None:
    path = plug_in(tmp_path)
    (path / "demo_profile-1.0.dist-info").rename(path / "demo_profile-1.0.DIST-INFO")
    done = python(path, LISTED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "True"]


def test_a_plug_in_in_a_zip_archive_is_seen(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    source = plug_in(tmp_path / "source")
    archive = tmp_path / "plug-in.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in sorted(source.rglob("*")):
            if file.is_file():
                out.write(file, file.relative_to(source).as_posix())
    shutil.rmtree(source)
    done = python(archive, LISTED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "True"]


def test_a_finder_of_its_own_is_asked(tmp_path: Path) -> None:
    code = ("import sys, importlib.metadata\n"
            "class Finder:\n"
            "    def find_spec(self, *args): return None\n"
            "    def find_distributions(self, context=None): return iter(())\n"
            "sys.meta_path.append(Finder())\n"
            "from registry.pluginsources import none_installed\n"
            "print(none_installed())")
    done = python(tmp_path, code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False"]
