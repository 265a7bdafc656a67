"""The kinds of rule parameter the profiles share, each with its meaning and sensible range
declared once (``Params`` wants every numeric parameter bounded): a share of an amount, an
amount in 万元, a number of calendar months, a day of the year. A parameter whose article sets
other bounds (自评价 from the 12th month, working days, trial days) declares its own."""
from __future__ import annotations

from typing import Annotated

from registry.rules.paramkit import AfterValidator, Field

from registry.dates import parse_month_day


def _month_day(value: str) -> str:
    parse_month_day(value)  # raises ValueError with a Chinese message
    return value


Share = Annotated[float, Field(ge=0, le=1)]
"""A part of an amount: 0.15 is 15%, both ends allowed."""

AmountWan = Annotated[float, Field(gt=0, le=1_000_000)]
"""An amount in 万元 (a threshold or limit, so more than nothing)."""

Months = Annotated[int, Field(ge=1, le=120)]
"""A period in calendar months, up to ten years."""

MonthDay = Annotated[str, AfterValidator(_month_day)]
"""A day of every year as ``MM-DD`` (a deadline such as ``09-30``)."""
