"""金乡县规则集（jinxiang，见 RULES.md）：金乡县政务信息化项目建设管理办法（金政字〔2024〕80号）。
"""
from registry.rules.profiles import Profile

PROFILE = Profile(
    id="jinxiang",
    jurisdiction="山东省金乡县",
    regulation="金乡县政务信息化项目建设管理办法",
    document="金政字〔2024〕80号",
    prefix="JX",
    short_names=("金乡县", "金乡"),
    data_authority="大数据局",
    authorities=("finance", "audit", "cyberspace", "crypto"),
    whole_jurisdiction=True,
)
