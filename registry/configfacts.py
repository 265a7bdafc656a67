"""What the history commands need of registry.yaml, remembered by its content.

``inventory --history`` needs two facts of the configuration: the base branch and the units'
names. Reading them the usual way (:func:`registry.loader.load_config`) validates the whole
file with pydantic and selects the rules, which costs more than the rest of the command on a
history read before (importing pydantic, the models, ruamel and every rule module). The
outcome of that validation depends only on

* the bytes of registry.yaml,
* the tool's own code and library versions (the cache directory's fingerprint), and
* the installed distributions (a rule profile may come from a plug-in's entry point),

so a configuration that passed is remembered under a key made of all three, in the signed
cache store (:class:`registry.cachestore.Store`). A key is content, never a time stamp: a
changed byte, tool or installation is a different key and is validated again, the usual way.
A configuration that fails is never remembered, so every error is reported exactly as
:func:`load_config` reports it (exit 2, file, line and field). ``REGISTRY_NO_CACHE=1`` turns
the memory off.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry import plainclass
from registry.layout import read_config

if TYPE_CHECKING:
    from registry.cachestore import Store
    from registry.engine import Selection
    from registry.models import RegistryConfig

CACHE_NAME = "config-facts"
_FORMAT = 2  # bump when ConfigFacts or _Checked changes
_KEEP = 8  # distinct registry.yaml contents remembered (the newest)


@plainclass.dataclass(frozen=True)
class ConfigFacts:
    """The facts of a registry.yaml that passed :func:`registry.loader.load_config`."""

    base_branch: str
    unit_names: dict[str, str]  # unit id → name, in registry.yaml's order


def config_facts(root: Path, *, cached: bool = True) -> ConfigFacts:
    """The facts of ``root``'s registry.yaml, validated (:class:`ConfigError` as
    :func:`load_config` raises it); from the cache when this content passed before."""
    raw = read_config(root)
    store = _store(root) if cached else None
    key = _key(raw) if store is not None else ""
    remembered = _remembered(store, CACHE_NAME)
    found = remembered.get(key)
    if isinstance(found, ConfigFacts):
        return found
    from registry.blobfields import fast_enabled  # (git's process helpers: not for registry check)

    facts = surely_valid_facts(raw) if fast_enabled() else None
    if facts is None:
        from registry.loader import config_from  # pydantic, the models and the rules: only here

        config = config_from(raw)
        facts = ConfigFacts(config.base_branch, {unit.id: unit.name for unit in config.units})
    _remember(store, CACHE_NAME, remembered, key, facts)
    return facts


def surely_valid_facts(raw: bytes) -> ConfigFacts | None:
    """The facts of a registry.yaml that :func:`registry.loader.config_from` surely accepts,
    found without pydantic or the rules (:mod:`registry.shapes`); None when not sure — any
    doubt, and every invalid file, goes the usual way (which gives the error)."""
    sure = _surely_valid(raw)
    if sure is None:
        return None
    data, found = sure
    units = data["units"]
    return ConfigFacts(data.get("base_branch", found["defaults"]["RegistryConfig.base_branch"]),
                       {unit["id"]: unit["name"] for unit in units})


def surely_valid_twin(raw: bytes) -> Any:
    """The twin of what :func:`registry.loader.config_from` makes of a registry.yaml it surely
    accepts (:func:`registry.shapebuild.surely_twin`, the same checks as
    :func:`surely_valid_facts`), made without pydantic or the rules; None when not sure."""
    sure = _surely_valid(raw)
    if sure is None:
        return None
    from registry.shapebuild import surely_twin

    return surely_twin("RegistryConfig", sure[0])


def _surely_valid(raw: bytes) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(the data, the shapes) of a registry.yaml that :func:`registry.loader.config_from` surely
    accepts; None when not sure."""
    from registry.fastyaml import read_simple
    from registry.pluginsources import plug_in_profiles
    from registry.shapes import KNOWN_CONFIG_CHECKS, shapes, surely_valid
    from registry.yamlio import YamlError, decode

    found = shapes()
    if found is None or found.get("config_checks") != KNOWN_CONFIG_CHECKS or plug_in_profiles():
        return None  # config_from checks more than what is re-stated here, or a plug-in may fail to load
    try:
        text = decode(raw)
        data = read_simple(text)
    except YamlError:
        return None
    if _hidden(text):
        return None  # a hidden character anywhere: hidden_text_errors may say more
    if (data is None or not surely_valid("RegistryConfig", data)
            or data.get("parameters") or data.get("disabled_rules") or data.get("calendar")):
        return None  # parameters and disabled rules are checked against the rules, a calendar day by day
    units = data["units"]
    ids = [unit["id"] for unit in units]
    listed = set(ids)
    references = [unit.get("parent") for unit in units] + list(data["authorities"].values())
    if (len(listed) != len(ids) or not set(data["profiles"]) <= set(found["profiles"])
            or any(unit_id is not None and unit_id not in listed for unit_id in references)):
        return None  # config_reference_errors and select_rules would say more
    return data, found


def _hidden(*texts: str) -> bool:
    from registry.hiddentext import hidden

    return any(hidden().search(text) for text in texts)


def _store(root: Path) -> Store | None:
    from registry.cachestore import Store

    return Store.open(root)


def _remembered(store: Store | None, name: str) -> dict[str, object]:
    if store is None:
        return {}
    found = store.read(name)
    if isinstance(found, tuple) and len(found) == 2 and found[0] == _FORMAT and isinstance(found[1], dict):
        return found[1]
    return {}


def _remember(store: Store | None, name: str, remembered: dict[str, object], key: str, value: object) -> None:
    """Keep ``value`` under ``key`` in the store's file ``name``, with the newest of the others."""
    if store is None:
        return
    newest = {k: v for k, v in remembered.items() if k != key}
    newest = dict(list(newest.items())[-(_KEEP - 1):])
    newest[key] = value
    store.write(name, (_FORMAT, newest))


def _key(raw: bytes) -> str:
    """The content of registry.yaml and the names of every installed distribution (name and
    version: installing, removing or upgrading a profile plug-in changes them)."""
    digest = hashlib.sha256(raw)
    digest.update(b"\0")
    for folder in sys.path:
        found = _distributions(folder or ".")
        if found:  # where nothing is installed, how the tool was started does not matter
            digest.update(os.path.abspath(folder).encode("utf-8", "surrogateescape") + b"\0")
            digest.update("\0".join(sorted(found)).encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def _distributions(folder: str) -> list[str]:
    try:
        return [name for name in os.listdir(folder) if name.endswith((".dist-info", ".egg-info", ".egg-link", ".pth"))]
    except OSError:
        return []


TWIN_NAME = "config-twin"  # the validated configuration as its twin (``registry audit``)


def config_twin(raw: bytes, store: Store | None) -> Any:
    """registry.yaml validated exactly as :func:`registry.loader.config_from` validates it (a
    :class:`ConfigError` at the offending line otherwise), as the plain twin of the model
    (:mod:`registry.models.twins`), for a command that only reads the configuration (the audit
    asks who approves what): a content that passed before comes from the cache store under the
    same key as :func:`config_facts` — neither pydantic, ruamel nor the rules are imported for
    it. An error is never remembered."""
    key = _key(raw) if store is not None else ""
    remembered = _remembered(store, TWIN_NAME)
    found = remembered.get(key)
    if found is not None and getattr(type(found), "__twin_model__", None) == "registry.models.config.RegistryConfig":
        return found
    from registry.blobfields import fast_enabled

    twin = surely_valid_twin(raw) if fast_enabled() else None
    if twin is None:
        from registry.loader import config_from  # pydantic, the models and the rules: only here
        from registry.models.twins import twin_of

        twin = twin_of(config_from(raw))
    _remember(store, TWIN_NAME, remembered, key, twin)
    return twin


CHECKED_NAME = "config-checked"  # the validated configuration and rule choice of ``registry check``


def checked_config(raw: bytes, store: Store | None, *, plain: bool = False) -> tuple[RegistryConfig, Selection]:
    """registry.yaml validated (:func:`registry.loader.config_from`) and the rules it selects
    (:func:`registry.engine.select_rules`), for ``registry check``. A content that passed
    before comes from the cache store (same key as :func:`config_facts`: the bytes and the
    installed distributions; the store itself is per tool version): neither ruamel nor the
    configuration's model and the rules' parameter models are built for it. An error is
    never remembered, so it is reported exactly as the full validation reports it.

    With ``plain`` (a run that may hand the rules twins, :mod:`registry.models.twins`), a remembered
    configuration comes back as the twin of the validated model, its parameters as plain
    instances of their classes (:mod:`registry.rules.paramkit`): pydantic is not imported.
    Never where a plug-in profile is installed or the models were imported before (see
    :func:`twins_fit`)."""
    key = _key(raw) if store is not None else ""
    remembered = _remembered(store, CHECKED_NAME)
    found = remembered.get(key)
    if isinstance(found, _Checked):
        selection = found.selection()
        if selection is not None:
            if plain and found.twin is not None and twins_fit():
                return found.twin, selection
            return found.model(), selection
    from registry.engine import select_rules
    from registry.loader import config_from

    config = config_from(raw)
    selection = select_rules(config)
    if store is not None:
        from registry.models.twins import twin_of

        _remember(store, CHECKED_NAME, remembered, key,
                  _Checked(pickle.dumps(config, pickle.HIGHEST_PROTOCOL), twin_of(config),
                           {r.id: params for r, params in selection.rules}, selection.disabled))
    return config, selection


def twins_fit() -> bool:
    """Whether this run may hand the rules twins: no plug-in profile is installed (its rules may
    use the models' pydantic API), nothing imported so far (the rules in force included) has
    imported the record models (code that names ``System`` may ask ``isinstance(r, System)``,
    which a twin is not), and the shapes are current (the twins' field order and the record
    cache's plans come from them)."""
    from registry.pluginsources import plug_in_profiles
    from registry.shapes import shapes

    return (not plug_in_profiles() and "registry.models.system" not in sys.modules
            and "registry.models.project" not in sys.modules and shapes() is not None)


@plainclass.dataclass(frozen=True)
class _Checked:
    """What :func:`checked_config` remembers: the validated configuration (pickled: the model
    is unpickled, importing pydantic, only when a run needs it), its twin, and the rules by ID
    (their code is the tool's, or a plug-in's, which the key covers), each with its validated
    parameters."""

    config: bytes  # the pickled RegistryConfig
    twin: Any  # its twin (registry.models.twins), or None
    params: dict[str, Any]  # rule id -> its parameters, for every rule in force
    disabled: list[tuple[str, str]]

    def model(self) -> RegistryConfig:
        config: RegistryConfig = pickle.loads(self.config)
        return config

    def selection(self) -> Selection | None:
        """The :class:`~registry.engine.Selection` again; None if the rules in force are not
        exactly the remembered ones (then the configuration is checked the usual way)."""
        from registry.engine import Selection
        from registry.rules import RULES

        off = dict(self.disabled)
        profiles = self.twin.profiles if self.twin is not None else self.model().profiles
        rules = [r for r in RULES.of_profiles({"common", *profiles}) if r.id not in off]
        if {r.id for r in rules} != self.params.keys():
            return None
        return Selection([(r, self.params[r.id]) for r in rules], list(profiles), list(self.disabled))
