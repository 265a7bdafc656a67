"""金乡县规则集（jinxiang，见 RULES.md）：金乡县政务信息化项目建设管理办法（金政字〔2024〕80号）。
"""
from registry.rules.profiles import Profile

PROFILE = Profile.declared_in(__name__)  # the fields are in profile.toml
