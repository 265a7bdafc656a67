"""The import tests' guard is a CPU-time bound on the child (the kernel stops it), not the
wall clock: a child that needs more CPU than its bound fails the test, however idle or busy the
machine is; a child within it passes whatever the wall clock says."""
from __future__ import annotations

from pathlib import Path

import pytest

from test_x_import_hostile import registry_root, run_import

__all__ = ["registry_root"]  # the fixture


def _ledger(path: Path, rows: int) -> Path:
    lines = ["系统名称,所属单位,运行状态,部署方式", *(f"系统{n},金乡县财政局,规划中,县级政务云" for n in range(rows))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_over_its_cpu_bound_fails(registry_root: Path, tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="more than 1 s of CPU"):
        run_import(registry_root, _ledger(tmp_path / "a.csv", 50_000), timeout=1)


def test_an_import_within_its_bound_passes(registry_root: Path, tmp_path: Path) -> None:
    code, out, err, _peak = run_import(registry_root, _ledger(tmp_path / "a.csv", 3), timeout=60)
    assert code == 0 and out.count("将新建") == 3, (code, out, err)
