"""Attack on the history's fast extractor: ``inventory --history`` reads the system record blobs
of every commit without the working tree's loader, so it must refuse exactly what the loader
refuses. A file ``check`` reports as no record (REG003: ``.yml``, a nested folder, a file beside
the unit folders, a hidden folder or file) or as unreadable (REG001: larger than a record may
be) is not counted by ``inventory``; the history's last point of the same tree must not count
it either — else the "只减不增" trend shows systems the registry does not have.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture
from registry import cache
from registry.cli import main
from registry.layout import MAX_RECORD_BYTES

TODAY = "2026-11-20"
SOURCE = "systems/czj/czj-budget.yaml"  # an operating system: counted wherever it is counted
NOT_RECORDS = ["systems/czj/extra.yml", "systems/czj/deep/nested.yaml", "systems/beside.yaml",
               "systems/.hidden/inside.yaml", "systems/czj/.hidden.yaml"]


def counts(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    capsys.readouterr()
    assert main(["--root", str(root), "inventory", "--today", TODAY, "--format", "json", *args]) == 0
    found: dict[str, object] = json.loads(capsys.readouterr().out)
    return found


@pytest.mark.parametrize("where", [*NOT_RECORDS, "too large"])
def test_the_history_counts_only_what_the_loader_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    if where == NOT_RECORDS[0]:
        monkeypatch.setenv(cache.DISABLE_ENV, "1")  # the same without the per-blob cache
    root, repo = committed_fixture("quxian", tmp_path)
    text = (root / SOURCE).read_text("utf-8")
    if where == "too large":
        (root / SOURCE).write_text(text + "#" + "x" * MAX_RECORD_BYTES + "\n", "utf-8")
    else:
        (root / where).parent.mkdir(parents=True, exist_ok=True)
        (root / where).write_text(text.replace("id: czj-budget", "id: czj-extra"), "utf-8")
    repo.commit("一个不是记录的文件")
    now = counts(root, capsys)
    last = counts(root, capsys, "--history")["history"][-1]  # type: ignore[index]
    assert last["counts"] == {unit["unit"]: unit["active"] for unit in now["units"]  # type: ignore[index,union-attr]
                              if unit["unit"] in last["counts"] or unit["active"]}  # type: ignore[index]
    assert sum(last["counts"].values()) == now["total"]  # type: ignore[index]
