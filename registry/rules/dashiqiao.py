"""Rules of the dashiqiao profile (RULES.md)."""
