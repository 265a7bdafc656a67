"""Profiles are discovered, never listed: the five packages under registry/rules/, and a profile
shipped as a separate distribution through the ``registry.profiles`` entry-point group.
A mistake in a declaration is an error at import time naming the package, never a profile
that silently disappears. Plug-ins are installed into a temporary directory (a package and its
``.dist-info``) put on PYTHONPATH of a subprocess, so the test process keeps its own rules."""
from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from registry.models.config import Authorities
from registry.rules import RULES
from registry.rules.base import Citation
from registry.rules.profiles import AUTHORITY_ROLES, PROFILES, SELECTABLE

DECLARATION = '''from registry.rules.profiles import Profile

PROFILE = Profile(id="{id}", jurisdiction="示例省示例县", regulation="示例县管理办法", document="示例",
                  prefix="{prefix}", short_names=("示例县",))
'''
RULE = '''from collections.abc import Iterator

from registry.rules.base import Citation, Context, Kind, NoParams, Problem, rule

ART1 = Citation("{profile}", "第一条", "示例条文。")


@rule("{rule_id}", name="example", title="示例规则", kind=Kind.record, profile="{profile}", cite=[ART1],
      fails="status: operating", passes="status: planned")
def example(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """示例。

    示例。"""
    yield from ()
'''


def plug_in(tmp_path: Path, *, entry: str = "demo", declaration: str | None = None,
            rules: str | None = None) -> Path:
    """A distribution ``demo-profile`` whose entry point ``entry`` names package ``demo_rules``."""
    package = tmp_path / "demo_rules"
    package.mkdir()
    (package / "__init__.py").write_text(
        DECLARATION.format(id="demo", prefix="DM") if declaration is None else declaration, "utf-8")
    if rules != "":
        (package / "checks.py").write_text(
            rules or RULE.format(profile="demo", rule_id="DM1"), "utf-8")
    info = tmp_path / "demo_profile-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-profile\nVersion: 1.0\n", "utf-8")
    (info / "entry_points.txt").write_text(f"[registry.profiles]\n{entry} = demo_rules\n", "utf-8")
    return tmp_path


def python(path: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(path)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False,
                          timeout=120)


def test_the_five_profiles_are_found_without_a_list() -> None:
    assert set(SELECTABLE) >= {"quxian", "potou", "dashiqiao", "dalad", "jinxiang"}
    assert list(PROFILES)[0] == "common"
    for profile in SELECTABLE:
        own = [r for r in RULES.values() if r.profile == profile]
        assert own and all(r.id.startswith(PROFILES[profile].prefix) for r in own)
        assert all(r.check.__module__.startswith(f"registry.rules.{profile}.") for r in own)


def test_authority_roles_are_the_models() -> None:
    assert set(AUTHORITY_ROLES) == set(Authorities.model_fields) - {"data_authority"}
    assert all(set(PROFILES[p].authorities) <= set(AUTHORITY_ROLES) for p in SELECTABLE)


def test_a_profile_from_an_entry_point_is_listed_and_its_rules_registered(tmp_path: Path) -> None:
    path = plug_in(tmp_path)
    done = python(path, "from registry.rules import RULES\n"
                        "from registry.rules.profiles import SELECTABLE\n"
                        "print(RULES['DM1'].profile, 'demo' in SELECTABLE)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["demo", "True"]
    listed = python(path, "from registry.cli import main; raise SystemExit(main(['rules', '--profile', 'demo']))")
    assert listed.returncode == 0 and "DM1" in listed.stdout and "示例县管理办法 第一条" in listed.stdout


@pytest.mark.parametrize(("case", "kwargs", "message"), [
    ("no declaration", {"declaration": "# 忘了写 PROFILE\n"}, "没有声明规则配置"),
    ("declares but registers no rule", {"rules": ""}, "没有注册任何规则"),
    ("foreign prefix", {"rules": RULE.format(profile="demo", rule_id="QX99")}, "编号须以前缀 DM"),
    ("rule of another profile", {"rules": RULE.format(profile="quxian", rule_id="QX99")}, "却声明 profile='quxian'"),
    ("unknown profile", {"rules": RULE.format(profile="nowhere", rule_id="NW1")}, "却声明 profile='nowhere'"),
    ("id differs from its name", {"entry": "other"}, "应与包名 other 相同"),
    ("prefix taken", {"declaration": DECLARATION.format(id="demo", prefix="QX")}, "与 quxian 的 QX 冲突"),
    ("prefix of the common rules", {"declaration": DECLARATION.format(id="demo", prefix="REG")}, "冲突"),
    ("id taken", {"entry": "quxian", "declaration": DECLARATION.format(id="quxian", prefix="DM")}, "重复"),
    ("bad id", {"declaration": DECLARATION.format(id="Demo Profile", prefix="DM")}, "id 'Demo Profile'"),
])
def test_a_mistaken_profile_is_an_error_at_import(tmp_path: Path, case: str, kwargs: dict[str, str],
                                                  message: str) -> None:
    done = python(plug_in(tmp_path, **kwargs), "import registry.rules")
    assert done.returncode != 0, f"{case}: imported without error"
    assert "ProfileError" in done.stderr and message in done.stderr, done.stderr[-2000:]


def test_a_broken_plug_in_names_itself(tmp_path: Path) -> None:
    done = python(plug_in(tmp_path, declaration="raise ImportError('坏了')\n"), "import registry.rules")
    assert done.returncode != 0 and "无法加载规则配置入口点 demo" in done.stderr


def _article_name(prefix: str, article: str) -> str:
    """第十五条（四） → QX15_4; 第二十一条第一款 → PT21_K1; 第七条（二）至（四） → QX7_2_4."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}

    def number(text: str) -> int:
        if "十" not in text:
            return digits[text]
        tens, _, ones = text.partition("十")
        return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)

    head = re.match(r"第([一二三四五六七八九十]+)条(.*)", article)
    assert head, article
    name = f"{prefix}{number(head.group(1))}"
    paragraphs = re.findall(r"第([一二三四五六七八九十]+)款", head.group(2))
    items = re.findall(r"[（(]([一二三四五六七八九十]+)[)）]", head.group(2))
    if paragraphs:
        name += "_K" + "_".join(str(number(p)) for p in paragraphs)
    if items:
        name += "_" + "_".join(str(number(i)) for i in items)
    return name


@pytest.mark.parametrize("profile", SELECTABLE)
def test_citations_follow_one_naming_scheme_and_quote_each_article_once(profile: str) -> None:
    module = importlib.import_module(f"registry.rules.{profile}.citations")
    citations = {name: value for name, value in vars(module).items() if isinstance(value, Citation)}
    assert citations
    for name, citation in citations.items():
        assert citation.profile == profile, name
        assert name == _article_name(PROFILES[profile].prefix, citation.article), f"{name} cites {citation.article}"
    articles = [c.article for c in citations.values()]
    assert len(articles) == len(set(articles)), "an article quoted twice"


def test_every_cited_article_is_the_one_quote_of_its_profile() -> None:
    """No rule module quotes an article itself: every Citation a rule cites is its profile's."""
    for rule in RULES.values():
        for citation in rule.citations:
            module = importlib.import_module(f"registry.rules.{citation.profile}.citations")
            own = [c for c in vars(module).values() if isinstance(c, Citation) and c.article == citation.article]
            assert len(own) == 1 and own[0] is citation, f"{rule.id} cites {citation.profile} {citation.article} not from its citations.py"
