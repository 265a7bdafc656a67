"""大石桥市规则集（dashiqiao，见 RULES.md）：大石桥市政务信息化项目管理暂行办法（2025年4月15日印发）。

印发文本使用半角标点（``,`` ``(`` ``)`` ``;``），以下各条引文一律照录原文，不改为全角。
"""
from registry.rules.profiles import Profile

PROFILE = Profile.declared_in(__name__)  # the fields are in profile.toml
