"""The harness's own bounds: CPU time is measured on the command (this process's threads and
the child processes it waited for), a case over its CPU bound fails whatever the machine's
load, a loop is interrupted by CPU and a hang by the wall clock."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import SYSTEM, Case, CpuClock, HarnessTimeout, append, run_case, time_limit


def test_the_clock_counts_this_process_and_its_children() -> None:
    clock = CpuClock()
    subprocess.run([sys.executable, "-c", "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"],
                   check=True)
    child = clock.seconds()
    assert child >= 0.25
    end = time.process_time() + 0.2
    while time.process_time() < end:
        pass
    assert clock.seconds() >= child + 0.18


def test_sleeping_costs_no_cpu() -> None:
    clock = CpuClock()
    time.sleep(0.3)
    assert clock.seconds() < 0.1


def test_a_loop_is_stopped_by_its_cpu_bound_a_hang_by_the_wall_clock() -> None:
    with pytest.raises(HarnessTimeout, match="CPU"), time_limit(60, cpu=0.2):
        while True:
            pass
    with pytest.raises(HarnessTimeout, match="no result"), time_limit(0.2, cpu=60):
        time.sleep(5)


@pytest.mark.parametrize("subprocess_", [False, True], ids=["in_process", "subprocess"])
def test_a_case_over_its_cpu_bound_fails(subprocess_: bool, tmp_path: Path) -> None:
    case = Case("any", append(SYSTEM, "status: retired\n"), names=SYSTEM, subprocess=subprocess_, cpu=0.001)
    with pytest.raises(AssertionError, match=r"s of CPU|more than 0\.001 s"):
        run_case(case, tmp_path)


def test_a_case_within_its_bound_reports_its_cpu(tmp_path: Path) -> None:
    outcomes = run_case(Case("any", append(SYSTEM, "status: retired\n"), names=SYSTEM, subprocess=True), tmp_path)
    assert 0.05 < outcomes[0].cpu <= 20  # a fresh interpreter's start and a check of the demo registry
