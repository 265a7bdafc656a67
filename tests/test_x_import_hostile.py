"""Hostile spreadsheets and text tables into ``registry import``: every one is refused with exit
2 and a Chinese line naming the file (zip bombs, rows and row numbers past Excel's last, a far
column on many rows, a CSV with a 256 MiB line or more rows than Excel holds included) — never a traceback, a MemoryError, a hang, a silent pass —
in bounded memory and time (a child process with an address-space guard; its peak RSS asserted).

The workbooks are written by hand (zip parts), so that each carries exactly one trick: billion
laughs and external entities, references outside the sheet, a shared-string index that does not
exist, merges that overlap or point nowhere, numbers no float holds, a zip without its sheet.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
       '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
         '</Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             f'<workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="系统" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                  '</Relationships>')
HEADER = ('<row r="1"><c r="A1" t="inlineStr"><is><t>系统名称</t></is></c>'
          '<c r="B1" t="inlineStr"><is><t>所属单位</t></is></c></row>')
EMPTY_STRINGS = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="0" uniqueCount="0"></sst>'


def row(number: int, name: str = "", unit: str = "金乡县财政局") -> str:
    """A row with a system name and a unit, as inline strings."""
    return (f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{name or f"系统{number}"}</t></is></c>'
            f'<c r="B{number}" t="inlineStr"><is><t>{unit}</t></is></c></row>')


def sheet(rows: str = "", after: str = "", prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    """A worksheet part: the header row, ``rows``, then ``after`` (merges …)."""
    return f"{prolog}<worksheet {NS}><sheetData>{HEADER}{rows}</sheetData>{after}</worksheet>"


def workbook(path: Path, sheet_xml: str | None, strings: str = EMPTY_STRINGS,
             stream: Callable[[IO[bytes]], None] | None = None) -> Path:
    """An .xlsx at ``path`` holding ``sheet_xml`` as its one sheet (or what ``stream`` writes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        if stream is not None:
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
                stream(part)
        else:
            archive.writestr("xl/worksheets/sheet1.xml", sheet_xml or "")
        archive.writestr("xl/sharedStrings.xml", strings)
    return path


_GUARD = 3 << 30  # address space: a runaway reader fails here instead of taking the machine
PEAK_MB = 600  # what a refusal may cost at most (the interpreter, openpyxl and the loader: ~45 MB)
_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
           + "]>")


@pytest.fixture(scope="module")
def registry_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fixturekit import FIXTURES

    root = tmp_path_factory.mktemp("reg") / "registry"
    import shutil

    shutil.copytree(FIXTURES / "jinxiang", root)
    return root


def _guard(cpu: int) -> Callable[[], None]:
    """The child's limits: address space, and ``cpu`` seconds of CPU (then SIGXCPU)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (_GUARD, _GUARD))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    return limit


def run_import(root: Path, file: Path, timeout: float = 300) -> tuple[int, str, str, int]:
    """``registry import FILE --kind systems --dry-run`` in a child: (exit, stdout, stderr, its
    peak RSS in MB, from wait4 — the child alone, not every child so far).

    ``timeout`` bounds the child's CPU seconds (the kernel stops it past them): a bound that
    means the same on a quiet machine and on one whose two cores run three test suites. The
    wall clock only catches a child that hangs without using CPU, at four times that."""
    env = {k: v for k, v in os.environ.items() if k != "REGISTRY_DEBUG"}
    out_file, err_file = root.parent / "out.txt", root.parent / "err.txt"
    with out_file.open("wb") as out, err_file.open("wb") as err:
        child = subprocess.Popen([sys.executable, "-m", "registry", "--root", str(root), "import", str(file), "--kind",
                                  "systems", "--dry-run"], cwd=root, env=env, stdout=out, stderr=err,
                                 preexec_fn=_guard(int(timeout)))
    hung_after = time.monotonic() + 4 * timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > hung_after:
            child.kill()
            os.wait4(child.pid, 0)
            pytest.fail(f"registry import {file.name} still running after {4 * timeout} s (hung)")
        time.sleep(0.05)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    spent = usage.ru_utime + usage.ru_stime
    if child.returncode == -signal.SIGXCPU or (child.returncode == -signal.SIGKILL and spent >= timeout):  # soft, hard limit
        pytest.fail(f"registry import {file.name} used more than {timeout:g} s of CPU ({spent:.1f} s)")
    return (child.returncode, out_file.read_text("utf-8", "replace"), err_file.read_text("utf-8", "replace"),
            usage.ru_maxrss // 1024)


def refused(root: Path, file: Path, says: str = "") -> str:
    code, out, err, _ = run_import(root, file)
    assert code == 2, (code, out[-500:], err[-500:])
    assert "Traceback" not in out + err and "MemoryError" not in err and "内部错误" not in err, err[-800:]
    assert str(file) in err and says in err, err[-800:]
    return err


def _write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


HOSTILE: dict[str, Callable[[Path], Path]] = {
    # XML tricks: entity expansion (in the sheet and in the shared strings), an external entity
    "laughs-in-strings": lambda d: workbook(d / "a.xlsx", sheet('<row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
                                            strings=_LAUGHS + f'<sst {NS} count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'),
    "laughs-in-sheet": lambda d: workbook(d / "a.xlsx", sheet(row(2, "&lol9;"), prolog=_LAUGHS)),
    "external-entity": lambda d: workbook(d / "a.xlsx", sheet(row(2, "&e;"), prolog=(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'))),
    # damaged archives and parts
    "not-a-zip": lambda d: _write(d / "a.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4),
    "no-sheet-part": lambda d: _without(workbook(d / "a.xlsx", sheet(row(2))), "xl/worksheets/sheet1.xml"),
    "string-index-out-of-range": lambda d: workbook(d / "a.xlsx", sheet('<row r="2"><c r="A2" t="s"><v>99</v></c></row>')),
    "number-no-float-holds": lambda d: workbook(d / "a.xlsx", sheet('<row r="2"><c r="A2"><v>1e400</v></c>'
                                                                   '<c r="B2"><v>NaN</v></c></row>')),
    # merged cells that cannot be printed
    "merges-overlap": lambda d: workbook(d / "a.xlsx", sheet(row(2) + row(3), '<mergeCells count="2"><mergeCell ref="A2:B3"/>'
                                                                             '<mergeCell ref="B3:C4"/></mergeCells>')),
    "merge-backwards": lambda d: workbook(d / "a.xlsx", sheet(row(2), '<mergeCells><mergeCell ref="B3:A2"/></mergeCells>')),
    "merge-nowhere": lambda d: workbook(d / "a.xlsx", sheet(row(2), '<mergeCells><mergeCell ref="ZZZZZ1:A"/></mergeCells>')),
    "200000-merges": lambda d: workbook(d / "a.xlsx", sheet(row(2), "<mergeCells>" + "".join(
        f'<mergeCell ref="C{r}:D{r}"/>' for r in range(2, 200_002)) + "</mergeCells>")),
    # text tables
    "csv-with-nul": lambda d: _write(d / "a.csv", "系统名称,所属单位\n系统\x00甲,金乡县财政局\n"),
    "empty-csv": lambda d: _write(d / "a.csv", b""),
}


def _without(path: Path, part: str) -> Path:
    """``path`` rewritten without ``part``."""
    with zipfile.ZipFile(path) as archive:
        kept = {name: archive.read(name) for name in archive.namelist() if name != part}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in kept.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("trick", sorted(HOSTILE))
def test_a_hostile_file_is_refused_with_exit_2(trick: str, registry_root: Path, tmp_path: Path) -> None:
    file = HOSTILE[trick](tmp_path)
    code, out, err, peak = run_import(registry_root, file)
    assert code == 2, (code, out[-500:], err[-500:])
    assert "Traceback" not in out + err and "MemoryError" not in err and "内部错误" not in err, err[-800:]
    assert str(file) in err and any("\u4e00" <= c <= "\u9fff" for c in err), err[-800:]
    assert peak < PEAK_MB, f"{trick}: {peak} MB"


def test_a_sound_workbook_of_the_same_making_is_read(registry_root: Path, tmp_path: Path) -> None:
    """The control: the hand-made workbook itself is a ledger the import reads (its rows lack the
    fields the rules require: exit 1 with a line per missing field, nothing written)."""
    code, out, err, _ = run_import(registry_root, workbook(tmp_path / "a.xlsx", sheet(row(2, "甲系统"))))
    assert code == 1 and "工作表 系统 第 2 行" in err and "缺少必填字段" in err, err
    assert "--dry-run：可导入 0 条" in out


# -- size: what a ledger can never be, refused before it is read whole -------------------------

def _spaces(part: IO[bytes]) -> None:  # 1 GiB of blanks inside sheetData: a 1 MB archive
    part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{HEADER}'.encode())
    blank = b" " * (1 << 20)
    for _ in range(1024):
        part.write(blank)
    part.write(b"</sheetData></worksheet>")


def _rows_past_excel(part: IO[bytes]) -> None:  # 1,100,000 rows: more than Excel's 1,048,576
    part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{HEADER}'.encode())
    for start in range(2, 1_100_002, 10_000):
        part.write("".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(start, start + 10_000)).encode())
    part.write(b"</sheetData></worksheet>")


def _long_line(path: Path) -> Path:  # one CSV line of 256 MiB
    with path.open("wb") as out:
        out.write("系统名称,所属单位\n".encode())
        chunk = b"a" * (1 << 20)
        for _ in range(256):
            out.write(chunk)
        out.write(b",x\n")
    return path


def _csv_rows_past_excel(path: Path) -> Path:
    with path.open("wb") as out:
        out.write("系统名称,所属单位\n".encode())
        for start in range(0, 1_100_000, 10_000):
            out.write("".join(f"系统{i},金乡县财政局\n" for i in range(start, start + 10_000)).encode())
    return path


BOMBS: dict[str, Callable[[Path], Path]] = {
    "zip-bomb-1GiB-sheet": lambda d: workbook(d / "a.xlsx", None, stream=_spaces),
    "rows-past-excel": lambda d: workbook(d / "a.xlsx", None, stream=_rows_past_excel),
    "row-number-past-excel": lambda d: workbook(d / "a.xlsx", sheet(
        '<row r="999999999999"><c r="A999999999999" t="inlineStr"><is><t>x</t></is></c></row>')),
    "far-column-on-20000-rows": lambda d: workbook(d / "a.xlsx", sheet("".join(
        f'<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>' for r in range(2, 20_002)))),
    "csv-256MiB-line": lambda d: _long_line(d / "a.csv"),
    "csv-rows-past-excel": lambda d: _csv_rows_past_excel(d / "a.csv"),
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_a_file_no_ledger_can_be_is_refused_in_bounded_memory(bomb: str, registry_root: Path, tmp_path: Path) -> None:
    file = BOMBS[bomb](tmp_path)
    code, out, err, peak = run_import(registry_root, file, timeout=180)
    assert code == 2, (code, out[-500:], err[-500:])
    assert "Traceback" not in out + err and "MemoryError" not in err and "内部错误" not in err, err[-800:]
    assert str(file) in err and any("\u4e00" <= c <= "\u9fff" for c in err), err[-800:]
    assert peak < PEAK_MB, f"{bomb}: {peak} MB"


def test_cells_past_the_header_are_never_dropped_without_a_word(registry_root: Path, tmp_path: Path) -> None:
    """A ragged CSV: a row longer than its header. The cells in columns without a header are not
    imported — and the import says so, naming the column and the row."""
    file = _write(tmp_path / "a.csv", "系统名称,所属单位\n甲系统,金乡县财政局,多余的内容,又一格\n乙系统\n")
    code, _out, err, _peak = run_import(registry_root, file)
    assert code == 1 and "Traceback" not in err
    lines = [line for line in err.splitlines() if "C 列" in line]
    assert lines and "第 2 行" in lines[0], err


# -- rows the sheet holds out of order or twice: read, or refused — never one of them dropped ---------

_HEADER4 = "".join(f'<c r="{c}1" t="inlineStr"><is><t>{t}</t></is></c>' for c, t in zip("ABCD", ("系统名称", "所属单位", "状态", "部署方式")))


def _ledger_row(number: int, name: str, ref: int | None = None) -> str:
    """A complete, importable row numbered ``number`` (its cells' references name row ``ref``)."""
    at = number if ref is None else ref
    cells = zip("ABCD", (name, "金乡县财政局", "规划中", "县级政务云"))
    return f'<row r="{number}">' + "".join(f'<c r="{c}{at}" t="inlineStr"><is><t>{v}</t></is></c>' for c, v in cells) + "</row>"


def _ledger(path: Path, rows: str) -> Path:
    return workbook(path, f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData><row r="1">{_HEADER4}</row>'
                          f"{rows}</sheetData></worksheet>")


ORDER: dict[str, Callable[[Path], Path]] = {
    "control-in-order": lambda d: _ledger(d / "a.xlsx", _ledger_row(2, "甲系统") + _ledger_row(3, "乙系统") + _ledger_row(4, "丙系统")),
    "rows-out-of-order": lambda d: _ledger(d / "a.xlsx", _ledger_row(4, "甲系统") + _ledger_row(2, "乙系统") + _ledger_row(3, "丙系统")),
    "a-row-number-twice": lambda d: _ledger(d / "a.xlsx", _ledger_row(2, "甲系统") + _ledger_row(2, "乙系统") + _ledger_row(3, "丙系统")),
    "a-cell-twice": lambda d: _ledger(d / "a.xlsx", _ledger_row(2, "甲系统") + _ledger_row(3, "乙系统").replace(
        "</row>", '<c r="A3" t="inlineStr"><is><t>丙系统</t></is></c></row>')),
}


@pytest.mark.parametrize("trick", sorted(ORDER))
def test_rows_out_of_order_or_twice_are_read_or_refused_never_dropped(trick: str, registry_root: Path,
                                                                     tmp_path: Path) -> None:
    code, out, err, _peak = run_import(registry_root, ORDER[trick](tmp_path))
    assert "Traceback" not in out + err
    if trick == "control-in-order":
        assert code == 0 and out.count("将新建") == 3, (out, err)
    elif code != 2:  # read: every row written to the sheet comes out (or is named on stderr)
        written = 3 if trick != "a-cell-twice" else 2
        assert out.count("将新建") + len([l for l in err.splitlines() if "行" in l]) >= written, (code, out, err)
        assert trick != "a-cell-twice" or "丙系统" in out + err or "A3" in err, (code, out, err)
