"""Reporters render a :class:`~registry.findings.Report`; one per output format."""
from __future__ import annotations

from collections.abc import Callable

from registry.findings import Report
from registry.reporters.basic import render_github, render_json, render_text

Reporter = Callable[[Report, str], str]

REPORTERS: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
}

__all__ = ["REPORTERS", "Reporter"]
