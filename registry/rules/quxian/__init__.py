"""渠县配置的规则（RULES.md）：渠县信息化项目管理办法（渠府发〔2022〕12号）。

下列引文均照录原文；原文两段之间有换行的，引文中也保留换行，
因此无论怎样规范化空白，引文都与原文一致。
RULES.md 的表格与条文不一致时，规则以条文为准，并在其文档字符串中说明。
"""
from registry.rules.profiles import Profile

PROFILE = Profile.declared_in(__name__)  # the fields are in profile.toml
