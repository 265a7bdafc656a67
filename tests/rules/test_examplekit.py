"""How a rule's documented example becomes a case (tests/examplekit.py): directives are data,
prose is prose, and an unreadable directive fails loudly instead of running a different case."""
from __future__ import annotations

import dataclasses
import datetime as dt
import inspect

import pytest

from examplekit import ExampleError, example_case
from registry.rules import RULES


def _case(rule_id: str, text: str) -> dict[str, object]:
    return example_case(dataclasses.replace(RULES[rule_id], fails=inspect.cleandoc(text)), "fails")


def test_the_record_path_follows_its_fields_and_other_records_come_from_directives() -> None:
    case = _case("REG011", """
        # systems/czj/czj-old.yaml: status: retired,
        #   retired_on: 2024-06-30
        # 这一行是说明
        id: 2024-czj-003
        year: 2024
        """)
    assert case["records"] == {"systems/czj/czj-old.yaml": {"status": "retired", "retired_on": dt.date(2024, 6, 30)},
                               "projects/czj/2024-czj-003.yaml": {"id": "2024-czj-003", "year": 2024}}
    assert "base" not in case  # a registry rule compares no revisions


def test_change_examples_name_the_base_revision() -> None:
    case = _case("CHG002", """
        # 基准版本 systems/wjw/wjw-old.yaml: status: operating
        # 删除了 systems/czj/czj-gone.yaml
        # 今天 2025-07-01：说明
        # 基准版本：status: retired
        status: operating
        """)
    assert case["base"] == {"systems/wjw/wjw-old.yaml": {"status": "operating"}, "systems/czj/czj-gone.yaml": {},
                            "systems/czj/czj-budget.yaml": {"status": "retired"}}
    assert case["records"] == {"systems/czj/czj-gone.yaml": None, "systems/czj/czj-budget.yaml": {"status": "operating"}}
    assert case["today"] == dt.date(2025, 7, 1)
    assert {u["id"] for u in case["registry"]["units"]} >= {"czj", "wjw"}  # type: ignore[index]


def test_documents_named_are_committed_unless_said_otherwise() -> None:
    case = _case("REG010", """
        # 未提交 docs/a/缺.pdf
        documents: {feasibility_study: docs/a/缺.pdf, preliminary_design: docs/a/有.pdf}
        """)
    assert case["documents"] == ["docs/a/有.pdf"]


def test_text_that_is_no_mapping_is_written_verbatim() -> None:
    case = _case("REG001", "name: 甲\nname: 乙\n")
    assert case["raw"] == {"systems/czj/czj-budget.yaml": "name: 甲\nname: 乙"}


@pytest.mark.parametrize("text", [
    "# systems/czj/czj-old.yaml: built_by: [2023-czj-001]，尚未验收\nid: czj-budget",
    "# 基准版本：status: [retired\nstatus: operating",
    "   \n",
])
def test_an_unreadable_example_fails_loudly(text: str) -> None:
    with pytest.raises(ExampleError, match="fails example"):
        _case("CHG003", text)
