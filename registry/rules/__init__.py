"""The registry of all rules, keyed by ID.

Importing this package imports every rule module under it and every profile package (see
:mod:`registry.rules.profiles`): nothing here lists them."""
import sys

from registry.rules.base import (
    RULES,
    Citation,
    Context,
    Kind,
    NoParams,
    Problem,
    Rule,
    problem,
    rule,
)
from registry.rules.profiles import discover

discover(sys.modules[__name__], RULES)

__all__ = ["RULES", "Citation", "Context", "Kind", "NoParams", "Problem", "Rule", "problem", "rule"]
