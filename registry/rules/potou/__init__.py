"""坡头配置的规则（RULES.md）：坡头区区级政务信息化服务项目管理办法（试行，征求意见稿）。
"""
from registry.rules.profiles import Profile

PROFILE = Profile(
    id="potou",
    jurisdiction="广东省湛江市坡头区",
    regulation="坡头区区级政务信息化服务项目管理办法",
    document="试行，征求意见稿",
    prefix="PT",
    short_names=("坡头区", "坡头"),
    data_authority="政务服务数据管理局",
    authorities=("finance", "development_reform", "audit", "crypto"),
    whole_jurisdiction=True,
)
