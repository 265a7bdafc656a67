"""The tool's fingerprint is remembered per installation (its source folders): checkouts and
hook environments used in turn keep their own remembered fingerprints instead of pushing each
other's out of one shared list of eight, and a remembered fingerprint is never a stale one."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import registry
from registry import cachekey

PAST = 1_600_000_000  # the files' modification times


def _next_second() -> None:
    """Wait until the files' change times lie in an earlier second than now: only then is a
    fingerprint remembered (see fingerprint's racily-clean rule)."""
    time.sleep(1.05 - time.time() % 1)


def _installation(root: Path, name: str) -> Path:
    package = root / name / "registry"
    package.mkdir(parents=True)
    for relative in ("__init__.py", "rules.py"):
        (package / relative).write_text(f"# {name} {relative}\n", encoding="utf-8")
        os.utime(package / relative, (PAST, PAST))
    return package


@pytest.fixture
def computed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each fingerprint worked out from the files (not remembered), by installation folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(cachekey, "plug_in_profiles", lambda: [])
    made: list[str] = []
    remember = cachekey._remember_fingerprint

    def spy(name: str, remembered: dict[str, str], state: str, result: str) -> None:
        made.append(os.path.dirname(registry.__file__))
        remember(name, remembered, state, result)

    monkeypatch.setattr(cachekey, "_remember_fingerprint", spy)
    return made


def _fingerprint(package: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(registry, "__file__", str(package / "__init__.py"))
    cachekey.fingerprint.cache_clear()
    try:
        return cachekey.fingerprint()
    finally:
        cachekey.fingerprint.cache_clear()


def test_installations_used_in_turn_keep_their_own_fingerprints(tmp_path: Path, computed: list[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    main, branch = _installation(tmp_path, "main"), _installation(tmp_path, "branch")
    others = [_installation(tmp_path, f"other{n}") for n in range(12)]  # more than one list of eight holds
    _next_second()
    first = {p: _fingerprint(p, monkeypatch) for p in (main, branch)}
    assert computed == [str(main), str(branch)] and first[main] != first[branch]
    for round_ in range(3):
        for package in others:  # each new to the cache in the first round
            _fingerprint(package, monkeypatch)
        assert _fingerprint(main, monkeypatch) == first[main]
        assert _fingerprint(branch, monkeypatch) == first[branch]
    assert computed == [str(main), str(branch), *map(str, others)]  # main and branch: never again


def test_a_remembered_fingerprint_is_never_stale_nor_forged(tmp_path: Path, computed: list[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    package = _installation(tmp_path, "main")
    _next_second()
    before = _fingerprint(package, monkeypatch)
    assert _fingerprint(package, monkeypatch) == before and len(computed) == 1
    source = package / "rules.py"
    source.write_text("# changed\n", encoding="utf-8")
    os.utime(source, (PAST, PAST))  # (same times: the size and the change time still differ)
    _next_second()
    changed = _fingerprint(package, monkeypatch)
    assert changed != before and len(computed) == 2
    for kept in (tmp_path / "cache" / "registry").glob("fingerprints-*"):  # a forged entry: ignored
        mac, _, text = kept.read_bytes().partition(b"\n")
        kept.write_bytes(mac + b"\n" + b"".join(line.split(b" ")[0] + b" " + b"0" * 64 + b"\n"
                                                  for line in text.splitlines()))
    assert _fingerprint(package, monkeypatch) == changed and len(computed) == 3
    monkeypatch.setattr(cachekey, "_remember_fingerprint", lambda *args: None)  # nothing remembered
    assert _fingerprint(package, monkeypatch) == changed
