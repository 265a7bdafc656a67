"""规则: one page per chosen profile (and the common rules) with every rule's article quote,
parameters and examples, from the rule docstrings through :mod:`registry.ruledocs`.

A county's site shows only its own regulations: no page for a profile it did not choose, and
the common rules cite the chosen profiles' articles (or the neutral 登记簿通用规则)."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

from registry import ruledocs
from registry.rules import RULES
from registry.rules.base import Rule
from registry.rules.profiles import PROFILES
from registry.site import urls
from registry.site.data import SiteData
from registry.site.markup import Cell, Column, Table, esc, link, page, paragraph


def pages(data: SiteData) -> dict[str, str]:
    out = {urls.RULES_INDEX: index_page(data)}
    out.update({urls.rules(profile): profile_page(data, profile) for profile in shown_profiles(data)})
    return out


def shown_profiles(data: SiteData) -> list[str]:
    """The common rules and the chosen profiles, in the catalogue's order."""
    return [profile for profile in PROFILES if _selected(data, profile)]


def _rules_of(profile: str) -> list[Rule[Any]]:
    return [r for r in RULES.values() if r.profile == profile]


def _selected(data: SiteData, profile: str) -> bool:
    return profile == "common" or profile in data.config.profiles


def index_page(data: SiteData) -> str:
    source = urls.RULES_INDEX
    table = Table([Column("规则配置"), Column("管理办法"), Column("规则数", numeric=True), Column("本登记簿")])
    for profile in shown_profiles(data):
        p = PROFILES[profile]
        table.rows.append([
            Cell(link(urls.href(source, urls.rules(profile)), p.jurisdiction)),
            Cell.text(ruledocs.profile_title(profile)),
            Cell.text(len(_rules_of(profile))),
            Cell.text("适用"),
        ])
    chosen = "、".join(ruledocs.profile_title(p) for p in data.config.profiles)
    intro = paragraph(esc(
        f"本登记簿依据{chosen}，另加登记簿通用规则。"
        "每条规则写明依据条款、原文、参数和正反示例；检查结果中的规则编号链接到这里。"
    ))
    return page("规则", intro, table.render())


def profile_page(data: SiteData, profile: str) -> str:
    counts = Counter(f.rule for f in data.findings)
    status = "本登记簿适用"
    sections = [_rule_section(data, r, counts[r.id]) for r in _rules_of(profile)]
    return page(ruledocs.profile_title(profile), paragraph(esc(f"{status}，共 {len(sections)} 条规则。")),
                *sections)


def _rule_section(data: SiteData, rule: Rule[Any], findings: int) -> str:
    return ruledocs.markdown(rule, data.config.profiles).rstrip("\n") + "\n\n" + paragraph(_in_force(data, rule, findings), cls="registry-in-force")


def _in_force(data: SiteData, rule: Rule[Any], findings: int) -> str:
    disabled = dict(data.run.selection.disabled)
    if rule.id in disabled:
        return esc(f"本登记簿：已停用。理由：{disabled[rule.id]}")
    params = data.in_force.get(rule.id)
    if params is None:
        return esc("本登记簿：未选用。")
    values = params.model_dump()
    overridden = {k: v for k, v in values.items() if v != rule.defaults().get(k)}
    text = "本登记簿：适用"
    if overridden:
        text += "，参数 " + "，".join(f"{_param_title(params, k)} 为 {v}" for k, v in overridden.items())
    text += f"；当前问题 {findings} 个。" if findings else "；当前无问题。"
    return esc(text)


def _param_title(params: Any, name: str) -> str:
    """A parameter's Chinese name: its description up to the first colon or bracket."""
    info = type(params).model_fields.get(name)
    text = (info.title or info.description or name) if info is not None else name
    return re.split(r"[：:（(]", text, maxsplit=1)[0]
