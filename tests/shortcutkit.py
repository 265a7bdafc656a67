"""Every shortcut the commands take, in one table, and a command run with all of them (as a
user runs it) or with none (the reference) — each in a fresh process.

A shortcut is a way to the same answer with less work: the fast YAML reader instead of the
parser, records made from their shapes instead of by pydantic, plain twins instead of the
models, a blob not read from git because the run already holds its load result, local rules
only on the records that differ, an argparse-free command line, a binary search, the caches.
Each must give exactly what the full computation gives. :data:`SHORTCUTS` names every one
once, with how to turn it off and how to see that a run took it; :func:`run` runs a command

* ``reference=False``: as the user runs it, every shortcut on, spied on (which were taken);
* ``reference=True``: every shortcut off — each table entry's ``off`` in place, no cache, the
  history's full readers — the full computation with pydantic and every blob read from git.

Both run in a fresh interpreter: whether a run may hand the rules twins depends on what the
process imported before (:func:`registry.configfacts.twins_fit`: never once the record models
are imported, as they are in any test process that validated a record), so a twin run can
only be seen from a fresh process — an in-process "fast" run after a models run silently runs
on the models. A new shortcut is one more row in :data:`SHORTCUTS` (and the tests comparing
both ways cover it).
"""
from __future__ import annotations

import dataclasses
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
_ENV_OFF = {"REGISTRY_NO_CACHE": "1", "REGISTRY_HISTORY_FULL": "1", "REGISTRY_GIT_INDEX": "0"}  # caches, history readers, git index


@dataclasses.dataclass(frozen=True)
class Shortcut:
    """One shortcut: the function (``module``, ``name``: ``Class.method`` for a method) that
    takes it or decides to, what stands in for it in the reference (``off``: called with the
    original and the arguments), and whether a call's result shows it was taken (``taken``)."""

    label: str
    module: str
    name: str
    off: Callable[..., Any]
    taken: Callable[[Any, tuple[Any, ...], dict[str, Any]], bool]


def _none(_original: Callable[..., Any], *_args: Any, **_kwargs: Any) -> None:
    return None


def _false(_original: Callable[..., Any], *_args: Any, **_kwargs: Any) -> bool:
    return False


def _every_record(original: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    kwargs["changed_only"] = False  # the local rules on every record of both sides
    return original(*args, **kwargs)


def _scan(_original: Callable[..., Any], paths: list[str], path: str) -> Any:
    return iter([row for row, found in enumerate(paths) if found == path])


def _not_none(result: Any, _args: tuple[Any, ...], _kwargs: dict[str, Any]) -> bool:
    return result is not None


def _read(result: Any, _args: tuple[Any, ...], _kwargs: dict[str, Any]) -> bool:
    return result[0] is not None


def _true(result: Any, _args: tuple[Any, ...], _kwargs: dict[str, Any]) -> bool:
    return result is True


def _changed_only(_result: Any, _args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    return bool(kwargs.get("changed_only"))


def _always(_result: Any, _args: tuple[Any, ...], _kwargs: dict[str, Any]) -> bool:
    return True


def _parse_all(_original: Callable[..., Any], *_args: Any, **_kwargs: Any) -> tuple[None, bool]:
    return None, False


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("registry.yaml as twins, rules' parameters without pydantic (diff --base)",
             "registry.checking", "_plain_configs", _none, _not_none),
    Shortcut("target and merge blobs not read from git (load result already held)",
             "registry.recordcache", "RecordCache.has", _false, _true),
    Shortcut("local rules only on the records that differ (diff --base)",
             "registry.diffing", "run_check", _every_record, _changed_only),
    Shortcut("records read and made entry by entry (twins)", "registry.loader", "_twin_by_entries", _none, _not_none),
    Shortcut("records read by the fast YAML reader", "registry.loader", "_plain_block_data", _parse_all, _read),
    Shortcut("registry.yaml read by the fast YAML reader", "registry.loader", "_simple_config_data", _none, _not_none),
    Shortcut("records made from their shapes (models)", "registry.loader", "surely_built", _none, _not_none),
    Shortcut("records made from their shapes (twins)", "registry.loader", "surely_twin", _none, _not_none),
    Shortcut("registry.yaml vouched for by the shapes (twin)", "registry.configfacts", "surely_valid_twin",
             _none, _not_none),
    Shortcut("registry.yaml vouched for by the shapes (facts)", "registry.configfacts", "surely_valid_facts",
             _none, _not_none),
    Shortcut("check's command line without argparse", "registry.cli", "plain_check", _none, _not_none),
    Shortcut("a named path's row by binary search", "registry.snapshot", "_rows_of", _scan, _always),
)


def _install(reference: bool, taken: dict[str, int]) -> None:
    """Every shortcut turned off (``reference``) or spied on (``taken``: label → times taken)."""
    for shortcut in SHORTCUTS:
        module = importlib.import_module(shortcut.module)
        owner: Any = module
        *classes, attribute = shortcut.name.split(".")
        for part in classes:
            owner = getattr(owner, part)
        original = getattr(owner, attribute)
        setattr(owner, attribute, _replaced(shortcut, original, reference, taken))


def _replaced(shortcut: Shortcut, original: Callable[..., Any], reference: bool,
              taken: dict[str, int]) -> Callable[..., Any]:
    if reference:
        def off(*args: Any, **kwargs: Any) -> Any:
            return shortcut.off(original, *args, **kwargs)
        return off

    def spied(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if shortcut.taken(result, args, kwargs):
            taken[shortcut.label] = taken.get(shortcut.label, 0) + 1
        return result
    return spied


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a command did: its exit code, its output (parsed when it is JSON) and its error
    output; and (not compared) the shortcuts it took."""

    code: int
    out: Any
    err: str
    taken: dict[str, int] = dataclasses.field(compare=False, default_factory=dict)


def run(root: Path, argv: Sequence[str], *, reference: bool = False, env: dict[str, str] | None = None) -> Outcome:
    """``registry --root ROOT ARGV`` in a fresh interpreter, every shortcut on (spied on) or,
    with ``reference``, off (see the module)."""
    usage = root.parent / f".shortcuts-{os.getpid()}.json"
    environment = {**os.environ, **(env or {}), **(_ENV_OFF if reference else {})}
    if not reference:
        for name in _ENV_OFF:
            environment.pop(name, None)
    done = subprocess.run([sys.executable, __file__, "reference" if reference else "fast", str(usage),
                           "--root", str(root), *argv], capture_output=True, text=True, env=environment,
                          cwd=root, timeout=600, check=False)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    try:
        taken = json.loads(usage.read_text(encoding="utf-8"))
        usage.unlink()
    except FileNotFoundError:
        taken = {}
    try:
        out: Any = json.loads(done.stdout)
    except ValueError:
        out = done.stdout
    return Outcome(done.returncode, out, done.stderr, taken)


def _main(mode: str, usage: str, argv: list[str]) -> int:
    taken: dict[str, int] = {}
    _install(mode == "reference", taken)
    from registry.cli import main

    try:
        return main(argv)
    finally:
        Path(usage).write_text(json.dumps(taken), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1], sys.argv[2], sys.argv[3:]))
