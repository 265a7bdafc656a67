"""The audit's finding kinds (AUD001–AUD006): documented like rules, found in history.

They are not rules of the engine (they read git history, not records), so they live here as
data: ID, title, what is checked, and the review procedure they enforce. ``registry rules``
does not list them; SARIF and the README do.
"""
from __future__ import annotations

from registry import plainclass
from registry.findings import RuleInfo, Severity

# Milestone → the authority role (registry.yaml ``authorities``) whose decision it records.
AUTHORITY_OF_MILESTONE: dict[str, str] = {
    "reviewed": "data_authority",
    "third_party_assessed": "data_authority",
    "approved": "data_authority",
    "final_acceptance": "data_authority",
    "finance_reviewed": "finance",
    "budgeted": "finance",
    "crypto_reviewed": "crypto",
}
# The titles registry.yaml's ``authorities`` gives those roles (the Authorities model's field
# titles, tests/test_h23_audit_twins.py keeps them equal): named in AUD001's message without
# importing the models.
ROLE_TITLES: dict[str, str] = {"data_authority": "数据主管部门", "finance": "财政部门", "crypto": "密码管理部门"}


@plainclass.dataclass(frozen=True)
class AuditRule:
    """An audit finding kind: documented like a rule, but found in history, not records."""

    id: str
    title: str
    summary: str
    citation: str
    quote: str

    def info(self) -> RuleInfo:
        """What a report says about this kind (every audit finding is an error)."""
        return RuleInfo(self.id, self.title, self.summary, self.citation, self.quote, severity=Severity.error, tag="audit")


_MERGE_PROCEDURE = (
    "各单位以合并请求提交变更，经审核人审核、职能部门批准人合并后生效；合并提交须由代码托管平台的合并密钥"
    "或批准人本人的密钥签名，主分支开启保护，禁止直接推送与强制推送，合并方式选用“合并提交”。"
)

AUDIT_RULES: dict[str, AuditRule] = {
    r.id: r
    for r in (
        AuditRule(
            "AUD001", "职能部门审批里程碑须由该部门批准人合并",
            "新增、修改或删除职能部门里程碑（评审、第三方评估论证、立项批复、竣工验收 → 数据主管部门；"
            "资金审核、预算下达 → 财政部门；密码应用审核 → 密码管理部门）的首父提交，须是该部门在 registry.yaml "
            "中登记的批准人（approvers，按提交前的配置、只认邮箱）所做的合并；默认的签名模式下，这一合并的签名还须"
            "用登记簿信任的公钥验证通过（平台合并公钥或该批准人登记的公钥）。",
            "登记簿审核流程：职能部门审批结论须经该部门批准人合并",
            "登记簿中的审批结论（立项批复、资金审核、预算下达、密码应用审核、验收等）只能由作出该结论的职能部门确认："
            "单位提交合并请求，职能部门的批准人审核后合并。",
        ),
        AuditRule(
            "AUD002", "变更须经合并请求进入主分支",
            "主分支上改动登记簿的首父提交都应是合并请求的合并提交；不是合并的提交（直接推送、快进、squash 或 rebase "
            "合并）未经审核。",
            "登记簿审核流程：变更须经合并请求审核",
            "各单位以合并请求提交变更，经审核人审核、数据主管部门合并后生效；主分支应开启保护，禁止直接推送，"
            "合并方式选用“合并提交”（squash 或 rebase 合并在 git 历史中与直接推送无法区分）。",
        ),
        AuditRule(
            "AUD003", "合并提交须有可验证的签名",
            "签名模式（默认）下，主分支上改动登记簿的每个合并提交都须带有签名，并能用 git verify-commit 以登记簿信任的"
            "公钥（registry.yaml 的 trust.merge_keys 或 approvers 中登记的公钥）验证通过。没有签名或无法验证的“合并”"
            "可能是在分支上伪造后快进进入主分支的，不能证明经过了审核。",
            "登记簿审核流程：合并提交须能验证来源",
            _MERGE_PROCEDURE,
        ),
        AuditRule(
            "AUD004", "批准人、审核人与信任配置的修改须经有权限的人合并",
            "修改某单位的 approvers 或 reviewers，须是该单位批准人（或按 trust.approver_changes 的规定，数据主管部门的"
            "批准人）所做的、可验证的合并；把 authorities 中的某个职能改由别的单位承担，按同样的规定须由原承担单位的"
            "批准人合并；修改 trust 须由数据主管部门的批准人合并。批准人按提交前的配置判断；未获认可的修改在审计中"
            "不生效，之后的审批仍按原批准人核对。",
            "登记簿审核流程：批准权限的变更须经原批准人确认",
            "谁有权批准，由职能部门自己决定：一个单位的批准人、审核人名单只能由该单位的批准人（或数据主管部门）"
            "审核合并后变更。",
        ),
        AuditRule(
            "AUD005", "提交时间不得倒退",
            "沿主分支的首父历史，每个提交的提交时间（committer date）不应早于前一个提交。时间由提交者自行填写，"
            "审计从不按日期跳过历史；倒退的时间说明提交时间被改写或提交是在别处伪造后推送的。",
            "登记簿审核流程：历史按提交顺序审计",
            _MERGE_PROCEDURE,
        ),
        AuditRule(
            "AUD006", "登记簿文件须是普通文件",
            "历史中 registry.yaml、systems/、projects/、docs/ 下的文件以及任何 .yaml/.yml 文件不得是符号链接或子模块："
            "经符号链接存放的记录会让审批修改落在审计与审核看不到的位置。",
            "登记簿审核流程：记录须以普通文件保存",
            "登记簿的每条记录都以普通 YAML 文件保存在 systems/ 或 projects/ 的单位目录下，所有修改都经合并请求审核。",
        ),
    )
}
