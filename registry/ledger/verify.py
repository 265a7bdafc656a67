"""The records an import would write, checked by the common single-record rules before anything
is written: a row whose record the checker would refuse (status coherence, dates in order,
amounts that add up, location …) is a row that cannot be imported. Cross-record rules are left
to ``registry check``: a system may name a project that the next sheet imports. The profiles'
own rules are findings about the content, reported by ``registry check`` as for any record."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from registry.cache import SourceFile
from registry.checking import load_snapshot, scan
from registry.engine import run_rules, select_rules
from registry.findings import Severity
from registry.ledger.rows import Planned, RowProblem
from registry.models import Project, RegistryConfig, System
from registry.rules.base import Context, Kind


def refused(root: Path, config: RegistryConfig, planned: list[Planned], texts: dict[str, str]) -> list[RowProblem]:
    """The errors of the common single-record rules on the planned records."""
    replaced = {item.old_path for item in planned if item.old_path is not None}
    files = [f for f in scan(root) if f.path not in replaced and f.path not in texts]
    files += [SourceFile.of(path, text.encode("utf-8")) for path, text in texts.items()]
    snapshot = load_snapshot(files)
    selection = select_rules(config)
    selection.rules = [(r, p) for r, p in selection.rules
                       if r.profile == "common" and r.kind is Kind.record]
    ctx = Context(config=config, head=snapshot, today=dt.date.today(), targets=frozenset(texts),
                  document_status=lambda _ref: None)
    by_path = {item.path: item for item in planned}
    out = []
    for rule, problem in run_rules(selection, ctx):
        if (problem.severity or rule.severity) is not Severity.error:
            continue
        if not isinstance(problem.record, (System, Project)):
            continue  # a finding on registry.yaml itself: not a row's
        item = by_path.get(snapshot.path_of(problem.record))
        if item is None:
            continue
        column = next((item.columns[k] for k in _prefixes(problem.field) if k in item.columns), "")
        out.append(RowProblem(item.sheet, item.row, column, f"{problem.message.zh}（{rule.id}）"))
    return out


def _prefixes(field: str) -> list[str]:
    parts = field.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
