"""Enumerations of the data format, each value with its Chinese label.

The labels are data: the models put them into the JSON Schema (editor hover help) and the
site shows them instead of the English codes.
"""
from __future__ import annotations

import datetime as dt
from enum import StrEnum


class LabeledEnum(StrEnum):
    """A string enum whose members carry a Chinese label (``Member.label``)."""

    label: str

    def __new__(cls, value: str, label: str = "") -> LabeledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {m.value: m.label for m in cls}


def plain_label(value: object) -> str | None:
    """How the site and the exports write a label, a yes/no or a date for people: enums by
    their Chinese label, booleans 是/否, dates as YYYY-MM-DD; None for any other value (each
    caller writes numbers and text its own way)."""
    if isinstance(value, LabeledEnum):
        return value.label
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


class UnitKind(LabeledEnum):
    authority = "authority", "数据主管部门"
    department = "department", "县直部门"
    township = "township", "乡镇（街道）"
    park = "park", "园区"
    enterprise = "enterprise", "国有企业"


class SystemStatus(LabeledEnum):
    planned = "planned", "规划中"
    building = "building", "建设中"
    trial = "trial", "试运行"
    operating = "operating", "运行中"
    retired = "retired", "已停用"
    merged = "merged", "已整合"


ACTIVE_STATUSES = frozenset(
    {SystemStatus.planned, SystemStatus.building, SystemStatus.trial, SystemStatus.operating}
)


class Scope(LabeledEnum):
    public = "public", "公共类"
    professional = "professional", "专业类"


class Audience(LabeledEnum):
    internal = "internal", "对内（政务内部）"
    public = "public", "面向公众"
    both = "both", "对内与面向公众"


class CommonFunction(LabeledEnum):
    digital_certificate = "digital_certificate", "数字证书"
    e_license = "e_license", "电子证照"
    e_seal = "e_seal", "电子印章"
    public_payment = "public_payment", "公共支付"
    logistics = "logistics", "物流快递"
    notification = "notification", "消息通知"
    consultation_complaint = "consultation_complaint", "咨询投诉"
    website_platform = "website_platform", "网站平台"
    mobile_app = "mobile_app", "移动客户端"
    big_data_platform = "big_data_platform", "大数据平台"
    law_enforcement_inspection = "law_enforcement_inspection", "执法检查"


class Deployment(LabeledEnum):
    county_cloud = "county_cloud", "县级政务云"
    city_cloud = "city_cloud", "市级政务云"
    province_cloud = "province_cloud", "省级政务云"
    own_machine_room = "own_machine_room", "自建机房"
    other = "other", "其他"


class Network(LabeledEnum):
    egov_extranet = "egov_extranet", "电子政务外网"
    egov_intranet = "egov_intranet", "电子政务内网"
    internet = "internet", "互联网"
    private_line = "private_line", "专线"


class Platform(LabeledEnum):
    big_data_platform = "big_data_platform", "一体化大数据平台"
    smart_city = "smart_city", "智慧城市数字综合平台"
    gov_service_platform = "gov_service_platform", "一体化（在线）政务服务平台"
    collab_office = "collab_office", "统一协同办公平台"
    city_info_service = "city_info_service", "城市公共信息服务平台"
    shandongtong = "shandongtong", "山东通"
    aishandong = "aishandong", "爱山东"
    internet_plus_supervision = "internet_plus_supervision", "互联网+监管"
    resource_library = "resource_library", "统一政务信息资源库平台"
    video_platform = "video_platform", "视图信息综合应用平台"
    command_center = "command_center", "城市集中运行指挥中心"


class CryptoAssessment(LabeledEnum):
    passed = "passed", "通过"
    failed = "failed", "未通过"
    pending = "pending", "待评估"
    not_required = "not_required", "无需评估"


class Nature(LabeledEnum):
    new = "new", "新建"
    upgrade = "upgrade", "升级改造"
    expansion = "expansion", "扩建"
    rebuild = "rebuild", "改建"
    om = "om", "运行维护"
    operation_service = "operation_service", "运营服务"
    third_party = "third_party", "第三方服务"


EXISTING_SYSTEM_NATURES = frozenset(
    {Nature.upgrade, Nature.expansion, Nature.rebuild, Nature.om, Nature.operation_service}
)


class Delivery(LabeledEnum):
    build = "build", "自行建设"
    purchase = "purchase", "购买服务"


class Track(LabeledEnum):
    approval = "approval", "审批制"
    filing = "filing", "备案制"


class Builder(LabeledEnum):
    unit = "unit", "项目单位自建"
    data_authority = "data_authority", "数据主管部门统建"


class BasisKind(LabeledEnum):
    plan = "plan", "规划"
    directive = "directive", "上级或县委县政府明确要求"
    urgent = "urgent", "应急或紧急情况"
    meeting = "meeting", "会议决定"
    other = "other", "其他"


class FundSource(LabeledEnum):
    county_budget = "county_budget", "本级财政预算"
    special_fund = "special_fund", "专项资金"
    superior_fund = "superior_fund", "上级资金"
    bond = "bond", "政府专项债券"
    social_capital = "social_capital", "社会资本"


class Hardware(LabeledEnum):
    server = "server", "服务器"
    storage = "storage", "存储设备"
    network_device = "network_device", "网络设备"
    machine_room = "machine_room", "机房"
    data_center = "data_center", "数据中心"
    private_cloud = "private_cloud", "私有云"
    terminal_security = "terminal_security", "终端安全"
    internet_line = "internet_line", "互联网线路"
    private_line = "private_line", "专线"


class AwardMethod(LabeledEnum):
    open_tender = "open_tender", "公开招标"
    invited_tender = "invited_tender", "邀请招标"
    competitive_negotiation = "competitive_negotiation", "竞争性谈判"
    competitive_consultation = "competitive_consultation", "竞争性磋商"
    single_source = "single_source", "单一来源"
    inquiry = "inquiry", "询价"
    framework = "framework", "框架协议"


class EvaluationKind(LabeledEnum):
    self = "self", "自评价"
    performance = "performance", "绩效评价"
    post = "post", "后评价"


class DocumentKind(LabeledEnum):
    feasibility_study = "feasibility_study", "可行性研究报告"
    preliminary_design = "preliminary_design", "初步设计方案"
    implementation_plan = "implementation_plan", "实施方案"
    service_requirements = "service_requirements", "购买服务需求技术方案"
    data_sharing_plan = "data_sharing_plan", "数据共享方案"
    resource_catalog = "resource_catalog", "信息资源目录"
    cloud_requirements = "cloud_requirements", "政务云资源需求"
    mlps_plan = "mlps_plan", "等级保护方案"
    crypto_plan = "crypto_plan", "密码应用方案"
    trusted_products_statement = "trusted_products_statement", "安全可靠情况说明"
    party_committee_decision = "party_committee_decision", "党委（党组）会议集体研究纪要"
    responsibility_letter = "responsibility_letter", "项目建设主体责任书"
    supervision_report = "supervision_report", "监理报告"
    financial_report = "financial_report", "财务报告"
    construction_summary = "construction_summary", "建设总结报告"
    security_assessment = "security_assessment", "安全风险评估报告"
    mlps_report = "mlps_report", "等保测评报告"
    crypto_assessment_report = "crypto_assessment_report", "密评报告"
    audit_report = "audit_report", "审计报告"


class Stage(LabeledEnum):
    """Project milestones in stage order; ``terminated`` ends a project at any stage."""

    declared = "declared", "申报"
    planned = "planned", "纳入年度计划"
    reviewed = "reviewed", "评审"
    finance_reviewed = "finance_reviewed", "资金审核"
    crypto_reviewed = "crypto_reviewed", "密码应用审核"
    third_party_assessed = "third_party_assessed", "第三方评估论证"
    approved = "approved", "立项批复"
    budgeted = "budgeted", "预算下达"
    price_inquiry = "price_inquiry", "概算询价公示"
    awarded = "awarded", "中标（成交）"
    contracted = "contracted", "合同签订"
    started = "started", "开工"
    trial_run = "trial_run", "试运行"
    preliminary_acceptance = "preliminary_acceptance", "初步验收"
    conformity_review = "conformity_review", "符合性审查"
    archive_acceptance = "archive_acceptance", "档案验收"
    final_acceptance = "final_acceptance", "竣工（履约）验收"
    terminated = "terminated", "终止"


# The order of FORMAT.md ("Stage order"); the other milestones are side steps with no rank.
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.declared,
    Stage.planned,
    Stage.reviewed,
    Stage.approved,
    Stage.budgeted,
    Stage.awarded,
    Stage.contracted,
    Stage.started,
    Stage.trial_run,
    Stage.preliminary_acceptance,
    Stage.final_acceptance,
)


class CmsBackend(LabeledEnum):
    """The code forge the web form (Decap CMS) opens its pull requests on."""

    github = "github", "GitHub"
    gitlab = "gitlab", "GitLab"
    gitea = "gitea", "Gitea"
    forgejo = "forgejo", "Forgejo"
