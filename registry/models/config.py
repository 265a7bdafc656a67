"""The instance file ``registry.yaml``: jurisdiction, profiles, units and authorities."""
from __future__ import annotations

import functools
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, StringConstraints, field_validator, model_validator

from registry.enums import CmsBackend, UnitKind
from registry.models.base import Contact, Date, Flag, Strict, field
from registry.models.kinds import CONFIG_FILE as CONFIG_FILE
from registry.models.kinds import ApproverKind, RegistryConfigKind

UnitId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]{1,31}$")]

# A public key the audit may trust (registry.audit.signatures reads them): an OpenSSH public key
# line or its SHA256 fingerprint, an ASCII-armoured OpenPGP public key block, or an OpenPGP
# fingerprint (40 hex digits, spaces allowed) of a key in the auditor's own GnuPG keyring.
@functools.cache
def _key_forms() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(OpenSSH key, OpenPGP block, SSH fingerprint, OpenPGP fingerprint), compiled when a key
    is first read: most runs read none."""
    return (re.compile(r"(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)"
                       r"\s+[A-Za-z0-9+/]+={0,2}(?:\s.*)?"),
            re.compile(r"-----BEGIN PGP PUBLIC KEY BLOCK-----.+-----END PGP PUBLIC KEY BLOCK-----", re.DOTALL),
            re.compile(r"SHA256:[A-Za-z0-9+/]{43}"), re.compile(r"(?:0x)?[0-9A-Fa-f]{40}"))


def _signing_key(value: str) -> str:
    text = value.strip()
    ssh_key, pgp_block, ssh_fingerprint, pgp_fingerprint = _key_forms()
    if (ssh_key.fullmatch(text) or pgp_block.fullmatch(text) or ssh_fingerprint.fullmatch(text)
            or pgp_fingerprint.fullmatch(text.replace(" ", ""))):
        return text
    raise ValueError(
        "不是可用的公钥：请填写 OpenSSH 公钥（ssh-ed25519 AAAA…，即 .pub 文件的内容）、"
        "SSH 公钥指纹（SHA256:…，ssh-keygen -lf 所示）、OpenPGP 公钥块（-----BEGIN PGP PUBLIC KEY BLOCK-----…）"
        "或 40 位 OpenPGP 指纹"
    )


SigningKey = Annotated[str, AfterValidator(_signing_key)]


class Approver(ApproverKind, Strict):
    """An approver with the keys that sign their merges (``approvers`` also takes a bare e-mail)."""

    email: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]*@[^@\s]*$", min_length=2)] = field(
        "邮箱", "批准人的 git 提交邮箱（或 @登录名，匹配 GitHub 的 noreply 邮箱）"
    )
    name: str | None = field("姓名", "仅供显示，不用于比对", default=None)
    keys: list[SigningKey] = field(
        "签名公钥", "此人签署合并提交所用的 SSH 公钥、OpenPGP 公钥块或 OpenPGP 指纹", default_factory=list
    )

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, data: Any) -> Any:
        """``key:``/``fingerprint:`` are spellings of a one-key ``keys:`` list."""
        if isinstance(data, dict):
            data = dict(data)
            for alias in ("key", "fingerprint", "fingerprints", "keys"):
                if alias in data and (alias == "keys" or "keys" not in data):
                    value = data.pop(alias)
                    data["keys"] = value if isinstance(value, list) else [value]
        return data


class Unit(Strict):
    id: UnitId = field("单位代码", "小写字母开头，2–32 位小写字母或数字；即 systems/<单位代码>/ 目录名")
    name: str = field("单位名称")
    aliases: list[str] = field("简称", "常用简称或曾用名，例如 卫健局；网站搜索能按简称找到本单位，并在单位页面上显示", default_factory=list)
    kind: UnitKind = field("单位类型", "authority 数据主管部门 | department 县直部门 | township 乡镇（街道） | park 园区 | enterprise 国有企业")
    parent: UnitId | None = field("主管部门", "上级主管单位的单位代码（下属单位填写）", default=None)
    reviewers: list[str] = field("审核人", "代码托管平台上的审核人或团队（生成 CODEOWNERS）", default_factory=list)
    approvers: list[str | Approver] = field(
        "批准人", "其合并视为本单位批准的人：邮箱（或 @登录名），或 {email, keys} 连同其签名公钥；姓名不作数",
        default_factory=list,
    )
    contact: Contact | None = field("联系人", "内部信息，不公开", default=None)


class Authorities(Strict):
    data_authority: UnitId = field("数据主管部门", "大数据局／大数据中心／数据局／政务服务数据管理局的单位代码")
    finance: UnitId | None = field("财政部门", default=None)
    development_reform: UnitId | None = field("发展改革部门", default=None)
    audit: UnitId | None = field("审计部门", default=None)
    cyberspace: UnitId | None = field("网信部门", default=None)
    crypto: UnitId | None = field("密码管理部门", default=None)


class Trust(Strict):
    """What ``registry audit`` trusts besides the approvers' own keys."""

    merge_keys: list[SigningKey] = field(
        "平台合并公钥", "代码托管平台签署网页合并的公钥（GitHub web-flow、GitLab/Gitea 实例密钥）：其签名的合并以作者为合并人",
        default_factory=list,
    )
    approver_changes: Literal["unit", "data_authority", "either"] = field(
        "批准人变更权限",
        "谁可以修改一个单位的 approvers/reviewers：unit 该单位的批准人（默认；尚无批准人时由数据主管部门）"
        " | data_authority 数据主管部门的批准人 | either 两者皆可",
        default="unit",
    )


class DisabledRule(Strict):
    rule: str = field("规则编号", "例如 JX37")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = field(
        "停用理由", "必填：停用依据（会议纪要、文件号等），会显示在检查结果摘要中"
    )


Year = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]


class HolidayArrangement(Strict):
    """One year of the State Council's 部分节假日安排通知, day by day."""

    holidays: list[Date] = field(
        "放假日期", "通知中放假（含放假调休）的每一天，逐日列出，例如春节 2 月 15 日至 23 日写 9 个日期", default_factory=list)
    workdays: list[Date] = field(
        "调休上班日期", "通知中“上班”的周六、周日，逐日列出", default_factory=list)


HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/?#]+[^\s]*$")]


class CmsConfig(Strict):
    """The web form for clerks (Decap CMS, ``registry cms``): where it opens pull requests."""

    backend: CmsBackend = field("代码托管平台", "github | gitlab | gitea | forgejo：网页表单在此平台上为每次保存开合并请求")
    repo: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$")] = field(
        "仓库", "平台上的仓库路径，例如 linhe/registry（GitLab 可含子组）"
    )
    branch: str | None = field("目标分支", "合并请求的目标分支；默认与 base_branch 相同", default=None)
    base_url: HttpUrl | None = field("平台地址", "自建平台的根地址（GitLab/Gitea/Forgejo），或 GitHub 的 OAuth 服务地址", default=None)
    api_root: HttpUrl | None = field("接口地址", "自建平台的 API 地址，例如 https://git.example.gov.cn/api/v1", default=None)
    auth_endpoint: str | None = field("授权路径", "OAuth 授权地址（平台默认以外时填写）", default=None)
    app_id: str | None = field("OAuth 应用编号", "GitLab/Gitea/Forgejo 上登记的 OAuth 应用 Client ID（浏览器内 PKCE 登录）", default=None)
    bundle: str | None = field(
        "预置程序包", "已提交的 Decap CMS 程序包目录（registry cms --vendor 写出），有则构建网站时不需要 node", default=None
    )


class RegistryConfig(RegistryConfigKind, Strict):
    jurisdiction: str = field("行政区划", "本登记簿所属地区，例如 金乡县")
    profiles: list[str] = field(
        "规则配置", "适用的管理办法（规则配置的 id，可选多个，规则取并集）"
    )
    base_branch: str = field("主分支", "变更规则默认比较的分支", default="main")
    units: list[Unit] = field("单位", "本地区各单位（部门、乡镇、园区等）")
    authorities: Authorities = field("职能部门", "角色 → 单位代码")
    parameters: dict[str, Any] = field("规则参数", "按参数名（或 规则编号.参数名）覆盖默认值", default_factory=dict)
    disabled_rules: list[DisabledRule] = field("停用规则", "每条须写明理由", default_factory=list)
    calendar: dict[Year, HolidayArrangement] = field(
        "节假日安排", "年份 → 国务院办公厅公布的该年节假日安排；用于 chinesecalendar 尚未收录的年份（优先于该库）",
        default_factory=dict)
    publish_identities: Flag = field(
        "公开审核人身份",
        "true：网站和开放数据列出各单位审核人、批准人的原始身份（邮箱、账号）；默认 false，只显示姓名和人数",
        default=False,
    )
    trust: Trust = field("审计信任", "registry audit 信任的合并签名公钥与批准人变更权限", default_factory=Trust)
    cms: CmsConfig | None = field("网页表单", "办事员网页表单（Decap CMS）的代码托管平台；不填则网站不含 admin/", default=None)

    @field_validator("profiles")
    @classmethod
    def _at_least_one(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("至少选择一个规则配置")
        return value
