"""The registry of all rules, keyed by ID.

Importing this package imports every common rule module under it and every profile package's
declaration (see :mod:`registry.rules.profiles`): nothing here lists them. A profile's own
rule modules are imported the first time its rules are asked for: :data:`RULES` imports them
when it is iterated or counted (every rule), when a rule ID with the profile's prefix is looked
up, or through :meth:`Rules.of_profiles` (what a check selects)."""
import sys
from collections.abc import Collection, Iterator, MutableMapping
from typing import Any

from registry.rules import base
from registry.rules.base import (
    Citation,
    Context,
    Kind,
    NoParams,
    Problem,
    Rule,
    problem,
    rule,
)
from registry.rules.profiles import discover, load, load_all, profile_of_rule


class Rules(MutableMapping[str, Rule[Any]]):
    """Every rule by ID, in a stable order (common rules, then each profile's in article
    order); the profiles' rule modules are imported as they are needed, so that a check of a
    registry under one profile does not import the others'."""

    def __init__(self, registered: dict[str, Rule[Any]]) -> None:
        self._registered = registered  # registry.rules.base.RULES, filled by the @rule decorator

    def __getitem__(self, rule_id: str) -> Rule[Any]:
        found = self._registered.get(rule_id)
        if found is None:
            owner = profile_of_rule(rule_id)
            if owner is not None:
                load([owner])
                found = self._registered.get(rule_id)
            if found is None:
                load_all()  # unknown only if no profile has it
                found = self._registered.get(rule_id)
        if found is None:
            raise KeyError(rule_id)
        return found

    def __setitem__(self, rule_id: str, value: Rule[Any]) -> None:
        self._registered[rule_id] = value

    def __delitem__(self, rule_id: str) -> None:
        del self._registered[rule_id]

    def __iter__(self) -> Iterator[str]:
        load_all()
        return iter(self._registered)

    def __len__(self) -> int:
        load_all()
        return len(self._registered)

    def of_profiles(self, profiles: Collection[str]) -> list[Rule[Any]]:
        """The rules of ``profiles`` (``common`` for the common rules), in order; only these
        profiles' modules are imported."""
        load(profiles)
        return [r for r in self._registered.values() if r.profile in profiles]


discover(sys.modules[__name__], base.RULES)
RULES = Rules(base.RULES)

__all__ = ["RULES", "Citation", "Context", "Kind", "NoParams", "Problem", "Rule", "Rules", "problem", "rule"]
