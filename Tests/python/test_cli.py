"""The binary itself: present, exit codes (0 success, 2 bad input), --format selection."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import NOW, REPO_ROOT, drs_report_binary


def run(*args, timeout=300):
    return subprocess.run([str(drs_report_binary()), *args], capture_output=True, text=True, timeout=timeout,
                          cwd=REPO_ROOT)


def test_binary_is_built():
    """A real FAILED (not an error or a skip) when the binary is missing, so CI cannot pass silently."""
    path = drs_report_binary()
    assert path.is_file() and os.access(path, os.X_OK), (
        f"drs-report binary not found or not executable: {path}; build it (`swift build`) or set DRS_REPORT_BIN")


@pytest.mark.parametrize("name", ["not-json.json", "unknown-shape.json", "type-error.json"])
def test_malformed_input_exits_2(drs_bin, tmp_path, name):
    out = tmp_path / "out"
    proc = run("render", str(REPO_ROOT / "samples" / "malformed" / name), "--out", str(out), "--now", NOW)
    assert proc.returncode == 2, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert name in proc.stderr, f"the error should name the file: {proc.stderr!r}"
    assert "Fatal error" not in proc.stderr and "Stack dump" not in proc.stderr
    assert not (out / "report.html").exists(), "a report was written for bad input"


def test_bad_format_exits_2(drs_bin, tmp_path):
    proc = run("render", str(REPO_ROOT / "samples" / "v5-mysql-archive"), "--out", str(tmp_path / "o"),
               "--now", NOW, "--format", "html,bogus")
    assert proc.returncode == 2, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"


def test_format_selection(drs_bin, tmp_path):
    out = tmp_path / "o"
    proc = run("render", str(REPO_ROOT / "samples" / "v5-mysql-archive"), "--out", str(out), "--now", NOW,
               "--format", "csv,json", "-q")
    assert proc.returncode == 0, proc.stderr
    assert (out / "csv" / "diffs.csv").is_file() and (out / "report.json").is_file()
    assert not (out / "report.html").exists() and not (out / "report.xlsx").exists() and not (out / "report.md").exists()


def test_a_full_disk_is_exit_1_with_a_plain_message_and_leaves_nothing(drs_bin, tmp_path):
    """ENOSPC while writing: exit 1, one plain sentence (no NSError dump), nothing half-written."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    disk = tmp_path / "tiny"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        result = subprocess.run(
            [str(drs_bin), "render", str(REPO_ROOT / "samples" / "v5-mysql-archive"), "--out", str(disk / "out"), "--now", NOW],
            capture_output=True, text=True, timeout=300)
        assert result.returncode == 1, result.stderr
        assert "no space left on device" in result.stderr
        assert "NSCocoaErrorDomain" not in result.stderr and "Error Domain" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert sorted(os.listdir(disk)) == [], "nothing may be left behind"
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)
