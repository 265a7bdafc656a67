"""Rules of the jinxiang profile (RULES.md)."""
