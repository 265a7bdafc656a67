"""The modules of a package, as :func:`pkgutil.iter_modules` and :func:`pkgutil.walk_packages`
list them, without importing :mod:`pkgutil` — which imports :mod:`inspect` (and with it ``ast``,
``dis``, ``tokenize``) to name the files of a folder: some 5 ms of a commit hook that lists the
rule packages on every run. Folders found by the standard file finder are listed here the way
pkgutil's file-finder walk does (sorted names, a package before a module of the same name,
``__init__`` and dotted names skipped); anything else (a zip archive, another finder) is asked
of pkgutil itself, so the answer is pkgutil's in every case."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from importlib import import_module
from importlib.machinery import FileFinder, all_suffixes


def iter_modules(path: Iterable[str], prefix: str = "") -> Iterator[tuple[str, bool]]:
    """(``prefix`` + name, is a package) of every module in the folders ``path``, first
    occurrence of a name only (:func:`pkgutil.iter_modules`)."""
    yielded: set[str] = set()
    for entry in path:
        for name, ispkg in _entry_modules(entry, prefix):
            if name not in yielded:
                yielded.add(name)
                yield name, ispkg


def walk_packages(path: Iterable[str], prefix: str = "") -> Iterator[str]:
    """The names of every module below ``path``, subpackages imported to walk them
    (:func:`pkgutil.walk_packages` without an error callback: an import error propagates)."""
    for name, ispkg in iter_modules(path, prefix):
        yield name
        if ispkg:
            import_module(name)
            sub_path = getattr(sys.modules[name], "__path__", None)
            if sub_path:
                yield from walk_packages(sub_path, name + ".")


def _entry_modules(entry: str, prefix: str) -> Iterator[tuple[str, bool]]:
    if not isinstance(sys.path_importer_cache.get(entry), FileFinder) or not os.path.isdir(entry):
        import pkgutil  # not a folder of the standard finder: pkgutil knows the other importers

        for info in pkgutil.iter_modules([entry], prefix):
            yield info.name, info.ispkg
        return
    try:
        names = sorted(os.listdir(entry))  # a package before a module of the same name
    except OSError:
        return
    yielded: set[str] = set()
    for file_name in names:
        module = module_name(file_name)
        if module == "__init__" or module in yielded:
            continue
        ispkg = False
        if not module and "." not in file_name and os.path.isdir(os.path.join(entry, file_name)):
            try:
                inside = os.listdir(os.path.join(entry, file_name))
            except OSError:
                inside = []
            if not any(module_name(name) == "__init__" for name in inside):
                continue  # a folder that is not a package
            module, ispkg = file_name, True
        if module and "." not in module:
            yielded.add(module)
            yield prefix + module, ispkg


def module_name(file_name: str) -> str | None:
    """:func:`inspect.getmodulename`: the module a file name holds, by its import suffix."""
    for suffix in _SUFFIXES:
        if file_name.endswith(suffix):
            return file_name[:-len(suffix)]
    return None


_SUFFIXES = sorted(all_suffixes(), key=len, reverse=True)  # longest first, in case they overlap
