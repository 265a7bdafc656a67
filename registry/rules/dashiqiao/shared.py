"""DSQ 规则：本配置多章规则共用的判断。"""
from __future__ import annotations

_SELF_EVALUATION_EARLIEST_MONTHS = 12  # "12至24个月内": only the upper end is a parameter in RULES.md
