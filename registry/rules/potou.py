"""Rules of the potou profile (RULES.md)."""
