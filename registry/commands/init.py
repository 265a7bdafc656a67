"""``registry init DIR``: a complete registry repository for a county (registry.yaml, empty
systems/ and projects/, site, schema, hooks, CI, CODEOWNERS, README), passing ``registry check``
and ``mkdocs build --strict`` from the first commit."""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from registry.findings import Message
from registry.gitproc import GIT_OPTIONS
from registry.loader import CONFIG_FILE, ConfigError, config_from, load_config
from registry.safewrite import check_inside, write_text_inside

NAME = "init"
HELP = "为一个县（区、市、旗）新建完整的登记簿仓库"
RECORD_FOLDERS = ("systems", "projects", "docs")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, metavar="目录", help="新登记簿的目录（不存在时创建）")
    from registry.rules.profiles import PROFILES, SELECTABLE

    choices = "、".join(f"{p} {PROFILES[p].label}" for p in SELECTABLE)
    parser.add_argument("--profile", required=True, metavar="配置", help=f"适用的管理办法，多个用逗号分隔：{choices}")
    parser.add_argument("--name", required=True, metavar="名称", help="本登记簿所属地区，例如 某某县")
    parser.add_argument("--units", type=Path, metavar="文件",
                        help="单位表（.xlsx、.xls 或 .csv）：列 单位代码、单位名称，可选 单位类型、上级单位、审核人")
    parser.add_argument("--force", action="store_true", help="目录非空时也写入（已有的记录和文件不覆盖）")


def run(args: argparse.Namespace) -> int:
    from registry.scaffold import managed_files, pre_commit_config, starter_files
    from registry.scaffold.county import county_config, county_name, parse_profiles, registry_yaml, units_from_table

    target: Path = args.directory
    profiles = parse_profiles(args.profile)
    name = county_name(args.name)
    units = units_from_table(args.units, lambda line: print(line, file=sys.stderr)) if args.units is not None else []
    _refuse_non_empty(target, args.force)
    text = registry_yaml(county_config(name, profiles, units))
    config = config_from(text.encode("utf-8"))  # what init writes is checked like any registry.yaml
    if (target / CONFIG_FILE).is_file():  # --force next to a registry.yaml: the files follow it
        config = load_config(target)
        print(f"保留已有的 {CONFIG_FILE}：其余文件按其中的配置（{config.jurisdiction}）生成")
    files = {CONFIG_FILE: text, **starter_files(config), **managed_files(config),
             ".pre-commit-config.yaml": pre_commit_config(None, config.base_branch)}
    written, kept = _write(target, files)
    repo_note = _git_init(target, config.base_branch)
    print(f"已在 {target} 建立{name}的登记簿：写入 {len(written)} 个文件" + (f"，保留已有的 {len(kept)} 个" if kept else ""))
    for path in kept:
        print(f"  保留 {path}")
    if repo_note:
        print(repo_note)
    print("下一步：检查 registry.yaml 中的单位和审核人（reviewers），运行 registry codeowners --write、"
          "registry check 和 mkdocs build --strict，然后提交。")
    return 0


def _refuse_non_empty(target: Path, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise ConfigError(Message(f"{target} 不是目录", f"{target} is not a directory"), path="")
    present = [p.name for p in target.iterdir() if p.name != ".git"] if target.is_dir() else []
    if present and not force:
        shown = "、".join(sorted(present)[:5]) + ("…" if len(present) > 5 else "")
        raise ConfigError(Message(
            f"{target} 不是空目录（{shown}）：init 不覆盖已有内容；确需在此建立登记簿请加 --force（已有文件保留）",
            f"{target} is not empty ({shown}): pass --force to add the registry files (existing files are kept)",
        ), path="")


def _write(target: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    """Write each file that does not exist yet; nothing existing is overwritten, and no
    placeholder goes into a record folder that already holds files."""
    kept = [rel for rel in files if (target / rel).exists() or (target / rel).is_symlink()]
    new = [rel for rel in files if rel not in kept and not _placeholder_beside_files(target / rel)]
    for rel in new:  # a folder of DIR that is a link (--force): refused before anything is written
        check_inside(target, target / rel)
    for rel in new:
        write_text_inside(target, target / rel, files[rel])
    return new, kept


def _placeholder_beside_files(path: Path) -> bool:
    return path.name == ".gitkeep" and path.parent.is_dir() and any(path.parent.iterdir())


def _git_init(target: Path, branch: str) -> str:
    if (target / ".git").exists():
        return ""
    if shutil.which("git") is None:
        return "未找到 git：请安装 git 后在该目录运行 git init"
    result = subprocess.run(["git", *GIT_OPTIONS, "init", "-q", "-b", branch, str(target)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return f"git init 失败：{result.stderr.strip()}"
    return f"已初始化 git 仓库（主分支 {branch}）"
