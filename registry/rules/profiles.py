"""The rule profiles: one per regulation, each declared by its own package, plus the pseudo-profile
of the common rules.

A profile is a package ``registry/rules/<id>/`` whose ``__init__.py`` declares ``PROFILE =
Profile(...)`` (and nothing else: its modules import it) — or ``PROFILE =
Profile.declared_in(__name__)``, the same fields written as data in the package's ``profile.toml``.
Importing :mod:`registry.rules` imports every plain module under it (the common and change
rules) and every profile package's declaration — packages are profiles — so adding a profile is
adding a package; no list of imports or profiles is kept anywhere. A profile's rule modules are
imported when its rules are first needed (:func:`load`: a registry selects one profile or a
few, and a ``registry check`` of three files should not import the rest); everything that lists
rules (``registry rules``, the docs, the site) reaches them through :data:`registry.rules.RULES`,
which imports what it has not yet. A profile shipped as a separate distribution names its
package in the entry-point group ``registry.profiles`` (``newprofile = "newprofile_rules"``); it
is loaded as a whole at import.

A mistake is an error, never a profile silently missing: a package without a declaration, a
declaration whose id is not its package's name, two profiles with one id or one rule-ID prefix
(at import); a profile that registers no rule, a rule whose ID does not carry its profile's
prefix, or a rule registered by one profile's package for another (when that profile's rules
are loaded: at import for a plug-in, at the latest when the profile is used or its rules listed).
"""
from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

from registry import plainclass
from registry.pluginsources import package_file
from registry.modulelisting import iter_modules, walk_packages

if TYPE_CHECKING:
    from registry.rules.base import Rule

ENTRY_POINT_GROUP = "registry.profiles"
DECLARATION_FILE = "profile.toml"  # see Profile.declared_in
_ID = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
_PREFIX = re.compile(r"^[A-Z]{1,8}$")
_COMMON_PREFIXES = ("REG", "CHG")  # the common rules' IDs; no profile may take them
# The roles of registry.yaml ``authorities`` besides the data authority (models.config.Authorities).
AUTHORITY_ROLES = ("finance", "development_reform", "audit", "cyberspace", "crypto")


class ProfileError(RuntimeError):
    """A profile package that is not declared, or declared inconsistently with its rules: the
    installation, not registry.yaml, needs fixing (the command line exits 2 naming it)."""


@plainclass.dataclass(frozen=True)
class Profile:
    """Everything about a regulation that is not a rule: the one table each place that
    enumerates profiles reads (CLI choices, schema description, docs, site, ``registry init``)."""

    id: str  # the package name and the value of ``profiles:`` in registry.yaml
    jurisdiction: str  # 四川省渠县
    regulation: str  # full title, as cited
    document: str  # document number or status of the text
    prefix: str  # rule ID prefix: every rule of the profile is <prefix><article number>…
    # How rule texts and field descriptions refer to the regulation in passing ("（渠县 第三十四条）");
    # the first is the profile's short label in help texts.
    short_names: tuple[str, ...]
    data_authority: str = "大数据局"  # what the regulation calls the data authority (县大数据中心 …)
    # The other authorities whose reviews the regulation requires (registry.yaml ``authorities``):
    # finance, development_reform, audit, cyberspace, crypto.
    authorities: tuple[str, ...] = ()
    # Whether the regulation manages the jurisdiction's systems as one whole (统一规划、全域目录…),
    # so that CHG008 (全域在用系统总量) is on by default under this profile; cite the article in
    # CHG008's docstring and ``cite`` when setting it.
    whole_jurisdiction: bool = False

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ProfileError(f"规则配置的 id {self.id!r} 须为小写字母开头的小写字母、数字或下划线（2–32 个）")
        if not _PREFIX.match(self.prefix):
            raise ProfileError(f"规则配置 {self.id} 的规则编号前缀 {self.prefix!r} 须为 1–8 个大写字母")
        unknown = [role for role in self.authorities if role not in AUTHORITY_ROLES]
        if unknown:
            raise ProfileError(f"规则配置 {self.id} 的 authorities 含未知角色 {'、'.join(unknown)}：可选 {'、'.join(AUTHORITY_ROLES)}")
        if not self.short_names:
            raise ProfileError(f"规则配置 {self.id} 须有 short_names（条文中提到本办法时的简称，如 (\"渠县\",)）")

    @classmethod
    def declared_in(cls, package: str) -> Profile:
        """The declaration written as data in the package's ``profile.toml``
        (``PROFILE = Profile.declared_in(__name__)``): the same fields, as TOML keys.

        The built-in profiles' declarations are also kept as Python (:mod:`registry.rules.declarations`,
        generated): while the file holds exactly the text an entry was made from, the entry is
        the declaration, and ``tomllib`` is neither imported nor run (a commit hook's check
        would spend a tenth of its time on it); any other text is parsed."""
        where = f"{package.replace('.', '/')}/{DECLARATION_FILE}"
        try:
            text = package_file(package, DECLARATION_FILE).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(f"无法读取规则配置声明 {where}：{exc}") from exc
        from registry.rules.declarations import DECLARED

        known = DECLARED.get(package)
        if known is not None and known[0] == text:
            return known[1]
        return cls.from_toml(text, where)

    @classmethod
    def from_toml(cls, text: str, path: str) -> Profile:
        """A declaration from the TOML ``text`` of ``path`` (named in every error)."""
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ProfileError(f"无法读取规则配置声明 {path}：{exc}") from exc
        fields = plainclass.field_types(cls)
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise ProfileError(f"规则配置声明 {path} 中有未知的字段：{'、'.join(unknown)}（可用：{'、'.join(sorted(fields))}）")
        for name, annotation in fields.items():
            value = data.get(name)
            kind = tuple if str(annotation).startswith("tuple") else bool if annotation == "bool" else str
            if value is not None and not (isinstance(value, list) if kind is tuple else type(value) is kind) or (
                    isinstance(value, list) and not all(isinstance(item, str) for item in value)):
                expected = {str: "字符串", bool: "true 或 false", tuple: "字符串列表"}[kind]
                raise ProfileError(f"规则配置声明 {path} 的字段 {name} 应为{expected}，而不是 {value!r}")
        values: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value for key, value in data.items()}
        try:
            return cls(**values)
        except TypeError as exc:
            raise ProfileError(f"规则配置声明 {path} 不完整或有误：{exc}") from exc

    @property
    def label(self) -> str:
        """``渠县`` — how help texts name the profile next to its id."""
        return self.short_names[0]


COMMON = Profile("common", "通用", "通用规则", "", "REG", short_names=("通用",))
# Filled by discover() (called once by registry.rules): "common" first, then the profiles by id.
PROFILES: dict[str, Profile] = {COMMON.id: COMMON}
# The profiles a registry may choose (every one but the common rules), in PROFILES' order.
SELECTABLE: tuple[str, ...] = ()


def _declaration(module: ModuleType, expected_id: str | None) -> Profile:
    declared = getattr(module, "PROFILE", None)
    if not isinstance(declared, Profile):
        raise ProfileError(
            f"{module.__name__} 是规则目录下的包，但没有声明规则配置：请在其 __init__.py 中写 "
            f"PROFILE = Profile(...)（见 CONTRIBUTING.md“如何新增一个管辖地”）"
        )
    if expected_id is not None and declared.id != expected_id:
        raise ProfileError(f"{module.__name__} 声明的规则配置 id 为 {declared.id}，应与包名 {expected_id} 相同")
    return declared


def _submodules(package: ModuleType) -> Iterator[str]:
    yield from walk_packages(package.__path__, package.__name__ + ".")


def _profile_packages(rules_package: ModuleType) -> Iterator[tuple[ModuleType, str | None, bool]]:
    """(package, the id its name requires, whether it is a plug-in) for every profile: built
    in, then by entry point."""
    for name, ispkg in sorted(iter_modules(rules_package.__path__)):
        if ispkg:
            yield importlib.import_module(f"{rules_package.__name__}.{name}"), name, False
    for entry in _entry_points():
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plug-in names itself, it does not crash as a traceback
            raise ProfileError(f"无法加载规则配置入口点 {entry.name} = {entry.value}：{exc}") from exc
        if not isinstance(loaded, ModuleType) or not hasattr(loaded, "__path__"):
            raise ProfileError(f"规则配置入口点 {entry.name} = {entry.value} 须指向一个包（含 __init__.py 的目录）")
        yield loaded, entry.name, True


def _entry_points() -> list[Any]:
    """The entry points of :data:`ENTRY_POINT_GROUP`; none, without importing ``importlib.metadata``
    (a tenth of a three-file check), when no installed distribution can declare one."""
    from registry.pluginsources import none_installed

    if none_installed():
        return []
    import importlib.metadata

    return list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))


@plainclass.dataclass
class _Discovered:
    """What :func:`discover` found, for :func:`load` to finish."""

    rules: dict[str, Rule[Any]] = plainclass.field(default_factory=dict)  # the registry (base.RULES)
    packages: dict[str, str] = plainclass.field(default_factory=dict)  # profile id -> its package's name
    pending: dict[str, ModuleType] = plainclass.field(default_factory=dict)  # built-in profiles not loaded yet


_FOUND = _Discovered()


def discover(rules_package: ModuleType, rules: dict[str, Rule[Any]]) -> None:
    """Import every plain rule module under ``rules_package`` and every profile package's
    declaration (a plug-in's rule modules too), fill :data:`PROFILES`, check the rules
    registered so far, and put ``rules`` (the registry, keyed by ID) in a stable order: common
    rules, then each profile's. The built-in profiles' rule modules wait for :func:`load`."""
    for name, ispkg in sorted(iter_modules(rules_package.__path__)):
        if not ispkg:
            importlib.import_module(f"{rules_package.__name__}.{name}")
    declared: dict[str, Profile] = {}
    packages: dict[str, str] = {}
    plug_ins: list[ModuleType] = []
    pending: dict[str, ModuleType] = {}
    for package, expected, plug_in in _profile_packages(rules_package):
        profile = _declaration(package, expected)
        _register(profile, declared, package.__name__, packages)
        if plug_in:
            plug_ins.append(package)
        else:
            pending[profile.id] = package
    PROFILES.clear()
    PROFILES[COMMON.id] = COMMON
    PROFILES.update(sorted(declared.items()))
    global SELECTABLE
    SELECTABLE = tuple(declared_id for declared_id, _ in sorted(declared.items()))
    _FOUND.rules, _FOUND.packages, _FOUND.pending = rules, packages, pending
    for package in plug_ins:
        _import_rules(package)
    _check(packages, rules, loaded=[pid for pid in declared if pid not in pending])
    _reorder(rules)


def _import_rules(package: ModuleType) -> None:
    for name in _submodules(package):
        try:
            importlib.import_module(name)
        except Exception as exc:  # a profile's module that fails names itself (exit 2), as a plug-in's entry point does
            raise ProfileError(f"无法导入规则配置 {package.__name__} 的模块 {name}：{type(exc).__name__}: {exc}") from exc


def load(profiles: Iterable[str]) -> None:
    """Import the rule modules of ``profiles`` (ids; unknown ones and the common rules are
    skipped) that are not imported yet, and check each profile against the rules it registered
    (:class:`ProfileError` otherwise, every time it is asked for)."""
    wanted = [pid for pid in dict.fromkeys(profiles) if pid in _FOUND.pending]
    if not wanted:
        return
    for pid in wanted:
        _import_rules(_FOUND.pending[pid])
    _check(_FOUND.packages, _FOUND.rules, loaded=wanted)
    for pid in wanted:
        del _FOUND.pending[pid]
    _reorder(_FOUND.rules)


def load_all() -> None:
    """Import every profile's rule modules (:func:`load` of them all)."""
    load(list(_FOUND.pending))


def profile_of_rule(rule_id: str) -> str | None:
    """The profile whose rule-ID prefix ``rule_id`` carries (``QX15.3`` → quxian), if any."""
    return next((p.id for p in PROFILES.values() if p.id != COMMON.id and _numbered(rule_id, p.prefix)), None)


def _numbered(rule_id: str, prefix: str) -> bool:
    """``rule_id`` is ``prefix`` followed by a decimal digit (``re.match(rf"^{prefix}\\d", …)``
    without a pattern compiled per prefix)."""
    return rule_id.startswith(prefix) and rule_id[len(prefix):len(prefix) + 1].isdecimal()


def _reorder(rules: dict[str, Rule[Any]]) -> None:
    ordered = sorted(rules.values(), key=_rule_order)
    rules.clear()
    rules.update((r.id, r) for r in ordered)


def _register(profile: Profile, declared: dict[str, Profile], package: str, packages: dict[str, str]) -> None:
    if profile.id == COMMON.id or profile.id in declared:
        raise ProfileError(f"规则配置 id {profile.id} 重复（{package} 与 {packages.get(profile.id, '通用规则')}）")
    taken = {p.prefix: p.id for p in declared.values()} | {prefix: COMMON.id for prefix in _COMMON_PREFIXES}
    clash = next((prefix for prefix in taken if prefix.startswith(profile.prefix) or profile.prefix.startswith(prefix)),
                 None)
    if clash is not None:
        raise ProfileError(f"规则配置 {profile.id} 的规则编号前缀 {profile.prefix} 与 {taken[clash]} 的 {clash} 冲突")
    declared[profile.id] = profile
    packages[profile.id] = package


def _check(packages: dict[str, str], rules: dict[str, Rule[Any]], *, loaded: Iterable[str]) -> None:
    """Every rule registered so far against the profiles: its package's, a declared one, with
    its prefix; and each profile in ``loaded`` (its rule modules imported) with a rule at least."""
    counts = dict.fromkeys(loaded, 0)
    for rule in rules.values():
        module = rule.check.__module__
        home = next((pid for pid, pkg in packages.items() if module == pkg or module.startswith(pkg + ".")), None)
        if home is not None and rule.profile != home:
            raise ProfileError(f"规则 {rule.id}（{module}）在规则配置 {home} 的包中，却声明 profile={rule.profile!r}")
        if rule.profile == COMMON.id:
            continue
        profile = PROFILES.get(rule.profile)
        if profile is None or profile.id == COMMON.id:
            raise ProfileError(f"规则 {rule.id}（{module}）声明的规则配置 {rule.profile!r} 不存在")
        if not _numbered(rule.id, profile.prefix):
            raise ProfileError(f"规则 {rule.id} 属于规则配置 {profile.id}，编号须以前缀 {profile.prefix} 加条号开头")
        if profile.id in counts:
            counts[profile.id] += 1
    empty = [pid for pid, n in counts.items() if n == 0]
    if empty:
        raise ProfileError(f"规则配置 {'、'.join(empty)} 已声明，但没有注册任何规则（{'、'.join(packages[p] for p in empty)}）")


def _natural(text: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _rule_order(rule: Rule[Any]) -> tuple[int, bool, list[Any]]:
    """Common rules first (REG before CHG), then each profile's in article order (QX6 … QX15.1 … QX36D)."""
    return list(PROFILES).index(rule.profile), not rule.id.startswith(PROFILES[rule.profile].prefix), _natural(rule.id)
