"""Profiles are discovered, never listed: the five packages under registry/rules/, and a profile
shipped as a separate distribution through the ``registry.profiles`` entry-point group.
A mistake in a declaration is an error at import time naming the package, never a profile
that silently disappears. Plug-ins are installed into a temporary directory (a package and its
``.dist-info``) put on PYTHONPATH of a subprocess, so the test process keeps its own rules."""
from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from registry.models.config import Authorities
from registry.rules import RULES
from registry.rules.base import Citation
from registry.rules.profiles import AUTHORITY_ROLES, PROFILES, SELECTABLE

FIXTURES = Path(__file__).parent / "fixtures"

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


@pytest.mark.parametrize("command", [["rules"], ["check"], ["schema"], ["--lang", "en", "rules"]])
def test_the_command_line_names_a_broken_profile_without_a_traceback(tmp_path: Path, command: list[str]) -> None:
    path = plug_in(tmp_path, rules="")
    registry = shutil.copytree(FIXTURES / "quxian", tmp_path / "registry")  # check must reach the rules
    argv = ["--root", str(registry), *command]
    done = python(path, f"from registry.cli import main; raise SystemExit(main({argv!r}))")
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "没有注册任何规则" in done.stderr
    assert ("broken" if "en" in command else "规则配置包有误") in done.stderr


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


LOADED = ("import sys\n"
          "def loaded():\n"
          "    return sorted({m.split('.')[2] for m in sys.modules if m.startswith('registry.rules.') and m.count('.') >= 3\n"
          "                   and m.split('.')[3] != 'citations'})\n")  # citations: data the common rules quote


def test_a_profiles_rule_modules_are_imported_when_its_rules_are_first_needed() -> None:
    done = python(FIXTURES, LOADED + "from registry.rules import RULES\n"
                                     "from registry.rules.profiles import SELECTABLE\n"
                                     "print(loaded(), len(SELECTABLE))\n"
                                     "print('QX6' in RULES, loaded())\n"
                                     "print([r.profile for r in RULES.of_profiles({'common', 'potou'})][-1], loaded())\n"
                                     "print('NO1' in RULES, len(loaded()) == len(SELECTABLE), len(RULES))\n")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "[] 5"  # declarations only: every profile is known, none of its rules imported
    assert lines[1] == "True ['quxian']"  # a rule ID imports its profile's modules (its prefix says which)
    assert lines[2] == "potou ['potou', 'quxian']"
    assert lines[3] == f"False True {len(RULES)}"  # an unknown ID is unknown to every profile


def test_listing_the_rules_sees_every_profile_in_order() -> None:
    done = python(FIXTURES, "from registry.rules import RULES\nprint(' '.join(RULES))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == list(RULES)  # the same rules in the same order as a process that loaded them all
    listed = python(FIXTURES, "from registry.cli import main; raise SystemExit(main(['rules', '--all', '--format', 'json']))")
    assert listed.returncode == 0, listed.stderr
    assert all(rule_id in listed.stdout for rule_id in RULES)


def test_a_check_imports_only_the_profiles_its_registry_selects(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURES / "potou", tmp_path / "registry")
    done = python(FIXTURES, LOADED + "import io, contextlib\nfrom registry.cli import main\n"
                            f"with contextlib.redirect_stdout(io.StringIO()):\n"
                            f"    code = main(['--root', {str(root)!r}, 'check', '--no-cache', '--today', '2026-06-30'])\n"
                            "print(code, loaded())\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "0 ['potou']"


def test_a_profile_switched_in_registry_yaml_runs_the_new_profiles_rules(tmp_path: Path) -> None:
    """With a warm cache from a check under one profile, a check after registry.yaml switched
    to another imports and runs the other's rules: the output is the uncached one's."""
    root = shutil.copytree(FIXTURES / "quxian", tmp_path / "registry")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    env.pop("REGISTRY_NO_CACHE", None)

    def check(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "registry", "--root", str(root), "check", "--today", "2026-06-30",
                               "--format", "json", *extra], env=env, capture_output=True, text=True, check=False,
                              timeout=300)

    before = check()
    assert before.returncode in (0, 1), before.stderr
    config = root / "registry.yaml"
    config.write_text(re.sub(r"^profiles: \[quxian\]", "profiles: [potou]", config.read_text("utf-8"), flags=re.M), "utf-8")
    after, uncached = check(), check("--no-cache")
    assert (after.returncode, after.stdout) == (uncached.returncode, uncached.stdout), after.stderr
    assert '"rule": "PT' in after.stdout and '"rule": "QX' not in after.stdout
