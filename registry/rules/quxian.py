"""Rules of the quxian profile (RULES.md)."""
