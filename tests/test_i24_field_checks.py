"""The history's fast answer for a system blob is the full loader's, entry by entry.

``inventory --history`` reads every version of every system record. The fast way reads a
version as top-level pieces (:func:`registry.fastyaml.read_pieces`) and checks each piece once
(:class:`registry.shapes.FieldChecks`, remembered by the piece); these tests hold it to the
slow ways on the same texts: read_pieces to read_simple (the same data, the same "not sure"),
the piece-by-piece check to the whole-data check (:func:`registry.shapes.surely_valid`), and
:func:`registry.blobfields.system_state` to the System model itself (pydantic), on shipped and
synthetic records, odd and hostile texts, generated and mutated ones, and many versions of
one record read one after another (most pieces remembered); and the whole command on a real
history of hostile blobs, with and without caches and the fast reader.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casekit import REGISTRY, record_data
from gitrepo import GitRepo, Who, yaml_text
from registry.blobfields import system_state
from registry.cli import main
from registry.fastyaml import read_pieces, read_simple
from registry.shapes import field_checks, surely_valid
from test_fastyaml import ODD, RECORD_TEXTS, ROOT, SOME, mutations, same

ADMIN = Who("数据局管理员", "admin@dsj.test.gov.cn")
BASE = record_data("systems/czj/czj-a.yaml", {})
BASE_TEXT = yaml_text(BASE)


def agrees(text: str) -> None:
    """read_pieces = read_simple; the pieces' check = the whole check; the fast state = pydantic's."""
    expected = read_simple(text)
    checks = field_checks("System")
    assert checks is not None
    for _ in range(2):  # afresh, then from remembered pieces and checks
        found = read_pieces(text)
        assert (found is None) == (expected is None), text
        if found is None or expected is None:
            continue
        data, pieces = found
        assert same(data, expected) and len(pieces) == len(data), text
        assert "\n".join(pieces).strip("\n") in text  # each piece is the text as written
        assert checks.surely_valid(data, pieces) == surely_valid("System", expected), text
    raw = text.encode("utf-8", "surrogatepass")
    assert system_state(raw, fast=True) == system_state(raw, fast=True, by_entry=False) == system_state(raw, fast=False), text


def synthetic_texts(tmp_path: Path, *, projects: bool = False) -> list[str]:
    """The texts of the synthetic registry's system (or project) records."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    written = synth.generate(tmp_path / "r", systems=4 if projects else 40, projects=40 if projects else 4, units=6)
    return [(written.root / p).read_text(encoding="utf-8") for p in (written.projects if projects else written.systems)]


EDITS = [
    lambda t: t.replace("status: operating", "status: retired", 1),
    lambda t: t.replace("status: operating", "status: retired\nretired_on: 2026-01-05\nretirement_ref: 测〔2026〕1号", 1),
    lambda t: t.replace("status: operating", "status: retired\nretired_on: \"2026-01-05\"", 1),
    lambda t: t.replace("status: operating", "status: retired\nretired_on: 2026-02-30", 1),
    lambda t: t.replace("status: operating", "status: bogus", 1),
    lambda t: t.replace("unit: ", "unit: X", 1),
    lambda t: t.replace("unit:", "unit_:", 1),
    lambda t: t + "unknown_field: 1\n",
    lambda t: t + "unit: czj\n",
    lambda t: t.replace("\nname:", "\nname: &a", 1),
    lambda t: t.replace("\nname:", "\nname: !!str", 1),
    lambda t: t.replace("id: ", "id: '", 1),
    lambda t: "\ufeff" + t,
    lambda t: t.replace("\n", "\r\n"),
    lambda t: t.replace(": ", ":\t", 1),
    lambda t: t.replace("\nsecurity:\n  ", "\nsecurity:\n   ", 1),
    lambda t: t.replace("\nsecurity:\n", "\nsecurity: {}\n", 1),
    lambda t: t.replace("\ndata:\n", "\ndata:\n  # 注释\n", 1),
    lambda t: t.replace("online_since: ", "online_since: '", 1),
    lambda t: t.replace("enforcement: false", "enforcement: 0", 1),
    lambda t: t.replace("enforcement: false", "enforcement: \"false\"", 1),
    lambda t: t.replace("platforms: [", "platforms: [ , ", 1),
    lambda t: t + "# 结尾注释\n",
    lambda t: t.replace("\nunit:", "\n  unit:", 1),
    lambda t: t.replace("mlps_level: ", "mlps_level: 1", 1),
    lambda t: t.replace("mlps_level: 3", "mlps_level: 3.0", 1),
    lambda t: t.replace("description: ", "description: 中\u2028文", 1),
    lambda t: t.replace("description: ", "description: \x07", 1),
]


def test_synthetic_records_and_their_edited_versions_one_after_another(tmp_path: Path) -> None:
    for text in synthetic_texts(tmp_path):
        agrees(text)
        for edit in EDITS:
            agrees(edit(text))
            agrees(edit(edit(text)))


def test_the_fast_way_answers_for_the_usual_versions() -> None:
    """It is not merely never wrong: a valid record is answered without pydantic (the check
    entry by entry says yes), and an edit that makes it invalid says no."""
    text = BASE_TEXT
    found = read_pieces(text)
    checks = field_checks("System")
    assert found is not None and checks is not None
    assert checks.surely_valid(*found) and surely_valid("System", read_simple(text))
    bogus = read_pieces(text.replace("status: operating", "status: bogus"))
    assert bogus is not None and not checks.surely_valid(*bogus)


@pytest.mark.parametrize("text", ODD + ["", "\n", "# only\n", "id: a\nid: a\n", "- a\nid: b\n", "id: a\n-x\n"])
def test_odd_and_hostile_texts(text: str) -> None:
    agrees(text)


def edited_in_sequence(edits: list, start: int) -> Iterator[str]:  # type: ignore[type-arg]
    """BASE_TEXT after each of ``edits`` in turn, the turn starting at ``start``."""
    text = BASE_TEXT
    for edit in edits[start:] + edits[:start]:
        text = edit(text)
        yield text


# What the mutated texts are made of: YAML's punctuation, odd characters and record-like lines.
MUTATION_PIECES = [
    " ", "  ", "-", "- ", ":", ": ", "#", " #", '"', "'", "[", "]", "{", "}", ",", "\n", "\n  ", "&a ", "*a", "!!str ",
    "|", ">", "?", "null", "true", "1", "0x1", "2020-01-01", "~", "\t", "\r", "\ufeff", "\x85", "---\n", "unit: x\n",
    "status: retired\n", "retired_on: 2030-01-01\n", "中"]


@SOME
@given(st.one_of(RECORD_TEXTS, mutations(MUTATION_PIECES)))
def test_record_like_and_mutated_texts(raw: bytes) -> None:
    agrees(raw.decode("utf-8", "replace"))


@SOME
@given(st.lists(st.sampled_from(EDITS), min_size=1, max_size=4), st.integers(min_value=0, max_value=3))
def test_edited_versions_in_sequence(edits: list, start: int) -> None:  # type: ignore[type-arg]
    for text in edited_in_sequence(edits, start):
        agrees(text)


HOSTILE = [
    "status: operating\n",  # (the valid record itself, below: the base)
    "&a status: operating\n",
    "status: !!str operating\n",
    "status: 'retired'\nretired_on: 2030-01-01\n",
    "status: retired\nretired_on: 2020-01-01\n",
    "status: {a: 1}\n",
    "status: operating\nstatus: retired\n",
    "status: operating  # 在用\n",
    "status: >\n  retired\n",
]


def _history(tmp_path: Path) -> GitRepo:
    """A history whose system blobs are odd in every way the fast reader leaves to the parser."""
    repo = GitRepo.init(tmp_path / "registry")
    repo.write("registry.yaml", REGISTRY)
    base = BASE_TEXT.replace("status: operating\n", "")
    for number, tail in enumerate(HOSTILE):
        repo.write("systems/czj/czj-a.yaml", base + tail)
        path = repo.path / "systems" / "czj" / f"czj-{number}.yaml"
        path.write_bytes((base.replace("czj-a", f"czj-{number}") + tail).encode())
        repo.commit(f"版本 {number}", as_=ADMIN)
    for number, raw in enumerate([b"\xef\xbb\xbf" + base.encode() + b"status: operating\n",
                                  base.encode() + b"status: operating\n\xff\n",
                                  (base + "status: operating\n").replace("\n", "\r\n").encode()]):
        (repo.path / "systems" / "czj" / "czj-a.yaml").write_bytes(raw)
        repo.commit(f"编码 {number}", as_=ADMIN)
    return repo


def _inventory(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--root", str(root), "inventory", "--history", "--today", "2026-06-30", "--format", "json"]) == 0
    return capsys.readouterr().out


def test_inventory_history_of_hostile_blobs_is_the_full_loaders(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _history(tmp_path)
    cold = _inventory(repo.path, capsys)
    warm = _inventory(repo.path, capsys)
    monkeypatch.setenv("REGISTRY_NO_CACHE", "1")
    monkeypatch.setenv("REGISTRY_HISTORY_FULL", "1")
    full = _inventory(repo.path, capsys)
    assert cold == warm == full
    totals = [point["total"] for point in json.loads(full)["history"]]
    assert len(set(totals)) > 1  # the odd versions count differently: the test tells answers apart


def test_shapes_read_afresh_make_the_checks_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checks remembered from shapes no longer in force never answer: shapes.json made from
    other models decides nothing, entry by entry as whole."""
    from registry import shapes

    found = read_pieces(BASE_TEXT)
    assert found is not None
    before = field_checks("System")
    assert before is not None and before.surely_valid(*found)
    monkeypatch.setattr(shapes, "source_fingerprint", lambda: "another model")
    shapes.shapes.cache_clear()
    try:
        assert field_checks("System") is None
        assert system_state(BASE_TEXT.encode()) == system_state(BASE_TEXT.encode(), fast=False)
    finally:
        monkeypatch.undo()
        shapes.shapes.cache_clear()
    again = field_checks("System")
    assert again is not None and again is not before and again.surely_valid(*found)


def test_the_statuses_in_use_are_the_enumerations(tmp_path: Path) -> None:
    """shapes.json records the statuses of a system in use (made from registry/enums.py, in force
    only while it matches it), so a cold inventory --history builds no enumeration class."""
    import subprocess

    from registry.blobfields import _active_values
    from registry.enums import ACTIVE_STATUSES

    assert _active_values() == {status.value for status in ACTIVE_STATUSES}
    repo = GitRepo.init(tmp_path / "registry")
    repo.write("registry.yaml", REGISTRY)
    repo.write("systems/czj/czj-a.yaml", BASE_TEXT)
    repo.commit("登记", as_=ADMIN)
    repo.write("systems/czj/czj-a.yaml", BASE_TEXT.replace("status: operating", "status: retired"))
    repo.commit("停用", as_=ADMIN)
    script = ("import sys; from registry.cli import main; "
              f"code = main(['--root', {str(repo.path)!r}, 'inventory', '--history', '--format', 'json']); "
              "print(code, 'registry.enums' in sys.modules, 'dataclasses' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "0 False False"
