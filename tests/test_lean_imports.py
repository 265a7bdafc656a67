"""The warm ``registry check`` of a few edited files (the pre-commit hook) imports and builds only
what it uses: no process pool, no ``importlib.metadata`` (pydantic's plug-in loader, profile
discovery), no ``difflib`` (error suggestions), no ``shutil`` to parse the command line, and no
pydantic validator for records the shapes vouch for (:mod:`registry.shapebuild`) — while
a refused record still gets pydantic's own message."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixturekit import committed_fixture
from registry.argparse_zh import _columns

PROBE = """
import json, sys
from registry import cli
code = cli.main(sys.argv[1:])
from registry.models import Project, System
print(json.dumps({"code": code, "modules": sorted(sys.modules),
                  "built": [m.__name__ for m in (System, Project) if m.__pydantic_complete__]}))
"""
NOT_ON_THE_WARM_PATH = ("multiprocessing", "importlib.metadata", "importlib.resources", "difflib", "email", "ruamel",
                        "registry.schema_errors", "git")


def probe(root: Path, *args: str) -> dict[str, object]:
    """What ``registry check ARGS`` printed, its exit code, the modules it imported and the
    record models whose validator it built."""
    env = dict(os.environ)
    env.pop("REGISTRY_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", PROBE, "--root", str(root), "check", "--today", "2026-06-30",
                           "--format", "json", *args], capture_output=True, text=True, env=env, check=False,
                          timeout=300, cwd=root)
    assert done.stderr == ""
    *report, last = done.stdout.splitlines()
    result: dict[str, object] = json.loads(last)
    result["report"] = "\n".join(report)
    return result


def test_a_warm_check_of_edited_files_imports_and_builds_only_what_it_uses(tmp_path: Path) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    probe(root)  # cold: fills the cache
    edited = ["systems/czj/czj-asset.yaml", "projects/czj/2026-czj-001.yaml", "projects/fgj/2025-fgj-001.yaml"]
    for path in edited:
        file = root / path
        file.write_text(file.read_text(encoding="utf-8").replace("\nname: ", "\nname: 改 ", 1), encoding="utf-8")
    warm = probe(root, *edited)
    uncached = probe(root, *edited, "--no-cache")
    assert (warm["code"], warm["report"]) == (uncached["code"], uncached["report"])
    modules = warm["modules"]
    assert isinstance(modules, list)
    imported = [name for name in modules if name.split(".")[0] in NOT_ON_THE_WARM_PATH or name in NOT_ON_THE_WARM_PATH]
    assert imported == []
    assert warm["built"] == []  # no validator built: the three records were made from their shapes

    (root / edited[1]).write_text((root / edited[1]).read_text(encoding="utf-8") + "unknown_key: 1\n", encoding="utf-8")
    refused = probe(root, *edited)
    assert refused["code"] == 1 and "REG002" in str(refused["report"]) and "unknown_key" in str(refused["report"])
    assert refused["built"] == ["Project"]  # a refused record goes to pydantic, for its message


def test_the_command_line_is_parsed_without_shutil() -> None:
    code = ("import sys\nfrom registry.cli import build_parser\n"
            "build_parser(['check', 'a.yaml']).parse_args(['check', 'a.yaml'])\nprint('shutil' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120)
    assert done.stdout.split() == ["False"], done.stderr


@pytest.mark.parametrize("environment", [{}, {"COLUMNS": "120"}, {"COLUMNS": "0"}, {"COLUMNS": "wide"},
                                         {"COLUMNS": "-3", "LINES": "9"}, {"COLUMNS": "47", "LINES": "x"}])
def test_the_help_width_is_shutils(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    assert _columns() == shutil.get_terminal_size().columns


def test_days_in_month_is_calendars() -> None:
    import calendar

    from registry.dates import days_in_month

    assert all(days_in_month(year, month) == calendar.monthrange(year, month)[1]
               for year in range(1, 10000) for month in range(1, 13))


def test_a_profile_declaration_is_read_from_a_folder_and_from_a_zip_archive(tmp_path: Path) -> None:
    """:func:`registry.pluginsources.package_file` (profile.toml without ``importlib.resources``)
    reads what ``importlib.resources`` reads, for a package in a folder and one in a zip file."""
    import zipfile

    archive = tmp_path / "plugin.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("zipped_profile/__init__.py", "")
        packed.writestr("zipped_profile/profile.toml", "id = '甲'\n")
    code = ("import importlib.resources, sys\nsys.path.insert(0, sys.argv[1])\n"
            "from registry.pluginsources import package_file\n"
            "for package in ('registry.rules.quxian', 'zipped_profile'):\n"
            "    expected = importlib.resources.files(package).joinpath('profile.toml').read_bytes()\n"
            "    print(package_file(package, 'profile.toml') == expected, len(expected) > 0)\n"
            "try:\n    package_file('zipped_profile', 'missing.toml')\nexcept OSError:\n    print('OSError')")
    done = subprocess.run([sys.executable, "-c", code, str(archive)], capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.stdout.split() == ["True", "True", "True", "True", "OSError"], done.stderr
