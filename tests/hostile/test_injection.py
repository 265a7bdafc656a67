"""Injection strings in the text fields that are published (catalog site, open data, review
outputs): they are data, never markup, formulas, commands or paths."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from harness import PROJECT, SYSTEM, Case, Outcome, ids, run_case, set_top

PUBLISH = (
    ("check", "--format", "json"),
    ("check", "--format", "github"),
    ("check", "--format", "sarif"),
    ("export", "--format", "json", "--out", "{out}/catalog.json"),
    ("export", "--format", "csv", "--out", "{out}/csv"),
    ("export", "--format", "xlsx", "--out", "{out}/catalog.xlsx"),
    ("site", "--out", "{out}/site"),
)

SCRIPT = "<script>alert('registry')</script>"
PAYLOADS = {
    "html_script": SCRIPT,
    "html_image_onerror": "<img src=x onerror=alert(1)>",
    "markdown_link_javascript": "[点击](javascript:alert(1))",
    "markdown_raw_html_block": "<div markdown=1><iframe src=//evil.example></iframe></div>",
    "jinja_template": "{{ config.__class__.__init__.__globals__ }}{% raw %}",
    "mkdocs_snippet": "--8<-- \"/etc/passwd\"",
    "spreadsheet_formula": "=HYPERLINK(\"http://evil.example\",\"点我\")",
    "spreadsheet_dde": "@SUM(1+1)*cmd|' /C calc'!A0",
    "csv_line_break_and_quote": "第一行\",\"伪造列\n第二行",
    "github_workflow_command": "%0A::error file=registry.yaml::伪造的错误",
    "shell_substitution": "$(touch /tmp/registry-pwned) `id`",
    "path_traversal_text": "../../../../etc/passwd",
    "sql_like": "'; DROP TABLE systems; --",
    "very_long_name": "长" * 5000,
    "json_breaking": "\"}]}, {\"injected\": true",
    "yaml_in_text": "a: b\n- c\n? d",
    "unicode_rtl_free_text": "مرحبا 你好 שלום",
    "emoji_and_astral": "🏛️𠀀𪚥",
}


def no_payload_in_pages(payload: str) -> Callable[[Path, list[Outcome]], None]:
    """No generated page carries the payload as live markup (it may appear escaped)."""
    def verify(out: Path, outcomes: list[Outcome]) -> None:
        json.loads(outcomes[0].out)  # the JSON report is still valid JSON
        json.loads((out / "catalog.json").read_text(encoding="utf-8"))
        if payload.startswith("<"):
            for page in (out / "site").rglob("*.md"):
                body = _without_front_matter(page.read_text(encoding="utf-8"))  # front matter is data (quoted YAML)
                assert payload not in body, f"{page} carries {payload!r} as markup"
    return verify


def _without_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5:]
    return text


def text_case(name: str, payload: str, record: str, key: str) -> Case:
    value = json.dumps(payload, ensure_ascii=False)  # a YAML double-quoted scalar
    return Case(f"{name}_in_{record.split('/')[0]}_{key}", set_top(record, key, value), commands=PUBLISH, expect=0,
                verify=no_payload_in_pages(payload))


CASES = [
    *[text_case(name, payload, SYSTEM, "description") for name, payload in PAYLOADS.items()],
    text_case("html_script", SCRIPT, SYSTEM, "name"),
    text_case("spreadsheet_formula", PAYLOADS["spreadsheet_formula"], SYSTEM, "name"),
    text_case("html_script", SCRIPT, PROJECT, "name"),
    text_case("html_script", SCRIPT, PROJECT, "content"),
    text_case("markdown_link_javascript", PAYLOADS["markdown_link_javascript"], PROJECT, "necessity"),
    text_case("github_workflow_command", PAYLOADS["github_workflow_command"], PROJECT, "name"),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_injection(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path)
