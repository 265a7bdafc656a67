"""Differential attack on plain twins (registry.models.twins) through the REAL reading path.

A warm check of a few edited files hands the rules twins built without pydantic where the shapes
vouch for the data. This attack feeds the loader YAML *text* — every leaf of every shipped record
replaced by a hostile scalar (hex/octal/underscored integers, 1e3, .inf/.nan, -0.0, 2**53±1,
10**400, quoted/invalid/full-width dates, timestamps, YAML 1.1 words, !!str/!!float/!!binary tags,
lone surrogates, NEL/U+2028, empty collections…), another record's value for the same key, a
dropped or an unknown key — and asks, for each text:

* ``load_record`` in a run of twins gives the same REG problems as a run of models, or a twin
  that is the validated model's twin at every depth (types, order, ``model_fields_set``), with
  the same behaviour and the same findings from every record rule of every profile
  (``test_twins.compare``, p21's own yardstick, run on the data the real reader made);
* end to end, a warm ``registry check PATHS`` of hostile edits says byte for byte what
  ``--no-cache`` says (twins against models, in the process the hook runs).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given

from registry import loader
from registry.models import twins
from test_construct import all_profiles, findings
from test_twins import assert_twin, behaviour, compare, probe
from fixturekit import committed_fixture
from test_x_construct import FUZZ, LEAF, RECORDS, SCALARS, VALUES, edited_record

def data_of(raw: bytes) -> Any:
    """The data ``load_record`` validates: the fast block reader's, else the full parser's."""
    data, _screened = loader._plain_block_data(raw)
    if data is None:
        try:
            data = loader.parse(raw).data
        except loader.YamlError:
            return None
    return data


def _vouched(path: Path) -> bool:
    """Whether the shapes make a twin of this record file's data without pydantic."""
    from registry.shapebuild import surely_twin

    data = data_of(path.read_bytes())
    model = "System" if path.parent.parent.name == "systems" else "Project"
    return isinstance(data, dict) and surely_twin(model, data) is not None


def problems(loaded: Any) -> list[tuple[Any, ...]]:
    return [(u.path, u.rule, u.line, u.column, u.field, u.message) for u in loaded]


def assert_twin_run_agrees(path: str, raw: bytes) -> str:
    """load_record in a run of twins = in a run of models (problems, or twin ≡ model); then p21's
    ``compare`` on the data the reader made. Returns what happened, for ``event``."""
    with twins.records_as_twins():
        as_twin = loader.load_record(path, raw)
    as_model = loader.load_record(path, raw)
    if isinstance(as_model, list) or isinstance(as_twin, list):
        assert isinstance(as_model, list) and isinstance(as_twin, list), (as_twin, as_model)
        assert problems(as_twin) == problems(as_model)
        return "refused"
    assert_twin(as_twin, as_model, path)
    assert as_twin == twins.twin_of(as_model)
    assert behaviour(as_twin) == behaviour(as_model)
    config, _ = all_profiles()
    with twins.records_as_twins():
        on_twin = findings(as_twin, twins.twin_of(config))
    assert on_twin == findings(as_model, config)
    data = data_of(raw)
    sure = isinstance(data, dict) and compare(path.split("/", 1)[0], data)
    return "twin made without pydantic" if sure else "validated by pydantic"


def test_every_shipped_record_loads_the_same_as_twin_and_model() -> None:
    seen = [assert_twin_run_agrees(path, text.encode("utf-8")) for path, text in RECORDS]
    assert seen.count("twin made without pydantic") > 0.7 * len(seen), seen


@FUZZ
@given(record=edited_record())
def test_edited_records_load_the_same_as_twin_and_model(record: tuple[str, bytes]) -> None:
    event(assert_twin_run_agrees(*record))


@pytest.mark.parametrize("value", SCALARS)
def test_each_hostile_scalar_in_every_leaf_of_one_project_and_one_system(value: str) -> None:
    for path, text in (r for r in RECORDS if r[0] in ("systems/czj/czj-budget.yaml", "projects/czj/2024-czj-001.yaml")):
        lines = text.splitlines()
        for i, line in enumerate(lines):
            leaf = LEAF.match(line)
            if leaf is None or value.startswith("|"):
                continue
            edited = [*lines[:i], f"{leaf['indent']}{leaf['dash'] or ''}{leaf['key']}: {value}", *lines[i + 1:]]
            assert_twin_run_agrees(path, ("\n".join(edited) + "\n").encode("utf-8"))


# -- end to end: the hook's run (twins, in a fresh process) = --no-cache (models) -----------------

@pytest.mark.parametrize(("profile", "staged"), [("jinxiang", False), ("quxian", False), ("potou", False),
                                                 ("jinxiang", True), ("dalad", True)])
def test_hostile_edits_checked_warm_say_what_no_cache_says(profile: str, staged: bool, tmp_path: Path) -> None:
    """Rounds of three files edited with hostile values, checked as pre-commit does (``check
    PATHS``, a new process each time: twins only where nothing imported the models), against
    ``--no-cache``; whole checks too. Some rounds must have taken the twins (no pydantic).
    ``staged``: the edits are staged and checked with ``--staged`` (the hook's way), with an
    unstaged hostile edit on top of each staged file."""
    import random

    root, _repo = committed_fixture(profile, tmp_path)
    mode = ("--staged",) if staged else ()
    probe(root, *mode)  # cold: the cache and the remembered registry.yaml
    # only records the shapes vouch for as committed (an integer goal target is pydantic's to decide,
    # by design): a round that edits or restores one of those would import pydantic whatever it does
    files = sorted(str(p.relative_to(root)) for p in root.glob("[sp][yr]*/*/*.yaml") if _vouched(p))
    pick = random.Random(f"x21-{profile}")
    plain = 0
    for _round in range(8):
        _repo.git("reset", "-q", "--hard")  # each round edits the committed files afresh
        named = pick.sample(files, 3)
        for name in named:
            lines = (root / name).read_text("utf-8").splitlines()
            i = pick.choice([i for i, line in enumerate(lines) if LEAF.match(line)])
            leaf = LEAF.match(lines[i])
            assert leaf is not None
            chance = pick.random()  # mostly values the key holds elsewhere (the twins' ground), else hostile
            if chance < 0.2:
                lines.append(f"# 第 {_round} 轮")
            else:
                others = VALUES.get(leaf["key"], [])
                hostile = [v for v in SCALARS if not v.startswith("|")]
                value = pick.choice(others if others and chance < 0.8 else hostile)
                lines[i] = f"{leaf['indent']}{leaf['dash'] or ''}{leaf['key']}: {value}"
            (root / name).write_text("\n".join(lines) + "\n", "utf-8")
        if staged:
            _repo.git("add", *named)
            for name in named:  # not part of the commit: never checked
                (root / name).write_text((root / name).read_text("utf-8") + "nmae: [未暂存\n", "utf-8")
        warm = probe(root, *mode, *named)
        plain += warm["pydantic"] == []
        uncached = probe(root, *mode, *named, "--no-cache")
        assert (warm["code"], warm["report"]) == (uncached["code"], uncached["report"]), named
    whole = probe(root, *mode)
    assert (whole["code"], whole["report"]) == (probe(root, *mode, "--no-cache")["code"],
                                                probe(root, *mode, "--no-cache")["report"])
    assert plain > 0, "no round took the twins: the attack attacked nothing"


# -- look-alikes: values and keys that only resemble what the shapes know --------------------------

LOOK_ALIKES = ["ｏｐｅｒａｔｉｎｇ", "operating\u0301", "Operating", "OPERATING", "operat\u0131ng", "\u200boperating", "operating\u00a0",
               "ｃｚｊ", "czj\u200d", "２", "2.0", "3.00", "!!int '3'", "0b1", "1e0", "+1", "٣", "३", "True", "1", "0", "-1",
               "2024-02-29", "2023-02-29", "2024-12-31T23:59:60", "1970-01-01", "2100-12-31", "2101-01-01", "1989-12-31",
               "99999999999999999999999999", "-0", "0.1e1", "[1, 1.0, true]", "{'a': 1, 'a': 2}", "!!set {a, b}",
               "!!omap [a: 1]", '"\\x00"', '"\\0"', '"a\\u0000b"', "*x", "&x 1", "<<: {a: 1}"]
KEY_LOOK_ALIKES = ["ｓｔａｔｕｓ", "status\u00a0", "Status", "status ", '"status"', "'status'", "? status"]


@pytest.mark.parametrize("path", ["systems/czj/czj-budget.yaml", "projects/czj/2024-czj-001.yaml"])
def test_look_alike_values_and_keys_and_repeated_keys_in_every_leaf(path: str) -> None:
    """Full-width and accented enum words, a dotless i, invisible joiners, no-break spaces,
    Arabic/Devanagari digits, 2.0 for 2, leap days and days that do not exist, the calendar's
    edges, 26-digit integers, sets and ordered maps, NULs, aliases and merge keys — as a value of
    every leaf; the key itself full-width, quoted, capitalised, with a trailing space or no-break
    space, or as a complex key; and every key written twice."""
    text = next(t for p, t in RECORDS if p == path)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        leaf = LEAF.match(line)
        if leaf is None:
            continue
        head = f"{leaf['indent']}{leaf['dash'] or ''}"
        variants = [f"{head}{leaf['key']}: {value}" for value in LOOK_ALIKES]
        variants += [f"{head}{key.replace('status', leaf['key'])}: {leaf['value']}" for key in KEY_LOOK_ALIKES]
        variants.append(f"{line}\n{leaf['indent']}{'  ' if leaf['dash'] else ''}{leaf['key']}: {leaf['value']}")
        for variant in variants:
            assert_twin_run_agrees(path, ("\n".join([*lines[:i], variant, *lines[i + 1:]]) + "\n").encode("utf-8"))
