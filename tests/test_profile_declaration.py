"""A profile's declaration written as data (``profile.toml``): read into the same Profile, and a
mistaken file is a ProfileError naming the file and the field, never a traceback or a silent default."""
from __future__ import annotations

from pathlib import Path

import pytest

import registry.rules  # noqa: F401  (fills PROFILES)
from registry.rules.profiles import PROFILES, Profile, ProfileError

BASE = 'id = "yunxi"\njurisdiction = "示例县"\nregulation = "示例办法"\ndocument = "示例"\nprefix = "YX"\nshort_names = ["云溪"]\n'


def _declare(tmp_path: Path, text: str) -> Profile:
    return Profile.from_toml(text, str(tmp_path / "profile.toml"))


def test_declaration_as_data_fills_every_field(tmp_path: Path) -> None:
    declared = _declare(tmp_path, BASE + 'authorities = ["finance"]\nwhole_jurisdiction = true\n')
    assert declared == Profile("yunxi", "示例县", "示例办法", "示例", "YX", short_names=("云溪",),
                               authorities=("finance",), whole_jurisdiction=True)
    assert _declare(tmp_path, BASE).whole_jurisdiction is False  # CHG008 is off unless declared


def test_built_in_profiles_keep_their_declared_values() -> None:
    assert PROFILES["quxian"].authorities == ("finance", "development_reform", "audit", "cyberspace")
    assert PROFILES["dashiqiao"].data_authority == "数据局"
    assert all(PROFILES[p].whole_jurisdiction for p in ("quxian", "potou", "dashiqiao", "dalad", "jinxiang"))


@pytest.mark.parametrize(("text", "says"), [
    (BASE + "colour = 1\n", "未知的字段：colour"),
    (BASE + "whole_jurisdiction = \"yes\"\n", "whole_jurisdiction 应为true 或 false"),
    (BASE.replace('["云溪"]', "[1]"), "short_names 应为字符串列表"),
    (BASE.replace('["云溪"]', '"云溪"'), "short_names 应为字符串列表"),
    (BASE.replace('"示例县"', "3"), "jurisdiction 应为字符串"),
    ('id = "yunxi"\n', "不完整或有误"),
    ("id = [\n", "无法读取"),
])
def test_mistaken_declaration_names_file_and_field(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ProfileError, match="profile.toml") as caught:
        _declare(tmp_path, text)
    assert says in str(caught.value)


def test_missing_declaration_file_is_an_error() -> None:
    with pytest.raises(ProfileError, match="无法读取规则配置声明 registry/models/profile.toml"):
        Profile.declared_in("registry.models")
