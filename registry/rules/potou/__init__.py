"""坡头配置的规则（RULES.md）：坡头区区级政务信息化服务项目管理办法（试行，征求意见稿）。
"""
from registry.rules.profiles import Profile

PROFILE = Profile.declared_in(__name__)  # the fields are in profile.toml
