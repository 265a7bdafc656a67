"""The import rules of ARCHITECTURE.md, checked by reading every module's imports with ``ast``.

Every import counts: at module level, inside functions (the lazy imports that keep commands
fast), and under ``if TYPE_CHECKING:`` (a type is a dependency too). A failure names the
module, the line and the forbidden import, and the rule it breaks.
"""
from __future__ import annotations

import ast
import dataclasses
import functools
from collections.abc import Callable, Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "registry"
MAX_LINES = 400  # a module longer than this is split by meaning (ARCHITECTURE.md)

# Standard and third-party modules that read or write files, run processes, talk to the
# network or the terminal: none of them belongs in a rule or a model.
IO_MODULES = frozenset({
    "git", "gitdb", "subprocess", "shutil", "tempfile", "glob", "pathlib", "io", "os", "socket", "urllib",
    "http", "argparse", "multiprocessing", "threading", "sqlite3", "ruamel", "openpyxl", "xlrd", "mkdocs", "zensical",
})

# What a rule may import from this package: the rule framework itself, the data it reads
# (models, enums, the in-memory snapshot of records and its packed columns, the comparison of two configurations), the
# findings it yields, and the calendars it counts with; profile discovery asks where installed
# plug-in profiles lie (registry.pluginsources: the installation, never the registry's files); patterns
# are compiled on first use (registry.patterns).
RULES_MAY_IMPORT = ("registry.rules", "registry.models", "registry.enums", "registry.findings", "registry.dates",
                    "registry.workdays", "registry.snapshot", "registry.lookups", "registry.configdiff",
                    "registry.gcpause", "registry.hiddentext", "registry.pluginsources", "registry.plainclass",
                    "registry.modulelisting", "registry.packed", "registry.patterns")
# Modules of the git side: only they may import gitpython.
GIT_SIDE = ("registry.gitproc", "registry.gitio", "registry.gittree", "registry.target", "registry.blobfields",
            "registry.inventory", "registry.audit")


@dataclasses.dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. registry.engine
    path: str  # its file, relative to the project
    line: int
    target: str  # the imported module, e.g. registry.rules.base or subprocess

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module} imports {self.target}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# Files that registry init/upgrade copy into a county's repository (its MkDocs hook): data of
# the package, not modules of it.
SCAFFOLD_FILES = PACKAGE / "scaffold" / "files"


@functools.cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if SCAFFOLD_FILES not in p.parents}


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:  # relative: from the importing module's package
        package = module.split(".") if is_package else module.split(".")[:-1]
        anchor = package[: len(package) - (node.level - 1)]
        base = ".".join(anchor + ([node.module] if node.module else []))
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        yield sub if sub in modules() else base  # `from registry import gitio` imports a module


@functools.cache
def imports_of(module: str) -> tuple[Import, ...]:
    """Every import statement of ``module``, wherever it stands in the file."""
    path = modules()[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = path.relative_to(PACKAGE.parent).as_posix()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                continue
            for target in _targets(node, module, path.name == "__init__.py"):
                found.append(Import(module, rel, node.lineno, target))
    return tuple(found)


def _ours(target: str) -> bool:
    return target == "registry" or target.startswith("registry.")


def _within(target: str, prefixes: tuple[str, ...]) -> bool:
    return any(target == p or target.startswith(p + ".") for p in prefixes)


def _loaded_with(target: str) -> list[str]:
    """The modules Python runs to import ``target``: each enclosing package, then the module."""
    parts = target.split(".")
    return [m for m in (".".join(parts[:i]) for i in range(1, len(parts) + 1)) if m in modules()]


def reaches(start: str) -> dict[str, list[Import]]:
    """Every module of ours that importing ``start`` may run (its imports, theirs, …), each with
    the chain of import statements that leads to it (shortest first found)."""
    chains: dict[str, list[Import]] = {start: []}
    todo = [start]
    while todo:
        current = todo.pop(0)
        for imp in imports_of(current):
            if not _ours(imp.target):
                continue
            for loaded in _loaded_with(imp.target):
                if loaded not in chains:
                    chains[loaded] = [*chains[current], imp]
                    todo.append(loaded)
    del chains[start]
    return chains


def forbidden_reaches(start: str, forbidden: Callable[[str], bool]) -> list[str]:
    """``start → a (file:line) → b (file:line)`` for each forbidden module reached through
    allowed ones only (what lies behind a forbidden module is that module's business)."""
    found = []
    for reached, chain in reaches(start).items():
        if forbidden(reached) and not any(forbidden(imp.target) for imp in chain[:-1]):
            steps = " → ".join(f"{imp.target} ({imp.path}:{imp.line})" for imp in chain)
            found.append(f"{start} → {steps}")
    return list(dict.fromkeys(found))  # a package and its module may be loaded by one statement


def _in(prefixes: tuple[str, ...]) -> list[str]:
    return [m for m in modules() if _within(m, prefixes)]


def _report(problems: list[str], rule: str) -> None:
    assert not problems, rule + "\n  " + "\n  ".join(problems)


def test_the_reader_finds_every_kind_of_import() -> None:
    """The checker itself: relative, function-level and TYPE_CHECKING imports are all seen."""
    engine = {i.target for i in imports_of("registry.engine")}
    assert {"registry.findings", "registry.rules", "registry.rules.base"} <= engine
    assert "registry.ruledocs" in engine  # imported inside a function
    assert "registry.gitio" in {i.target for i in imports_of("registry.audit.report")}  # under TYPE_CHECKING
    assert "registry.audit.rules" in {i.target for i in imports_of("registry.audit")}
    assert "registry.rules.base" in reaches("registry.engine")
    chain = forbidden_reaches("registry.loader", lambda m: m == "registry.rules.base")
    assert chain and chain[0].startswith("registry.loader → registry.engine (registry/loader.py:")


def test_models_import_nothing_of_ours_but_models_and_enums() -> None:
    """registry.models (and the enums its fields use) are the bottom layer: plain pydantic models
    that anything may import and that import no other part of the tool, nor any I/O."""
    problems = []
    for module in [*_in(("registry.models",)), "registry.enums"]:
        for imp in imports_of(module):
            if _ours(imp.target) and not _within(imp.target, ("registry.models", "registry.enums")):
                problems.append(f"{imp}  (models import only registry.models and registry.enums)")
            elif imp.target.split(".")[0] in IO_MODULES:
                problems.append(f"{imp}  (models do no I/O)")
    _report(problems, "registry.models imports nothing of ours:")


def test_rules_never_import_io_git_cli_or_reporters() -> None:
    """A rule is a function over records: it knows nothing of files, git, the command line or
    output formats — not directly, and not through anything it imports."""
    problems = []
    for module in _in(("registry.rules",)):
        for imp in imports_of(module):
            if _ours(imp.target) and imp.target != "registry" and not _within(imp.target, RULES_MAY_IMPORT):
                problems.append(f"{imp}  (rules may import only {', '.join(RULES_MAY_IMPORT)})")
            elif imp.target.split(".")[0] in IO_MODULES:
                problems.append(f"{imp}  (rules do no I/O, git, processes or command-line parsing)")
        problems += forbidden_reaches(module, lambda m: m != "registry" and not _within(m, RULES_MAY_IMPORT))
    _report(problems, "registry.rules never imports I/O, git, CLI or reporters:")


def test_reporters_import_neither_the_audit_nor_the_rules() -> None:
    """A reporter prints what the report carries (findings, summary, rule metadata stamped by
    the engine or the audit): it imports no rule registry and no audit, even indirectly."""
    problems = []
    for module in _in(("registry.reporters",)):
        problems += forbidden_reaches(
            module, lambda m: _within(m, ("registry.audit", "registry.rules", "registry.engine", "registry.ruledocs")))
        for imp in imports_of(module):
            if imp.target.split(".")[0] in ("git", "gitdb", "subprocess"):
                problems.append(f"{imp}  (reporters render, they do not run git)")
    _report(problems, "registry.reporters import neither registry.audit nor registry.rules:")


def test_data_flows_one_way_nothing_imports_the_command_line() -> None:
    """The commands are the top layer: no module outside registry.commands imports them or the
    CLI (registry.__main__ only starts it)."""
    problems = [
        str(imp)
        for module in modules() if not _within(module, ("registry.commands", "registry.cli", "registry.__main__"))
        for imp in imports_of(module) if _within(imp.target, ("registry.commands", "registry.cli"))
    ]
    _report(problems, "nothing below the command line imports registry.commands or registry.cli:")


def test_gitpython_only_on_the_git_side() -> None:
    """``import git`` only where git is used: the git-side modules (every other module that needs
    history calls them, importing them inside the function that needs them)."""
    problems = [
        f"{imp}  (git belongs to {', '.join(GIT_SIDE)})"
        for module in modules() if not _within(module, GIT_SIDE)
        for imp in imports_of(module) if imp.target.split(".")[0] in ("git", "gitdb")
    ]
    _report(problems, "gitpython is imported only on the git side:")


def test_modules_stay_under_400_lines() -> None:
    """Modules are split by meaning before they grow past 400 lines."""
    long = [f"{path.relative_to(PACKAGE.parent)}: {n} lines"
            for path in modules().values()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    _report(long, f"modules over {MAX_LINES} lines:")
