"""Hostile YAML in a record file: bombs, tags, odd encodings, odd line ends, deep nesting."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness import SYSTEM, Case, append, ids, run_case, set_top, write

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
)
RECORD = (Path(__file__).resolve().parents[2] / SYSTEM).read_text(encoding="utf-8")


def deep(open_: str, close: str, levels: int) -> str:
    return open_ * levels + "1" + close * levels


CASES = [
    Case("alias_bomb", write(SYSTEM, BOMB), names=SYSTEM),
    Case("anchor_and_alias_in_a_record", set_top(SYSTEM, "platforms", "&p [shandongtong]\nscope2: *p"), names=SYSTEM),
    Case("merge_key", append(SYSTEM, "security2: &s {a: 1}\nsecurity3:\n  <<: *s\n"), names=SYSTEM),
    Case("python_object_tag", set_top(SYSTEM, "description", "!!python/object/apply:os.system ['touch /tmp/pwned']"), names=SYSTEM),
    Case("local_tag", set_top(SYSTEM, "description", "!secret 预算"), names=SYSTEM),
    Case("binary_tag", set_top(SYSTEM, "description", "!!binary aGVsbG8="), names=SYSTEM),
    Case("set_tag", set_top(SYSTEM, "platforms", "!!set {shandongtong: null}"), names=SYSTEM),
    Case("utf8_bom_is_fine", write(SYSTEM, "\ufeff" + RECORD), expect=0),
    Case("utf16_le_with_bom", write(SYSTEM, b"\xff\xfe" + RECORD.encode("utf-16-le")), names=SYSTEM),
    Case("utf16_be_without_bom", write(SYSTEM, RECORD.encode("utf-16-be")), names=SYSTEM),
    Case("gbk_encoded", write(SYSTEM, RECORD.encode("gbk", "replace")), names=SYSTEM),
    Case("crlf_line_ends_are_fine", write(SYSTEM, RECORD.replace("\n", "\r\n").encode()), expect=0),
    Case("cr_only_line_ends_are_fine", write(SYSTEM, RECORD.replace("\n", "\r").encode()), expect=0),
    Case("nul_byte_in_the_middle", write(SYSTEM, RECORD.encode().replace(b"\nunit:", b"\n\x00unit:")), names=SYSTEM),
    Case("nul_bytes_only", write(SYSTEM, b"\x00" * 4096), names=SYSTEM),
    Case("empty_file", write(SYSTEM, b""), names=SYSTEM),
    Case("only_a_comment", write(SYSTEM, "# 空\n"), names=SYSTEM),
    Case("a_list_not_a_mapping", write(SYSTEM, "- id: czj-budget\n"), names=SYSTEM),
    Case("a_bare_scalar", write(SYSTEM, "czj-budget\n"), names=SYSTEM),
    Case("two_documents", write(SYSTEM, RECORD + "---\n" + RECORD), names=SYSTEM),
    Case("duplicate_key", append(SYSTEM, "status: retired\n"), names=SYSTEM),
    Case("mapping_as_key", append(SYSTEM, "? {a: 1}\n: x\n"), names=SYSTEM),
    Case("tab_indentation", write(SYSTEM, RECORD.replace("  mlps_level", "\tmlps_level")), names=SYSTEM),
    Case("tab_after_a_colon", write(SYSTEM, RECORD.replace("name: ", "name:\t", 1)), names=SYSTEM),
    Case("tab_before_a_colon", write(SYSTEM, RECORD.replace("unit: ", "unit\t: ", 1)), names=SYSTEM),
    Case("trailing_tab", write(SYSTEM, RECORD.replace("\nunit: czj", "\nunit: czj\t", 1)), names=SYSTEM),
    Case("tab_inside_a_plain_value", set_top(SYSTEM, "description", "全县\t预算"), names=SYSTEM),
    Case("tab_in_quoted_text_and_comment_is_fine",
         write(SYSTEM, RECORD.replace("\nunit: czj", "\nunit: czj  # 单位\t代码", 1).replace("\nnotes: ", '\nnotes: "内部\t备注；', 1)
               .replace("资金。\n", '资金。"\n', 1)),
         expect=0),
    Case("unclosed_quote", append(SYSTEM, 'notes2: "never closed\n'), names=SYSTEM),
    Case("unclosed_flow_sequence", append(SYSTEM, "notes2: [a, b\n"), names=SYSTEM),
    Case("truncated_mid_key", write(SYSTEM, "id: czj-budget\nname: y\nunit"), names=SYSTEM),
    Case("deep_sequences_10000", set_top(SYSTEM, "description", deep("[", "]", 10_000)), names=SYSTEM, subprocess=True, cpu=10),
    Case("deep_mappings_10000", set_top(SYSTEM, "description", deep("{a: ", "}", 10_000)), names=SYSTEM, subprocess=True, cpu=10),
    Case("deep_block_nesting_5000", write(SYSTEM, "id: x\nd:\n" + "".join("  " * i + "- \n" for i in range(1, 5000))),
         names=SYSTEM, subprocess=True, cpu=10),
    Case("deep_nesting_1000_in_site_and_export", set_top(SYSTEM, "description", deep("[", "]", 1_000)),
         commands=(("check",), ("export", "--format", "json", "--out", "{out}/c.json"), ("site", "--out", "{out}/site")),
         expect=(1, 0, 0), names=SYSTEM),
    Case("huge_file_8_mib", write(SYSTEM, RECORD + "notes2: '" + "长" * (3 << 20) + "'\n"), names=SYSTEM, subprocess=True),
    Case("huge_single_line_900_kib", set_top(SYSTEM, "notes", "x" * (900 << 10)), expect=0),
    # Linear, measured in CPU (harness.CpuClock, load 3–5): 5,000 keys +0.54 s over the plain
    # record, 10,000 +0.98 s, 50,000 +5.8 s (30 s of wall clock under that load: the old 20 s
    # wall-clock bound failed). A parser quadratic in the keys, as costly at 5,000, would take
    # 100 × 0.54 ≈ 54 s here (n^1.5: 17 s): 15 s catches either and leaves 2.5× for the machine.
    Case("many_keys_50000", write(SYSTEM, RECORD + "".join(f"k{i}: {i}\n" for i in range(50_000))), names=SYSTEM, cpu=15),
    Case("long_key", append(SYSTEM, "k" * 100_000 + ": 1\n"), names=SYSTEM),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_hostile_yaml(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path)
