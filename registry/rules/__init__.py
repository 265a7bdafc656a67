"""The registry of all rules, keyed by ID. Importing a module registers its rules."""
from registry.rules.base import RULES, Citation, Context, Kind, NoParams, Problem, Rule, problem, rule

from registry.rules import files, references, coherence, documents, change, change_scope, text, integrity  # noqa: E402,F401  (registration side effect)
from registry.rules import quxian, potou, dashiqiao, dalad, jinxiang  # noqa: E402,F401

__all__ = ["RULES", "Citation", "Context", "Kind", "NoParams", "Problem", "Rule", "problem", "rule"]
