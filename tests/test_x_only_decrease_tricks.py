"""Tricks on "只减不增" (CHG001, the county total CHG008, CHG003/CHG004) through registry.yaml
and across two changes: a unit split (a new unit in the change itself, a system transferred to it,
the room used for a new one), units merged, a system retired then re-added under a new id in the
next change, its retirement date pushed into the future or the retirement undone as "planned"
later, a transfer out followed by a new system, the county total switched off in the change
itself, a system moved to a unit registry.yaml does not list, and a branch whose merge with the
target conflicts. Each change is checked with ``check --base main`` as CI does."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fixturekit import committed_fixture
from registry.cli import main

TODAY = "2026-11-20"
NEW = ("id: {id}\nname: 新系统{id}\nunit: {unit}\nstatus: operating\nscope: professional\naudience: internal\n"
       "deployment: county_cloud\nnetwork: egov_extranet\nonline_since: 2025-01-01\n")
TRANSFER = "transferred_from: {{unit: {unit}, doc_no: 金编办〔2025〕4号, date: 2025-05-01}}\n"
PORTAL = "systems/dsj/dsj-portal.yaml"
BUDGET = "systems/czj/czj-budget.yaml"
RETIRED = "status: retired\nretired_on: 2026-05-31\nretirement_ref: 金大数据发〔2026〕3号"
CHANGE_RULES = ("CHG", "REG004", "REG005")


class Change:
    def __init__(self, tmp_path: Path) -> None:
        self.root, self.repo = committed_fixture("jinxiang", tmp_path)
        self.count = 0

    def text(self, path: str) -> str:
        return (self.root / path).read_text("utf-8")

    def write(self, path: str, text: str) -> None:
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text(text, "utf-8")

    def move(self, old: str, new: str, edit: Callable[[str], str]) -> None:
        text = self.text(old)
        (self.root / old).unlink()
        self.write(new, edit(text))

    def unit(self, unit_id: str, name: str) -> None:
        self.write("registry.yaml", self.text("registry.yaml").replace(
            "units:\n", f"units:\n  - id: {unit_id}\n    name: {name}\n    kind: department\n", 1))

    def propose(self, edit: Callable[[Change], object]) -> None:
        """A branch from main holding ``edit``, committed."""
        self.count += 1
        self.repo.branch(f"change{self.count}", start="main")
        edit(self)
        self.repo.commit(f"变更 {self.count}")

    def merge(self) -> None:
        self.repo.merge(f"change{self.count}")

    def check(self, capsys: pytest.CaptureFixture[str]) -> tuple[int, set[tuple[str, str]]]:
        code = main(["--root", str(self.root), "check", "--base", "main", "--no-cache", "--format", "json",
                     "--today", TODAY])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        if code == 2:
            return code, {("exit 2", err)}
        found = {(f["rule"], f["path"]) for f in json.loads(out)["findings"]
                 if f["severity"] == "error" and f["rule"].startswith(CHANGE_RULES)}
        return code, found


def _split(c: Change) -> None:
    c.unit("czjgk", "金乡县国库集中支付中心")
    c.move(PORTAL, "systems/czjgk/dsj-portal.yaml", lambda t: t.replace("unit: dsj", "unit: czjgk") + TRANSFER.format(unit="dsj"))
    c.write("systems/dsj/dsj-new.yaml", NEW.format(id="dsj-new", unit="dsj"))


def _merge_units(c: Change) -> None:
    config = c.text("registry.yaml").replace("  - id: sjj\n    name: 金乡县审计局\n    kind: department\n", "")
    c.write("registry.yaml", config.replace("audit: sjj", "audit: czj"))
    c.move("systems/sjj/sjj-analysis.yaml", "systems/czj/sjj-analysis.yaml",
           lambda t: t.replace("unit: sjj", "unit: czj") + TRANSFER.format(unit="sjj"))
    c.write("systems/czj/czj-new.yaml", NEW.format(id="czj-new", unit="czj"))


def _county_total_off(c: Change) -> None:
    c.write("registry.yaml", c.text("registry.yaml").replace("parameters: {}", "parameters: {county_total: false}"))
    c.move(PORTAL, "systems/czj/dsj-portal.yaml", lambda t: t.replace("unit: dsj", "unit: czj") + TRANSFER.format(unit="dsj"))
    c.write("systems/dsj/dsj-new.yaml", NEW.format(id="dsj-new", unit="dsj"))


def _unlisted_unit(c: Change) -> None:
    c.move(PORTAL, "systems/ghost/dsj-portal.yaml", lambda t: t.replace("unit: dsj", "unit: ghost") + TRANSFER.format(unit="dsj"))
    c.write("systems/dsj/dsj-new.yaml", NEW.format(id="dsj-new", unit="dsj"))


ONE_CHANGE = {
    "unit-split-in-the-change": (_split, {("CHG008", "systems/dsj/dsj-new.yaml")}),
    "units-merged": (_merge_units, {("CHG001", "systems/czj/czj-new.yaml")}),
    "county-total-off-in-the-change": (_county_total_off, {("CHG008", "systems/dsj/dsj-new.yaml")}),
    "moved-to-an-unlisted-unit": (_unlisted_unit, {("CHG008", "systems/dsj/dsj-new.yaml"),
                                                   ("REG005", "systems/ghost/dsj-portal.yaml")}),
}


@pytest.mark.parametrize("name", sorted(ONE_CHANGE))
def test_one_change(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change, expected = ONE_CHANGE[name]
    c = Change(tmp_path)
    c.propose(change)
    code, found = c.check(capsys)
    assert code == 1 and expected <= found, found


def test_retired_then_readded_under_a_new_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = Change(tmp_path)
    c.propose(lambda c: c.write(BUDGET, c.text(BUDGET).replace("status: operating", RETIRED)))
    assert c.check(capsys) == (0, set())
    c.merge()
    c.propose(lambda c: c.write("systems/czj/czj-budget2.yaml", c.text(BUDGET).replace(
        "id: czj-budget", "id: czj-budget2").replace(RETIRED, "status: operating")))
    assert c.check(capsys) == (1, {("CHG001", "systems/czj/czj-budget2.yaml")})


def test_a_retirement_undone_in_a_later_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = Change(tmp_path)
    c.propose(lambda c: (c.write(BUDGET, c.text(BUDGET).replace("status: operating", RETIRED)),
                         c.write("systems/czj/czj-new.yaml", NEW.format(id="czj-new", unit="czj"))))
    code, found = c.check(capsys)
    assert code in (0, 1) and not found, found  # a swap: one retired, one new
    c.merge()
    c.propose(lambda c: c.write(BUDGET, c.text(BUDGET).replace("retired_on: 2026-05-31", "retired_on: 2026-12-31")))
    code, found = c.check(capsys)
    assert code == 1 and ("CHG004", BUDGET) in found, found
    c.repo.switch("main")
    c.propose(lambda c: c.write(BUDGET, c.text(BUDGET).replace("status: retired\nretired_on: 2026-05-31", "status: planned")))
    code, found = c.check(capsys)
    assert code == 1 and {("CHG003", BUDGET), ("CHG001", BUDGET)} <= found, found


def test_a_transfer_out_then_a_new_system(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = Change(tmp_path)
    c.propose(lambda c: c.move(PORTAL, "systems/czj/dsj-portal.yaml",
                               lambda t: t.replace("unit: dsj", "unit: czj") + TRANSFER.format(unit="dsj")))
    assert c.check(capsys) == (0, set())
    c.merge()
    c.propose(lambda c: c.write("systems/dsj/dsj-new.yaml", NEW.format(id="dsj-new", unit="dsj")))
    assert c.check(capsys) == (1, {("CHG001", "systems/dsj/dsj-new.yaml")})


def test_a_branch_that_conflicts_with_the_target_is_never_passed(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    c = Change(tmp_path)
    c.propose(lambda c: (c.write(BUDGET, c.text(BUDGET).replace("name: 金乡县预算管理一体化系统", "name: 分支名称")),
                         c.write("systems/czj/czj-new.yaml", NEW.format(id="czj-new", unit="czj"))))
    c.repo.switch("main")
    c.write(BUDGET, c.text(BUDGET).replace("name: 金乡县预算管理一体化系统", "name: 主干名称"))
    c.repo.commit("主干改名")
    c.repo.switch(f"change{c.count}")
    code, found = c.check(capsys)
    assert code == 2 and "冲突" in next(iter(found))[1], found

