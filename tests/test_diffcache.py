"""``registry diff`` reuses a whole summary only while nothing it depends on changed: every
state below is compared with a run without any cache, in real temporary git repositories."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import GitRepo
from registry.cli import main
from test_diff import ADMIN, APPROVAL, CLERK, RETIRED, TODAY, record, seeded

ARGS = ("diff", "--base", "main", "--today", TODAY)


def summary(root: Path, *args: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
            cached: bool = True) -> tuple[int, str, str]:
    with monkeypatch.context() as env:
        if cached:
            env.delenv("REGISTRY_NO_CACHE", raising=False)
        else:
            env.setenv("REGISTRY_NO_CACHE", "1")
        code = main(["--root", str(root), *(args or ARGS)])
    out, err = capsys.readouterr()
    return code, out, err


def same_as_uncached(root: Path, *args: str, capsys: pytest.CaptureFixture[str],
                     monkeypatch: pytest.MonkeyPatch) -> str:
    """The cached run (twice: the second reuses what the first kept) says exactly what a run
    without any cache says; the summary's text."""
    first = summary(root, *args, capsys=capsys, monkeypatch=monkeypatch)
    again = summary(root, *args, capsys=capsys, monkeypatch=monkeypatch)
    plain = summary(root, *args, capsys=capsys, monkeypatch=monkeypatch, cached=False)
    assert first == again == plain
    return plain[1]


def kept_runs(root: Path) -> int:
    return len(list((root / ".registry-cache").glob("*/runs/*.run")))


def changed(tmp_path: Path) -> GitRepo:
    repo = seeded(tmp_path)
    repo.write("systems/czj/czj-portal.yaml", record("systems/czj/czj-portal.yaml", status="building",
                                                     online_since=None, new_system_approval=APPROVAL))
    repo.write("systems/wjw/wjw-lis.yaml", record("systems/wjw/wjw-lis.yaml", **RETIRED))
    repo.commit("czj 新建门户，wjw 停用", as_=CLERK)
    return repo


def test_a_repeated_summary_is_reused_and_every_format_and_language_kept_apart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    repo = changed(tmp_path)
    markdown = same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch)
    assert kept_runs(repo.path) == 1
    as_json = same_as_uncached(repo.path, *ARGS, "--format", "json", capsys=capsys, monkeypatch=monkeypatch)
    english = same_as_uncached(repo.path, "--lang", "en", *ARGS, capsys=capsys, monkeypatch=monkeypatch)
    assert kept_runs(repo.path) == 3
    assert len({markdown, as_json, english}) == 3
    assert "czj-portal" in markdown and '"czj-portal"' in as_json
    other_day = same_as_uncached(repo.path, "diff", "--base", "main", "--today", "2025-06-01",
                                 capsys=capsys, monkeypatch=monkeypatch)
    assert kept_runs(repo.path) == 4 and other_day != markdown


def test_working_tree_edits_renames_and_a_blob_at_two_paths_are_seen(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    repo = changed(tmp_path)
    seen = {same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch)}
    portal = repo.path / "systems/czj/czj-portal.yaml"
    text = portal.read_bytes()
    stat = portal.stat()
    portal.write_bytes(text.replace(b"status: building", b"status: planned "))  # same size
    os.utime(portal, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    seen.add(same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch))
    (repo.path / "systems/wjw/czj-portal.yaml").write_bytes(portal.read_bytes())  # the same blob twice
    seen.add(same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch))
    (repo.path / "systems/wjw/czj-portal.yaml").rename(repo.path / "systems/wjw/wjw-portal.yaml")
    seen.add(same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch))
    portal.unlink()
    seen.add(same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch))
    assert len(seen) == 5
    registry = repo.path / "registry.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace("- potou", "- dalad"), encoding="utf-8")
    assert same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch) not in seen


def test_an_attachment_appearing_or_going_is_seen(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    project = "projects/czj/2025-czj-001.yaml"
    repo = seeded(tmp_path, {project: record(project, documents={"feasibility_study": "docs/2025-czj-001/可研.pdf"})})
    repo.write(project, record(project, documents={"feasibility_study": "docs/2025-czj-001/可研.pdf"}, name="改名"))
    repo.commit("改名", as_=CLERK)
    missing = same_as_uncached(repo.path, "diff", "--base", "main", "--today", TODAY, "--format", "json",
                               capsys=capsys, monkeypatch=monkeypatch)
    repo.write("docs/2025-czj-001/可研.pdf", b"%PDF-1.4")
    present = same_as_uncached(repo.path, "diff", "--base", "main", "--today", TODAY, "--format", "json",
                               capsys=capsys, monkeypatch=monkeypatch)
    assert '"REG010"' in present and present != missing  # fixed at the base by the new file
    (repo.path / "docs/2025-czj-001/可研.pdf").unlink()
    (repo.path / "docs/2025-czj-001/可研.pdf").symlink_to(repo.path / "registry.yaml")
    assert same_as_uncached(repo.path, "diff", "--base", "main", "--today", TODAY, "--format", "json",
                            capsys=capsys, monkeypatch=monkeypatch) != present


def test_amended_rebased_and_force_moved_history_is_seen(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    repo = changed(tmp_path)
    seen = {same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch)}
    repo.write("systems/wjw/wjw-pacs.yaml", record("systems/wjw/wjw-pacs.yaml", **RETIRED))
    repo.git("add", "--all")
    repo.git("commit", "--amend", "--quiet", "-m", "czj 新建门户，wjw 停用两个")
    seen.add(same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch))
    # main moves on (another pull request merged), then this branch is rebased onto it
    repo.git("switch", "--quiet", "main")
    repo.write("systems/wjw/wjw-his.yaml", record("systems/wjw/wjw-his.yaml", **RETIRED))
    repo.commit("wjw 停用 his", as_=ADMIN)
    repo.git("switch", "--quiet", "change")
    seen.add(same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch))
    repo.git("rebase", "--quiet", "main")
    seen.add(same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch))
    # the base force-pushed back to where it was
    repo.git("branch", "--force", "main", "main~1")
    seen.add(same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch))
    assert len(seen) >= 4


def test_a_replaced_target_commit_is_seen_although_its_id_and_the_merge_stay(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``git replace`` stands another commit in for the target: the same commit id and, where git
    honours the replacement, the same merge result (the branch contains the target) but other
    records at the target. Whatever git makes of it, the cached summary is the uncached one."""
    repo = changed(tmp_path)
    check = ("check", "--base", "main", "--today", TODAY, "--format", "json")
    before = same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch)
    checked = same_as_uncached(repo.path, *check, capsys=capsys, monkeypatch=monkeypatch)
    main_commit = repo.git("rev-parse", "main").strip()
    repo.git("switch", "--quiet", "--detach", "main")
    repo.write("systems/czj/czj-extra.yaml", record("systems/czj/czj-extra.yaml"))
    repo.git("add", "--all")
    repo.git("commit", "--amend", "--quiet", "-m", "另一个初始登记")
    stand_in = repo.git("rev-parse", "HEAD").strip()
    repo.git("switch", "--quiet", "change")
    repo.git("replace", main_commit, stand_in)
    # whether git honours the replacement or not, the cached answer is the uncached one
    after = same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch)
    assert ("czj-extra" in after) == (after != before)
    checked_after = same_as_uncached(repo.path, *check, capsys=capsys, monkeypatch=monkeypatch)
    assert (checked_after != checked) == (after != before)  # CHG002: czj-extra deleted by the change
    repo.git("replace", "-d", main_commit)
    assert same_as_uncached(repo.path, capsys=capsys, monkeypatch=monkeypatch) == before


def test_a_shallow_clone_without_the_merge_base_is_a_usage_error_every_time(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    repo = changed(tmp_path)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--branch", "change", f"file://{repo.path}", str(shallow)],
                   check=True, capture_output=True)
    subprocess.run(["git", "-C", str(shallow), "fetch", "--quiet", "--depth", "1", "origin", "main:main"],
                   check=True, capture_output=True)
    for _ in range(2):
        code, out, err = summary(shallow, capsys=capsys, monkeypatch=monkeypatch)
        assert code == 2 and out == "" and "Traceback" not in err
    assert kept_runs(shallow) == 0


def test_a_reused_summary_imports_no_models_rules_or_yaml_parser(tmp_path: Path) -> None:
    repo = changed(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "REGISTRY_NO_CACHE"}
    program = ("import sys\nfrom registry.cli import main\n"  # (entry() would end the process at once)
               f"assert main(['--root', {str(repo.path)!r}, *{list(ARGS)!r}]) == 0\n"
               "print('HEAVY', sorted(m for m in ('pydantic', 'ruamel.yaml', 'registry.models', 'registry.rules')"
               " if m in sys.modules), file=sys.stderr)\n")
    cold = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True)
    warm = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True)
    assert cold.stdout == warm.stdout and "czj-portal" in warm.stdout
    assert "HEAVY []" in warm.stderr and "registry.rules" in cold.stderr  # (a cold diff runs the rules, on twins)
