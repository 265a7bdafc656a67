"""A synthetic but realistic registry for benchmarks: ~100 units, N systems, N projects.

The records are written the way a data bureau's staff would write them (block YAML, Chinese
text, comments at the top, document numbers and some ``docs/`` attachments), follow the
timeline the regulations expect (declared → planned → … → final acceptance, progress
reports, evaluations) and link projects to the systems they create, upgrade or maintain, so
that the cross-record rules have real work to do and most records pass. Everything is derived
from a seeded random generator: the same arguments give the same bytes.

Run ``python benchmarks/synth.py OUT`` to write one without timing anything.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import subprocess
from pathlib import Path
from typing import Any

from registry.enums import STAGE_ORDER, Stage
from registry.rules.profiles import SELECTABLE
from registry.yamlio import resolve_plain

TODAY = dt.date(2026, 6, 30)  # the benchmark's --today: fixed, so findings do not drift
JURISDICTION = "金乡县"
PREFIX = "金"

# Real-looking county units: (id, name, kind). Filled up to the requested count with
# townships and subordinate units.
CORE_UNITS: list[tuple[str, str, str]] = [
    ("dsj", "县大数据局", "authority"), ("czj", "县财政局", "department"),
    ("fgj", "县发展和改革局", "department"), ("sjj", "县审计局", "department"),
    ("wxb", "县委网信办", "department"), ("mmj", "县密码管理局", "department"),
    ("gaj", "县公安局", "department"), ("wjw", "县卫生健康局", "department"),
    ("jyj", "县教育和体育局", "department"), ("mzj", "县民政局", "department"),
    ("rsj", "县人力资源和社会保障局", "department"), ("zrj", "县自然资源和规划局", "department"),
    ("hbj", "县生态环境分局", "department"), ("zjj", "县住房和城乡建设局", "department"),
    ("jtj", "县交通运输局", "department"), ("slj", "县水务局", "department"),
    ("nyj", "县农业农村局", "department"), ("swj", "县商务局", "department"),
    ("wlj", "县文化和旅游局", "department"), ("yjj", "县应急管理局", "department"),
    ("scj", "县市场监督管理局", "department"), ("tjj", "县统计局", "department"),
    ("ybj", "县医疗保障局", "department"), ("spj", "县行政审批服务局", "department"),
    ("sfj", "县司法局", "department"), ("tyjrj", "县退役军人事务局", "department"),
    ("xfj", "县信访局", "department"), ("gxj", "县工业和信息化局", "department"),
    ("kjj", "县科学技术局", "department"), ("lyj", "县林业发展中心", "department"),
    ("gjj", "县住房公积金中心", "department"), ("rmtzx", "县融媒体中心", "department"),
    ("kfq", "县经济开发区管委会", "park"), ("gxq", "县高新技术产业园", "park"),
    ("ctjt", "县城市建设投资集团", "enterprise"), ("sw", "县水务集团", "enterprise"),
]
TOWNSHIPS = ["金乡街道", "高河街道", "王丕街道", "鱼山街道", "胡集镇", "司马镇", "鸡黍镇",
             "卜集镇", "化雨镇", "羊山镇", "霄云镇", "兴隆镇", "马庙镇", "肖云镇"]
SUBJECTS = ["政务服务", "综合监管", "数据共享", "应急指挥", "档案管理", "视频监控", "办公自动化",
            "统计分析", "信用信息", "执法办案", "预约挂号", "就业服务", "社会救助", "不动产登记",
            "环境监测", "河长制", "智慧农业", "安全生产", "市场主体", "公共资源交易", "食品安全",
            "学籍管理", "医保结算", "信访事项", "网格治理", "智慧停车", "水质监测", "工程建设审批"]
SYSTEM_KINDS = ["管理系统", "服务平台", "信息系统", "综合平台", "监管平台", "业务系统"]
GOALS = [("系统可用率", "99.9%"), ("业务网上办理率", "100%"), ("数据共享率", "90%"),
         ("平均响应时间", "≤2秒"), ("用户满意度", "95%")]


@dataclasses.dataclass
class Unit:
    id: str
    name: str
    kind: str
    systems: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    projects: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def make_units(count: int) -> list[Unit]:
    units = [Unit(uid, JURISDICTION + name[1:], kind) for uid, name, kind in CORE_UNITS[:count]]
    for i, town in enumerate(TOWNSHIPS):
        if len(units) >= count:
            break
        units.append(Unit(f"xz{i + 1:02d}", f"{JURISDICTION}{town}", "township"))
    n = 0
    while len(units) < count:
        n += 1
        units.append(Unit(f"xsdw{n:02d}", f"{JURISDICTION}下属事业单位{n}", "department"))
    return units


def registry_yaml(units: list[Unit], profiles: list[str]) -> str:
    lines = [
        "# 登记簿实例文件：辖区、适用的管理办法、单位和职能部门",
        f"jurisdiction: {JURISDICTION}",
        f"profiles: [{', '.join(profiles)}]",
        "base_branch: main",
        "units:",
    ]
    for u in units:
        lines += [f"  - id: {u.id}", f"    name: {u.name}", f"    kind: {u.kind}"]
        if u.kind != "authority":
            lines.append(f"    reviewers: [\"@jinxiang/{u.id}\"]")
    lines += ["authorities:", "  data_authority: dsj", "  finance: czj", "  development_reform: fgj",
              "  audit: sjj", "  cyberspace: wxb", "  crypto: mmj", "parameters: {}", "disabled_rules: []"]
    return "\n".join(lines) + "\n"


class Generator:
    """Builds every unit's systems and projects with one seeded random source."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.attachments: list[str] = []  # docs/ files that records name

    # ---- systems -----------------------------------------------------------------------

    def legacy_systems(self, unit: Unit, count: int) -> None:
        """Systems that predate the registry's projects: mostly operating, some retired or
        merged into one of the unit's operating systems."""
        added = []
        for _ in range(count):
            roll = self.rng.random()
            status = "operating" if roll < 0.80 else ("retired" if roll < 0.95 else "merged")
            added.append(self.system(unit, len(unit.systems) + 1, status, built_by=[]))
            unit.systems.append(added[-1])
        operating = [s for s in unit.systems if s["status"] == "operating"]
        for s in added:
            if s["status"] != "merged":
                continue
            if operating:
                s["merged_into"] = self.rng.choice(operating)["id"]
            else:  # nothing to merge into: a plain retirement instead
                s["status"] = "retired"
                s["retirement_ref"] = f"{PREFIX}{unit.id}停字〔{s['retired_on'].year}〕1号"

    def system(self, unit: Unit, n: int, status: str, *, built_by: list[str],
               online: dt.date | None = None) -> dict[str, Any]:
        rng = self.rng
        subject = rng.choice(SUBJECTS)
        audience = rng.choices(["internal", "public", "both"], [5, 2, 3])[0]
        online = online or dt.date(rng.randint(2012, 2022), rng.randint(1, 12), rng.randint(1, 28))
        record: dict[str, Any] = {
            "id": f"{unit.id}-sys-{n:03d}",
            "name": f"{unit.name[len(JURISDICTION):]}{subject}{rng.choice(SYSTEM_KINDS)}",
            "unit": unit.id,
            "status": status,
            "description": f"支撑{unit.name}{subject}业务的在线办理、统计分析与数据共享",
            "scope": rng.choice(["public", "professional"]),
            "audience": audience,
            "common_function": None,
            "enforcement": rng.random() < 0.05,
            "online_since": online if status in ("trial", "operating", "retired", "merged") else None,
            "retired_on": None, "merged_into": None, "retirement_ref": None,
            # Systems a project creates go to the county cloud (金乡 第九条); older ones vary.
            "deployment": "county_cloud" if built_by else rng.choices(
                ["county_cloud", "city_cloud", "province_cloud"], [8, 1, 1])[0],
            "network": rng.choice(["egov_extranet", "egov_extranet", "internet"]),
            "platforms": self.platforms(audience),
            "security": {
                "mlps_level": rng.choice([2, 2, 3]),
                "mlps_tested_on": online + dt.timedelta(days=rng.randint(60, 300)),
                "crypto_assessment": rng.choice(["passed", "passed", "not_required"]),
                "crypto_assessed_on": online + dt.timedelta(days=rng.randint(60, 300)),
                "trusted_products": True,
                "major_risks": [],
            },
            "data": {
                "resource_catalog": [f"JX-{unit.id.upper()}-{n:04d}", f"JX-{unit.id.upper()}-{n + 500:04d}"],
                "shared": True,
                "duplicate_collection": False,
                "sharing_exemption": None,
            },
            "built_by": built_by,
        }
        if record["enforcement"]:
            record["platforms"].append("internet_plus_supervision")
        if status in ("retired", "merged"):
            record["retired_on"] = online + dt.timedelta(days=rng.randint(700, 2500))
            record["retired_on"] = min(record["retired_on"], self.today - dt.timedelta(days=30))
            if status == "retired":
                record["retirement_ref"] = f"{PREFIX}{unit.id}停字〔{record['retired_on'].year}〕{n}号"
        if rng.random() < 0.3:
            record["notes"] = "运维合同每年续签，服务商驻场一人"
            record["contacts"] = [{"name": "王工", "phone": "0537-8760000"}]
        return record

    def platforms(self, audience: str) -> list[str]:
        out = ["big_data_platform", "smart_city", "resource_library"]
        if audience in ("internal", "both"):
            out += ["collab_office", "shandongtong"]
        if audience in ("public", "both"):
            out += ["gov_service_platform", "city_info_service", "aishandong"]
        return out

    # ---- projects ----------------------------------------------------------------------

    def fill_unit(self, unit: Unit, n_systems: int, n_projects: int) -> None:
        """Projects of every nature over the years; ``new`` ones create their own system, the
        others upgrade or maintain the unit's older (legacy) systems, created first."""
        plans = [(self.rng.choices(range(2019, 2028), [6, 8, 10, 12, 14, 14, 14, 12, 6])[0],
                  self.rng.choices(["new", "upgrade", "expansion", "rebuild", "om", "operation_service",
                                    "third_party"], [25, 15, 5, 5, 30, 8, 12])[0])
                 for _ in range(n_projects)]
        creating = sum(1 for _year, nature in plans if nature == "new")
        self.legacy_systems(unit, max(1, n_systems - creating))
        legacy = [s for s in unit.systems if s["status"] == "operating"]
        per_year: dict[int, int] = {}
        for year, nature in sorted(plans):
            per_year[year] = per_year.get(year, 0) + 1
            pid = f"{year}-{unit.id}-{per_year[year]:03d}"
            unit.projects.append(self.project(unit, pid, year, nature, legacy))
        if len(unit.systems) < n_systems:  # terminated new projects created nothing
            self.legacy_systems(unit, n_systems - len(unit.systems))

    def project(self, unit: Unit, pid: str, year: int, nature: str,
                legacy: list[dict[str, Any]]) -> dict[str, Any]:
        rng = self.rng
        subject = rng.choice(SUBJECTS)
        total = round(rng.choice([rng.uniform(8, 30), rng.uniform(30, 180), rng.uniform(180, 800)]), 2)
        delivery = "purchase" if nature in ("operation_service", "third_party") or rng.random() < 0.1 else "build"
        security = round(total * rng.uniform(0.06, 0.12), 2)
        crypto = round(total * rng.uniform(0.02, 0.05), 2)
        superior = round(total * 0.4, 2) if rng.random() < 0.2 else 0.0
        sources = [{"kind": "county_budget", "amount_wan": round(total - superior, 2)}]
        if superior:
            sources.append({"kind": "superior_fund", "amount_wan": superior})
        milestones = self.milestones(year)
        record: dict[str, Any] = {
            "id": pid,
            "name": f"{unit.name[len(JURISDICTION):]}{subject}{_NATURE_WORD[nature]}项目",
            "unit": unit.id,
            "year": year,
            "partners": [],
            "nature": nature,
            "delivery": delivery,
            "scope": rng.choice(["public", "professional"]),
            "track": "filing" if nature in ("om", "third_party") and total < 100 else "approval",
            "builder": "unit" if total <= 30 or superior else "data_authority",
            "classified": False,
            "basis": [{"title": f"{JURISDICTION}数字政府建设规划（2023—2027年）",
                       "doc_no": f"{PREFIX}政发〔2023〕5号", "kind": "plan"}],
            "necessity": f"现有{subject}业务依靠人工和分散系统办理，数据无法共享，群众和企业多头跑、重复交材料。",
            "content": f"建设{subject}业务办理、统计分析、数据共享等功能模块，对接一体化大数据平台和山东通，"
                       f"完成等级保护和密码应用改造。",
            "goals": [{"indicator": a, "target": b} for a, b in rng.sample(GOALS, 2)],
            "budget": {"total_wan": total, "security_wan": security, "crypto_wan": crypto,
                       "om_annual_wan": round(total * 0.1, 2), "sources": sources},
            "hardware": [],
            "systems": {"creates": [], "upgrades": [], "maintains": [], "retires": []},
            "documents": {},
            "cost_comparison": ({"build_wan": round(total * 1.6, 2), "purchase_wan": total}
                                if delivery == "purchase" else None),
            "milestones": milestones,
            "progress_reports": self.progress_reports(milestones),
            "evaluations": self.evaluations(milestones),
            "changes": [],
        }
        record["documents"] = self.documents(pid, nature, delivery, total, milestones)
        self.link_systems(unit, record, legacy)
        if rng.random() < 0.2:
            record["notes"] = "已与财政局对接预算安排"
            record["contacts"] = [{"name": "李四", "phone": "0537-8761234", "title": "科长"}]
        return record

    def milestones(self, year: int) -> dict[str, Any]:
        """The regulations' timeline for a project of budget ``year``, cut at today."""
        y = year - 1
        plan: list[tuple[str, Any]] = [
            ("declared", dt.date(y, 3, 10)),
            ("planned", dt.date(y, 4, 15)),
            ("reviewed", {"date": dt.date(y, 5, 20), "ref": f"{PREFIX}大数据评〔{y}〕{self.rng.randint(1, 90)}号"}),
            ("finance_reviewed", {"date": dt.date(y, 6, 5), "ref": f"{PREFIX}财审〔{y}〕{self.rng.randint(1, 90)}号"}),
            ("crypto_reviewed", {"date": dt.date(y, 6, 10), "ref": f"{PREFIX}密审〔{y}〕{self.rng.randint(1, 90)}号"}),
            ("third_party_assessed", {"date": dt.date(y, 6, 20), "ref": f"评估报告〔{y}〕{self.rng.randint(1, 90)}号"}),
            ("approved", {"date": dt.date(y, 7, 15), "doc_no": f"{PREFIX}大数据发〔{y}〕{self.rng.randint(1, 90)}号"}),
            ("price_inquiry", {"date": dt.date(y, 8, 10)}),
            ("budgeted", {"date": dt.date(year, 1, 15), "amount_wan": None}),
            ("awarded", {"date": dt.date(year, 3, 2), "method": "open_tender"}),
            ("contracted", {"date": dt.date(year, 3, 9), "filed_on": dt.date(year, 3, 12),
                            "implementation_months": 12, "warranty_months": 24, "ip_clause": True}),
            ("started", dt.date(year, 4, 1)),
            ("trial_run", {"start": dt.date(year, 9, 1), "end": dt.date(year, 10, 15)}),
            ("preliminary_acceptance", dt.date(year, 10, 20)),
            ("conformity_review", {"date": dt.date(year, 11, 5), "ref": f"{PREFIX}大数据审〔{year}〕{self.rng.randint(1, 90)}号"}),
            ("archive_acceptance", dt.date(year, 11, 20)),
            ("final_acceptance", {"date": dt.date(year + 1, 2, 20), "passed": True,
                                  "ref": f"{PREFIX}验〔{year + 1}〕{self.rng.randint(1, 90)}号"}),
        ]
        out: dict[str, Any] = {}
        for stage, value in plan:
            when = value if isinstance(value, dt.date) else value.get("date", value.get("start"))
            if when > self.today:
                break
            out[stage] = value
        if "budgeted" in out:
            out["budgeted"] = {"date": out["budgeted"]["date"]}
        if "final_acceptance" not in out and "planned" in out and self.rng.random() < 0.03:
            last = max(_date_of(v) for v in out.values())
            out["terminated"] = {"date": last + dt.timedelta(days=20), "reason": "上级统建同类系统，本项目终止"}
            if out["terminated"]["date"] > self.today:
                del out["terminated"]
        return out

    def progress_reports(self, milestones: dict[str, Any]) -> list[dt.date]:
        """Quarterly progress reports from approval until final acceptance (or today)."""
        if "approved" not in milestones:
            return []
        start = milestones["approved"]["date"]
        end = _date_of(milestones["final_acceptance"]) if "final_acceptance" in milestones else self.today
        reports, month = [], 2
        while True:
            when = _add_months(start, month)
            if when > end:
                return reports
            reports.append(when)
            month += 3

    def evaluations(self, milestones: dict[str, Any]) -> list[dict[str, Any]]:
        """Yearly self-evaluations after final acceptance, a performance evaluation per year."""
        out: list[dict[str, Any]] = []
        if "approved" in milestones:
            first = milestones["approved"]["date"].year
            last = _date_of(milestones.get("final_acceptance", {"date": self.today}))
            for year in range(first, last.year + 1):
                when = dt.date(year, 12, 20)
                if when <= self.today:
                    out.append({"kind": "performance", "date": when, "ref": f"绩效评价报告〔{year}〕"})
        if "final_acceptance" in milestones:
            done = milestones["final_acceptance"]["date"]
            years = 1
            while (when := _add_months(done, 12 * years)) <= self.today:
                out.append({"kind": "self", "date": when, "ref": None})
                years += 1
        return sorted(out, key=lambda e: e["date"])

    def documents(self, pid: str, nature: str, delivery: str, total: float,
                  milestones: dict[str, Any]) -> dict[str, str]:
        """The documents each stage calls for; about one in twenty is an attachment under docs/."""
        wanted: list[str] = []
        if "planned" in milestones:
            wanted += ["data_sharing_plan", "resource_catalog", "cloud_requirements", "mlps_plan", "crypto_plan"]
        if "reviewed" in milestones:
            wanted += ["trusted_products_statement", "party_committee_decision"]
            if nature not in ("om", "third_party", "operation_service") or total >= 500:
                wanted += ["feasibility_study", "preliminary_design"]
            else:  # a simplified procedure: one implementation plan (实施方案)
                wanted.append("implementation_plan")
            if delivery == "purchase":
                wanted.append("service_requirements")
        if "budgeted" in milestones:
            wanted.append("responsibility_letter")
        if "final_acceptance" in milestones:
            wanted += ["supervision_report", "financial_report", "construction_summary", "security_assessment",
                       "mlps_report", "crypto_assessment_report", "audit_report"]
        out: dict[str, str] = {}
        for n, kind in enumerate(wanted, 1):
            if self.rng.random() < 0.05:
                path = f"docs/{pid}/{_DOC_FILES[kind]}.pdf"
                self.attachments.append(path)
                out[kind] = path
            else:
                out[kind] = f"{PREFIX}{_DOC_PREFIX[kind]}〔{pid[:4]}〕{n}号"
        return out

    def link_systems(self, unit: Unit, project: dict[str, Any], legacy: list[dict[str, Any]]) -> None:
        nature, links, m = project["nature"], project["systems"], project["milestones"]
        if nature == "new":
            status = ("operating" if "final_acceptance" in m else "trial" if "trial_run" in m
                      else "building" if "started" in m else "planned")
            online = m["trial_run"]["start"] if "trial_run" in m else None
            if "terminated" in m:
                return  # a terminated new project never registered its system
            created = self.system(unit, len(unit.systems) + 1, status, built_by=[project["id"]], online=online)
            unit.systems.append(created)
            links["creates"].append(created["id"])
        elif nature in ("upgrade", "expansion", "rebuild") and legacy:
            links["upgrades"].append(self.rng.choice(legacy)["id"])
        elif nature in ("om", "operation_service") and legacy:
            links["maintains"] += [s["id"] for s in self.rng.sample(legacy, min(len(legacy), self.rng.randint(1, 2)))]


_NATURE_WORD = {"new": "系统建设", "upgrade": "系统升级改造", "expansion": "系统扩建", "rebuild": "系统改建",
                "om": "系统运行维护", "operation_service": "运营服务", "third_party": "第三方测评服务"}
_DOC_PREFIX = {
    "data_sharing_plan": "数共", "resource_catalog": "资目", "cloud_requirements": "云需", "mlps_plan": "等保",
    "crypto_plan": "密方", "trusted_products_statement": "信创", "party_committee_decision": "党组纪要",
    "feasibility_study": "发改审", "preliminary_design": "初设审", "implementation_plan": "实方", "service_requirements": "需求",
    "responsibility_letter": "责", "supervision_report": "监", "financial_report": "财报",
    "construction_summary": "建总", "security_assessment": "安评", "mlps_report": "等测",
    "crypto_assessment_report": "密评", "audit_report": "审报",
}
_DOC_FILES = {
    "data_sharing_plan": "数据共享方案", "resource_catalog": "信息资源目录", "cloud_requirements": "政务云资源需求",
    "mlps_plan": "等级保护方案", "crypto_plan": "密码应用方案", "trusted_products_statement": "安全可靠情况说明",
    "party_committee_decision": "党组会议纪要", "feasibility_study": "可行性研究报告",
    "preliminary_design": "初步设计方案", "implementation_plan": "实施方案", "service_requirements": "需求技术方案", "responsibility_letter": "主体责任书",
    "supervision_report": "监理报告", "financial_report": "财务报告", "construction_summary": "建设总结报告",
    "security_assessment": "安全风险评估报告", "mlps_report": "等保测评报告",
    "crypto_assessment_report": "密评报告", "audit_report": "审计报告",
}


def _date_of(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return value.get("date") or value["start"]


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


# ---- YAML text ---------------------------------------------------------------------------

_SPECIAL = set(":#[]{},&*!|>'\"%@`") | {"\n"}


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, dt.date)):
        return value.isoformat() if isinstance(value, dt.date) else repr(value)
    text = str(value)
    plain = text and not (_SPECIAL & set(text)) and text[0] not in "-? " and text[-1] != " "
    if plain and resolve_plain(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str | None:
    """Short lists and small scalar mappings on one line, as people write them."""
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, dict) and (not value or (len(value) <= 4 and all(
            not isinstance(v, (dict, list)) for v in value.values()))):
        return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"
    return None


def block(data: dict[str, Any], indent: int = 0) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            flow = _flow(value) if indent > 0 or not isinstance(value, dict) or not value else None
            if flow is not None:
                lines.append(f"{pad}{key}: {flow}")
            elif isinstance(value, dict):
                lines.append(f"{pad}{key}:")
                lines += block(value, indent + 2)
            else:
                lines.append(f"{pad}{key}:")
                for item in value:
                    inner = _flow(item) if isinstance(item, dict) else None
                    lines.append(f"{pad}  - {inner}" if inner else f"{pad}  - " + block(item, indent + 4)[0].lstrip())
                    if inner is None:
                        lines += block(item, indent + 4)[1:]
        else:
            lines.append(f"{pad}{key}: {scalar(value)}")
    return lines


def record_text(record: dict[str, Any], kind: str) -> str:
    header = [f"# yaml-language-server: $schema=../../schema/{kind}.schema.json",
              "# 政务信息化登记簿记录。修改后运行 registry check 校验；字段说明见 registry schema。"]
    return "\n".join(header + block(record)) + "\n"


# ---- writing -----------------------------------------------------------------------------

@dataclasses.dataclass
class Written:
    root: Path
    systems: list[str]  # record paths relative to root
    projects: list[str]
    attachments: int


def generate(root: Path, *, systems: int = 10_000, projects: int = 10_000, units: int = 100,
             profiles: list[str] | None = None, seed: int = 2026, today: dt.date = TODAY) -> Written:
    """Write a registry at ``root`` (which must not exist yet) and commit it to a new git repo."""
    profiles = profiles or list(SELECTABLE)
    gen = Generator(seed, today)
    all_units = make_units(units)
    for unit, n_systems, n_projects in zip(all_units, _spread(systems, len(all_units)),
                                           _spread(projects, len(all_units))):
        gen.fill_unit(unit, n_systems, n_projects)
    root.mkdir(parents=True)
    (root / "registry.yaml").write_text(registry_yaml(all_units, profiles), encoding="utf-8")
    written = Written(root, [], [], 0)
    for unit in all_units:
        written.systems += _write_all(root, "systems", unit.id, unit.systems, "system")
        written.projects += _write_all(root, "projects", unit.id, unit.projects, "project")
    for path in sorted(set(gen.attachments)):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"%PDF-1.4\n% synthetic attachment\n")
    written.attachments = len(set(gen.attachments))
    commit_all(root)
    return written


def _spread(total: int, buckets: int) -> list[int]:
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


def _write_all(root: Path, folder: str, unit: str, records: list[dict[str, Any]], kind: str) -> list[str]:
    out = []
    folder_path = root / folder / unit
    folder_path.mkdir(parents=True, exist_ok=True)
    for record in records:
        clean = {k: v for k, v in record.items() if v is not None or k in ("common_function",)}
        (folder_path / f"{record['id']}.yaml").write_text(record_text(clean, kind), encoding="utf-8")
        out.append(f"{folder}/{unit}/{record['id']}.yaml")
    return out


def commit_all(root: Path) -> None:
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
           "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    (root / ".gitignore").write_text("schema/\n", encoding="utf-8")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "synthetic registry"], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成用于性能测试的合成登记簿（并提交到新的 git 仓库）")
    parser.add_argument("out", type=Path, help="输出目录（不得已存在）")
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--profiles", default=",".join(SELECTABLE), help="逗号分隔（默认全部五个配置）")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    w = generate(args.out, systems=args.systems, projects=args.projects, units=args.units,
                 profiles=args.profiles.split(","), seed=args.seed)
    print(f"{w.root}: {len(w.systems)} 个系统，{len(w.projects)} 个项目，{w.attachments} 个附件")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
