"""The Decap CMS program served with the site: the npm package at a pinned version.

``npm pack decap-cms@VERSION`` fetches the published tarball (no dependencies to install: its
``dist/`` is self-contained), its sha512 is checked against :data:`INTEGRITY` (npm's
``dist.integrity`` of that version) and only the files the browser loads are extracted, into a
per-user cache. A registry without node commits these files once (``registry cms --vendor``,
``cms.bundle`` in registry.yaml) and builds from them. Nothing is fetched at run time: the
admin page loads the script from beside itself.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from registry.findings import Message
from registry.loader import ConfigError

PACKAGE = "decap-cms"
VERSION = "3.16.3"
INTEGRITY = "sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpwUYhUJDYtYw=="
# What the browser loads: the entry script, the chunks it imports beside itself, the wasm
# modules, and the licence notices that must travel with the code.
SERVED = re.compile(r"(decap-cms\.js|[0-9]+\.decap-cms\.js|[0-9a-f]+\.wasm|decap-cms\.js\.LICENSE\.txt)\Z")
ENTRY = "decap-cms.js"
NPM_TIMEOUT = 300  # seconds: one tarball of a few megabytes


def cache_dir() -> Path:
    base = os.environ.get("REGISTRY_CMS_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "registry")
    return Path(base) / f"{PACKAGE}-{VERSION}"


def bundle(root: Path, configured: str | None) -> dict[str, bytes]:
    """File name → content of the program, from the committed bundle or the npm registry."""
    if configured is not None:
        return read_bundle(_inside(root, configured), configured)
    return read_bundle(fetch(), str(cache_dir()))


def read_bundle(folder: Path, shown: str) -> dict[str, bytes]:
    if not (folder / ENTRY).is_file() or (folder / ENTRY).is_symlink():
        raise _error(f"cms.bundle 目录 {shown} 中没有 {ENTRY}：请先运行 registry cms --vendor 写出并提交",
                     f"cms.bundle folder {shown} holds no {ENTRY}: run registry cms --vendor and commit it")
    files = {}
    for path in sorted(folder.iterdir()):
        if SERVED.match(path.name) and path.is_file() and not path.is_symlink():
            files[path.name] = path.read_bytes()
    return files


def vendor(root: Path, configured: str) -> Path:
    """Write the fetched program into the registry's ``cms.bundle`` folder (to be committed)."""
    target = _inside(root, configured)
    target.mkdir(parents=True, exist_ok=True)
    for name, content in read_bundle(fetch(), str(cache_dir())).items():
        (target / name).write_bytes(content)
    return target


def fetch() -> Path:
    """The extracted program in the cache, fetched and verified once per version."""
    folder = cache_dir()
    if (folder / ENTRY).is_file():
        return folder
    npm = shutil.which("npm")
    if npm is None:
        raise _error(
            f"需要 node 和 npm 才能安装 {PACKAGE}@{VERSION}：请安装 node（≥20），或在 registry.yaml 的 cms.bundle 指定已提交的程序包",
            f"node and npm are needed to install {PACKAGE}@{VERSION}; install node (>=20) or set cms.bundle")
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        tarball = _pack(npm, Path(tmp))
        staged = Path(tmp) / "out"
        _extract(tarball, staged)
        if not (folder / ENTRY).is_file():  # another process may have finished first
            shutil.rmtree(folder, ignore_errors=True)
            staged.rename(folder)
    return folder


def _pack(npm: str, where: Path) -> bytes:
    try:
        done = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--ignore-scripts", "--silent", "--pack-destination", str(where)],
            cwd=where, capture_output=True, text=True, timeout=NPM_TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired:
        raise _error(f"npm pack {PACKAGE}@{VERSION} 超时（{NPM_TIMEOUT} 秒）", f"npm pack timed out") from None
    tarballs = list(where.glob("*.tgz"))
    if done.returncode != 0 or len(tarballs) != 1:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
        raise _error(f"npm pack {PACKAGE}@{VERSION} 失败：{detail[0]}", f"npm pack failed: {detail[0]}")
    data = tarballs[0].read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        raise _error(f"{PACKAGE}@{VERSION} 的校验值与预期不符，拒绝使用：{digest}",
                     f"integrity mismatch for {PACKAGE}@{VERSION}: {digest}")
    return data


def _extract(tarball: bytes, target: Path) -> None:
    """Only regular files directly under ``package/dist/`` whose names the browser loads."""
    target.mkdir()
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            folder, _, name = member.name.rpartition("/")
            if folder != "package/dist" or not member.isfile() or not SERVED.match(name):
                continue
            source = archive.extractfile(member)
            if source is not None:
                (target / name).write_bytes(source.read())
    if not (target / ENTRY).is_file():
        raise _error(f"{PACKAGE}@{VERSION} 的程序包中没有 dist/{ENTRY}", f"no dist/{ENTRY} in the package")


def _inside(root: Path, configured: str) -> Path:
    """``cms.bundle`` resolved inside the registry (no escaping through ``..`` or links)."""
    top = root.resolve()
    path = (top / configured).resolve()
    if top not in path.parents:
        raise _error(f"cms.bundle 必须是登记簿仓库内的目录：{configured}",
                     f"cms.bundle must be a folder inside the registry: {configured}")
    return path


def _error(zh: str, en: str) -> ConfigError:
    return ConfigError(Message(zh, en))
