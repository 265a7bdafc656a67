"""Files where records and attachments live that are not what they seem: links, FIFOs,
misplaced YAML, unreadable files, odd names, paths too long."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from harness import (
    PROJECT_WITH_DOCS,
    SYSTEM,
    Case,
    denied,
    fifo,
    ids,
    replace,
    run_case,
    steps,
    symlink,
    write,
)

RECORD = (Path(__file__).resolve().parents[2] / SYSTEM).read_text(encoding="utf-8")
NEW = RECORD.replace("id: czj-budget", "id: czj-extra")
DOC = "docs/2021-dsj-002/可行性研究报告摘要.md"
ALL = (("check",), ("export", "--format", "json", "--out", "{out}/c.json"), ("site", "--out", "{out}/site"))


def socket_file(relpath: str) -> object:
    def build(root: Path) -> None:
        folder, name = os.path.split(root / relpath)
        here = os.getcwd()
        os.chdir(folder)  # a socket's path is limited to about 100 bytes: bind a relative one
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.bind(name)
        finally:
            os.chdir(here)
    return build


def non_utf8_name(folder: str) -> object:
    def build(root: Path) -> None:
        os.makedirs(root / folder, exist_ok=True)
        with open(os.path.join(os.fsencode(root / folder), b"\xff\xfe.yaml"), "wb") as handle:
            handle.write(NEW.encode())
    return build


def long_doc(root: Path) -> None:
    text = (root / PROJECT_WITH_DOCS).read_text(encoding="utf-8")
    (root / PROJECT_WITH_DOCS).write_text(text.replace(DOC, "docs/" + "长" * 300 + ".md"), encoding="utf-8")


def deep_doc(root: Path) -> None:
    text = (root / PROJECT_WITH_DOCS).read_text(encoding="utf-8")
    (root / PROJECT_WITH_DOCS).write_text(text.replace(DOC, "docs/" + "a/" * 3000 + "x.md"), encoding="utf-8")


CASES = [
    Case("record_is_a_symlink_to_a_record", symlink("systems/czj/czj-extra.yaml", "czj-budget.yaml"), names="systems/czj/czj-extra.yaml"),
    Case("record_is_a_symlink_to_docs", steps(write("docs/x.yaml", NEW), symlink("systems/czj/czj-extra.yaml", "../../docs/x.yaml")),
         names="systems/czj/czj-extra.yaml"),
    Case("record_symlink_outside_the_repository", symlink("systems/czj/czj-extra.yaml", "/etc/passwd"), names="systems/czj/czj-extra.yaml",
         commands=ALL, expect=(1, 0, 0)),
    Case("symlink_loop_between_two_records", steps(symlink("systems/czj/a.yaml", "b.yaml"), symlink("systems/czj/b.yaml", "a.yaml")),
         names="systems/czj/a.yaml", commands=ALL, expect=(1, 0, 0)),
    Case("self_symlink", symlink("systems/czj/loop.yaml", "loop.yaml"), names="systems/czj/loop.yaml"),
    Case("dangling_symlink", symlink("systems/czj/gone.yaml", "nowhere.yaml"), names="systems/czj/gone.yaml"),
    Case("unit_folder_is_a_symlink", symlink("systems/zzz", "czj"), names="systems/zzz"),
    Case("systems_folder_is_a_symlink", steps(lambda r: os.rename(r / "systems", r / "real-systems"), symlink("systems", "real-systems")),
         names="systems"),
    Case("fifo_record", fifo("systems/czj/czj-pipe.yaml"), names="systems/czj/czj-pipe.yaml", subprocess=True, timeout=60,
         commands=ALL, expect=(1, 0, 0)),
    Case("fifo_registry_yaml", steps(lambda r: (r / "registry.yaml").unlink(), fifo("registry.yaml")), names="registry.yaml",
         subprocess=True, timeout=60, expect=2),
    Case("fifo_in_docs", fifo("docs/pipe.md"), names="docs/pipe.md", subprocess=True, timeout=60),
    Case("socket_in_projects", socket_file("projects/dsj/sock.yaml"), names="projects/dsj/sock.yaml"),
    Case("document_through_a_symlink", steps(lambda r: os.rename(r / DOC, r / "docs/real.md"), symlink(DOC, "../real.md")),
         names=PROJECT_WITH_DOCS, commands=ALL, expect=(1, 0, 0)),
    Case("document_folder_is_a_symlink", steps(lambda r: os.rename(r / "docs/2021-dsj-002", r / "docs/real"), symlink("docs/2021-dsj-002", "real")),
         names="docs/2021-dsj-002"),
    Case("symlink_in_docs_to_etc", symlink("docs/passwd.md", "/etc/passwd"), names="docs/passwd.md"),
    Case("record_with_yml_extension", write("systems/czj/czj-extra.yml", NEW), names="systems/czj/czj-extra.yml"),
    Case("record_with_upper_case_extension", write("systems/czj/czj-extra.YAML", NEW), names="systems/czj/czj-extra.YAML"),
    Case("record_in_a_nested_folder", write("systems/czj/old/czj-extra.yaml", NEW), names="systems/czj/old/czj-extra.yaml"),
    Case("record_beside_the_unit_folders", write("systems/czj-extra.yaml", NEW), names="systems/czj-extra.yaml"),
    Case("hidden_record", write("systems/czj/.czj-extra.yaml", NEW), names="systems/czj/.czj-extra.yaml"),
    Case("record_in_systems2", write("systems2/czj/czj-extra.yaml", NEW), names="systems2/czj/czj-extra.yaml"),
    Case("record_in_capitalised_projects", write("Projects/czj/2026-czj-009.yaml", "id: x\n"), names="Projects/czj/2026-czj-009.yaml"),
    Case("gitkeep_is_fine", write("systems/czj/.gitkeep", ""), expect=0),
    Case("record_in_a_hidden_folder", write("systems/.hidden/czj-extra.yaml", NEW), names="systems/.hidden/czj-extra.yaml"),
    Case("nested_clone_metadata_is_quiet", write("systems/czj/vendor/.git/objects/ab/cdef", b"x"), expect=0),
    Case("yaml_attachment_in_docs_is_fine", write("docs/.config/settings.yaml", "a: 1\n"), expect=0),
    Case("non_utf8_file_name", non_utf8_name("systems/czj"), names="\\xff\\xfe.yaml",
         commands=(("check",), ("check", "--no-cache"), ("export", "--format", "csv", "--out", "{out}")), expect=(1, 1, 0)),
    Case("control_character_in_file_name", write("systems/czj/czj\nextra.yaml", NEW), names="czj\\nextra.yaml"),
    Case("unreadable_record", lambda r: None, patch=denied(SYSTEM), names=SYSTEM, commands=ALL, expect=(1, 0, 0)),
    Case("unreadable_unit_folder", lambda r: None, patch=denied("systems/czj"), names="systems/czj"),
    Case("unreadable_registry_yaml", lambda r: None, patch=denied("registry.yaml"), names="registry.yaml", expect=2,
         commands=(("check",), ("export", "--format", "json"), ("site", "--out", "{out}/site"), ("inventory",))),
    Case("document_path_300_characters", long_doc, names=PROJECT_WITH_DOCS, commands=ALL, expect=(1, 0, 0)),
    Case("document_path_3000_levels", deep_doc, names=PROJECT_WITH_DOCS, commands=ALL, expect=(1, 0, 0)),
    Case("document_with_nul_byte", replace(PROJECT_WITH_DOCS, DOC, '"docs/a\\0b.md"'), names=PROJECT_WITH_DOCS),
    Case("document_is_a_folder", replace(PROJECT_WITH_DOCS, DOC, "docs/2021-dsj-002"), names=PROJECT_WITH_DOCS),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_hostile_files(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path)
