"""Every git process the tool starts sees the repository's own objects: a graft file
(``.git/info/grafts``) must not rewrite the history the history commands read, and an answer of
``cat-file --batch`` whose bytes are not the object it names is refused, never cached under
that name (replace refs: tests/test_x_replace_refs.py)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fixturekit import committed_fixture, edit
from registry import cache, gitproc
from registry.cli import main

RECORD = "systems/czj/czj-asset.yaml"


def history(root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    with monkeypatch.context() as env:
        env.setenv(cache.DISABLE_ENV, "1")
        capsys.readouterr()
        code = main(["--root", str(root), "inventory", "--history", "--format", "json"])
        captured = capsys.readouterr()
        return code, captured.out, captured.err


def test_a_graft_file_does_not_rewrite_the_history_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root, repo = committed_fixture("quxian", tmp_path)
    edit(root, RECORD, lambda data: data.update(description="资产管理系统（第二次提交）"))
    repo.commit("第二次提交")
    expected = history(root, capsys, monkeypatch)
    assert expected[0] == 0 and len(repo.first_parents()) == 2
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "grafts").write_text(repo.rev("HEAD") + "\n", encoding="ascii")  # HEAD: no parent
    assert repo.git("log", "--format=%H").split() == [repo.rev("HEAD")]  # git itself is fooled
    code, out, err = history(root, capsys, monkeypatch)
    assert (code, out) == expected[:2]
    assert "grafts" not in err


def test_an_answer_that_is_not_the_object_named_is_refused() -> None:
    honest = b"status: active\n"
    oid = gitproc.object_id(b"blob", honest, 40)
    assert gitproc._answer(io.BytesIO(b"%s blob %d\n%s\n" % (oid, len(honest), honest)), "x").data == honest
    forged = b"status: bogus\n"
    with pytest.raises(gitproc.GitFailed, match="not object"):
        gitproc._answer(io.BytesIO(b"%s blob %d\n%s\n" % (oid, len(forged), forged)), "x")
