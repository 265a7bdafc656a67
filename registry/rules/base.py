"""The rule model: a rule is a small documented unit that yields problems over a context.

Rules know nothing of files, git or output. A rule's check receives the :class:`Context`
(the records to report on, look-ups over the whole registry, the base revision for change
rules, the date deadline rules measure against) and its typed parameters, and *yields*
:class:`Problem` objects. The engine stamps rule ID, severity, position and citation.
"""
from __future__ import annotations

import functools
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Union

from registry import plainclass
from registry.enums import Stage
from registry.findings import Message, Severity
from registry.models.kinds import ProjectKind, SystemKind
from registry.rules.paramkit import Params as Params
from registry.rules.profiles import PROFILES
from registry.snapshot import Snapshot

if TYPE_CHECKING:
    from registry.models import Project, RegistryConfig, System

    Record = Union[System, Project]
else:  # a model or its plain twin (registry.models.twins): rules tell them apart by kind, never by model class
    Record = Union[SystemKind, ProjectKind]

# What a rule with articles, none of them from a chosen profile, cites: the registry's own rule,
# never another county's regulation.
NEUTRAL_CITATION = "登记簿通用规则"


class Kind(StrEnum):
    record = "record"
    registry = "registry"
    change = "change"
    deadline = "deadline"


KIND_LABELS = {
    Kind.record: "单条记录",
    Kind.registry: "跨记录",
    Kind.change: "变更（需 --base）",
    Kind.deadline: "期限（按 --today）",
}


def allowed_values(params: type[Any], name: str) -> tuple[str, str] | None:
    """``1 至 250 的整数`` for a numeric parameter, from its model's bounds (None otherwise)."""
    info = params.model_fields.get(name)
    if info is None or info.annotation not in (int, float):
        return None
    bounds = {key: getattr(meta, key) for meta in info.metadata for key in ("ge", "gt", "le", "lt")
              if getattr(meta, key, None) is not None}
    kind_zh, kind_en = ("整数", "an integer") if info.annotation is int else ("数", "a number")
    if "ge" in bounds and "le" in bounds:
        zh = f"{bounds['ge']} 至 {bounds['le']} 的{kind_zh}"
    else:
        parts = [f"{word} {bounds[key]}" for key, word in
                 (("ge", "不小于"), ("gt", "大于"), ("le", "不大于"), ("lt", "小于")) if key in bounds]
        zh = f"{'且'.join(parts)}的{kind_zh}"
    en = " and ".join(f"{sign} {bounds[key]}" for key, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))
                      if key in bounds)
    return zh, f"{kind_en} {en}"


def cleandoc(text: str) -> str:
    """:func:`inspect.cleandoc` (its algorithm, Python 3.11): the common indentation of the
    second line onwards and the blank lines around removed. Here so that declaring a rule does
    not import :mod:`inspect` (and with it ``ast``, ``dis`` and ``tokenize``) on every run;
    tests/test_lean_imports.py checks it against :mod:`inspect` for every rule."""
    lines = text.expandtabs().split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()]
    margin = min(indents, default=None)
    lines[0] = lines[0].lstrip()
    if margin is not None:
        lines[1:] = [line[margin:] for line in lines[1:]]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


class NoParams(Params):
    """The parameters of a rule that has none."""


P = TypeVar("P")


@plainclass.dataclass(frozen=True)
class Citation:
    """Where a rule comes from: profile, article and the quoted sentence(s) of the regulation."""

    profile: str
    article: str
    quote: str = ""

    @property
    def regulation(self) -> str:
        return PROFILES[self.profile].regulation

    def __str__(self) -> str:
        return f"{self.regulation} {self.article}"


@plainclass.dataclass(frozen=True)
class ConfigSite:
    """registry.yaml as the subject of a problem, for a change rule that looks at the
    configuration itself (the problem's ``field`` is the dotted place in registry.yaml)."""


CONFIGURATION = ConfigSite()


@plainclass.dataclass(frozen=True)
class Problem:
    """What a check yields: the record, the dotted field path inside it, and the message.

    ``record`` may be a record of the base revision (for example a deleted file), or
    :data:`CONFIGURATION` for registry.yaml; ``severity`` overrides the rule's severity for
    this one problem (rarely needed).
    """

    record: Record | ConfigSite
    field: str
    message: Message
    severity: Severity | None = None


def problem(record: Record, field: str, zh: str, en: str) -> Problem:
    return Problem(record, field, Message(zh, en))


@plainclass.dataclass
class Context:
    """Everything a rule may look at. ``systems``/``projects`` are the records to report on;
    ``head`` holds every record for look-ups.

    Record, registry and deadline rules get the working tree as ``head`` and no ``base``.
    Change rules get one context built in :mod:`registry.checking`: ``base`` is the target
    revision of ``--base`` (its tip, not the merge base), ``head`` what merging the change into
    it would produce, ``config`` the target's registry.yaml (a change never relaxes its own
    check) and ``proposed_config`` the registry.yaml the merge would put in force."""

    config: RegistryConfig
    head: Snapshot
    today: dt.date
    base: Snapshot | None = None
    targets: frozenset[str] | None = None  # paths to report on; None = all
    # How a document reference that is a repository path resolves: None when it names an
    # existing regular file inside the registry reached without links, else "absolute" |
    # "parent" | "missing" | "symlink" | "special" | "too_long" | "unreadable".
    document_status: Callable[[str], str | None] = lambda _ref: None
    notices: list[Message] = plainclass.field(default_factory=list)
    proposed_config: RegistryConfig | None = None  # change rules: registry.yaml after the merge

    @functools.cached_property
    def systems(self) -> list[System]:
        # filtered by path before loading: ``check PATHS`` unpickles only its own records
        return list(self.head.systems) if self.targets is None else self.head.systems_at(self.targets)

    @functools.cached_property
    def projects(self) -> list[Project]:
        return list(self.head.projects) if self.targets is None else self.head.projects_at(self.targets)

    def projects_reached(self, stage: Stage) -> list[Project]:
        """The :attr:`projects` that have reached ``stage`` (:meth:`Project.reached`), in order;
        worked out once per stage and run (many rules start from the same stage)."""
        found = self._reached.get(stage)
        if found is None:
            found = self._reached[stage] = [p for p in self.projects if p.reached(stage)]
        return found

    @functools.cached_property
    def _reached(self) -> dict[Stage, list[Project]]:
        return {}

    @functools.cached_property
    def projects_in_flight(self) -> list[Project]:
        """The :attr:`projects` that are in flight (:attr:`Project.in_flight`), in order: a
        dozen rules look at them alone, and each would otherwise ask every project again."""
        return [p for p in self.projects if p.in_flight]

    def wants(self, path: str) -> bool:
        """Whether findings on ``path`` are reported (``check PATHS`` narrows this)."""
        return self.targets is None or path in self.targets

    def narrowed(self, paths: Collection[str]) -> Context:
        """This context reporting only on the records at ``paths`` (and on this context's own
        targets): the same registry, configuration, date, documents and notices."""
        targets = frozenset(paths) if self.targets is None else self.targets & frozenset(paths)
        return Context(config=self.config, head=self.head, today=self.today, base=self.base, targets=targets,
                       document_status=self.document_status, notices=self.notices,
                       proposed_config=self.proposed_config)

    def notice(self, message: Message) -> None:
        if message not in self.notices:
            self.notices.append(message)


@plainclass.dataclass(frozen=True)
class Rule(Generic[P]):
    id: str
    name: str  # readable kebab-case name, e.g. "only-decrease"
    title: str  # Chinese one-line title
    kind: Kind
    severity: Severity
    profile: str  # "common" or a profile id
    citations: tuple[Citation, ...]
    params: type[P]
    check: Callable[[Context, P], Iterable[Problem]]
    fails: str  # YAML example that breaks the rule
    passes: str  # YAML example that keeps it
    # What the rule says about a record depends on that record alone (its own fields, the
    # configuration, the parameters and the date): never on another record, a document file,
    # the files that are not records, or a notice. Such a rule reports only on the records of
    # ``ctx.systems``/``ctx.projects``, so two snapshots holding the same bytes at the same path
    # get the same problems about it — ``registry diff`` runs it only on the records that differ.
    local: bool = False

    @property
    def summary(self) -> str:
        """First line of the docstring: what the rule checks."""
        return self.doc.split("\n\n", 1)[0].strip()

    @property
    def why(self) -> str:
        """The rest of the docstring: why it matters."""
        parts = self.doc.split("\n\n", 1)
        return parts[1].strip() if len(parts) > 1 else ""

    @property
    def doc(self) -> str:
        return cleandoc(self.check.__doc__ or "")

    @property
    def citation(self) -> str:
        """Every article the rule rests on, whichever profile (the rule catalogue's view)."""
        return self.citation_for(None)

    @property
    def quote(self) -> str:
        return self.quote_for(None)

    def cited(self, profiles: Collection[str] | None) -> tuple[Citation, ...]:
        """The citations a registry that chose ``profiles`` sees (None: all of them).

        A county is shown only its own regulations: a common or change rule lists the
        articles of every profile saying the same thing, and each registry keeps its own."""
        if profiles is None:
            return self.citations
        return tuple(c for c in self.citations if c.profile in profiles)

    def citation_for(self, profiles: Collection[str] | None) -> str:
        """``法规 第N条、第M条；另一法规 第K条`` (articles of one regulation grouped); the neutral
        :data:`NEUTRAL_CITATION` when no chosen profile has an article for the rule."""
        chosen = self.cited(profiles)
        if not chosen:  # a profile's own rule outside the chosen profiles is cited by no one
            return NEUTRAL_CITATION if self.citations and self.profile == "common" else ""
        grouped: dict[str, list[str]] = {}
        for c in chosen:
            articles = grouped.setdefault(c.regulation, [])
            if c.article not in articles:
                articles.append(c.article)
        return "；".join(f"{regulation} {'、'.join(articles)}" for regulation, articles in grouped.items())

    def quote_for(self, profiles: Collection[str] | None) -> str:
        return "\n".join(c.quote for c in self.cited(profiles) if c.quote)

    def run(self, ctx: Context, params: P) -> Iterator[Problem]:
        yield from self.check(ctx, params)

    def defaults(self) -> dict[str, Any]:
        values: dict[str, Any] = self.params().model_dump()  # type: ignore[attr-defined]
        return values


RULES: dict[str, Rule[Any]] = {}


def rule(
    id: str,
    *,
    name: str,
    title: str,
    kind: Kind,
    profile: str,
    cite: Iterable[Citation] = (),
    severity: Severity | None = None,
    params: type[Any] = NoParams,
    fails: str = "",
    passes: str = "",
    local: bool = False,
) -> Callable[[Callable[[Context, Any], Iterable[Problem]]], Rule[Any]]:
    """Declare and register a rule. Deadline rules default to warnings, others to errors.

    ``fails`` and ``passes`` are the examples the rule reference shows, and they run as test
    cases (tests/examplekit.py): the YAML of one record — the fields that matter — that yields
    this rule's problem, and one that yields none. Comment lines are prose, except a few
    directives a reader understands too (``# 文件 <path>``, ``# <other path>: <fields>``,
    ``# 基准版本：<fields>`` for change rules, ``# 今天 <date>`` …; see tests/examplekit.py).

    ``local``: a record or deadline rule whose problems about a record depend on that record
    alone (see :attr:`Rule.local`); tests/test_d24_local_rules.py holds every such rule to it."""

    if local and kind not in (Kind.record, Kind.deadline):
        raise ValueError(f"{id}: only a record or deadline rule can be local")

    def register(check: Callable[[Context, Any], Iterable[Problem]]) -> Rule[Any]:
        if id in RULES:
            raise ValueError(f"duplicate rule id {id}")
        default = Severity.warning if kind is Kind.deadline else Severity.error
        new = Rule(
            id=id, name=name, title=title, kind=kind, severity=severity or default,
            profile=profile, citations=tuple(cite), params=params, check=check,
            fails=cleandoc(fails), passes=cleandoc(passes), local=local,
        )
        RULES[id] = new
        return new

    return register
