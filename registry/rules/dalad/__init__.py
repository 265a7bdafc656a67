"""达拉特旗规则集（dalad，见 RULES.md）：达拉特旗数字城市建设项目管理办法（征求意见稿）。

底稿文本的条文编号为第一条至第五条，其后是两段未编号的条文（原文的第六、七条），
再从第八条起继续编号；以下引文按印出的编号标注。
"""
from registry.rules.profiles import Profile

PROFILE = Profile.declared_in(__name__)  # the fields are in profile.toml
