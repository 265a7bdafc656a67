"""Git trees as the checker reads them: the target revision of ``--base`` and the tree a merge
into it would produce (``git merge-tree --write-tree``).

Only regular files (mode 100644/100755) at ``systems/<unit>/<id>.yaml`` or
``projects/<unit>/<id>.yaml`` are records. A symbolic link (120000) or a submodule (160000)
anywhere under ``systems/``, ``projects/`` or ``docs/``, and any other file under ``systems/`` or
``projects/``, is a problem naming the path: a link is never followed (its blob is the link's
target, not a record), and a file at a path that is not a record's is never skipped in silence
(a record nobody counts escapes "只减不增"); nor is a YAML file in a look-alike top-level folder
(``systems2/``, ``Projects/``).
"""
from __future__ import annotations

import dataclasses
import unicodedata

from registry.findings import Message, Unreadable
from registry.gitproc import GitFailed, Repo
from registry.layout import LOOKALIKE_PREFIXES, RECORD_DIRS, is_record_path

WATCHED_DIRS = (*RECORD_DIRS, "docs")
REGULAR_MODES = ("100644", "100755")
LOCATION_RULE = "REG003"  # the file is not where (or not what) a record must be


@dataclasses.dataclass(frozen=True)
class Entry:
    """One file of a tree listing, relative to the registry root."""

    path: str
    mode: str
    oid: str

    @property
    def regular(self) -> bool:
        return self.mode in REGULAR_MODES


@dataclasses.dataclass
class TreeFiles:
    """What a tree holds for the registry: record blobs, registry.yaml, and path problems."""

    records: dict[str, str]  # path -> blob id of every regular record file
    config: str | None  # blob id of registry.yaml (None when the tree has none)
    problems: list[Unreadable]
    submodules: set[str] = dataclasses.field(default_factory=set)  # paths of gitlinks (mode 160000) among them


def list_tree(repo: Repo, treeish: str, prefix: str) -> TreeFiles:
    """The registry's files in ``treeish`` (a commit or tree id) below ``prefix`` (the registry
    root inside the repository, '' or ending in '/'): one ``git ls-tree`` process."""
    try:
        out = repo.git("ls-tree", "-r", "-z", "--full-tree", treeish, *(["--", prefix] if prefix else []))
    except GitFailed as exc:  # a tree object missing or damaged
        from registry.gitio import missing_object

        raise missing_object(repo, treeish, prefix.rstrip("/"), exc) from None
    files = TreeFiles({}, None, [])
    for line in out.decode("utf-8", "surrogateescape").split("\0"):
        if not line:
            continue
        meta, _, full = line.partition("\t")
        mode, _kind, oid = meta.split(" ", 2)
        if not full.startswith(prefix):
            continue
        _sort(files, Entry(full[len(prefix):], mode, oid))
    files.problems.sort(key=lambda p: p.path)
    return files


def _sort(files: TreeFiles, entry: Entry) -> None:
    if not printable(entry.path):
        files.problems.append(bad_name(entry.path))
        return
    if entry.path == "registry.yaml":
        files.config = entry.oid if entry.regular else None
        if not entry.regular:
            files.problems.append(not_regular(entry))
        return
    top = entry.path.split("/", 1)[0]
    if entry.mode == "160000":
        files.submodules.add(entry.path)
    if top in WATCHED_DIRS:
        if not entry.regular:
            files.problems.append(not_regular(entry))
        elif is_record_path(entry.path):
            files.records[entry.path] = entry.oid
        elif top in RECORD_DIRS and not _quiet(entry.path):
            files.problems.append(not_a_record(entry.path))
    elif "/" in entry.path and top.casefold().startswith(LOOKALIKE_PREFIXES):
        # systems2/, Projects/, system/: YAML there looks like a record to whoever wrote it
        if not entry.regular:
            files.problems.append(not_regular(entry))
        elif entry.path.casefold().endswith((".yaml", ".yml")):
            files.problems.append(not_a_record(entry.path))


def printable(path: str) -> bool:
    """Valid UTF-8 (no surrogate escapes from decoding) without control characters."""
    if path.isascii() and path.isprintable():
        return True  # the common case, without a look-up per character
    return not any(unicodedata.category(c) in ("Cc", "Cs") for c in path)


def shown(path: str) -> str:
    """A path as it can be printed: undecodable bytes and control characters escaped."""
    raw = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if unicodedata.category(c)[0] != "C" else repr(c)[1:-1] for c in raw)


def bad_name(path: str) -> Unreadable:
    name = shown(path)
    return Unreadable(
        name, LOCATION_RULE, 1, 1, "",
        Message(
            f"git 中的文件名 {name} 不是有效的 UTF-8 文本或含控制字符，不会被读取：请改用由字母、数字、连字符组成的文件名",
            f"file name {name} in git is not valid UTF-8 or holds control characters and is not read: rename it "
            "(letters, digits and hyphens)",
        ),
    )


def _quiet(path: str) -> bool:
    """Hidden non-YAML files (``.gitkeep``) may sit in record folders."""
    name = path.rsplit("/", 1)[-1]
    return name.startswith(".") and not name.casefold().endswith((".yaml", ".yml"))


def not_regular(entry: Entry) -> Unreadable:
    what = ("子模块", "a submodule") if entry.mode == "160000" else \
        ("符号链接", "a symbolic link") if entry.mode == "120000" else ("特殊文件", "a special file")
    return Unreadable(
        entry.path, LOCATION_RULE, 1, 1, "",
        Message(
            f"{entry.path} 在 git 中是{what[0]}（模式 {entry.mode}），不是普通文件：登记簿只读取普通文件，"
            "不跟随链接，也不读取子模块；请提交文件本身，或删除它",
            f"{entry.path} is {what[1]} in git (mode {entry.mode}), not a regular file: the registry reads "
            "regular files only and never follows links or submodules; commit the file itself or remove it",
        ),
    )


def not_a_record(path: str) -> Unreadable:
    folder = "projects" if path.casefold().startswith("project") else "systems"
    stem = path.rsplit("/", 1)[-1].split(".", 1)[0] or "<编号>"
    return Unreadable(
        path, LOCATION_RULE, 1, 1, "",
        Message(
            f"不是记录文件：{path} 不在 {folder}/<单位代码>/<编号>.yaml 位置（扩展名须为小写 .yaml，不能有子目录），"
            f"不会被读取和计数；请移到 {folder}/<单位代码>/{stem}.yaml 或删除",
            f"not a record file: {path} is not at {folder}/<unit>/<id>.yaml (lower-case .yaml, no sub-folders), "
            f"so it is neither read nor counted; move it to {folder}/<unit>/{stem}.yaml or remove it",
        ),
    )


@dataclasses.dataclass(frozen=True)
class Conflict(Exception):
    """``git merge-tree`` could not merge cleanly: the conflicted paths."""

    paths: tuple[str, ...]


def merge_tree(repo: Repo, target: str, head: str) -> str:
    """The id of the tree that merging ``head`` into ``target`` would produce (git ≥ 2.38);
    :class:`Conflict` when the merge does not go through cleanly."""
    status, out, err = repo.status("merge-tree", "--write-tree", "--name-only", "-z", "--no-messages", target, head)
    text = out.decode("utf-8", "surrogateescape")
    if status == 0:
        return text.split("\0", 1)[0].strip()
    if status == 1:
        tree, _, rest = text.partition("\0")
        paths = tuple(dict.fromkeys(p for p in rest.split("\0\0", 1)[0].split("\0") if p))
        raise Conflict(paths)
    raise GitFailed(["merge-tree"], status, err)
