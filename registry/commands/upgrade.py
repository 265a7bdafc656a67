"""``registry upgrade``: after the tool is upgraded, refresh what ``registry init`` generated and
the tool owns (schema/, the page hook, site assets, CI files, pre-commit pins). Records,
registry.yaml, README and the county's own pages are left alone."""
from __future__ import annotations

import argparse
from pathlib import Path

from registry.findings import Message
from registry.loader import ConfigError, load_config
from registry.safewrite import check_inside, write_text_inside

NAME = "upgrade"
HELP = "工具升级后更新 init 生成的文件（schema、网站钩子、持续集成、pre-commit 版本），不改动记录"
PRE_COMMIT = ".pre-commit-config.yaml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="只列出会更新的文件，不写入")


def run(args: argparse.Namespace) -> int:
    from registry import __version__
    from registry.scaffold import managed_files, pre_commit_config

    root: Path = args.root
    config = load_config(root)
    if (root / "registry" / "scaffold").is_dir():  # this project's own repository: it is the source
        raise ConfigError(Message(
            "这是登记簿工具本身的仓库：其中的钩子、网站和持续集成文件就是 registry init 的来源，不需要 upgrade",
            "this is the tool's own repository, the source of what registry init writes: nothing to upgrade",
        ), path="")
    files = managed_files(config)
    existing = _read(root / PRE_COMMIT)
    files[PRE_COMMIT] = pre_commit_config(existing, config.base_branch)
    changes = {rel: content for rel, content in files.items() if _read(root / rel) != content}
    for rel in changes:  # every target checked before any is written: never through a link (registry.safewrite)
        check_inside(root, root / rel)
    changed = 0
    for rel, content in changes.items():
        changed += 1
        print(f"{'新建' if _read(root / rel) is None else '更新'} {rel}")
        if not args.dry_run:
            write_text_inside(root, root / rel, content)
    if not changed:
        print(f"已是最新（工具版本 {__version__}）")
    elif args.dry_run:
        print(f"共 {changed} 个文件需要更新（--dry-run：未写入）")
    else:
        print(f"共更新 {changed} 个文件（工具版本 {__version__}）；请检查改动后提交")
    return 0


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
