"""通用规则 REG001–REG011：适用于所有配置。"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from registry.enums import STAGE_ORDER, Stage, SystemStatus
from registry.models import Project, System
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule
from registry.rules.helpers import systems_named
from registry.rules.dalad.citations import DLT24
from registry.rules.jinxiang.citations import JX2
from registry.rules.potou.citations import PT5, PT8, PT8_1
from registry.rules.quxian.citations import QX43


def _unreadable(ctx: Context, rule_id: str) -> Iterator[Problem]:
    for bad in ctx.head.invalid:
        if bad.rule == rule_id and ctx.wants(bad.path):
            yield Problem(bad, bad.field, bad.message)  # type: ignore[arg-type]


@rule("REG001", name="yaml-syntax", title="文件是一个 UTF-8 编码的 YAML 映射", kind=Kind.record, profile="common",
      fails="""
      name: 预算管理一体化系统
      name: 预算系统        # 重复的键
      """,
      passes="""
      name: 预算管理一体化系统
      """)
def reg001(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """每个文件都是 UTF-8 编码的 YAML，且只包含一个映射（键值对）；
    不得有重复的键，不得使用锚点（`&`）、别名（`*`）或标签（`!`）。

    记录是纯数据，审核人员要在差异对比（diff）中逐行阅读。重复的键会悄悄丢掉其中一个值；
    锚点和别名会把取值藏起来，还能让一个小文件展开成几个 GB（“别名炸弹”）；
    标签会夹带其他数据类型。非 UTF-8 编码的文件在网站上显示为乱码。
    """
    yield from _unreadable(ctx, "REG001")


@rule("REG002", name="schema", title="字段、类型和取值符合数据格式", kind=Kind.record, profile="common",
      fails="""
      id: czj-budget
      nmae: 预算管理一体化系统   # 拼写错误
      unit: czj
      status: actve             # 不在可选值中
      deployment: county_cloud
      """,
      passes="""
      id: czj-budget
      name: 预算管理一体化系统
      unit: czj
      status: operating
      deployment: county_cloud
      """)
def reg002(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """记录具备全部必填字段，字段类型正确，枚举字段只使用规定的可选值，
    且没有数据格式（FORMAT.md）之外的字段。

    字段名写错（如 `nmae:`）如果不报错，这个值就会悄无声息地丢失；
    在应填文字的地方写了日期或数字（如 `name: 2024-12-12`），YAML 会把它读成另一种类型。
    """
    yield from _unreadable(ctx, "REG002")


@rule("REG003", name="file-location", title="文件位置与编号、单位一致", kind=Kind.record, profile="common",
      fails="""
      # 文件 systems/czj/budget.yaml
      id: czj-budget
      unit: czj
      """,
      passes="""
      # 文件 systems/czj/czj-budget.yaml
      id: czj-budget
      unit: czj
      """)
def reg003(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """系统记录须位于 `systems/<单位>/<编号>.yaml`，项目记录须位于
    `projects/<单位>/<编号>.yaml`；项目编号中的年份和单位代码分别与 `year`、`unit` 一致。
    `systems/`、`projects/` 下不在这个位置的文件（扩展名为 `.yml`、`.YAML`，放在子目录或单位目录之外），
    形似记录目录的顶层目录（如 `systems2/`）中的 YAML 文件，以及 `systems/`、`projects/`、`docs/`
    下的符号链接、命名管道、设备等非普通文件，都逐个报告，既不跳过，也不跟随。

    文件所在目录决定由哪个单位的审核人员负责（CODEOWNERS）；
    放在其他单位目录下的文件，就逃过了本单位负责人的审核。
    放错位置而不被读取的记录不计入“只减不增”；符号链接能让一条记录显示另一个文件的内容，
    甚至读取仓库之外的文件。
    """
    yield from _unreadable(ctx, "REG003")  # files that are not records at all (registry.layout, registry.gittree)
    records: list[System | Project] = [*ctx.systems, *ctx.projects]
    for record in records:
        path = ctx.head.path_of(record)
        folder = "systems" if isinstance(record, System) else "projects"
        expected = f"{folder}/{record.unit}/{record.id}.yaml"
        if path != expected:
            yield problem(record, "id",
                          f"记录 {record.id} 应位于 {expected}，实际在 {path}：请移动文件，或改正 id / unit",
                          f"record {record.id} belongs at {expected}, found at {path}: move the file or fix id / unit")
        if isinstance(record, Project):
            yield from _project_id_parts(record)


def _project_id_parts(p: Project) -> Iterator[Problem]:
    year, unit, _seq = p.id.split("-")
    if int(year) != p.year:
        yield problem(p, "year", f"项目编号 {p.id} 的年份 {year} 与 year: {p.year} 不一致",
                      f"project id {p.id} has year {year} but year is {p.year}")
    if unit != p.unit:
        yield problem(p, "unit", f"项目编号 {p.id} 的单位代码 {unit} 与 unit: {p.unit} 不一致",
                      f"project id {p.id} names unit {unit} but unit is {p.unit}")


@rule("REG004", name="unique-ids", title="编号唯一", kind=Kind.registry, profile="common",
      fails="""
      # systems/czj/czj-budget.yaml 与 systems/wjw/czj-budget.yaml 都写 id: czj-budget
      """,
      passes="""
      # 每个系统编号、项目编号在登记簿中只出现一次
      """)
def reg004(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """系统编号在所有系统中唯一，项目编号在所有项目中唯一。

    其他记录都通过编号相互引用：交叉引用、系统总量统计和变更历史遇到两条同号记录时，
    会不声不响地只取其中一条。
    """
    for s in ctx.systems:
        if ctx.head.count_system_id(s.id) > 1:
            yield problem(s, "id", f"系统编号 {s.id} 重复出现 {ctx.head.count_system_id(s.id)} 次：每个系统只能有一条记录",
                          f"system id {s.id} appears {ctx.head.count_system_id(s.id)} times: one record per system")
    for p in ctx.projects:
        if ctx.head.count_project_id(p.id) > 1:
            yield problem(p, "id", f"项目编号 {p.id} 重复出现 {ctx.head.count_project_id(p.id)} 次：请改用下一个序号",
                          f"project id {p.id} appears {ctx.head.count_project_id(p.id)} times: use the next sequence number")


@rule("REG005", name="references", title="引用的单位、系统和项目存在", kind=Kind.registry, profile="common",
      cite=[PT8_1],
      fails="""
      id: 2025-czj-001
      unit: czj
      systems:
        upgrades: [czj-budgte]   # 登记簿中没有这个系统
      """,
      passes="""
      id: 2025-czj-001
      unit: czj
      systems:
        upgrades: [czj-budget]
      """)
def reg005(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """记录中写到的单位（`unit`、`partners`、`transferred_from.unit`，须列在 `registry.yaml`
    的 `units` 中）、系统（`systems.creates`、`upgrades`、`maintains`、`retires`）和项目（`built_by`）
    都已登记；`merged_into` 须指向本系统以外的一个在用系统。

    项目只能针对已纳入政务信息系统目录的系统开展工作（坡头 第八条（一））；
    整合到已停用或不存在的系统中的系统，会从总量统计中消失而无从交代。
    """
    units = {u.id for u in ctx.config.units}
    for s in ctx.systems:
        yield from _unknown_unit(s, "unit", s.unit, units)
        if s.transferred_from:
            yield from _unknown_unit(s, "transferred_from.unit", s.transferred_from.unit, units)
        for i, pid in enumerate(s.built_by):
            if ctx.head.project(pid) is None:
                yield problem(s, f"built_by[{i}]", f"built_by 中的项目 {pid} 不存在：请核对项目编号",
                              f"built_by names unknown project {pid}")
        yield from _merged_into(ctx, s)
    for p in ctx.projects:
        yield from _unknown_unit(p, "unit", p.unit, units)
        for i, partner in enumerate(p.partners):
            yield from _unknown_unit(p, f"partners[{i}]", partner, units)
        for role in ("creates", "upgrades", "maintains", "retires"):
            for i, sid in enumerate(getattr(p.systems, role)):
                if ctx.head.system(sid) is None:
                    yield problem(p, f"systems.{role}[{i}]",
                                  f"systems.{role} 中的系统 {sid} 未在系统目录中登记：请先登记 systems/<单位>/{sid}.yaml 或改正编号",
                                  f"systems.{role} names {sid}, which is not in the catalogue: register it or fix the id")


def _unknown_unit(record: System | Project, field: str, unit: str, units: set[str]) -> Iterator[Problem]:
    if unit not in units:
        yield problem(record, field, f"单位代码 {unit} 未在 registry.yaml 的 units 中登记",
                      f"unit {unit} is not listed under units in registry.yaml")


def _merged_into(ctx: Context, s: System) -> Iterator[Problem]:
    if not s.merged_into:
        return
    target = ctx.head.system(s.merged_into)
    if s.merged_into == s.id:
        yield problem(s, "merged_into", f"系统 {s.id} 不能整合到自身", f"system {s.id} cannot be merged into itself")
    elif target is None:
        yield problem(s, "merged_into", f"merged_into 指向的系统 {s.merged_into} 不存在",
                      f"merged_into names unknown system {s.merged_into}")
    elif not target.active:
        yield problem(s, "merged_into",
                      f"merged_into 指向的系统 {s.merged_into} 状态为{target.status.label}，应整合到在用系统",
                      f"merged_into names {s.merged_into}, which is {target.status.value}: merge into an active system")


@rule("REG006", name="status-coherence", title="系统状态与日期、依据一致", kind=Kind.record, profile="common",
      fails="""
      status: retired
      retired_on: null          # 已停用必须写停用日期
      retirement_ref: null      # 和停用依据
      """,
      passes="""
      status: retired
      online_since: 2019-03-01
      retired_on: 2024-12-31
      retirement_ref: 金大数据发〔2024〕12号
      """)
def reg006(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """试运行（`trial`）或运行中（`operating`）的系统须填写上线日期 `online_since`；
    已停用（`retired`）或已整合（`merged`）的须填写停用日期 `retired_on`；
    已整合的系统须填写 `merged_into`，其他状态不得填写；已停用的须填写停用依据 `retirement_ref`。

    退出系统总量的系统，必须说明何时、依据什么关停，否则“只减不增”的数字无法审核。
    """
    for s in ctx.systems:
        status = s.status
        if status in (SystemStatus.trial, SystemStatus.operating) and s.online_since is None:
            yield _missing(s, "online_since", "上线日期")
        if status in (SystemStatus.retired, SystemStatus.merged) and s.retired_on is None:
            yield _missing(s, "retired_on", "停用日期")
        if status is SystemStatus.merged and not s.merged_into:
            yield _missing(s, "merged_into", "整合至的系统编号")
        if status is not SystemStatus.merged and s.merged_into:
            yield problem(s, "merged_into", f"状态为{status.label}的系统不应填写 merged_into：整合请把 status 改为 merged",
                          f"merged_into is only for status merged (status is {status.value})")
        if status is SystemStatus.retired and not s.retirement_ref:
            yield _missing(s, "retirement_ref", "停用依据（文件号或关停报告）")


def _missing(s: System, field: str, what: str) -> Problem:
    return problem(s, field, f"系统 {s.id} 状态为{s.status.label}，须填写 {field}（{what}）",
                   f"system {s.id} is {s.status.value}: {field} is required")


@rule("REG007", name="milestone-order", title="里程碑日期按阶段顺序且不晚于今天", kind=Kind.record, profile="common",
      fails="""
      milestones:
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
        reviewed: 2025-03-01      # 评审晚于立项批复
      """,
      passes="""
      milestones:
        reviewed: 2025-01-10
        approved: {date: 2025-02-01, doc_no: 金大数据发〔2025〕3号}
      """)
def reg007(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """里程碑日期按阶段顺序（申报 → … → 竣工验收）不得倒退（同一天可以）；
    试运行开始日期 `trial_run.start` 不晚于结束日期 `trial_run.end`；
    任何里程碑日期都不得晚于今天，也不得早于 1990 年（通常是年份写错）。

    里程碑记录的是已经发生的事。日期顺序颠倒，要么是笔误，要么是程序倒置；
    日期在未来，则是把尚未办理的环节写成了已完成。
    """
    for p in ctx.projects:
        yield from _order(p)
        yield from _future(ctx, p)
        trial = p.milestones.trial_run
        if trial is not None and trial.end is not None and trial.end < trial.start:
            yield problem(p, "milestones.trial_run.end", f"试运行结束 {trial.end} 早于开始 {trial.start}",
                          f"trial run ends {trial.end} before it starts {trial.start}")


def _order(p: Project) -> Iterator[Problem]:
    latest = None
    for stage in STAGE_ORDER:
        when = p.milestones.date_of(stage)
        if when is None:
            continue
        if latest is not None and when < latest[1]:
            yield problem(p, f"milestones.{stage.value}",
                          f"{stage.label}日期 {when} 早于{latest[0].label} {latest[1]}：里程碑须按阶段顺序，请核对日期",
                          f"{stage.value} {when} is before {latest[0].value} {latest[1]}: milestones follow the stage order")
        else:
            latest = (stage, when)


EARLIEST_PLAUSIBLE = dt.date(1990, 1, 1)  # before e-government projects existed: a mistyped year


def _future(ctx: Context, p: Project) -> Iterator[Problem]:
    for stage in p.milestones.present():
        when = p.milestones.date_of(stage)
        if when is not None and when < EARLIEST_PLAUSIBLE:
            yield problem(p, f"milestones.{stage.value}",
                          f"{stage.label}日期 {when} 早于 1990 年，应是年份写错了：请核对",
                          f"{stage.value} {when} is before 1990: the year is probably mistyped")
        if when is not None and when > ctx.today:
            yield problem(p, f"milestones.{stage.value}",
                          f"{stage.label}日期 {when} 晚于今天 {ctx.today}：里程碑只记录已发生的事，计划日期请写入 content 或进度报告",
                          f"{stage.value} {when} is after today {ctx.today}: record milestones once they happen")


@rule("REG008", name="budget-arithmetic", title="投资金额非负且资金来源合计等于概算", kind=Kind.record, profile="common",
      fails="""
      budget:
        total_wan: 180
        sources:
          - {kind: county_budget, amount_wan: 150}   # 合计 150 ≠ 180
      """,
      passes="""
      budget:
        total_wan: 180
        security_wan: 10
        crypto_wan: 5
        sources:
          - {kind: county_budget, amount_wan: 150}
          - {kind: superior_fund, amount_wan: 30}
      """)
def reg008(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """各项金额不得为负数；资金来源 `budget.sources` 的合计须等于投资概算 `budget.total_wan`（允许 ±0.01 万元误差，
    未填写资金来源时不核对）；
    网络安全投入 `security_wan` 与密码应用投入 `crypto_wan` 之和不得超过 `total_wan`。

    财政部门要对照投资概算审核资金筹措方案；合计对不上，是申报材料中最常见的错误。
    """
    for p in ctx.projects:
        b = p.budget
        for name in ("total_wan", "security_wan", "crypto_wan", "om_annual_wan"):
            value = getattr(b, name)
            if value is not None and value < 0:
                yield problem(p, f"budget.{name}", f"金额 budget.{name} 为负数 {value}", f"budget.{name} is negative ({value})")
        for i, src in enumerate(b.sources):
            if src.amount_wan < 0:
                yield problem(p, f"budget.sources[{i}].amount_wan", f"资金来源金额为负数 {src.amount_wan}",
                              f"funding amount is negative ({src.amount_wan})")
        total = sum(src.amount_wan for src in b.sources)
        if b.sources and abs(total - b.total_wan) > 0.01:
            yield problem(p, "budget.sources", f"资金来源合计 {total:g} 万元，与投资概算 {b.total_wan:g} 万元不一致",
                          f"funding sources add up to {total:g}, not total_wan {b.total_wan:g}")
        spent = (b.security_wan or 0) + (b.crypto_wan or 0)
        if spent > b.total_wan + 0.01:
            yield problem(p, "budget.security_wan",
                          f"网络安全 {b.security_wan or 0:g} 与密码应用 {b.crypto_wan or 0:g} 万元之和超过投资概算 {b.total_wan:g} 万元",
                          f"security plus crypto ({spent:g}) exceed total_wan {b.total_wan:g}")


@rule("REG009", name="not-classified", title="涉密项目不在本登记簿登记", kind=Kind.record, profile="common",
      cite=[PT5, JX2],
      fails="""
      classified: true
      """,
      passes="""
      classified: false
      """)
def reg009(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """不接受 `classified: true`：涉密项目不在本登记簿登记。

    相关办法只适用于非涉密项目（坡头 第五条、金乡 第二条），而本登记簿是公开发布的；
    涉密项目须按保密规定管理，不得放入本仓库。
    """
    for p in ctx.projects:
        if p.classified:
            yield problem(p, "classified", f"项目 {p.id} 标记为涉密：涉密项目按保密规定管理，不得在本登记簿登记，请删除此文件并按程序报送",
                          f"project {p.id} is classified: classified projects must not be registered here")


_DOC_PROBLEMS = {
    "absolute": ("不能使用绝对路径", "must not be an absolute path"),
    "parent": ("不能包含 ..", "must not contain .."),
    "outside": ("指向登记簿目录之外（符号链接）", "leads outside the registry (symlink)"),
    "missing": ("文件不存在：请把文件提交到 docs/ 下，或改写为文件编号", "names no existing file: add it under docs/ or give a document number"),
    "symlink": ("经过符号链接：附件只能是普通文件，登记簿不跟随链接；请用文件本身替换链接",
                "goes through a symbolic link: attachments must be regular files, links are not followed"),
    "special": ("不是普通文件（命名管道、设备等）：请提交文件本身", "is not a regular file (a FIFO, a device …): commit the file itself"),
    "too_long": ("路径过长：请缩短目录名和文件名", "is too long a path: shorten the folder and file names"),
    "unreadable": ("无法访问（权限不足或读取错误）：请检查目录权限", "cannot be accessed (permission or I/O error): check the folder's permissions"),
}


# A reference that opens with a URI scheme is a link, not a file of the registry nor a
# document number. "C:\\…" (one letter) stays a Windows path: REG010 calls it absolute.
_URL = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]+):")
_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "data", "file", "blob", "about", "mailto",
                      "tel", "sms", "ftp", "http", "https", "ws", "wss", "smb", "jar", "view-source"})


def url_scheme(ref: str) -> str | None:
    """The scheme of a reference written as a URL (``https://…``, ``javascript:…``), else None."""
    found = _URL.match(ref)
    if found is None:
        return None
    scheme = found.group(1).lower()
    return scheme if scheme in _SCHEMES or ref[found.end():].startswith("//") else None


def is_path_reference(ref: str) -> bool:
    """A document reference is a repository path when it looks like one; else a document number."""
    return ref.startswith(("docs/", "/", "./", "../", "~")) or "\\" in ref or "/../" in ref


@rule("REG010", name="document-paths", title="文件路径指向登记簿内存在的文件", kind=Kind.record, profile="common",
      fails="""
      documents:
        feasibility_study: docs/2025-czj-001/可研.pdf   # 文件未提交
      """,
      passes="""
      documents:
        feasibility_study: 金发改审〔2025〕7号            # 文件编号
        preliminary_design: docs/2025-czj-001/初设.pdf  # 已提交的文件
      """)
def reg010(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """以路径形式填写的文件引用（如 `docs/…`）须指向登记簿目录内已存在的普通文件：
    不得使用绝对路径，不得包含 `..`，路径上不得有符号链接（无论指向何处，一律不跟随）。
    填写文件编号（如“金发改审〔2025〕7号”）的不受此限。

    文件引用也不能是网址（`https://…`、`http://…`、`file://…`、`javascript:…` 等）：
    请把文件提交到 `docs/` 下并填写其路径，或填写文件编号。

    审核和审计人员从记录直接打开附件；链接失效说明文件从未提交，
    而指向仓库之外的路径可能把非公开的文件发布出去。网址指向登记簿之外、
    随时可能改变或失效的内容，`file:` 指向某台电脑上的文件，`javascript:`、`data:`
    则是在公开网站上执行脚本的常见手法：它们都不是可归档、可审核的文件。
    """
    for p in ctx.projects:
        for kind, ref in p.documents:
            scheme = url_scheme(ref) if ref else None
            if scheme is not None:
                yield problem(
                    p, f"documents.{kind}",
                    f"文件引用 {ref} 是网址（{scheme}:），不是登记簿中的文件或文件编号："
                    "请把文件提交到 docs/ 下并填写其路径，或填写文件编号",
                    f"document reference {ref} is a URL ({scheme}:): commit the file under docs/ and give its path, or give a document number",
                )
            elif ref and is_path_reference(ref):
                status = ctx.document_status(ref)
                if status is not None:
                    zh, en = _DOC_PROBLEMS[status]
                    yield problem(p, f"documents.{kind}", f"文件 {ref} {zh}", f"document {ref} {en}")


# The milestones at which money is committed to a project: a system that had left service by
# then receives money it cannot use.
FUNDING_STAGES = (Stage.approved, Stage.budgeted, Stage.contracted)
ROLES = {"creates": "新建", "upgrades": "升级", "maintains": "运维", "retires": "整合或停用"}


@rule("REG011", name="no-om-after-retirement", title="已停用、已整合系统不再安排经费", kind=Kind.registry, profile="common",
      cite=[PT8, DLT24, QX43],
      fails="""
      # systems/czj/czj-old.yaml: status: retired, retired_on: 2024-06-30
      id: 2024-czj-003
      year: 2024
      nature: upgrade
      systems: {upgrades: [czj-old]}
      milestones: {approved: {date: 2024-08-01, doc_no: 金大数据发〔2024〕9号}}   # 停用后才立项
      """,
      passes="""
      id: 2024-czj-002
      year: 2024              # 停用当年、停用前立项的运维合同仍可列出
      nature: om
      systems: {maintains: [czj-old]}
      milestones: {approved: {date: 2024-03-01, doc_no: 金大数据发〔2024〕3号}}
      """)
def reg011(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """已停用或已整合（有停用日期 `retired_on`）的系统，不得出现在停用之后安排经费的项目中：
    任何性质的项目，在 `systems` 的任何角色（`creates`、`upgrades`、`maintains`、`retires`）中列出该系统，而
    项目的计划年度 `year` 晚于停用日期所在年份，或者项目的立项批复（`approved`）、预算下达（`budgeted`）、
    合同签订（`contracted`）任一日期晚于停用日期的，都不允许。停用当年、停用之前已批复和签约的项目仍可列出该系统。

    钱是在立项、下达预算和签订合同时安排的：系统上报为已停用，之后却还在为它立项、下达预算或签合同，
    无论名义是运维、升级还是新建，都是虚报系统总量——压低了“只减不增”的数字，却没有节省资金。
    """
    for p in ctx.projects:
        for role, label in ROLES.items():
            for i, sid, s in systems_named(ctx, getattr(p.systems, role)):
                if s.retired_on is not None:
                    yield from _funded_after_retirement(p, f"systems.{role}[{i}]", label, s)


def _funded_after_retirement(p: Project, field: str, role: str, s: System) -> Iterator[Problem]:
    retired = s.retired_on
    assert retired is not None
    late = [(stage, when) for stage in FUNDING_STAGES if (when := p.milestones.date_of(stage)) is not None and when > retired]
    if late:
        stage, when = late[0]
        yield problem(p, field,
                      f"系统 {s.id} 于 {retired} {s.status.label}，项目 {p.id} 的{stage.label}日期 {when} 在其后，"
                      f"不得再为它安排{role}经费：请从 systems 中移除该系统，或核对停用日期",
                      f"system {s.id} left service on {retired}; project {p.id} ({stage.value} {when}) must not fund it")
    elif p.year > retired.year:
        yield problem(p, field,
                      f"系统 {s.id} 于 {retired} {s.status.label}，{p.year} 年度项目 {p.id} 不得再为它安排{role}经费："
                      "请从 systems 中移除该系统",
                      f"system {s.id} left service on {retired}; the {p.year} project {p.id} must not fund it")
