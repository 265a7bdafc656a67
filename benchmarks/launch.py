"""Run one command and report its own resources: ``python -S launch.py REPORT COMMAND...``.

Linux carries a process's peak-memory mark (``ru_maxrss``) across ``exec``: a command started
straight from the benchmark script inherits the script's own high-water mark (the synthetic
registry it generated, hundreds of MB), so a small command would read as large as its parent.
This launcher is a small, fresh process (no ``site``, only ``os``, ``sys`` and ``time``): the
command it starts carries at most the launcher's few MB. It writes the command's wall clock,
CPU (user, system: the command and every child it waited for) and peak RSS to REPORT as one
line of numbers, and exits with the command's exit code. Not a test; see benchmarks/README.md.
"""
import os
import sys
import time


def main() -> int:
    report, command = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    try:
        pid = os.posix_spawnp(command[0], command, os.environ)
    except OSError as exc:
        sys.stderr.write(f"launch.py: cannot start {command[0]}: {exc}\n")
        return 127  # as a shell reports a command it cannot run
    _pid, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    with open(report, "w", encoding="ascii") as out:
        out.write(f"{wall} {usage.ru_utime} {usage.ru_stime} {usage.ru_maxrss}\n")
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code  # killed by a signal: as a shell reports it


if __name__ == "__main__":
    raise SystemExit(main())
