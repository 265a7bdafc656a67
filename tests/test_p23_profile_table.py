"""The built-in profiles' declarations kept as Python (registry/rules/declarations.py): the table
is what scripts/profile_declarations.py writes from today's profile.toml files, each entry is
the declaration its file parses to, and an entry whose text the file no longer holds is never
used (the file is parsed)."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import registry.rules  # noqa: F401  (fills PROFILES)
from registry.rules import profiles
from registry.rules.declarations import DECLARED
from registry.rules.profiles import DECLARATION_FILE, PROFILES, Profile

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "profile_declarations.py"


def _generator() -> object:
    spec = importlib.util.spec_from_file_location("profile_declarations", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_table_is_what_the_script_writes_from_the_profile_files() -> None:
    written = (ROOT / "registry" / "rules" / "declarations.py").read_text(encoding="utf-8")
    assert _generator().table() == written, "profile.toml changed: run python scripts/profile_declarations.py"  # type: ignore[attr-defined]
    built_in = sorted(f"registry.rules.{p.parent.name}" for p in (ROOT / "registry" / "rules").glob(f"*/{DECLARATION_FILE}"))
    assert sorted(DECLARED) == built_in and len(built_in) == 5


@pytest.mark.parametrize("package", sorted(DECLARED))
def test_each_entry_is_what_its_file_parses_to(package: str) -> None:
    text = (ROOT / package.replace(".", "/") / DECLARATION_FILE).read_text(encoding="utf-8")
    assert DECLARED[package][0] == text
    parsed = Profile.from_toml(text, "profile.toml")
    assert DECLARED[package][1] == parsed == PROFILES[parsed.id]
    assert Profile.declared_in(package) == parsed


def test_a_file_that_no_longer_holds_the_entrys_text_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    package = "registry.rules.quxian"
    edited = DECLARED[package][0].replace('data_authority = "大数据中心"', 'data_authority = "数据资源局"')
    assert edited != DECLARED[package][0]
    monkeypatch.setattr(profiles, "package_file", lambda pkg, name: edited.encode("utf-8"))
    assert Profile.declared_in(package).data_authority == "数据资源局"
    monkeypatch.setattr(profiles, "package_file", lambda pkg, name: b'id = "quxian"\n')
    with pytest.raises(profiles.ProfileError, match="不完整或有误"):
        Profile.declared_in(package)


def test_a_check_run_imports_no_toml_parser(tmp_path: Path) -> None:
    code = ("import sys, registry.rules; from registry.rules import RULES; RULES.of_profiles(list(registry.rules.profiles.SELECTABLE));"
            " print('tomllib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"})
    assert out.stdout.strip() == "False"
