"""Each profile's clean fixture registry (tests/fixtures/<profile>/) passes every rule in
force, and breaking it in one place makes exactly one rule fire, at exactly that place.

The cases are data, one table a profile: tests/fixture_cases/<profile>.yaml (what a case may
say: :func:`fixturekit.load_cases`). A profile's own tests, those that need more than one
edit and one check, are in tests/test_fixture_<profile>.py.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fixturekit import (
    FIXTURES, Edit, Found, case_profiles, check_change, check_clean_fixture, check_with_break, found, load_cases,
    messages,
)
from registry.rules import RULES

TABLES = {profile: load_cases(profile) for profile in case_profiles()}


def test_every_fixture_registry_has_its_case_table() -> None:
    profiles = {rule.profile for rule in RULES.values()}
    fixtures = {p.name for p in FIXTURES.iterdir() if p.name in profiles}
    assert fixtures and sorted(fixtures) == sorted(TABLES)


@pytest.mark.parametrize("profile", TABLES)
def test_fixture_has_no_findings(profile: str) -> None:
    check_clean_fixture(profile, TABLES[profile].today, records=TABLES[profile].records)


@pytest.mark.parametrize("profile", TABLES)
def test_harmless_change_against_base_has_no_findings(profile: str, tmp_path: Path) -> None:
    table = TABLES[profile]
    run = check_change(profile, tmp_path, table.today, *table.harmless)
    assert found(run) == [], messages(run)


@pytest.mark.parametrize(("profile", "path", "change", "when", "expected"), [
    pytest.param(table.profile, *case.values, id=case.id) for table in TABLES.values() for case in table.breaks])
def test_one_break_fires_one_rule(profile: str, tmp_path: Path, path: str | None, change: Edit | None, when: dt.date,
                                  expected: list[Found]) -> None:
    run = check_with_break(profile, tmp_path, path, change, when)
    assert found(run) == expected, messages(run)


@pytest.mark.parametrize(("profile", "path", "change", "expected"), [
    pytest.param(table.profile, *case.values, id=case.id) for table in TABLES.values() for case in table.changes])
def test_change_against_base(profile: str, tmp_path: Path, path: str, change: Edit, expected: list[Found]) -> None:
    run = check_change(profile, tmp_path, TABLES[profile].today, (path, change))
    assert found(run) == expected, messages(run)
