"""Rules of the dalad profile (RULES.md)."""
