"""The cache's fingerprint reads the tool's source files with one ``stat`` each (``os.scandir``)
and the installed versions from one pass per ``sys.path`` folder: it must list exactly what
``os.walk`` + ``os.path.isfile`` + ``os.stat`` listed (links followed, a linked folder not
walked, bytecode left out), and find the version ``importlib.metadata`` would find first."""
from __future__ import annotations

import os
from pathlib import Path

from registry import cachekey


def _walked(package: str) -> list[tuple[str, str, os.stat_result]]:
    found = []
    for folder, folders, names in os.walk(package):
        folders[:] = [name for name in folders if name != "__pycache__"]
        prefix = os.path.relpath(folder, package).replace(os.sep, "/")
        for name in names:
            path = os.path.join(folder, name)
            if not name.endswith(".pyc") and os.path.isfile(path):
                found.append((name if prefix == "." else f"{prefix}/{name}", path, os.stat(path)))
    return sorted(found)


def test_source_files_are_what_a_walk_lists_with_their_stat(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    for relative in ("__init__.py", "a.py", "sub/b.py", "sub/deep/c.toml", "sub/__pycache__/b.cpython-311.pyc",
                     "stale.pyc", "其他/说明.md"):
        (package / relative).parent.mkdir(parents=True, exist_ok=True)
        (package / relative).write_text(relative, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.py").write_text("x", encoding="utf-8")
    (package / "linked").symlink_to(outside, target_is_directory=True)  # not walked
    (package / "alias.py").symlink_to(package / "a.py")  # a linked file counts, stat'ed through the link
    (package / "broken.py").symlink_to(tmp_path / "nowhere")  # not a file
    assert cachekey._source_files(str(package)) == _walked(str(package))
    (package / "sub/b.py").write_text("changed", encoding="utf-8")
    assert cachekey._source_files(str(package)) == _walked(str(package))


def test_versions_are_the_first_dist_info_of_each_normalised_name(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name in ("Ruamel.Yaml-0.18.6.dist-info", "ruamel_yaml-0.1.0.dist-info", "pydantic_core-2.27.1.dist-info",
                 "noversion.dist-info", "pydantic-2.10.3.egg-info", "chinesecalendar-1.10.0.dist-info"):
        (site / name).mkdir(parents=True)
    versions = cachekey._versions_in(str(site))
    for wanted in ("ruamel.yaml", "pydantic-core", "chinesecalendar", "noversion", "pydantic", "absent"):
        first = None  # what the loop over every name for every distribution found (the old way)
        for name in cachekey._listing(str(site)):
            project, _, version = name.removesuffix(".dist-info").partition("-")
            if name.endswith(".dist-info") and version and cachekey._normalised(project) == cachekey._normalised(wanted):
                first = version
                break
        assert versions.get(cachekey._normalised(wanted)) == first, wanted
    assert versions[cachekey._normalised("ruamel.yaml")] in ("0.18.6", "0.1.0")  # the listing's first
    assert versions[cachekey._normalised("pydantic-core")] == "2.27.1"
    assert cachekey._normalised("pydantic") not in versions  # an egg-info is not a dist-info
