"""QX 规则：本配置多章规则共用的判断。"""
from __future__ import annotations

from collections.abc import Iterator

from registry.models import Project
from registry.rules.base import Context


def in_flight(ctx: Context) -> Iterator[Project]:
    return iter(ctx.projects_in_flight)
