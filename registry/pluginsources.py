"""Where the installed plug-in rule profiles lie, for the cache's fingerprint
(:func:`registry.cachestore.fingerprint`): a reused report imports no rule, so a plug-in
upgraded, removed or edited in place must change the fingerprint as the tool's own code does.
Found without importing ``importlib.metadata`` or the plug-ins themselves."""
from __future__ import annotations

import functools
import importlib
import os
import sys

_PLUG_IN_GROUP = b"[registry.profiles]"  # registry.rules.profiles.ENTRY_POINT_GROUP


def plug_in_profiles() -> list[tuple[bytes, list[str]]]:
    """Each installed distribution that declares a rule profile (entry point group
    ``registry.profiles``): its ``<name>-<version>.dist-info`` name and entry points, and where
    the packages they name lie — found the way :func:`registry.cachekey.installed_version` finds
    distributions, without importing ``importlib.metadata`` or the plug-ins (about a millisecond,
    once per run and ``sys.path``: the cache's fingerprint and profile discovery both ask)."""
    return list(_plug_in_profiles(tuple(sys.path)))


@functools.cache
def _plug_in_profiles(path: tuple[str, ...]) -> tuple[tuple[bytes, list[str]], ...]:
    found: list[tuple[bytes, list[str]]] = []
    for folder in path:
        for name in listing(folder or "."):
            if not name.lower().endswith((".dist-info", ".egg-info")):  # (as importlib.metadata: any case)
                continue
            try:
                with open(os.path.join(folder or ".", name, "entry_points.txt"), "rb") as file:
                    text = file.read()
            except OSError:
                continue
            if _PLUG_IN_GROUP in text:
                places = [path for module in _entry_modules(text) for path in _where(module)]
                found.append((name.encode() + b"\0" + text, places))
    return tuple(found)


def none_installed() -> bool:
    """True only when ``importlib.metadata.entry_points(group="registry.profiles")`` is surely
    empty, told without importing it: distributions are found only by the standard path finder,
    in folders of ``sys.path`` (no zip archive, no egg), and none of their ``entry_points.txt``
    names the group. False whenever that is not certain: then ask ``importlib.metadata``."""
    from importlib.machinery import PathFinder

    finders = [finder for finder in sys.meta_path if hasattr(finder, "find_distributions")]
    if finders != [PathFinder]:
        return False  # another finder may know distributions this scan cannot see
    for folder in sys.path:
        if folder.lower().endswith(".egg") or (os.path.exists(folder or ".") and not os.path.isdir(folder or ".")):
            return False  # an egg or an archive (importlib.metadata reads zip files too)
    return not plug_in_profiles()


def _entry_modules(text: bytes) -> list[str]:
    """The top-level modules the ``registry.profiles`` entry points of ``entry_points.txt`` name."""
    modules: list[str] = []
    section = b""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(b"["):
            section = line
        elif section == _PLUG_IN_GROUP and b"=" in line:
            value = line.partition(b"=")[2].strip().decode("utf-8", "replace")
            modules.append(value.partition(":")[0].strip().split(".")[0])
    return modules


def _where(module: str) -> list[str]:
    """Where the top-level ``module`` is imported from (its package's folders, or its file),
    found by every finder (an editable install's too) without importing it."""
    from importlib.util import find_spec

    try:
        spec = find_spec(module) if module.isidentifier() else None
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return []  # not importable: the profile is broken, and loading the rules says so
    if spec.submodule_search_locations:
        return list(spec.submodule_search_locations)
    return [spec.origin] if spec.origin and os.path.isfile(spec.origin) else []


@functools.cache
def listing(folder: str) -> tuple[str, ...]:
    """The names in ``folder`` (none if it cannot be listed), read once per run."""
    try:
        return tuple(os.listdir(folder))
    except OSError:
        return ()


def package_file(package: str, name: str) -> bytes:
    """The bytes of the file ``name`` inside the (imported) ``package``: through its loader's
    ``get_data`` (a folder or a zip file on sys.path), which ``importlib.resources`` would
    end up calling too, without importing it (and tempfile, shutil, zipfile … behind it)."""
    module = sys.modules.get(package) or importlib.import_module(package)
    spec = module.__spec__
    get_data = getattr(spec.loader, "get_data", None) if spec is not None else None
    if spec is None or get_data is None or not spec.origin or not spec.has_location or spec.submodule_search_locations is None:
        import importlib.resources  # a package of another kind of loader: the general way

        return importlib.resources.files(package).joinpath(name).read_bytes()
    data: bytes = get_data(os.path.join(os.path.dirname(spec.origin), name))
    return data
