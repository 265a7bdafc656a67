"""Patterns a warm commit hook does not use are compiled on first use (:mod:`registry.patterns`),
not at import: the hidden-character patterns (REG012 and the loader's check of registry.yaml), the
key lines of the fast position finder, a field path's parts, a date given as text, and the control
characters and odd line breaks of the full YAML parser (whose documents a warm hook never parses).
A hook run whose records hold none of those things compiles none of them — and says exactly what
the uncached check says; a run that needs one compiles it and finds the same as before."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from fixturekit import committed_fixture
from registry import fastpositions, fastyaml, hiddentext, positions, shapecompile, yamltext
from registry.patterns import on_first_use
from test_hook_imports import hook, records_to_edit, stage_edits

QUIET = "2026-09-30"  # a day on which the three records edited below have nothing to report
LAZY = [("registry.hiddentext", "hidden"), ("registry.hiddentext", "bidi"), ("registry.fastpositions", "_key_line"),
        ("registry.fastpositions", "_flow_key"), ("registry.positions", "_field_part"),
        ("registry.shapecompile", "_iso_date"), ("registry.yamltext", "control"), ("registry.yamltext", "odd_break")]
PROBE = f"""
import json, sys
from registry import cli
code = cli.main(sys.argv[1:])
compiled = sorted(f"{{module}}.{{name}}" for module, name in {LAZY!r}
                  if module in sys.modules and getattr(sys.modules[module], name).cache_info().currsize)
print(json.dumps({{"code": code, "compiled": compiled}}))
"""


def test_a_warm_hook_of_plain_records_compiles_none_of_them(tmp_path: Path) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    hook(root, probe=PROBE, today=QUIET)  # cold: fills the caches
    edited = records_to_edit(root)
    stage_edits(root, 1, edited)
    warm = hook(root, *edited, probe=PROBE, today=QUIET)
    assert json.loads(warm["report"])["findings"] == []
    assert warm["compiled"] == []
    uncached = hook(root, *edited, "--no-cache", probe=PROBE, today=QUIET)
    assert (warm["code"], warm["report"]) == (uncached["code"], uncached["report"])


@pytest.mark.parametrize("character, kind", [("\u202e", "双向文本控制字符 U+202E"), ("\u200b", "不可见字符 U+200B")])
def test_a_hidden_character_is_found_on_the_hooks_path(character: str, kind: str, tmp_path: Path) -> None:
    root, _repo = committed_fixture("quxian", tmp_path)
    hook(root, probe=PROBE)
    system = records_to_edit(root)[0]
    file = root / system
    file.write_text(file.read_text(encoding="utf-8").replace("\nname: ", f"\nname: 甲{character}乙", 1),
                    encoding="utf-8")
    subprocess.run(["git", "add", system], cwd=root, check=True, capture_output=True)
    warm = hook(root, system, probe=PROBE)
    assert "REG012" in warm["report"] and kind in warm["report"]
    assert "registry.hiddentext.hidden" in warm["compiled"]
    uncached = hook(root, system, "--no-cache", probe=PROBE)
    assert (warm["code"], warm["report"]) == (uncached["code"], uncached["report"])


def test_the_patterns_are_compiled_once_and_are_the_same_as_before() -> None:
    assert hiddentext.HIDDEN is hiddentext.hidden() is hiddentext.hidden()
    assert hiddentext.HIDDEN.pattern == f"[{hiddentext.BIDI}{hiddentext.INVISIBLE}]"
    from registry.hiddentext import HIDDEN  # (by name, as older code imports it)

    assert HIDDEN is hiddentext.hidden()
    with pytest.raises(AttributeError):
        hiddentext.NOT_THERE  # noqa: B018  (a missing name is still an AttributeError)
    assert hiddentext.bidi().pattern == f"[{hiddentext.BIDI}]"
    assert fastpositions._key_line().pattern == r"([A-Za-z_][A-Za-z0-9_]{0,127}):(?: +(.*))?"
    assert fastpositions._flow_key().pattern == r"( *)([A-Za-z_][A-Za-z0-9_]{0,127}): +"
    assert positions.field_path("budget.sources[0].kind") == ("budget", "sources", 0, "kind")
    assert shapecompile._iso_date().fullmatch("2026-06-30") and not shapecompile._iso_date().fullmatch("2026-6-30")


def test_on_first_use_compiles_once_when_first_called() -> None:
    import re

    compiled: list[str] = []
    real = re.compile

    def counting(pattern: str, flags: int = 0) -> re.Pattern[str]:
        compiled.append(pattern)
        return real(pattern, flags)

    re.compile = counting  # type: ignore[assignment]
    try:
        word = on_first_use(r"[a-z]+", re.IGNORECASE)
        assert compiled == []
        assert word() is word() and word().fullmatch("AbC") and word().flags & re.IGNORECASE
        assert compiled == [r"[a-z]+"]
    finally:
        re.compile = real


def test_the_yaml_patterns_by_name_and_in_the_fast_reader() -> None:
    assert yamltext.CONTROL is yamltext.control() and yamltext.ODD_BREAK is yamltext.odd_break()
    assert yamltext.CONTROL.pattern == f"[{yamltext.CONTROL_CHARACTERS}]"
    assert yamltext.ODD_BREAK.pattern == f"[{yamltext.ODD_BREAKS}]"
    assert fastyaml._UNSURE_CHARACTER.pattern == f"[{fastyaml._UNSURE_TEXT}{yamltext.CONTROL_CHARACTERS}{yamltext.ODD_BREAKS}]"
    controls = [chr(c) for c in [*range(0x20), *range(0x7f, 0xa0), 0xd800, 0xdfff, 0xfffe, 0xffff] if chr(c) not in "\t\n\r"]
    assert all(yamltext.control().fullmatch(c) for c in controls)
    assert not any(yamltext.control().search(c) for c in "\t\n\r a文\u2028\u00a0")
    assert [c for c in "a\u0085b\u2028c\u2029\n" if yamltext.odd_break().fullmatch(c)] == ["\u0085", "\u2028", "\u2029"]
    with pytest.raises(AttributeError):
        yamltext.NOT_THERE  # noqa: B018
