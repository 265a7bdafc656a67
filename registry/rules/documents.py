"""通用规则 REG010：文件引用——以路径填写的附件须是登记簿内已提交的普通文件，不能是网址。"""
from __future__ import annotations

import re
from collections.abc import Iterator

from registry.rules.base import Context, Kind, NoParams, Problem, problem, rule


_DOC_PROBLEMS = {
    "absolute": ("不能使用绝对路径", "must not be an absolute path"),
    "parent": ("不能包含 ..", "must not contain .."),
    "outside": ("指向登记簿目录之外（符号链接）", "leads outside the registry (symlink)"),
    "missing": ("文件不存在：请把文件提交到 docs/ 下，或改写为文件编号", "names no existing file: add it under docs/ or give a document number"),
    "symlink": ("经过符号链接：附件只能是普通文件，登记簿不跟随链接；请用文件本身替换链接",
                "goes through a symbolic link: attachments must be regular files, links are not followed"),
    "special": ("不是普通文件（命名管道、设备等）：请提交文件本身", "is not a regular file (a FIFO, a device …): commit the file itself"),
    "too_long": ("路径过长：请缩短目录名和文件名", "is too long a path: shorten the folder and file names"),
    "unreadable": ("无法访问（权限不足或读取错误）：请检查目录权限", "cannot be accessed (permission or I/O error): check the folder's permissions"),
}


# A reference that opens with a URI scheme is a link, not a file of the registry nor a
# document number. "C:\\…" (one letter) stays a Windows path: REG010 calls it absolute.
_URL = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]+):")
_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "data", "file", "blob", "about", "mailto",
                      "tel", "sms", "ftp", "http", "https", "ws", "wss", "smb", "jar", "view-source"})


def url_scheme(ref: str) -> str | None:
    """The scheme of a reference written as a URL (``https://…``, ``javascript:…``), else None."""
    found = _URL.match(ref)
    if found is None:
        return None
    scheme = found.group(1).lower()
    return scheme if scheme in _SCHEMES or ref[found.end():].startswith("//") else None


def is_path_reference(ref: str) -> bool:
    """A document reference is a repository path when it looks like one; else a document number."""
    return ref.startswith(("docs/", "/", "./", "../", "~")) or "\\" in ref or "/../" in ref


@rule("REG010", name="document-paths", title="文件路径指向登记簿内存在的文件", kind=Kind.record, profile="common",
      fails="""
      # 未提交 docs/2025-czj-001/可研.pdf
      documents:
        feasibility_study: docs/2025-czj-001/可研.pdf   # 文件未提交
      """,
      passes="""
      documents:
        feasibility_study: 金发改审〔2025〕7号            # 文件编号
        preliminary_design: docs/2025-czj-001/初设.pdf  # 已提交的文件
      """)
def reg010(ctx: Context, params: NoParams) -> Iterator[Problem]:
    """以路径形式填写的文件引用（如 `docs/…`）须指向登记簿目录内已存在的普通文件：
    不得使用绝对路径，不得包含 `..`，路径上不得有符号链接（无论指向何处，一律不跟随）。
    填写文件编号（如“金发改审〔2025〕7号”）的不受此限。

    文件引用也不能是网址（`https://…`、`http://…`、`file://…`、`javascript:…` 等）：
    请把文件提交到 `docs/` 下并填写其路径，或填写文件编号。

    审核和审计人员从记录直接打开附件；链接失效说明文件从未提交，
    而指向仓库之外的路径可能把非公开的文件发布出去。网址指向登记簿之外、
    随时可能改变或失效的内容，`file:` 指向某台电脑上的文件，`javascript:`、`data:`
    则是在公开网站上执行脚本的常见手法：它们都不是可归档、可审核的文件。
    """
    for p in ctx.projects:
        for kind, ref in p.documents.__dict__.items():  # the fields (extra keys are refused)
            if not ref:
                continue
            scheme = url_scheme(ref)
            if scheme is not None:
                yield problem(
                    p, f"documents.{kind}",
                    f"文件引用 {ref} 是网址（{scheme}:），不是登记簿中的文件或文件编号："
                    "请把文件提交到 docs/ 下并填写其路径，或填写文件编号",
                    f"document reference {ref} is a URL ({scheme}:): commit the file under docs/ and give its path, or give a document number",
                )
            elif is_path_reference(ref):
                status = ctx.document_status(ref)
                if status is not None:
                    zh, en = _DOC_PROBLEMS[status]
                    yield problem(p, f"documents.{kind}", f"文件 {ref} {zh}", f"document {ref} {en}")
