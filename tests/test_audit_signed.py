"""``registry audit`` trusts only what cannot be forged (issue #9): signed merges verified with
``git verify-commit``'s machinery against the keys registry.yaml trusts, e-mails not names,
order not dates, who may change approvers, records wherever history keeps them. Real temporary
repositories; merges signed with SSH keys made by ssh-keygen (offline)."""
from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from auditkit import ADMIN, APPROVED, BUDGETED, CLERK, EARLY, FINANCE, GITHUB, PROJECT, project
from casekit import REGISTRY, record_data
from gitrepo import GitRepo, Who, ssh_key, yaml_text
from registry.audit import run_audit
from registry.cli import main
from registry.findings import Report



class Keys:
    """SSH key pairs: the forge's merge key, the data authority approver's, the clerk's own."""

    def __init__(self, directory: Path) -> None:
        self.forge, self.forge_pub = ssh_key(directory, "forge")
        self.admin, self.admin_pub = ssh_key(directory, "admin")
        self.clerk, self.clerk_pub = ssh_key(directory, "clerk")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    if shutil.which("ssh-keygen") is None:
        pytest.fail("ssh-keygen is needed (openssh-client)")
    return Keys(tmp_path_factory.mktemp("keys"))


def config(keys: Keys, *, forge: bool = True, **trust: Any) -> dict[str, Any]:
    data = copy.deepcopy(REGISTRY)
    data["units"][0]["approvers"] = [{"email": "approver@dsj.test.gov.cn", "key": keys.admin_pub}]
    data["units"][1]["approvers"] = ["approver@czj.test.gov.cn"]
    data["trust"] = {"merge_keys": [keys.forge_pub] if forge else [], **trust}
    return data


def seeded(tmp_path: Path, keys: Keys, **trust: Any) -> GitRepo:
    repo = GitRepo.init(tmp_path / "registry")
    repo.write("registry.yaml", config(keys, **trust))
    repo.write("systems/wjw/wjw-his.yaml", record_data("systems/wjw/wjw-his.yaml", {}))
    repo.write(PROJECT, project(milestones=EARLY))
    repo.commit("初始登记（根提交）", as_=CLERK)
    return repo


def approved(tmp_path: Path, keys: Keys, *, sign_with: Path | None) -> tuple[GitRepo, str]:
    """The seeded registry after the project's approval, merged by the data authority's
    approver and signed with ``sign_with``: (the repository, the approval's merge commit)."""
    repo = seeded(tmp_path, keys)
    return repo, pull_request(repo, "approve", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN, sign_with=sign_with)


def pull_request(repo: GitRepo, name: str, files: dict[str, Any], *, merged_by: Who, sign_with: Path | None,
                 committer: Who | None = None) -> str:
    """A branch with one commit by the clerk, merged into main with a (signed) merge commit."""
    repo.branch(name, start="main")
    for path, content in files.items():
        repo.write(path, content)
    repo.commit(f"{name} 的修改", as_=CLERK)
    return repo.merge(name, into="main", as_=merged_by, committer=committer, sign_with=sign_with)


def web_merge(repo: GitRepo, keys: Keys, name: str, files: dict[str, Any], merged_by: Who) -> str:
    """A merge as the forge makes it: the merging user as author, the forge as committer, signed by the forge."""
    return pull_request(repo, name, files, merged_by=merged_by, committer=GITHUB, sign_with=keys.forge)


def found(report: Report) -> list[tuple[str, str, str]]:
    return sorted((f.rule, f.path, f.field) for f in report.findings)


def one(report: Report, rule: str, field: str = "") -> str:
    matching = [f.message.zh for f in report.findings if f.rule == rule and (not field or f.field == field)]
    assert len(matching) == 1, [f"{f.rule} {f.field} {f.message.zh}" for f in report.findings]
    return matching[0]


def test_verified_approver_and_forge_merges_pass(tmp_path: Path, keys: Keys) -> None:
    repo, _ = approved(tmp_path, keys, sign_with=keys.admin)
    web_merge(repo, keys, "budget", {PROJECT: project(milestones=BUDGETED)}, FINANCE)
    report = run_audit(repo.path)
    assert report.findings == [] and report.exit_code(strict=False) == 0
    assert report.summary.trust == "signatures"
    assert "签名验证" in report.summary.notices[0].zh


def test_the_same_history_without_the_forge_key_reports_the_unverifiable_merges(tmp_path: Path, keys: Keys) -> None:
    repo, _ = approved(tmp_path, keys, sign_with=keys.admin)
    forge_merge = web_merge(repo, keys, "budget", {PROJECT: project(milestones=BUDGETED)}, FINANCE)
    repo.write("registry.yaml", config(keys, forge=False))  # the auditor no longer trusts the forge key
    report = run_audit(repo.path)
    assert found(report) == [("AUD001", PROJECT, "milestones.budgeted"), ("AUD003", PROJECT, "")]
    assert forge_merge[:8] in one(report, "AUD003") and "签名公钥不在登记簿信任的公钥中" in one(report, "AUD003")
    assert forge_merge[:8] in one(report, "AUD001") and "签名无法用登记簿信任的公钥验证" in one(report, "AUD001")


def test_case1_a_merge_in_an_approvers_name_pushed_by_someone_else(tmp_path: Path, keys: Keys) -> None:
    repo, unsigned = approved(tmp_path, keys, sign_with=None)
    report = run_audit(repo.path)
    assert found(report) == [("AUD001", PROJECT, "milestones.approved"), ("AUD003", PROJECT, "")]
    assert unsigned[:8] in one(report, "AUD001") and "立项批复" in one(report, "AUD001")
    assert "没有签名" in one(report, "AUD003")
    # signed, but with the clerk's own key: the e-mail is the approver's, the key is not
    repo2 = seeded(tmp_path / "second", keys)
    pull_request(repo2, "approve", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN, sign_with=keys.clerk)
    assert found(run_audit(repo2.path)) == [("AUD001", PROJECT, "milestones.approved"), ("AUD003", PROJECT, "")]


def test_case2_a_forged_merge_fast_forwarded_into_main(tmp_path: Path, keys: Keys) -> None:
    repo = seeded(tmp_path, keys)
    repo.branch("side", start="main")
    repo.write(PROJECT, project(milestones=APPROVED))
    repo.commit("侧分支上写入立项批复", as_=CLERK)
    repo.branch("forged", start="main")
    forged = repo.merge("side", into="forged", as_=ADMIN)  # a two-parent "merge" made on a branch
    repo.switch("main")
    repo.git("merge", "--quiet", "--ff-only", "forged")
    assert repo.rev("main") == forged
    report = run_audit(repo.path)
    assert found(report) == [("AUD001", PROJECT, "milestones.approved"), ("AUD003", PROJECT, "")]
    assert forged[:8] in one(report, "AUD001")


def test_case3_a_name_equal_to_an_approvers_email_grants_nothing(tmp_path: Path, keys: Keys) -> None:
    repo = seeded(tmp_path, keys)
    impostor = Who("approver@dsj.test.gov.cn", CLERK.email)
    merge = pull_request(repo, "approve", {PROJECT: project(milestones=APPROVED)}, merged_by=impostor, sign_with=None)
    assert ("AUD001", PROJECT, "milestones.approved") in found(run_audit(repo.path))
    weak = run_audit(repo.path, trust="identities")  # even the weaker mode compares e-mails only
    assert found(weak) == [("AUD001", PROJECT, "milestones.approved")]
    assert merge[:8] in one(weak, "AUD001") and "不是数据主管部门 dsj 登记的批准人" in one(weak, "AUD001")
    assert "身份比对" in weak.summary.notices[0].zh and weak.summary.trust == "identities"


def test_case4_a_backdated_commit_is_not_hidden_by_since(tmp_path: Path, keys: Keys,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path, keys)
    pull_request(repo, "ok", {"systems/wjw/wjw-his.yaml": record_data("systems/wjw/wjw-his.yaml", {"name": "新名称"})},
                 merged_by=ADMIN, sign_with=keys.admin)
    repo.write(PROJECT, project(milestones=APPROVED))
    backdated = repo.commit("补录", as_=CLERK, when=dt.datetime(2020, 3, 1, 9, tzinfo=dt.timezone.utc))
    for since in (["--since", "2024-01-01"], ["--since-commit", "HEAD~1"], []):
        assert main(["--root", str(repo.path), "audit", *since, "--format", "json"]) == 1
        payload = json.loads(capsys.readouterr().out)
        rules = sorted((f["rule"], f["field"]) for f in payload["findings"])
        assert rules == [("AUD001", "milestones.approved"), ("AUD002", ""), ("AUD005", "")], since
        assert all(backdated[:8] in f["message"] for f in payload["findings"])
        assert payload["summary"]["trust"] == "signatures"
    assert main(["--root", str(repo.path), "audit", "--since-commit", "HEAD"]) == 0  # nothing after HEAD
    assert "之后开始审计" in capsys.readouterr().out


def test_since_commit_must_be_on_the_first_parent_history(tmp_path: Path, keys: Keys,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path, keys)
    pull_request(repo, "ok", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN, sign_with=keys.admin)
    for rev in ("ok", "nosuch", "--all"):  # "ok" is the merged branch: an ancestor, but not first-parent
        assert main(["--root", str(repo.path), "audit", f"--since-commit={rev}"]) == 2
        err = capsys.readouterr().err
        assert "首父历史" in err and "Traceback" not in err


def test_case5_an_authority_cannot_seize_another_authoritys_approval(tmp_path: Path, keys: Keys) -> None:
    repo = seeded(tmp_path, keys)
    seized = config(keys)
    seized["units"][1]["approvers"].append({"email": "approver@dsj.test.gov.cn", "key": keys.admin_pub})
    first = pull_request(repo, "seize", {"registry.yaml": seized}, merged_by=ADMIN, sign_with=keys.admin)
    second = pull_request(repo, "budget", {PROJECT: project(milestones=BUDGETED)}, merged_by=ADMIN, sign_with=keys.admin)
    report = run_audit(repo.path)
    assert found(report) == [("AUD001", PROJECT, "milestones.budgeted"), ("AUD004", "registry.yaml", "units[1].approvers")]
    assert first[:8] in one(report, "AUD004") and "单位 czj 的 approvers" in one(report, "AUD004")
    assert second[:8] in one(report, "AUD001") and "预算下达" in one(report, "AUD001")
    # configured so that the data authority may change any unit's approvers: both merges stand
    repo2 = seeded(tmp_path / "second", keys, approver_changes="data_authority")
    pull_request(repo2, "seize", {"registry.yaml": {**seized, "trust": {**seized["trust"], "approver_changes": "data_authority"}}},
                 merged_by=ADMIN, sign_with=keys.admin)
    pull_request(repo2, "budget", {PROJECT: project(milestones=BUDGETED)}, merged_by=ADMIN, sign_with=keys.admin)
    assert run_audit(repo2.path).findings == []


def test_a_unit_changes_its_own_approvers_and_trust_needs_the_data_authority(tmp_path: Path, keys: Keys) -> None:
    repo, _ = approved(tmp_path, keys, sign_with=keys.admin)
    newcomer = Who("财政局新批准人", "second@czj.test.gov.cn")
    added = config(keys)
    added["units"][1]["approvers"].append(newcomer.email)
    web_merge(repo, keys, "czj-adds", {"registry.yaml": added}, FINANCE)
    web_merge(repo, keys, "budget", {PROJECT: project(milestones=BUDGETED)}, newcomer)
    assert run_audit(repo.path).findings == []
    # a clerk's forge-signed merge adding their own key to trust: refused, and the key stays untrusted
    widened = copy.deepcopy(added)
    widened["trust"]["merge_keys"].append(keys.clerk_pub)
    trust_change = web_merge(repo, keys, "trust", {"registry.yaml": widened}, CLERK)
    final = {**BUDGETED, "final_acceptance": {"date": "2025-06-30"}}
    pull_request(repo, "accept", {PROJECT: project(milestones=final)}, merged_by=ADMIN, sign_with=keys.clerk)
    report = run_audit(repo.path)
    assert found(report) == [("AUD001", PROJECT, "milestones.final_acceptance"), ("AUD003", PROJECT, ""),
                             ("AUD004", "registry.yaml", "trust")]
    assert trust_change[:8] in one(report, "AUD004") and "数据主管部门 dsj 的批准人" in one(report, "AUD004")


def test_case6_a_record_behind_a_symlink_into_docs_is_still_audited(tmp_path: Path, keys: Keys) -> None:
    repo, _ = approved(tmp_path, keys, sign_with=keys.admin)
    repo.branch("hide", start="main")
    target = "docs/2025-wjw-001/record.yaml"
    repo.move(PROJECT, target)
    (repo.path / PROJECT).symlink_to(f"../../{target}")
    repo.commit("记录移到 docs/，原处改为符号链接", as_=CLERK)
    hidden = repo.merge("hide", into="main", as_=FINANCE, committer=GITHUB, sign_with=keys.forge)
    rewritten = {**APPROVED, "approved": {"date": "2024-09-20", "doc_no": "测大数据发〔2024〕99号"}}
    edit = web_merge(repo, keys, "edit", {target: project(milestones=rewritten)}, CLERK)
    report = run_audit(repo.path)
    assert found(report) == [("AUD001", target, "milestones.approved"), ("AUD006", PROJECT, "")]
    assert hidden[:8] in one(report, "AUD006") and "符号链接" in one(report, "AUD006")
    assert edit[:8] in one(report, "AUD001") and "修改" in one(report, "AUD001")


def test_a_stale_copy_with_the_same_id_cannot_mask_an_edit(tmp_path: Path, keys: Keys) -> None:
    repo, _ = approved(tmp_path, keys, sign_with=keys.admin)
    rewritten = {**APPROVED, "approved": {"date": "2024-09-21", "doc_no": "测大数据发〔2024〕99号"}}
    web_merge(repo, keys, "mask", {PROJECT: project(milestones=rewritten),
                                   "docs/2025-wjw-001/copy.yaml": project(milestones=APPROVED)}, CLERK)
    assert found(run_audit(repo.path)) == [("AUD001", PROJECT, "milestones.approved")]


def test_octopus_merges_are_checked_as_a_whole(tmp_path: Path, keys: Keys) -> None:
    repo = seeded(tmp_path, keys)
    for name, path in (("a", "systems/wjw/wjw-a.yaml"), ("b", PROJECT)):
        repo.branch(name, start="main")
        repo.write(path, record_data(path, {}) if name == "a" else project(milestones=APPROVED))
        repo.commit(f"{name} 分支", as_=CLERK)
    repo.switch("main")
    env = repo.env(CLERK)
    repo.git("-c", "gpg.format=ssh", "-c", f"user.signingkey={keys.clerk}", "merge", "--quiet", "--no-ff", "-S",
             "-m", "octopus", "a", "b", env=env)
    assert len(repo.git("log", "-1", "--format=%P").split()) == 3
    report = run_audit(repo.path)
    assert found(report) == [("AUD001", PROJECT, "milestones.approved"), ("AUD003", PROJECT, "")]
    assert "由第 3 个父提交带入" in one(report, "AUD001")
    repo2 = seeded(tmp_path / "second", keys)
    for name in ("a", "b"):
        repo2.branch(name, start="main")
        repo2.write(PROJECT if name == "b" else "systems/wjw/wjw-a.yaml",
                    project(milestones=APPROVED) if name == "b" else record_data("systems/wjw/wjw-a.yaml", {}))
        repo2.commit(name, as_=CLERK)
    repo2.switch("main")
    repo2.git("-c", "gpg.format=ssh", "-c", f"user.signingkey={keys.admin}", "merge", "--quiet", "--no-ff", "-S",
              "-m", "octopus", "a", "b", env=repo2.env(ADMIN))
    assert run_audit(repo2.path).findings == []


def test_a_signed_non_merge_commit_is_still_a_direct_push(tmp_path: Path, keys: Keys) -> None:
    repo = seeded(tmp_path, keys)
    repo.write(PROJECT, project(milestones=APPROVED))
    pushed = repo.commit("批准人直接推送", as_=ADMIN, sign_with=keys.admin)
    report = run_audit(repo.path)
    assert found(report) == [("AUD001", PROJECT, "milestones.approved"), ("AUD002", PROJECT, "")]
    assert pushed[:8] in one(report, "AUD001") and "不是合并" in one(report, "AUD001")


def test_every_format_says_which_trust_mode_ran(tmp_path: Path, keys: Keys, capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = approved(tmp_path, keys, sign_with=keys.admin)
    for mode, words in (("signatures", "签名验证"), ("identities", "身份比对")):
        for fmt in ("text", "json", "github", "sarif", "junit"):
            assert main(["--root", str(repo.path), "audit", "--trust", mode, "--format", fmt]) == 0
            assert words in capsys.readouterr().out, (mode, fmt)
    assert main(["--root", str(repo.path), "--lang", "en", "audit", "--trust", "identities"]) == 0
    assert "trust mode: identities" in capsys.readouterr().out


def test_openpgp_forge_keys_verify_too(tmp_path: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("gpg") is None:
        pytest.fail("gpg is needed (gnupg)")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    subprocess.run(["gpg", "--batch", "--quiet", "--passphrase", "", "--quick-gen-key", "Forge <forge@example.test>",
                    "ed25519", "sign", "never"], check=True, capture_output=True)
    armoured = subprocess.run(["gpg", "--batch", "--armor", "--export", "forge@example.test"], check=True,
                              capture_output=True, text=True).stdout.strip()
    repo = GitRepo.init(tmp_path / "registry")
    data = config(keys, forge=False)
    data["trust"]["merge_keys"] = [armoured]
    repo.write("registry.yaml", data)
    repo.write(PROJECT, project(milestones=EARLY))
    repo.commit("初始登记", as_=CLERK)
    repo.branch("approve", start="main")
    repo.write(PROJECT, project(milestones=APPROVED))
    repo.commit("立项", as_=CLERK)
    repo.switch("main")
    repo.git("-c", "user.signingkey=forge@example.test", "merge", "--quiet", "--no-ff", "-S", "-m", "Merge", "approve",
             env={**repo.env(ADMIN, GITHUB), "GNUPGHOME": str(home)})
    monkeypatch.setenv("GNUPGHOME", str(tmp_path / "elsewhere"))  # the audit never uses the auditor's keyring
    assert run_audit(repo.path).findings == []
    repo.write("registry.yaml", yaml_text(config(keys, forge=False)))
    assert found(run_audit(repo.path)) == [("AUD001", PROJECT, "milestones.approved"), ("AUD003", PROJECT, "")]


def test_bad_keys_in_registry_yaml_are_configuration_errors(tmp_path: Path, keys: Keys,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    repo = seeded(tmp_path, keys)
    data = config(keys)
    data["trust"]["merge_keys"] = ["SHA256:abcdef"]
    repo.write("registry.yaml", data)
    assert main(["--root", str(repo.path), "audit"]) == 2
    err = capsys.readouterr().err
    assert "registry.yaml" in err and "不是可用的公钥" in err and "Traceback" not in err


def test_a_key_listed_in_another_units_approvers_proves_nothing_for_this_unit(tmp_path: Path, keys: Keys) -> None:
    """The clerk, approver of their own unit, lists the data authority approver's e-mail with the
    clerk's own key in their unit's approvers (a change they may make): the key still proves only
    an approval of the clerk's unit."""
    repo = seeded(tmp_path, keys)
    own = config(keys)
    own["units"][2]["approvers"] = [{"email": CLERK.email, "key": keys.clerk_pub}]
    web_merge(repo, keys, "wjw-approvers", {"registry.yaml": own}, ADMIN)  # the data authority sets it up
    borrowed = copy.deepcopy(own)
    borrowed["units"][2]["approvers"].append({"email": "approver@dsj.test.gov.cn", "key": keys.clerk_pub})
    pull_request(repo, "borrow", {"registry.yaml": borrowed}, merged_by=CLERK, sign_with=keys.clerk)
    assert run_audit(repo.path).findings == []  # the clerk may change their own unit's list
    pull_request(repo, "approve", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN, sign_with=keys.clerk)
    report = run_audit(repo.path)
    assert found(report) == [("AUD001", PROJECT, "milestones.approved")]
    assert "不是数据主管部门 dsj 登记的批准人" in one(report, "AUD001")


def test_an_approver_key_given_by_its_ssh_fingerprint(tmp_path: Path, keys: Keys) -> None:
    listed = subprocess.run(["ssh-keygen", "-lf", f"{keys.admin}.pub"], check=True, capture_output=True, text=True)
    print_ = listed.stdout.split()[1]
    assert print_.startswith("SHA256:")
    repo = GitRepo.init(tmp_path / "registry")
    data = config(keys, forge=False)
    data["units"][0]["approvers"] = [{"name": "数据局审批人", "email": "approver@dsj.test.gov.cn", "fingerprint": print_}]
    repo.write("registry.yaml", data)
    repo.write(PROJECT, project(milestones=EARLY))
    repo.commit("初始登记", as_=CLERK)
    pull_request(repo, "approve", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN, sign_with=keys.admin)
    assert run_audit(repo.path).findings == []
    pull_request(repo, "final", {PROJECT: project(milestones={**APPROVED, "final_acceptance": {"date": "2025-06-30"}})},
                 merged_by=ADMIN, sign_with=keys.clerk)
    assert found(run_audit(repo.path)) == [("AUD001", PROJECT, "milestones.final_acceptance"), ("AUD003", PROJECT, "")]


def test_a_merge_that_writes_a_milestone_itself_is_named_as_such(tmp_path: Path, keys: Keys) -> None:
    repo = seeded(tmp_path, keys)
    repo.branch("docs", start="main")
    repo.write("systems/wjw/wjw-his.yaml", record_data("systems/wjw/wjw-his.yaml", {"name": "新名称"}))
    repo.commit("无关的修改", as_=CLERK)
    repo.switch("main")
    repo.git("merge", "--quiet", "--no-ff", "--no-commit", "docs", env=repo.env(CLERK))
    repo.write(PROJECT, project(milestones=APPROVED))  # an "evil merge": the content is in no parent
    repo.git("add", "--all")
    repo.git("commit", "--quiet", "-m", "Merge branch 'docs'", env=repo.env(CLERK))
    assert "是合并提交自身写入的" in one(run_audit(repo.path, trust="identities"), "AUD001")


def test_replace_refs_cannot_disguise_a_direct_push(tmp_path: Path, keys: Keys) -> None:
    repo, approve = approved(tmp_path, keys, sign_with=keys.admin)
    repo.write(PROJECT, project(milestones={**APPROVED, "final_acceptance": {"date": "2025-06-30"}}))
    pushed = repo.commit("直接推送竣工验收", as_=CLERK)
    # a replacement object that claims the push is a signed merge of the approver's
    fake = repo.git("-c", "gpg.format=ssh", "-c", f"user.signingkey={keys.admin}", "commit-tree", "-S",
                    "-p", approve, "-p", "approve", "-m", "Merge", f"{pushed}^{{tree}}", env=repo.env(ADMIN))
    repo.git("replace", "-f", pushed, fake)
    assert repo.git("log", "-1", "--format=%P", pushed).split() == [approve, repo.rev("approve")]
    assert found(run_audit(repo.path)) == [("AUD001", PROJECT, "milestones.final_acceptance"), ("AUD002", PROJECT, "")]


def test_a_registry_added_after_the_first_commit_founds_the_configuration(tmp_path: Path, keys: Keys) -> None:
    repo = GitRepo.init(tmp_path / "registry")
    repo.write("README.md", "登记簿\n")
    repo.commit("仓库初始化", as_=CLERK)
    founding = config(keys)
    repo.branch("found", start="main")
    repo.write("registry.yaml", founding)
    repo.write(PROJECT, project(milestones=EARLY))
    repo.commit("建立登记簿", as_=CLERK)
    repo.merge("found", into="main", as_=CLERK, committer=GITHUB, sign_with=keys.forge)  # by no approver: none exist yet
    later = copy.deepcopy(founding)
    later["units"][0]["approvers"].append("second@dsj.test.gov.cn")
    pull_request(repo, "more", {"registry.yaml": later}, merged_by=ADMIN, sign_with=keys.admin)
    assert run_audit(repo.path).findings == []  # no AUD004 for founding it, whatever came later


def test_moving_a_role_away_from_an_authority_needs_that_authoritys_approvers(tmp_path: Path, keys: Keys) -> None:
    """Case 5 through the other door: the data authority points ``authorities.finance`` at itself."""
    repo, _ = approved(tmp_path, keys, sign_with=keys.admin)
    moved = config(keys)
    moved["authorities"]["finance"] = "dsj"
    first = pull_request(repo, "move-role", {"registry.yaml": moved}, merged_by=ADMIN, sign_with=keys.admin)
    pull_request(repo, "budget", {PROJECT: project(milestones=BUDGETED)}, merged_by=ADMIN, sign_with=keys.admin)
    report = run_audit(repo.path)
    assert found(report) == [("AUD001", PROJECT, "milestones.budgeted"), ("AUD004", "registry.yaml", "authorities.finance")]
    assert first[:8] in one(report, "AUD004") and "单位 czj 的批准人" in one(report, "AUD004")
    # the finance bureau itself may hand the role over (a forge merge by its approver)
    repo2 = seeded(tmp_path / "second", keys)
    pull_request(repo2, "approve", {PROJECT: project(milestones=APPROVED)}, merged_by=ADMIN, sign_with=keys.admin)
    web_merge(repo2, keys, "move-role", {"registry.yaml": moved}, FINANCE)
    pull_request(repo2, "budget", {PROJECT: project(milestones=BUDGETED)}, merged_by=ADMIN, sign_with=keys.admin)
    assert run_audit(repo2.path).findings == []


def test_a_key_smuggled_in_later_does_not_vouch_for_earlier_merges(tmp_path: Path, keys: Keys) -> None:
    repo, forged = approved(tmp_path, keys, sign_with=keys.clerk)
    widened = config(keys)
    widened["trust"]["merge_keys"].append(keys.clerk_pub)  # the working tree now "trusts" the clerk's key
    web_merge(repo, keys, "trust", {"registry.yaml": widened}, CLERK)
    report = run_audit(repo.path)
    assert found(report) == [("AUD001", PROJECT, "milestones.approved"), ("AUD003", PROJECT, ""),
                             ("AUD004", "registry.yaml", "trust")]
    assert forged[:8] in one(report, "AUD001")
