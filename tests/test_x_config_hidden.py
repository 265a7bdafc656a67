"""Hidden characters in registry.yaml's public texts and identities (x21's open #9).

REG012 looks for invisible characters and bidirectional controls in records only; a unit name in
registry.yaml holding U+202E (shown reversed: "局政财" for another unit) or a zero-width space
(two units that look the same) used to pass every command and reach the site and the exports.
The jurisdiction, each unit's name and its aliases are published texts like a record's name, and
reviewers and approvers are shown on the site or matched against people (an approver's address
that looks like a colleague's but is another identity), so a hidden character there is a configuration error: exit 2, naming registry.yaml, the line and the
field, and the character — from every command, cached or not, staged or not.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixturekit import copy_fixture
from gitrepo import GitRepo
from registry.cli import main

TODAY = "2026-06-01"
CHARS = {
    "rlo": "\u202e",  # right-to-left override
    "lri": "\u2066",  # left-to-right isolate
    "rlm": "\u200f",  # right-to-left mark
    "zwsp": "\u200b",  # zero-width space
    "zwj": "\u200d",
    "bom": "\ufeff",
    "shy": "\u00ad",  # soft hyphen
    "tag": "\U000e0041",  # tag letter A
    "hangul-filler": "\u3164",
}
# (what the test edits, the line it is on, the field the message names)
PLACES = {
    "unit-name": ("    name: 金乡县财政局\n", 11, "units[1].name"),
    "alias": (None, 12, "units[1].aliases[0]"),
    "jurisdiction": ("jurisdiction: 金乡县\n", 2, "jurisdiction"),
    "reviewer": (None, 13, "units[1].reviewers[0]"),
    "approver": (None, 14, "units[1].approvers[0].email"),
    "approver-name": (None, 14, "units[1].approvers[0].name"),
}


def planted(tmp_path: Path, place: str, char: str) -> Path:
    root = copy_fixture("jinxiang", tmp_path)
    config = root / "registry.yaml"
    text = config.read_text(encoding="utf-8")
    if place == "unit-name":
        text = text.replace("    name: 金乡县财政局\n", f'    name: "金乡县{char}财政局"\n')
    elif place == "alias":
        text = text.replace("    name: 金乡县财政局\n", f'    name: 金乡县财政局\n    aliases: ["财{char}政局"]\n')
    elif place == "jurisdiction":
        text = text.replace("jurisdiction: 金乡县\n", f'jurisdiction: "金乡{char}县"\n')
    elif place == "reviewer":
        text = text.replace('    reviewers: ["@jinxiang/czj"]\n', f'    reviewers: ["@jinxiang/c{char}zj"]\n')
    else:
        email, name = ("zh{c}ang@czj.gov", "张三") if place == "approver" else ("zhang@czj.gov", "张{c}三")
        text = text.replace('    reviewers: ["@jinxiang/czj"]\n', '    reviewers: ["@jinxiang/czj"]\n'
                            f'    approvers: [{{email: "{email.format(c=char)}", name: "{name.format(c=char)}"}}]\n')
    config.write_text(text, encoding="utf-8")
    return root


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(code: int, out: str, err: str, place: str, char: str) -> None:
    _, line, field = PLACES[place]
    shown = out + err
    assert code == 2, shown
    assert f"registry.yaml:{line}:" in shown and field in shown, shown
    assert f"U+{ord(char):04X}" in shown, shown
    assert "Traceback" not in shown


def test_the_clean_fixture_still_passes_with_an_alias(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_fixture("jinxiang", tmp_path)
    config = root / "registry.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "    name: 金乡县财政局\n", "    name: 金乡县财政局\n    aliases: [财政局, \"县财政·国库\"]\n"), encoding="utf-8")
    code, out, err = run(root, capsys, "check", "--no-cache", "--today", TODAY, "--format", "json")
    assert code in (0, 1) and json.loads(out)["summary"]["records"] > 0, err


@pytest.mark.parametrize("name", sorted(CHARS))
@pytest.mark.parametrize("place", sorted(PLACES))
def test_check_refuses_a_hidden_character(place: str, name: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    char = CHARS[name]
    root = planted(tmp_path, place, char)
    assert_refused(*run(root, capsys, "check", "--no-cache", "--today", TODAY), place, char)


@pytest.mark.parametrize("command", [["inventory", "--today", TODAY], ["export", "--format", "json"],
                                     ["codeowners"], ["check", "--format", "json", "--today", TODAY]])
def test_every_command_refuses_it(command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = planted(tmp_path, "unit-name", CHARS["rlo"])
    assert_refused(*run(root, capsys, *command), "unit-name", CHARS["rlo"])


def test_a_warm_cache_and_a_staged_edit_refuse_it_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The configuration a warm run remembers as checked is keyed by its bytes: the edit is seen."""
    root = copy_fixture("jinxiang", tmp_path)
    repo = GitRepo.init(root)
    repo.commit("登记簿初始登记")
    for _ in range(2):  # warm the caches (plain, --staged and the history's remembered facts)
        assert run(root, capsys, "check", "--today", TODAY)[0] in (0, 1)
        assert run(root, capsys, "inventory", "--history", "--today", TODAY)[0] == 0
        assert run(root, capsys, "check", "--staged", "--today", TODAY)[0] in (0, 1)
    hostile = planted(tmp_path / "hostile", "unit-name", CHARS["zwsp"]) / "registry.yaml"
    (root / "registry.yaml").write_bytes(hostile.read_bytes())
    assert_refused(*run(root, capsys, "check", "--today", TODAY), "unit-name", CHARS["zwsp"])
    repo.git("add", "registry.yaml")
    assert_refused(*run(root, capsys, "check", "--staged", "--today", TODAY), "unit-name", CHARS["zwsp"])
    repo.commit("单位名称")
    assert_refused(*run(root, capsys, "check", "--today", TODAY), "unit-name", CHARS["zwsp"])
    assert_refused(*run(root, capsys, "inventory", "--history", "--today", TODAY), "unit-name", CHARS["zwsp"])



def test_the_fast_facts_are_never_sure_of_a_hidden_character(tmp_path: Path) -> None:
    """The history commands take registry.yaml's facts without pydantic when they are sure
    (registry.configfacts): the check must be re-stated there, and they must not be sure of a
    name holding a hidden character."""
    from registry.configfacts import surely_valid_facts

    text = (Path(__file__).parent / "fixtures/jinxiang/registry.yaml").read_text(encoding="utf-8")
    assert surely_valid_facts(text.encode("utf-8")) is not None  # (the check is re-stated: not opaque)
    for name, char in CHARS.items():
        for place in PLACES:
            edited = planted(tmp_path / f"{place}-{name}", place, char) / "registry.yaml"
            assert edited.read_text("utf-8") != text
            assert surely_valid_facts(edited.read_bytes()) is None, (place, hex(ord(char)))
