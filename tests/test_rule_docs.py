"""Every rule is documented (sqlfluff style) and cites its regulation word for word."""
from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest
from ruamel.yaml import YAML

from registry.rules import RULES
from registry.rules.base import Kind, Rule
from registry.rules.profiles import PROFILES, SELECTABLE


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", text)


REGULATIONS = {
    p: _normalised(resources.files("registry.regulations").joinpath(f"{p}.txt").read_text("utf-8"))
    for p in SELECTABLE
}


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_rule_is_documented(rule: Rule[Any]) -> None:
    assert rule.summary, "docstring must say what the rule checks"
    assert rule.why, "docstring must say why it matters (second paragraph)"
    assert rule.title and rule.name and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.fails and rule.passes, "a failing and a passing YAML example"
    examples = (rule.passes,) if rule.id == "REG001" else (rule.fails, rule.passes)  # REG001 shows broken YAML
    for example in examples:
        YAML(typ="safe").load(example)
    if rule.profile != "common":
        assert rule.citations, "profile rules cite their article"
        assert rule.id.startswith(PROFILES[rule.profile].prefix)
    assert rule.severity == ("warning" if rule.kind is Kind.deadline else rule.severity)


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_citations_quote_the_regulation_word_for_word(rule: Rule[Any]) -> None:
    for citation in rule.citations:
        assert citation.quote, f"{rule.id} cites {citation} without quoting it"
        assert re.match(r"第[一二三四五六七八九十百]+条", citation.article)
        assert _normalised(citation.quote) in REGULATIONS[citation.profile], (
            f"{rule.id}: quote not found in {citation.profile}: {citation.quote}"
        )


def test_parameters_have_descriptions_and_defaults() -> None:
    for rule in RULES.values():
        for name, info in rule.params.model_fields.items():
            assert info.description, f"{rule.id}.{name} needs a Chinese description"
            assert not info.is_required(), f"{rule.id}.{name} needs a default"


def test_rules_json_lists_exactly_the_ids_of_the_rule_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    import json
    from pathlib import Path

    from registry.cli import main

    catalogue = (Path(__file__).parents[1] / "spec" / "RULES.md").read_text("utf-8")
    documented = set(re.findall(r"^\| ([A-Z]+[0-9][0-9A-Z.]*) \|", catalogue, re.M))
    assert main(["rules", "--format", "json"]) == 0
    listed = {r["id"] for r in json.loads(capsys.readouterr().out)["rules"]}
    assert listed == set(RULES) and len(RULES) > 0
    # The catalogue covers the common rules and every profile it has a section for ("## quxian — …");
    # a profile added as a package documents itself (docstrings → `registry rules`, the site).
    catalogued = {"common"} | {p for p in PROFILES if re.search(rf"^## {p} — ", catalogue, re.M)}
    assert {r.id for r in RULES.values() if r.profile in catalogued} == documented
