"""QX 规则：本配置多章规则共用的判断。"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from registry.rules.base import Context

if TYPE_CHECKING:
    from registry.models import Project


def in_flight(ctx: Context) -> Iterator[Project]:
    return iter(ctx.projects_in_flight)
