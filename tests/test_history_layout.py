"""The history counts exactly the files the loader reads as system records (x-attack #3)."""
from __future__ import annotations

import pytest

from registry.blobfields import system_state
from registry.inventory import _system_path
from registry.layout import MAX_RECORD_BYTES


@pytest.mark.parametrize(("path", "counted"), [
    ("systems/czj/czj-a.yaml", True), ("reg/systems/czj/czj-a.yaml", True),
    ("systems/czj/czj-a.yml", False), ("systems/czj/deep/czj-a.yaml", False), ("systems/czj-a.yaml", False),
    ("systems/.hidden/czj-a.yaml", False), ("systems/czj/.czj-a.yaml", False), ("systems/czj/.yaml", False),
    ("systems/czj/czj\x07a.yaml", False), ("projects/czj/2025-czj-001.yaml", False), ("other/systems/czj/a.yaml", False),
])
def test_only_record_paths_under_systems_count(path: str, counted: bool) -> None:
    prefix = "reg/" if path.startswith("reg/") else ""
    assert (_system_path(path, prefix) is not None) == counted


def test_a_blob_larger_than_a_record_may_be_is_no_system() -> None:
    record = b"id: czj-a\nname: x\nunit: czj\nstatus: operating\ndeployment: county_cloud\n"
    assert system_state(record) is not None and system_state(record, fast=False) is not None
    padded = record + b"#" + b"x" * MAX_RECORD_BYTES + b"\n"
    assert system_state(padded) is None and system_state(padded, fast=False) is None
