"""Reporters render a :class:`~registry.findings.Report`; one per output format."""
from __future__ import annotations

from collections.abc import Callable

from registry.findings import Report
from registry.reporters.basic import render_github, render_json, render_text
from registry.reporters.junit import render_junit
from registry.reporters.sarif import render_sarif

Reporter = Callable[[Report, str], str]

REPORTERS: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
    "junit": render_junit,
}

__all__ = ["REPORTERS", "Reporter"]
