"""``ruledocs.flow`` joins wrapped lines without a space between two Chinese characters. The
commit hook imports ruledocs (for ``own_text``), so the test for "Chinese character" is a range
test, not a regular expression compiled at import: it must say what the character class
``[\u3000-\u9fff\uff00-\uffef]`` said, for every character."""
from __future__ import annotations

import re

from registry.ruledocs import _wide, flow

CJK_CLASS = re.compile("[\u3000-\u9fff\uff00-\uffef]")


def test_the_range_test_is_the_character_class_for_every_character() -> None:
    differ = [c for c in map(chr, range(0x110000)) if bool(CJK_CLASS.match(c)) != _wide(c)]
    assert differ == []


def test_flow_joins_chinese_without_a_space_and_other_text_with_one() -> None:
    assert flow("项目建设\n完成后验收") == "项目建设完成后验收"
    assert flow("见第三条\nsee article 3") == "见第三条 see article 3"
    assert flow("amount\n（万元）") == "amount （万元）"
    assert flow("全角，\n逗号") == "全角，逗号"
    assert flow("one\n\n两段\n文字") == "one\n\n两段文字"
