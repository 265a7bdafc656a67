"""A county sees only its own regulations: findings, `registry rules` and the site of a registry
that chose one profile cite that profile's regulation, or the neutral 登记簿通用规则 — never
another county's (issue 11)."""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from casekit import PROJECT, REGISTRY, SYSTEM
from gitrepo import GitRepo
from registry.cli import main
from registry.ruledocs import SHORT_NAMES
from registry.rules import RULES
from registry.rules.base import NEUTRAL_CITATION
from registry.rules.profiles import PROFILES, SELECTABLE
from registry.site import generate

TODAY = dt.date(2025, 12, 1)


def others(profile: str) -> list[str]:
    """What would betray another county's regulation: its title, document number and place,
    and the short names rule texts use in passing ("（坡头 第五条）")."""
    words = []
    for other in SELECTABLE:
        if other != profile:
            p = PROFILES[other]
            words += [p.regulation, p.jurisdiction, *([p.document] if "〔" in p.document else [])]
            words += [f"{name} 第" for name in SHORT_NAMES[other]]
    return words


def assert_own(text: str, profile: str, where: str) -> None:
    for word in others(profile):
        assert word not in text, f"{where} cites {word!r} in a {profile} registry"


def registry_of(tmp_path: Path, profile: str) -> Path:
    """A committed registry, then a working tree that deletes a project (CHG002) and adds an
    unapproved new system (CHG001); a classified project (REG009) all along."""
    config = copy.deepcopy(REGISTRY)
    config["profiles"] = [profile]
    repo = GitRepo.init(tmp_path / profile)
    repo.write("registry.yaml", config)
    repo.write("systems/czj/czj-budget.yaml", {**SYSTEM, "id": "czj-budget", "unit": "czj"})
    repo.write("projects/czj/2025-czj-002.yaml", {**PROJECT, "id": "2025-czj-002", "unit": "czj", "year": 2025})
    repo.write("projects/czj/2025-czj-001.yaml",
               {**PROJECT, "id": "2025-czj-001", "unit": "czj", "year": 2025, "classified": True})
    repo.commit("初始登记")
    repo.remove("projects/czj/2025-czj-002.yaml")
    repo.write("systems/czj/czj-new.yaml",
               {**SYSTEM, "id": "czj-new", "unit": "czj", "name": "新系统", "status": "building", "online_since": None})
    return repo.path


@pytest.mark.parametrize("profile", SELECTABLE)
def test_findings_cite_only_the_chosen_profile(tmp_path: Path, profile: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = registry_of(tmp_path, profile)
    main(["--root", str(root), "check", "--base", "main", "--today", TODAY.isoformat(), "--format", "json",
          "--no-cache"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    rules = {f["rule"] for f in findings}
    assert {"CHG001", "CHG002", "REG009"} <= rules
    for finding in findings:
        assert_own(finding["citation"] + finding["message"], profile, finding["rule"])
    chg001 = next(f for f in findings if f["rule"] == "CHG001")
    own = RULES["CHG001"].cited([profile])
    assert chg001["citation"] == (NEUTRAL_CITATION if not own else RULES["CHG001"].citation_for([profile]))
    main(["--root", str(root), "check", "--base", "main", "--today", TODAY.isoformat(), "--no-cache"])
    assert_own(capsys.readouterr().out, profile, "check text")


@pytest.mark.parametrize("profile", SELECTABLE)
def test_rules_listing_cites_only_the_chosen_profile(tmp_path: Path, profile: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = registry_of(tmp_path, profile)
    for fmt in ("text", "markdown", "json"):
        assert main(["--root", str(root), "rules", "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert_own(out, profile, f"rules --format {fmt}")
        assert PROFILES[profile].regulation in out
    assert main(["--root", str(root), "rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)["rules"]
    assert len(listed) == len(RULES)  # every ID is still listed, marked in_force
    assert main(["--root", str(root), "rules", "--all"]) == 0  # the reference listing, on request
    reference = capsys.readouterr().out
    assert all(PROFILES[p].regulation in reference for p in SELECTABLE)


@pytest.mark.parametrize("profile", SELECTABLE)
def test_site_pages_cite_only_the_chosen_profile(tmp_path: Path, profile: str) -> None:
    root = registry_of(tmp_path, profile)
    files = generate(root, today=TODAY)
    assert f"rules/{profile}.md" in files and "rules/common.md" in files
    assert not any(f"rules/{other}.md" in files for other in SELECTABLE if other != profile)
    for path, content in files.items():
        if isinstance(content, str):
            assert_own(content, profile, path)


def test_a_common_rule_cites_the_article_of_each_chosen_profile_saying_the_same() -> None:
    chg002 = RULES["CHG002"]
    assert chg002.citation_for(["jinxiang"]) == "金乡县政务信息化项目建设管理办法 第四十五条"
    assert chg002.citation_for(["dashiqiao"]) == NEUTRAL_CITATION  # no such article there
    both = chg002.citation_for(["jinxiang", "quxian"])
    assert "金乡县" in both and "渠县" in both and "坡头区" not in both
    assert "渠县" not in chg002.quote_for(["jinxiang"])
