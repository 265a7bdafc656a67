"""Checks that many profile rules share: required documents, target systems, deadlines."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from registry.enums import DocumentKind, Stage
from registry.models import Project, System
from registry.rules.base import Context, Problem, problem


def missing_documents(p: Project, kinds: Iterable[DocumentKind], *, when: str, when_en: str) -> Iterator[Problem]:
    """One problem per document of ``kinds`` the project lacks; ``when`` says at which stage
    (e.g. "立项批复后" / "from approval")."""
    for kind in kinds:
        if not p.documents.get(kind):
            yield problem(
                p, f"documents.{kind.value}",
                f"项目 {p.id} {when}须提供{kind.label}（documents.{kind.value}）：请填写 docs/ 下的文件路径或文件编号",
                f"project {p.id} needs documents.{kind.value} ({when_en})",
            )


def stage_label(stage: Stage) -> str:
    return f"{stage.label}（{stage.value}）"


def systems_named(ctx: Context, ids: Iterable[str]) -> Iterator[tuple[int, str, System]]:
    """(index, id, system) for the ids that resolve (REG005 reports the others)."""
    for i, sid in enumerate(ids):
        s = ctx.head.system(sid)
        if s is not None:
            yield i, sid, s


def target_systems(ctx: Context, p: Project) -> Iterator[tuple[str, System]]:
    """(field path, system) for ``upgrades`` + ``maintains`` (RULES.md "target systems")."""
    for role in ("upgrades", "maintains"):
        for i, _sid, s in systems_named(ctx, getattr(p.systems, role)):
            yield f"systems.{role}[{i}]", s


def created_systems(ctx: Context, p: Project) -> Iterator[tuple[str, System]]:
    for i, _sid, s in systems_named(ctx, p.systems.creates):
        yield f"systems.creates[{i}]", s
