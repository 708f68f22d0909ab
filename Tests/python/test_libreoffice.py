"""report.xlsx opened by a second, independent spreadsheet implementation: LibreOffice, headless.

Each conversion runs with a private LibreOffice profile (-env:UserInstallation) so it works as root
in CI and never attaches to another running soffice.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest

from conftest import expected_row_count

SOFFICE_TIMEOUT_S = 120
# CSV filter: comma, double quote, UTF-8, from row 1, …, last token -1 = every sheet to its own file.
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.fixture(scope="session")
def soffice():
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.fail("LibreOffice (soffice) not found; apt install libreoffice-calc-nogui", pytrace=False)
    return exe


@pytest.fixture(scope="session")
def lo_profile():
    path = Path(tempfile.mkdtemp(prefix="lo-profile-", dir="/tmp"))
    yield path.as_uri()
    shutil.rmtree(path, ignore_errors=True)


def convert(soffice, profile, src: Path, fmt: str, outdir: Path) -> subprocess.CompletedProcess:
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", fmt,
           "--outdir", str(outdir), str(src)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=SOFFICE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # soffice forks soffice.bin; end the whole group we started
        proc.communicate()
        pytest.fail(f"soffice did not finish within {SOFFICE_TIMEOUT_S}s: {' '.join(cmd)}", pytrace=False)
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    assert result.returncode == 0, f"soffice exited {result.returncode}\n{out}\n{err}"
    return result


def test_convert_to_pdf(report, soffice, lo_profile, tmp_path):
    result = convert(soffice, lo_profile, report.xlsx, "pdf", tmp_path)
    pdf = tmp_path / "report.pdf"
    assert pdf.is_file(), f"no PDF written\n{result.stdout}\n{result.stderr}"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 1000, f"PDF looks broken ({len(data)} bytes)"


def test_convert_to_csv(report, soffice, lo_profile, tmp_path):
    result = convert(soffice, lo_profile, report.xlsx, "csv", tmp_path)
    out = tmp_path / "report.csv"
    assert out.is_file() and out.stat().st_size > 0, f"no CSV written\n{result.stdout}\n{result.stderr}"


def test_libreoffice_reads_diffs_as_written(report, soffice, lo_profile, tmp_path):
    """LibreOffice sees exactly the strings openpyxl sees in Diffs: nothing is evaluated as a formula."""
    result = convert(soffice, lo_profile, report.xlsx, CSV_ALL_SHEETS, tmp_path)
    wb = openpyxl.load_workbook(report.xlsx)
    diffs_names = [n for n in wb.sheetnames if n == "Diffs" or n.startswith("Diffs (")]
    lo_rows, xl_rows = [], []
    for name in diffs_names:
        sheet_csv = tmp_path / f"report-{name}.csv"
        assert sheet_csv.is_file(), f"LibreOffice did not export sheet {name!r}\n{result.stdout}\n{result.stderr}"
        with sheet_csv.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        lo_rows += rows[1:]
        xl_rows += [["" if v is None else str(v) for v in row] for row in wb[name].iter_rows(min_row=2, values_only=True)]
    assert len(lo_rows) == expected_row_count(report.spec)
    mismatches = [(i, lo, xl) for i, (lo, xl) in enumerate(zip(lo_rows, xl_rows), start=2) if lo != xl]
    assert not mismatches, f"LibreOffice reads Diffs differently (row, LibreOffice, openpyxl): {mismatches[:3]}"
