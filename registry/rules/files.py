"""通用规则 REG001–REG003：文件本身——可读的 YAML 映射、符合数据格式、放在编号和单位决定的位置。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.models.kinds import ProjectKind, SystemKind
from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule

if TYPE_CHECKING:
    from registry.models import Project, System


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
      # 文件 systems/czj/archive.yaml
      id: czj-archive
      unit: czj
      """,
      passes="""
      # 文件 systems/czj/czj-archive.yaml
      id: czj-archive
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
        folder = "systems" if isinstance(record, SystemKind) else "projects"
        expected = f"{folder}/{record.unit}/{record.id}.yaml"
        if path != expected:
            yield problem(record, "id",
                          f"记录 {record.id} 应位于 {expected}，实际在 {path}：请移动文件，或改正 id / unit",
                          f"record {record.id} belongs at {expected}, found at {path}: move the file or fix id / unit")
        if isinstance(record, ProjectKind):
            yield from _project_id_parts(record)


def _project_id_parts(p: Project) -> Iterator[Problem]:
    year, unit, _seq = p.id.split("-")
    if int(year) != p.year:
        yield problem(p, "year", f"项目编号 {p.id} 的年份 {year} 与 year: {p.year} 不一致",
                      f"project id {p.id} has year {year} but year is {p.year}")
    if unit != p.unit:
        yield problem(p, "unit", f"项目编号 {p.id} 的单位代码 {unit} 与 unit: {p.unit} 不一致",
                      f"project id {p.id} names unit {unit} but unit is {p.unit}")
