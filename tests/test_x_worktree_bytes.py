"""check --staged reads a staged record's bytes from the working tree when they hash to its blob
id: the mode of the index entry must still decide (a link staged where the work tree holds a
regular file with the link's own text, an executable bit), and so must the path (a rename staged,
the old name's bytes in the work tree) and git's own conversion of what is staged (eol attributes,
a clean filter). Each compared with a clean check of the commit's content (tests/test_x_staged.py).
(A gitlink staged over a record is REG003 under --staged only: x21's note, the stricter side.)"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from test_x_staged import NEW, RECORD, Scene, assert_staged_is_clean


def _link_with_file_text(s: Scene) -> None:
    s.stage(RECORD, s.blob(s.text()), "120000")  # a link whose target text is the record's own text


def _new_link_same_bytes(s: Scene) -> None:
    s.write("systems/czj/czj-new.yaml", NEW)
    s.stage("systems/czj/czj-new.yaml", s.blob(NEW), "120000")


def _exec_bit(s: Scene) -> None:
    s.write(RECORD, s.text().replace("status: operating", "status: bogus"))
    s.git("add", RECORD)
    s.git("update-index", "--chmod=+x", RECORD)


def _staged_then_work_tree_touched_same_bytes(s: Scene) -> None:
    o = s.text()
    s.write(RECORD, o.replace("status: operating", "status: bogus"))
    s.git("add", RECORD)
    s.write(RECORD, o)
    s.write(RECORD, o.replace("status: operating", "status: bogus"))


def _renamed_in_index(s: Scene) -> None:
    o = s.text()
    s.git("mv", RECORD, "systems/czj/czj-budget2.yaml")
    (s.root / RECORD).write_text(o)


def _crlf_attr(s: Scene) -> None:
    s.write(".gitattributes", "*.yaml text eol=crlf\n")
    s.git("add", ".gitattributes")
    s.write(RECORD, s.text().replace("status: operating", "status: bogus"))
    s.git("add", RECORD)


def _clean_filter(s: Scene) -> None:
    s.git("config", "filter.up.clean", "sed s/bogus/operating/")
    s.git("config", "filter.up.smudge", "cat")
    s.write(".gitattributes", "*.yaml filter=up\n")
    s.git("add", ".gitattributes")
    s.write(RECORD, s.text().replace("status: operating", "status: bogus"))
    s.git("add", RECORD)


SCENES: dict[str, Callable[[Scene], None]] = {"link-with-file-text": _link_with_file_text, "new-link-same-bytes": _new_link_same_bytes,
          "exec-bit": _exec_bit, "touched-same-bytes": _staged_then_work_tree_touched_same_bytes,
          "renamed-in-index": _renamed_in_index, "crlf-attr": _crlf_attr, "clean-filter": _clean_filter}


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_the_staged_bytes_are_the_index_s(scene: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    s = Scene(tmp_path)
    SCENES[scene](s)
    assert_staged_is_clean(s, tmp_path, capsys, monkeypatch)
