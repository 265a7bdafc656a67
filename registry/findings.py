"""What checking produces: findings, collected first and rendered later by a reporter."""
from __future__ import annotations

from enum import StrEnum

from registry import plainclass


class Severity(StrEnum):
    error = "error"
    warning = "warning"


@plainclass.dataclass(frozen=True)
class Message:
    """A message in both languages; the reporter picks one (``--lang``)."""

    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@plainclass.dataclass(frozen=True, eq=False)
class Unreadable:
    """A file that is not a valid record: REG001 (cannot be read as one), REG002 (schema) or
    REG003 (not where, or not what, a record must be). Here, below both the file layout and
    the snapshot, so that each can name it without importing the other."""

    path: str
    rule: str
    line: int
    column: int
    field: str
    message: Message


@plainclass.dataclass(frozen=True, order=True)
class Finding:
    """One problem at a place. Orders by position, then rule (as yamllint's LintProblem)."""

    path: str
    line: int
    column: int
    rule: str
    severity: Severity = plainclass.field(compare=False)
    field: str = plainclass.field(compare=False)
    message: Message = plainclass.field(compare=False)
    citation: str = plainclass.field(compare=False, default="")
    quote: str = plainclass.field(compare=False, default="")

    def as_json(self, lang: str) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message.text(lang),
            "citation": self.citation,
        }


@plainclass.dataclass(frozen=True)
class RuleInfo:
    """What a report says about a rule it cites, stamped by whoever ran the rule (the engine
    for record rules, the audit for AUD rules), so that reporters need no rule registry."""

    id: str
    title: str = ""
    summary: str = ""  # what the rule checks
    citation: str = ""  # the regulation articles, as the registry's own profiles cite them
    quote: str = ""  # the cited sentence, word for word
    name: str = ""  # the rule's function-style name (SARIF ``name``), if it has one
    severity: Severity = Severity.error  # the default severity
    tag: str = "registry"  # the profile (quxian, potou …), "common", or "audit"


@plainclass.dataclass
class Summary:
    records: int
    profiles: list[str]
    disabled: list[tuple[str, str]] = plainclass.field(default_factory=list)
    notices: list[Message] = plainclass.field(default_factory=list)
    trust: str = ""  # registry audit: the trust mode that ran ('' for other commands)
    # registry check PATHS: how many of the ``records`` lie in the paths reported on (None: no
    # PATHS, every record is reported on); ``records`` stays the whole registry, which the
    # cross-record rules looked at either way
    checked: int | None = None


@plainclass.dataclass
class Report:
    """The result of one run, whatever the output format."""

    findings: list[Finding]
    summary: Summary
    rules: dict[str, RuleInfo] = plainclass.field(default_factory=dict)  # every rule with findings, by ID

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.error)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.warning)

    def exit_code(self, *, strict: bool) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0
