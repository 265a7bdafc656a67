"""Attack on the remembered fingerprint of the tool (regression test).

The cache directory is named by a fingerprint of the tool's source files; hashing them on every
run cost milliseconds, so the fingerprint is remembered by the files' ``lstat`` values. A
message of the tool edited in place — same size, modification time put back to the nanosecond —
after the fingerprint was remembered and the run cache filled must still give the NEW message
on the next warm run: never a report stored by the older tool. Run on a copy of the package
(the source tree is never touched), bytecode off so that Python itself reads the edited source.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
import registry
from registry import cache, cachekey

FIXTURES = Path(__file__).parent / "fixtures"
OLD, NEW = "不在可选值中。{hint}", "不在允许值中。{hint}"  # same size in UTF-8


def check(parent: Path, root: Path, *, cached: bool = True) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(parent), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop(cache.DISABLE_ENV, None)
    if not cached:
        env[cache.DISABLE_ENV] = "1"
    done = subprocess.run([sys.executable, "-m", "registry", "--root", str(root), "check", "--today", "2026-11-20"],
                          env=env, cwd=parent, capture_output=True, text=True, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout


def test_a_message_edited_in_place_with_its_times_put_back_is_the_one_shown(tmp_path: Path) -> None:
    parent = tmp_path / "pkg"
    shutil.copytree(Path(registry.__file__).parent, parent / "registry", ignore=shutil.ignore_patterns("__pycache__"))
    root = tmp_path / "registry"
    shutil.copytree(FIXTURES / "quxian", root)
    record = root / "systems/czj/czj-asset.yaml"
    record.write_text(record.read_text("utf-8").replace("status: retired", "status: invalid"), "utf-8")
    time.sleep(1.05 - time.time() % 1 + 0.05)  # every source file older than the runs' clock
    for _ in range(2):
        assert OLD.split("{")[0] in check(parent, root)[1]
    remembered = [p.name for p in cachekey.user_cache().iterdir() if p.name != "cache.key"]
    assert remembered, "the fingerprint was not remembered: the attack would fool nothing"
    source = parent / "registry" / "schema_errors.py"
    before = os.stat(source)
    data = source.read_bytes()
    assert data.count(OLD.encode()) == 1 and len(OLD.encode()) == len(NEW.encode())
    fd = os.open(source, os.O_WRONLY)
    try:
        os.write(fd, data.replace(OLD.encode(), NEW.encode()))
    finally:
        os.close(fd)
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(source).st_size == before.st_size
    warm = check(parent, root)
    assert warm == check(parent, root, cached=False)
    assert NEW.split("{")[0] in warm[1] and OLD.split("{")[0] not in warm[1]
    assert check(parent, root) == warm
