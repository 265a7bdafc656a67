"""PT 规则：本配置多章规则共用的判断。"""
from __future__ import annotations

_AMOUNT_TOLERANCE = 0.005  # 万元: amounts are compared to the cent (half of 0.01 万元 = 50 元)
