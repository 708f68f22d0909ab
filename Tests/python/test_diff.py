"""`drs-report diff BEFORE AFTER`: what a re-run fixed, what remains and what is new (docs/diff.md).

The samples: samples/v5-mysql-archive (before) and samples/v5-mysql-archive-rerun (after) are two runs
of one job. The re-run fixes all 21 rows of shop.客户表 (table FIXED) and 4 rows of shop.orders (1032,
1110, 1181, 1239; still inconsistent, 40 -> 36), leaves the 12 rows of shop.order_items, and finds 3 new
rows in shop.products (58, 117, 263; newly inconsistent): verdict MIXED, 25 rows fixed, 48 remaining,
3 new.

Expectations come from outside the diff wherever the diff would only echo itself: the inconsistent
rows straight from the DRS response bodies of both sides (conftest), and csv/diffs.csv of each side
rendered separately by `render`. Every run is pinned with --now, so nothing depends on the clock.

Browser checks use Debian's Chromium through Playwright, with every request other than the page's
own file:// URL recorded and aborted (open_report / assert_no_foreign_activity of test_html_browser).
The hostile fixture (Tests/DRSReportTests/Fixtures/hostile) is diffed against itself (UNCHANGED) and
against a copy with some rows taken out, so that hostile names and keys show up as new and fixed rows.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import (
    FIXTURES, INPUTS, NOW, OBSERVED_AT, REPO_ROOT, RENDER_TIMEOUT_S, InputSpec, canonical_key_cell,
    drs_report_binary, expected_inputs_digest, expected_job_id, expected_row_count, expected_rows, key_cell,
    neutralised,
)
from test_csv import FORMULA_TRIGGERS, read_csv, table
from test_html_browser import (
    ALLOWED_TAGS, REPORT_JS, assert_no_foreign_activity, assert_only_the_hashed_script, csp_directives,
    read_text, sha256_source, shown,
)
from test_markdown_gfm import active_markup, as_github, visible_text, without_tagfilter

DIFF_NOW = "2026-11-22T00:00:00Z"
OTHER_NOW = "2026-11-23T12:30:00Z"
V5_BEFORE = INPUTS["v5"]
V5_AFTER = InputSpec("v5-rerun", REPO_ROOT / "samples" / "v5-mysql-archive-rerun")
V3 = INPUTS["v3"]
HOSTILE = INPUTS["hostile"]

DIFF_FILES = {"diff.html", "diff.md", "diff.csv", "diff_rows.csv", "diff.json", "evidence.json"}
TABLE_CHANGES = ["NEWLY_INCONSISTENT", "NEWLY_NOT_COMPARED", "NO_LONGER_COMPARED", "STILL_INCONSISTENT", "FIXED",
                 "CHANGED", "NEWLY_COMPARED", "UNCHANGED"]
ROW_CHANGES = {"FIXED", "REMAINING", "NEW", "UNVERIFIED"}
DIFF_ROWS_HEADER = ["change", "job_id", "source_db", "source_table", "target_db", "target_table", "diff_kind",
                    "source_key", "target_key", "source_select_sql", "target_select_sql"]
DIFF_TABLES_HEADER = [
    "change", "job_id", "source_db", "source_table", "target_db", "target_table", "outcome_before", "outcome_after",
    "diff_rows_before", "diff_rows_after", "rows_fixed", "rows_remaining", "rows_new", "rows_unverified",
    "drs_inconsistent_rows_before", "drs_inconsistent_rows_after",
]
EXIT_REGRESSED = 11
EXIT_BAD_INPUT = 2
EXIT_VERIFY_MISMATCH = 7
# Links diff.html may hold besides #fragments: its sibling files.
DIFF_SIBLINGS = {"diff.csv", "diff_rows.csv", "diff.json", "diff.md"}
# How long to wait for the binary when the main build relinks it.
BINARY_WAIT_S = 300


# --------------------------------------------------------------------------------------------
# Running the binary
# --------------------------------------------------------------------------------------------

def drs(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs drs-report. The binary may be relinked by a build while the suite runs: a missing or
    half-written binary (ENOENT, ETXTBSY, ENOEXEC, or a process killed by a signal) is waited for and
    retried, never taken for the product's answer."""
    binary = drs_report_binary()
    deadline = time.monotonic() + BINARY_WAIT_S
    signals = 0
    while True:
        problem: str
        if binary.is_file() and os.access(binary, os.X_OK):
            try:
                proc = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True,
                                      timeout=RENDER_TIMEOUT_S, cwd=REPO_ROOT, env=env)
            except OSError as e:
                problem = f"cannot start: {e}"
            else:
                if proc.returncode >= 0:
                    return proc
                signals += 1
                problem = f"killed by signal {-proc.returncode}\n{proc.stderr}"
                if signals >= 3:
                    pytest.fail(f"drs-report {' '.join(map(str, args))}: {problem}", pytrace=False)
        else:
            problem = "missing or not executable"
        if time.monotonic() > deadline:
            pytest.fail(f"drs-report binary {binary}: {problem} (waited {BINARY_WAIT_S}s)", pytrace=False)
        time.sleep(2)


def ok(proc: subprocess.CompletedProcess, expected: int = 0) -> subprocess.CompletedProcess:
    assert proc.returncode == expected, (
        f"exit {proc.returncode} (expected {expected}): {' '.join(proc.args)}\n"
        f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
    return proc


def render_into(spec: InputSpec, out: Path, now: str, *extra: str) -> Path:
    ok(drs("render", spec.path, "--out", out, "--now", now, *spec.extra_args, *extra, "-q"))
    assert (out / "report.json").is_file(), f"render wrote no report.json into {out}"
    return out


def diff_into(before, after, out: Path, *extra: str, expected: int = 0) -> subprocess.CompletedProcess:
    return ok(drs("diff", before, after, "--out", out, *extra), expected)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def without_side_paths(diff_json: dict) -> dict:
    copy = json.loads(json.dumps(diff_json))
    for side in ("before", "after"):
        copy[side].pop("path")
    return copy


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- rows: identities and full rows, from the CSVs and from the DRS responses ------------------

def csv_identity(row: dict) -> tuple:
    """Row identity as docs/diff.md defines it (table location, diff kind, both keys), from a CSV row
    of csv/diffs.csv or diff_rows.csv (the same cell encodings)."""
    return (row["source_db"], row["source_table"], row["target_db"], row["target_table"], row["diff_kind"],
            canonical_key_cell(row["source_key"]), canonical_key_cell(row["target_key"]))


def csv_full(row: dict) -> tuple:
    return csv_identity(row) + (row["source_select_sql"], row["target_select_sql"])


def expected_identity(e) -> tuple:
    """The same identity for a row read straight from the DRS response bodies, as the CSV shows it
    (texts neutralised, keys in the documented key-cell form)."""
    def key(values):
        kind, value = key_cell(values)
        return (kind, neutralised(value)) if kind == "text" else (kind, value)

    return (neutralised(e.source_db), neutralised(e.source_table), neutralised(e.target_db),
            neutralised(e.target_table), e.kind, key(e.source_key), key(e.target_key))


def expected_full(e) -> tuple:
    return expected_identity(e) + (neutralised(e.source_sql), neutralised(e.target_sql))


def expected_row_changes(before: InputSpec, after: InputSpec) -> dict[str, collections.Counter]:
    """FIXED / REMAINING / NEW rows (full CSV form) derived from the two sides' response bodies only.
    A row in both runs is listed once, from the run after (docs/diff.md)."""
    before_rows = expected_rows(before)
    after_rows = expected_rows(after)
    before_ids = {expected_identity(e) for e in before_rows}
    after_ids = {expected_identity(e) for e in after_rows}
    return {
        "FIXED": collections.Counter(expected_full(e) for e in before_rows if expected_identity(e) not in after_ids),
        "REMAINING": collections.Counter(expected_full(e) for e in after_rows if expected_identity(e) in before_ids),
        "NEW": collections.Counter(expected_full(e) for e in after_rows if expected_identity(e) not in before_ids),
    }


def diff_rows(out: Path) -> list[dict]:
    header, body = table(out / "diff_rows.csv")
    assert header == DIFF_ROWS_HEADER, header
    return body


def diff_tables(out: Path) -> list[dict]:
    header, body = table(out / "diff.csv")
    assert header == DIFF_TABLES_HEADER, header
    return body


def by_change(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {c: [] for c in ROW_CHANGES}
    for row in rows:
        assert row["change"] in ROW_CHANGES, row
        out[row["change"]].append(row)
    return out


def assert_csv_roundtrips_crlf(path: Path) -> None:
    """RFC 4180 as render writes it: re-serialising the records with CRLF and minimal quoting gives
    the file back byte for byte."""
    import csv
    import io

    data = path.read_bytes()
    assert data.endswith(b"\r\n"), f"{path.name}: the last record must end with CRLF"
    records = read_csv(path)
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(records)
    assert buf.getvalue().encode("utf-8") == data, f"{path.name} is not minimal RFC 4180 with CRLF"


def formula_cells(path: Path) -> list[tuple]:
    """Cells a spreadsheet would evaluate: starting with = + - @ TAB CR and not neutralised."""
    rows = read_csv(path)
    return [(path.name, r, rows[0][c], cell) for r, row in enumerate(rows[1:], start=2) for c, cell in enumerate(row)
            if cell.startswith(FORMULA_TRIGGERS) and neutralised(cell) != cell]


# --------------------------------------------------------------------------------------------
# Fixtures: the v5 pair
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def v5_renders(tmp_path_factory) -> tuple[Path, Path]:
    """Both v5 runs rendered separately by `render` (all formats), with the diff's --now, so that their
    report.json are the very bytes a diff of the raw inputs renders for itself."""
    base = tmp_path_factory.mktemp("diff-v5-renders")
    return (render_into(V5_BEFORE, base / "before", DIFF_NOW), render_into(V5_AFTER, base / "after", DIFF_NOW))


@pytest.fixture(scope="module")
def v5_raw(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """diff of the raw inputs (each side rendered by diff itself)."""
    out = tmp_path_factory.mktemp("diff-v5-raw") / "out"
    proc = diff_into(V5_BEFORE.path, V5_AFTER.path, out, "--now", DIFF_NOW)
    return out, proc


@pytest.fixture(scope="module")
def v5_folders(tmp_path_factory, v5_renders) -> Path:
    """diff of the two render folders."""
    before, after = v5_renders
    out = tmp_path_factory.mktemp("diff-v5-folders") / "out"
    diff_into(before, after, out, "--now", DIFF_NOW)
    return out


# --------------------------------------------------------------------------------------------
# 1. CLI on the samples
# --------------------------------------------------------------------------------------------

def test_exit_0_and_every_output_written(v5_raw):
    out, proc = v5_raw
    assert {p.name for p in out.iterdir()} == DIFF_FILES, sorted(p.name for p in out.iterdir())
    assert "Change: MIXED" in proc.stdout, proc.stdout
    assert "rows: 25 fixed, 48 remaining, 3 new" in proc.stdout, proc.stdout
    assert proc.stderr == "", proc.stderr


def test_fail_on_regression_exits_11_after_writing_the_outputs(tmp_path, v5_raw):
    out = tmp_path / "out"
    proc = diff_into(V5_BEFORE.path, V5_AFTER.path, out, "--now", DIFF_NOW, "--fail-on-regression",
                     expected=EXIT_REGRESSED)
    assert {p.name for p in out.iterdir()} == DIFF_FILES, sorted(p.name for p in out.iterdir())
    # The flag only changes the exit code: the same bytes as without it.
    assert files_of(out) == files_of(v5_raw[0]), "--fail-on-regression changed the outputs"
    assert load_json(out / "diff.json")["verdict"]["regressed"] is True
    ok(drs("verify", out))


def test_verify_accepts_the_diff_folder_and_catches_an_edit(tmp_path, v5_raw):
    out, _ = v5_raw
    proc = ok(drs("verify", out))
    evidence = load_json(out / "evidence.json")
    listed = {o["path"] for o in evidence["outputs"]}
    assert listed == DIFF_FILES - {"evidence.json"}, listed
    for item in evidence["outputs"]:
        assert item["sha256"] == sha256_file(out / item["path"]), item["path"]
    assert [i["sha256"] for i in evidence["inputs"]] == [load_json(out / "diff.json")[s]["report_sha256"]
                                                         for s in ("before", "after")]
    assert str(len(listed)) in proc.stdout, proc.stdout
    # Not vacuous: a copy with one edited byte fails verification.
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    data = bytearray((copy / "diff_rows.csv").read_bytes())
    data[-3] = ord("X") if data[-3] != ord("X") else ord("Y")
    (copy / "diff_rows.csv").write_bytes(bytes(data))
    bad = ok(drs("verify", copy), EXIT_VERIFY_MISMATCH)
    assert "diff_rows.csv" in bad.stdout + bad.stderr


def test_same_sides_and_clock_give_the_same_bytes(tmp_path, v5_raw):
    first, _ = v5_raw
    second = tmp_path / "second"
    diff_into(V5_BEFORE.path, V5_AFTER.path, second, "--now", DIFF_NOW)
    a, b = files_of(first), files_of(second)
    assert sorted(a) == sorted(b)
    differing = [name for name in a if a[name] != b[name]]
    assert differing == [], f"two runs with the same sides and --now differ in {differing}"
    # … and a run into the same folder again replaces it with the same bytes.
    diff_into(V5_BEFORE.path, V5_AFTER.path, second, "--now", DIFF_NOW)
    assert files_of(second) == a


def test_diff_rows_account_for_every_row_of_both_runs(v5_renders, v5_folders):
    before_render, after_render = v5_renders
    _, before_body = table(before_render / "csv" / "diffs.csv")
    _, after_body = table(after_render / "csv" / "diffs.csv")
    rows = by_change(diff_rows(v5_folders))
    fixed, remaining, new = len(rows["FIXED"]), len(rows["REMAINING"]), len(rows["NEW"])
    assert (fixed, remaining, new) == (25, 48, 3)
    assert fixed + remaining == len(before_body) == expected_row_count(V5_BEFORE) == 73
    assert remaining + new == len(after_body) == expected_row_count(V5_AFTER) == 51

    # Every row of each run is there exactly once, with the right change.
    before_keys = collections.Counter(csv_identity(r) for r in before_body)
    after_keys = collections.Counter(csv_identity(r) for r in after_body)
    assert all(n == 1 for n in before_keys.values()) and all(n == 1 for n in after_keys.values())
    listed_before = collections.Counter(csv_identity(r) for r in rows["FIXED"] + rows["REMAINING"])
    listed_after = collections.Counter(csv_identity(r) for r in rows["REMAINING"] + rows["NEW"])
    assert listed_before == before_keys, (
        f"before rows not FIXED/REMAINING: {list((before_keys - listed_before).elements())[:3]}; "
        f"extra: {list((listed_before - before_keys).elements())[:3]}")
    assert listed_after == after_keys, (
        f"after rows not REMAINING/NEW: {list((after_keys - listed_after).elements())[:3]}; "
        f"extra: {list((listed_after - after_keys).elements())[:3]}")
    assert not set(csv_identity(r) for r in rows["FIXED"]) & set(after_keys), "a FIXED row is still in the run after"
    assert not set(csv_identity(r) for r in rows["NEW"]) & set(before_keys), "a NEW row was in the run before"
    job = expected_job_id(V5_BEFORE)
    assert {r["job_id"] for r in rows["FIXED"] + rows["REMAINING"] + rows["NEW"]} == {job}


def test_diff_rows_match_the_drs_responses(v5_folders):
    """FIXED, REMAINING and NEW, cell for cell (SELECTs included), against the rows read straight from
    both sides' DRS response bodies."""
    rows = by_change(diff_rows(v5_folders))
    expected = expected_row_changes(V5_BEFORE, V5_AFTER)
    for change in ROW_CHANGES:
        actual = collections.Counter(csv_full(r) for r in rows[change])
        missing = list((expected.get(change, collections.Counter()) - actual).elements())
        extra = list((actual - expected.get(change, collections.Counter())).elements())
        assert not missing and not extra, f"{change}: missing {missing[:3]}, unexpected {extra[:3]}"

    def keys(change, table_name):
        return sorted(r["source_key"] or r["target_key"] for r in rows[change] if r["source_table"] == table_name)

    assert keys("FIXED", "orders") == ["1032", "1110", "1181", "1239"]
    assert len(keys("FIXED", "客户表")) == 21 and keys("REMAINING", "客户表") == keys("NEW", "客户表") == []
    assert keys("NEW", "products") == ["117", "263", "58"]
    assert len(keys("REMAINING", "order_items")) == 12 and keys("FIXED", "order_items") == []
    assert len(keys("REMAINING", "orders")) == 36


def test_diff_json_schema_verdict_and_counts(v5_folders, v5_renders):
    data = load_json(v5_folders / "diff.json")
    assert data["format"] == "drs-report-diff"
    assert data["schema_version"] == 1 and isinstance(data["schema_version"], int)
    assert data["generated_at"] == DIFF_NOW
    assert data["same_job"] is True
    verdict = data["verdict"]
    assert verdict["value"] == "MIXED"
    assert verdict["improved"] is True and verdict["regressed"] is True
    assert verdict["rows"] == {"fixed": 25, "remaining": 48, "new": 3, "unverified": 0}
    assert set(verdict["tables"]) == set(TABLE_CHANGES), verdict["tables"]
    assert verdict["tables"] == {"NEWLY_INCONSISTENT": 1, "NEWLY_NOT_COMPARED": 0, "NO_LONGER_COMPARED": 0,
                                 "STILL_INCONSISTENT": 3, "FIXED": 1, "CHANGED": 0, "NEWLY_COMPARED": 0,
                                 "UNCHANGED": 7}, verdict["tables"]
    assert "MIXED" in verdict["rule"] and "IMPROVED" in verdict["rule"]

    # Both sides: digests of their report.json and of their inputs, computed here.
    job = expected_job_id(V5_BEFORE)
    for side, spec, render_dir in (("before", V5_BEFORE, v5_renders[0]), ("after", V5_AFTER, v5_renders[1])):
        s = data[side]
        assert s["report_sha256"] == sha256_file(render_dir / "report.json"), side
        assert s["inputs_digest"] == expected_inputs_digest(spec), side
        assert s["jobs"] == [job], side
        assert s["inconsistent_rows"] == expected_row_count(spec), side
        assert s["path"] == str(render_dir), side
    assert data["before"]["verdict"] == data["after"]["verdict"] == "INCONSISTENT"

    # Per table, as the samples are built.
    tables = {(t["source_db"], t["source_table"]): t for t in data["tables"]}
    assert len(tables) == len(data["tables"]), "a table listed twice"
    expect = {
        ("shop", "客户表"): ("FIXED", "INCONSISTENT", "CONSISTENT", 21, 0, 21, 0, 0),
        ("shop", "orders"): ("STILL_INCONSISTENT", "INCONSISTENT", "INCONSISTENT", 40, 36, 4, 36, 0),
        ("shop", "order_items"): ("STILL_INCONSISTENT", "INCONSISTENT", "INCONSISTENT", 12, 12, 0, 12, 0),
        ("shop", "products"): ("NEWLY_INCONSISTENT", "CONSISTENT", "INCONSISTENT", 0, 3, 0, 0, 3),
    }
    for key, values in expect.items():
        t = tables[key]
        got = (t["change"], t["outcome_before"], t["outcome_after"], t["diff_rows_before"], t["diff_rows_after"],
               t["rows_fixed"], t["rows_remaining"], t["rows_new"])
        assert got == values, (key, got)
    assert sum(t["rows_fixed"] for t in data["tables"]) == 25
    assert sum(t["rows_remaining"] for t in data["tables"]) == 48
    assert sum(t["rows_new"] for t in data["tables"]) == 3
    assert collections.Counter(t["change"] for t in data["tables"]) == \
        collections.Counter({k: v for k, v in verdict["tables"].items() if v})
    # Changed tables first, in the documented order of changes.
    order = [TABLE_CHANGES.index(t["change"]) for t in data["tables"]]
    assert order == sorted(order), [t["change"] for t in data["tables"]]


def test_diff_csv_agrees_with_diff_json(v5_folders):
    data = load_json(v5_folders / "diff.json")
    rows = diff_tables(v5_folders)
    assert len(rows) == len(data["tables"])
    for row, t in zip(rows, data["tables"]):
        for col in DIFF_TABLES_HEADER:
            value = t[col]
            assert row[col] == ("" if value is None else str(value)), (col, row, t)
    assert formula_cells(v5_folders / "diff.csv") == [] and formula_cells(v5_folders / "diff_rows.csv") == []
    assert_csv_roundtrips_crlf(v5_folders / "diff.csv")
    assert_csv_roundtrips_crlf(v5_folders / "diff_rows.csv")


def test_folder_sides_and_raw_sides_agree(v5_raw, v5_folders, v5_renders):
    raw, _ = v5_raw
    for name in ("diff.csv", "diff_rows.csv"):
        assert (raw / name).read_bytes() == (v5_folders / name).read_bytes(), f"{name} differs"
    a, b = load_json(raw / "diff.json"), load_json(v5_folders / "diff.json")
    assert without_side_paths(a) == without_side_paths(b)
    assert (a["before"]["path"], a["after"]["path"]) == (str(V5_BEFORE.path), str(V5_AFTER.path))
    assert (b["before"]["path"], b["after"]["path"]) == tuple(str(p) for p in v5_renders)


# --------------------------------------------------------------------------------------------
# 2. Runs of different jobs
# --------------------------------------------------------------------------------------------

def test_different_jobs_exit_2_and_write_nothing(tmp_path):
    work = tmp_path / "work"
    scratch = tmp_path / "tmpdir"  # the sides are rendered under $TMPDIR: nothing may be left there either
    work.mkdir()
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch))
    out = work / "out"
    proc = drs("diff", V5_BEFORE.path, V3.path, "--out", out, "--now", DIFF_NOW, "--observed-at", OBSERVED_AT, env=env)
    ok(proc, EXIT_BAD_INPUT)
    assert "--allow-different-jobs" in proc.stderr, proc.stderr
    assert expected_job_id(V5_BEFORE) in proc.stderr and expected_job_id(V3) in proc.stderr, proc.stderr
    assert "Wrote" not in proc.stdout
    assert not out.exists(), "diff created its output folder although it refused"
    assert list(work.iterdir()) == [], f"left behind: {list(work.iterdir())}"
    assert list(scratch.iterdir()) == [], f"left behind in TMPDIR: {list(scratch.iterdir())}"

    # An earlier diff in the folder stays as it was.
    ok(drs("diff", V5_BEFORE.path, V5_AFTER.path, "--out", out, "--now", DIFF_NOW, "-q", env=env))
    earlier = files_of(out)
    ok(drs("diff", V5_BEFORE.path, V3.path, "--out", out, "--now", DIFF_NOW, "--observed-at", OBSERVED_AT, env=env),
       EXIT_BAD_INPUT)
    assert files_of(out) == earlier, "a refused diff changed the folder's earlier outputs"
    assert sorted(p.name for p in work.iterdir()) == ["out"]
    assert list(scratch.iterdir()) == []


def test_different_jobs_allowed(tmp_path):
    out = tmp_path / "out"
    diff_into(V5_BEFORE.path, V3.path, out, "--now", DIFF_NOW, "--observed-at", OBSERVED_AT, "--allow-different-jobs")
    assert {p.name for p in out.iterdir()} == DIFF_FILES
    data = load_json(out / "diff.json")
    assert data["same_job"] is False
    assert data["before"]["jobs"] == [expected_job_id(V5_BEFORE)] and data["after"]["jobs"] == [expected_job_id(V3)]
    rows = by_change(diff_rows(out))
    # Rows of v5's tables, which v3 does not compare, are gone without a re-check: UNVERIFIED, never FIXED.
    assert len(rows["FIXED"]) == 0
    assert len(rows["FIXED"]) + len(rows["REMAINING"]) + len(rows["UNVERIFIED"]) == expected_row_count(V5_BEFORE)
    assert len(rows["REMAINING"]) + len(rows["NEW"]) == expected_row_count(V3)
    evidence = load_json(out / "evidence.json")
    assert evidence["options"]["allow_different_jobs"] == "true"
    ok(drs("verify", out))


# --------------------------------------------------------------------------------------------
# 3. diff.html in a browser
# --------------------------------------------------------------------------------------------

CHANGED_ROWS_JS = """() => Array.from(document.querySelectorAll('#tables table.filterable > tbody > tr'), tr => ({
    id: tr.id, change: tr.getAttribute('data-outcome'), visible: tr.checkVisibility(),
    cells: Array.from(tr.cells, td => td.textContent)}))"""
COLUMN_JS = """([table, index]) => Array.from(document.querySelector(table).tBodies[0].rows,
    tr => [tr.id, tr.cells[index].textContent.trim()])"""
CHANGED_TABLE = "#tables table.filterable"


def changed_rows(page) -> list[dict]:
    return page.evaluate(CHANGED_ROWS_JS)


def visible_names(page) -> list[str]:
    return [r["cells"][1] for r in changed_rows(page) if r["visible"]]


def expected_changed_tables(out: Path) -> dict[str, str]:
    """'db.table' -> change of every table diff.csv lists as changed (anything but UNCHANGED)."""
    return {f"{t['source_db']}.{t['source_table']}": t["change"] for t in diff_tables(out) if t["change"] != "UNCHANGED"}


def test_html_one_hashed_script_and_csp(page_of, v5_raw):
    out, _ = v5_raw
    html = out / "diff.html"
    raw = html.read_text(encoding="utf-8")
    assert len(re.findall(r"<script\b", raw, re.I)) == 1 and len(re.findall(r"</script\b", raw, re.I)) == 1
    script = re.search(r"<script>(.*?)</script>", raw, re.S).group(1)
    assert script == REPORT_JS.read_text(encoding="utf-8"), "diff.html's script is not templates/report.js"
    digest = "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"
    v = page_of(html)
    page = v.page
    directives = csp_directives(page)
    assert directives.get("default-src") == ["'none'"], directives
    assert directives.get("script-src") == [digest] == [sha256_source(script)], directives.get("script-src")
    assert not any("unsafe" in d for d in directives.get("script-src", [])), directives.get("script-src")
    for name in ("script-src-elem", "script-src-attr", "connect-src", "frame-src", "object-src"):
        assert directives.get(name, ["'none'"]) == ["'none'"], (name, directives.get(name))
    assert directives.get("base-uri") == ["'none'"] and directives.get("form-action") == ["'none'"]
    assert_only_the_hashed_script(page, html)  # one attribute-less script, its hash, and the browser ran it
    # The policy holds: an injected inline script does not run.
    ran = page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__probe = 1';
        document.body.appendChild(s); return typeof window.__probe; }""")
    assert ran == "undefined", "the CSP let an unhashed inline script run"


def test_html_verdict_counts_and_tables(page_of, v5_raw):
    out, _ = v5_raw
    v = page_of(out / "diff.html")
    page = v.page
    verdict = page.locator("section#verdict")
    assert verdict.count() == 1 and verdict.is_visible()
    assert verdict.get_attribute("data-verdict") == "MIXED"
    assert "mixed" in (verdict.get_attribute("class") or "").split()
    assert "MIXED" in verdict.locator(".value").inner_text()
    counts = dict(page.eval_on_selector_all("#verdict li[data-count]",
                                            "ls => ls.map(l => [l.dataset.count, l.querySelector('b').textContent])"))
    assert counts == {"tables_fixed": "1", "tables_still": "3", "tables_new": "1", "tables_not_compared": "0",
                      "tables_gone": "0", "rows_fixed": "25", "rows_remaining": "48", "rows_new": "3",
                      "rows_unverified": "0"}, counts
    rows = changed_rows(page)
    assert {r["cells"][1]: r["change"] for r in rows} == expected_changed_tables(out)
    assert all(r["visible"] for r in rows)
    assert page.locator("#new-rows tbody tr").count() == 3
    assert page.locator("#fixed-rows tbody tr").count() == 25
    new_keys = sorted(page.eval_on_selector_all("#new-rows tbody tr", "rs => rs.map(r => r.cells[2].textContent)"))
    assert new_keys == ["117", "263", "58"], new_keys
    assert_no_foreign_activity(v)


@pytest.mark.parametrize("needle, expected", [("products", ["shop.products"]), ("PRODUCTS", ["shop.products"]),
                                              ("客户表", ["shop.客户表"])])
def test_html_search_filters_the_changed_tables(page_of, v5_raw, needle, expected):
    out, _ = v5_raw
    v = page_of(out / "diff.html")
    page = v.page
    everything = visible_names(page)
    assert len(everything) == len(expected_changed_tables(out)) == 5
    page.fill("#q", needle)
    assert visible_names(page) == expected, visible_names(page)
    assert page.locator("#filter-status").text_content() == f"Tables shown: {len(expected)}", page.locator("#filter-status").text_content()
    page.click("#f-clear")
    assert visible_names(page) == everything
    assert page.locator("#q").input_value() == "" and page.locator("#filter-status").text_content() == ""
    assert_no_foreign_activity(v)


def test_html_change_filter(page_of, v5_raw):
    out, _ = v5_raw
    v = page_of(out / "diff.html")
    page = v.page
    options = page.eval_on_selector_all("#f-outcome option", "os => os.map(o => o.value)")
    assert options[0] == "" and sorted(options[1:]) == sorted(c for c in TABLE_CHANGES if c != "UNCHANGED"), options
    page.select_option("#f-outcome", "FIXED")
    assert visible_names(page) == ["shop.客户表"], visible_names(page)
    page.select_option("#f-outcome", "STILL_INCONSISTENT")
    assert sorted(visible_names(page)) == sorted(n for n, c in expected_changed_tables(out).items()
                                                 if c == "STILL_INCONSISTENT")
    # Search and change combine.
    page.fill("#q", "orders")
    assert visible_names(page) == ["shop.orders"], visible_names(page)
    page.select_option("#f-outcome", "NO_LONGER_COMPARED")
    assert visible_names(page) == []
    page.click("#f-clear")
    assert len(visible_names(page)) == 5
    assert_no_foreign_activity(v)


def numeric(cell: str) -> float:
    return float(cell.replace(",", "")) if cell else float("-inf")


@pytest.mark.parametrize("column", ["Fixed", "DRS count before"])
def test_html_sort_numeric_column(page_of, v5_raw, column):
    out, _ = v5_raw
    v = page_of(out / "diff.html")
    page = v.page
    heads = page.eval_on_selector_all(f"{CHANGED_TABLE} > thead th", "ths => ths.map(th => th.textContent.trim())")
    index = heads.index(column)
    th = page.locator(f"{CHANGED_TABLE} > thead th").nth(index)
    assert "num" in (th.get_attribute("class") or "").split()
    before = page.evaluate(COLUMN_JS, [CHANGED_TABLE, index])
    numbers = [numeric(c) for _, c in before]
    cells = [c for _, c in before]
    # The data tells a numeric sort from a text sort, and the rows do not start sorted.
    assert sorted(cells) != sorted(cells, key=numeric), f"{column}: text and numeric order agree"
    assert numbers != sorted(numbers) and numbers != sorted(numbers, reverse=True), numbers
    th.click()
    assert th.get_attribute("aria-sort") == "ascending"
    up = page.evaluate(COLUMN_JS, [CHANGED_TABLE, index])
    assert [numeric(c) for _, c in up] == sorted(numbers), up
    assert sorted(up) == sorted(before), "sorting lost or changed rows"
    th.click()
    assert th.get_attribute("aria-sort") == "descending"
    down = page.evaluate(COLUMN_JS, [CHANGED_TABLE, index])
    assert [numeric(c) for _, c in down] == sorted(numbers, reverse=True), down
    # Sorted rows still filter.
    page.fill("#q", "products")
    assert visible_names(page) == ["shop.products"]
    assert_no_foreign_activity(v)


def test_html_without_javascript(page_of, v5_raw):
    out, _ = v5_raw
    with_js = page_of(out / "diff.html").page
    v = page_of(out / "diff.html", java_script_enabled=False)
    page = v.page
    assert page.evaluate("document.getElementById('tools').hidden") is True
    assert not page.locator("#tools").is_visible(), "the toolbar shows although no script can drive it"
    assert page.locator("th[aria-sort], th[tabindex]").count() == 0, "the script ran although JavaScript is off"
    verdict = page.locator("section#verdict")
    assert verdict.is_visible() and verdict.get_attribute("data-verdict") == "MIXED"
    assert "MIXED" in verdict.inner_text()
    rows = changed_rows(page)
    assert {r["cells"][1] for r in rows} == set(expected_changed_tables(out)) and all(r["visible"] for r in rows)
    assert page.locator("#new-rows tbody tr").count() == 3 and page.locator("#fixed-rows tbody tr").count() == 25
    for section in ("#verdict", "#runs", "#tables", "#new-rows", "#fixed-rows"):
        text = read_text(page, section)
        assert text.strip() and text == read_text(with_js, section), f"{section} reads differently without script"
    page.click("nav#toc a[href='#tables']")
    assert page.evaluate("location.hash") == "#tables"
    assert_no_foreign_activity(v)


def test_html_links_resolve_and_nothing_leaves_the_page(page_of, v5_raw):
    out, _ = v5_raw
    v = page_of(out / "diff.html")
    page = v.page
    ids = page.eval_on_selector_all("[id]", "es => es.map(e => e.id)")
    dupes = [i for i, n in collections.Counter(ids).items() if n > 1]
    assert dupes == [], f"duplicate ids: {dupes}"
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    fragments = [h for h in hrefs if h.startswith("#")]
    assert fragments, "no in-page links"
    broken = [h for h in fragments if h[1:] not in set(ids)]
    assert broken == [], f"links to missing ids: {broken}"
    toc = page.eval_on_selector_all("nav#toc a[href^='#']", "as => as.map(a => a.getAttribute('href').slice(1))")
    sections = page.eval_on_selector_all("section[id]", "ss => ss.map(s => s.id)")
    assert toc == sections, (toc, sections)
    others = sorted({h for h in hrefs if not h.startswith("#")})
    assert set(others) <= DIFF_SIBLINGS, f"links leaving the page: {sorted(set(others) - DIFF_SIBLINGS)}"
    for h in others:
        assert (out / h).is_file(), f"{h} is linked but not written"
    assert set(others) == DIFF_SIBLINGS, f"written files not linked: {sorted(DIFF_SIBLINGS - set(others))}"
    page.click("nav#toc a[href='#fixed-rows']")
    assert page.evaluate("location.hash") == "#fixed-rows"
    page.wait_for_timeout(200)
    assert_no_foreign_activity(v)
    assert page.locator("img, iframe, object, embed, form, link, base, frame, audio, video").count() == 0


# --------------------------------------------------------------------------------------------
# 4. The hostile fixture
# --------------------------------------------------------------------------------------------

# Rows taken out of the copy: (response file, indices into its contents_infos). They hold a <script>
# key and formula-like keys and table names (=cmd…, =HYPERLINK(…), @SUM(1), -2+3).
HOSTILE_REMOVED = {"responses/000012.json": [0], "responses/000013.json": [2, 3, 4]}


@pytest.fixture(scope="module")
def hostile_less(tmp_path_factory) -> InputSpec:
    """A copy of the hostile archive with HOSTILE_REMOVED taken out of its diff responses, and the
    manifest's sha256 of those files updated (render refuses an altered archive otherwise)."""
    root = tmp_path_factory.mktemp("hostile-less") / "hostile"
    shutil.copytree(HOSTILE.path, root)
    manifest_path = root / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for name, indices in HOSTILE_REMOVED.items():
        path = root / name
        body = json.loads(path.read_text(encoding="utf-8"))
        infos = body["job"]["compare_result"]["content_diff_detail_info"]["contents_infos"]
        for i in sorted(indices, reverse=True):
            del infos[i]
        path.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
        entries = [r for r in manifest["responses"] if r["file"] == name]
        assert len(entries) == 1, name
        entries[0]["sha256"] = sha256_file(path)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    spec = InputSpec("hostile-less", root)
    removed = sum(len(v) for v in HOSTILE_REMOVED.values())
    assert expected_row_count(spec) == expected_row_count(HOSTILE) - removed
    return spec


@pytest.fixture(scope="module")
def hostile_renders(tmp_path_factory) -> tuple[Path, Path]:
    """The hostile fixture rendered twice, at two different clocks."""
    base = tmp_path_factory.mktemp("diff-hostile-renders")
    return render_into(HOSTILE, base / "first", NOW), render_into(HOSTILE, base / "second", OTHER_NOW)


@pytest.fixture(scope="module")
def hostile_regressed(tmp_path_factory, hostile_less) -> tuple[Path, subprocess.CompletedProcess]:
    """before: the copy without the removed rows; after: the fixture. The removed rows come back as NEW."""
    out = tmp_path_factory.mktemp("diff-hostile-regressed") / "out"
    proc = diff_into(hostile_less.path, HOSTILE.path, out, "--now", DIFF_NOW, "--fail-on-regression",
                     expected=EXIT_REGRESSED)
    return out, proc


def removed_rows(spec_with: InputSpec, spec_without: InputSpec) -> list:
    without = {expected_identity(e) for e in expected_rows(spec_without)}
    return [e for e in expected_rows(spec_with) if expected_identity(e) not in without]


def test_hostile_same_inputs_are_unchanged(tmp_path, hostile_renders):
    first, second = hostile_renders
    assert sha256_file(first / "report.json") != sha256_file(second / "report.json"), (
        "the two renders are byte-identical: the test would not show that the clock is ignored")
    out = tmp_path / "out"
    proc = diff_into(first, second, out, "--now", DIFF_NOW, "--fail-on-regression")
    assert "Change: UNCHANGED" in proc.stdout, proc.stdout
    data = load_json(out / "diff.json")
    total = json.loads((FIXTURES / "hostile" / "EXPECTED.json").read_text(encoding="utf-8"))["diff_rows"]
    assert data["verdict"]["value"] == "UNCHANGED"
    assert data["verdict"]["regressed"] is False and data["verdict"]["improved"] is False
    assert data["verdict"]["rows"] == {"fixed": 0, "remaining": total, "new": 0, "unverified": 0}
    changes = {t["change"] for t in data["tables"]}
    assert changes <= {"STILL_INCONSISTENT", "UNCHANGED"}, changes
    assert data["before"]["inputs_digest"] == data["after"]["inputs_digest"] == expected_inputs_digest(HOSTILE)
    rows = by_change(diff_rows(out))
    assert rows["FIXED"] == rows["NEW"] == []
    assert collections.Counter(csv_full(r) for r in rows["REMAINING"]) == \
        collections.Counter(expected_full(e) for e in expected_rows(HOSTILE))
    for name in ("diff.csv", "diff_rows.csv"):
        assert formula_cells(out / name) == [], formula_cells(out / name)[:5]
        assert_csv_roundtrips_crlf(out / name)
    ok(drs("verify", out))


def test_hostile_rows_taken_out_come_back_as_new(hostile_regressed, hostile_less):
    out, proc = hostile_regressed
    assert {p.name for p in out.iterdir()} == DIFF_FILES
    data = load_json(out / "diff.json")
    came_back = removed_rows(HOSTILE, hostile_less)
    assert len(came_back) == 4
    assert data["verdict"]["value"] == "REGRESSED", data["verdict"]
    assert data["verdict"]["rows"] == {"fixed": 0, "remaining": expected_row_count(hostile_less), "new": 4, "unverified": 0}
    rows = by_change(diff_rows(out))
    expected = expected_row_changes(hostile_less, HOSTILE)
    for change in ROW_CHANGES:
        actual = collections.Counter(csv_full(r) for r in rows[change])
        want = expected.get(change, collections.Counter())
        assert actual == want, (change, list((actual - want).elements())[:2], list((want - actual).elements())[:2])
    assert collections.Counter(expected_full(e) for e in came_back) == expected["NEW"]
    ok(drs("verify", out))


def test_hostile_rows_taken_out_are_unverified_the_other_way(tmp_path, hostile_less):
    out = tmp_path / "out"
    diff_into(HOSTILE.path, hostile_less.path, out, "--now", DIFF_NOW, "--fail-on-regression")  # exit 0
    data = load_json(out / "diff.json")
    # The rows were taken out of the file but DRS's counts still name them: gone without a re-check of
    # their table, so UNVERIFIED and not an improvement.
    assert data["verdict"]["value"] == "UNCHANGED", data["verdict"]
    assert data["verdict"]["rows"] == {"fixed": 0, "remaining": expected_row_count(hostile_less), "new": 0, "unverified": 4}
    gone = collections.Counter(csv_full(r) for r in by_change(diff_rows(out))["UNVERIFIED"])
    assert gone == collections.Counter(expected_full(e) for e in removed_rows(HOSTILE, hostile_less))


def test_hostile_csv_cells_are_neutralised(hostile_regressed):
    out, _ = hostile_regressed
    for name in ("diff.csv", "diff_rows.csv"):
        bad = formula_cells(out / name)
        assert bad == [], f"cells a spreadsheet would evaluate as formulas: {bad[:8]}"
        assert_csv_roundtrips_crlf(out / name)
    table_cells = {c for row in read_csv(out / "diff.csv")[1:] for c in row}
    row_cells = {c for row in read_csv(out / "diff_rows.csv")[1:] for c in row}
    for raw in ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(1)", '=HYPERLINK("http://evil.example","x")']:
        assert raw not in table_cells | row_cells, f"{raw!r} written without the leading apostrophe"
        assert "'" + raw in table_cells, f"{raw!r} not in diff.csv as the neutralised cell"
    for raw in ["=cmd|' /C calc'!A0", "-2+3", '=HYPERLINK("http://evil.example","x")', "+SUM(1,2)", "@SUM(1)"]:
        assert "'" + raw in row_cells, f"{raw!r} not in diff_rows.csv as the neutralised cell"
    for safe in ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a|b|c", "中文表", "🚀🧨",
                 "invoice\u202etxt.exe", "&amp;", "line1\nline2\tcol2"]:
        assert safe in table_cells | row_cells, f"{safe!r} does not round-trip as a CSV cell"


def test_hostile_html_shows_data_as_text(page_of, hostile_regressed, hostile_less):
    out, _ = hostile_regressed
    html = out / "diff.html"
    raw = html.read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "<img" not in raw, "hostile markup written into diff.html unescaped"
    v = page_of(html)
    page = v.page
    page.wait_for_timeout(300)  # anything deferred gets its chance
    assert_no_foreign_activity(v)
    assert_only_the_hashed_script(page, html)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 1
    assert page.locator("img, iframe, object, embed, form, link, base, frame, svg, audio, video").count() == 0
    tags = set(page.evaluate("Array.from(document.querySelectorAll('*'), e => e.localName)"))
    assert tags <= ALLOWED_TAGS, f"unexpected elements: {sorted(tags - ALLOWED_TAGS)}"
    handlers = page.evaluate("""Array.from(document.querySelectorAll('*')).flatMap(e =>
        Array.from(e.attributes).filter(a => a.name.toLowerCase().startsWith('on')
            || ['href', 'src', 'action', 'formaction', 'srcdoc'].includes(a.name.toLowerCase())
               && /^\\s*(javascript|vbscript|data):/i.test(a.value)).map(a => e.localName + '[' + a.name + ']'))""")
    assert handlers == [], f"event handlers / script URLs in the DOM: {handlers[:5]}"
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    assert [h for h in hrefs if not h.startswith("#") and h not in DIFF_SIBLINGS] == [], hrefs

    # No raw bidirectional control in what the reader sees; U+202E is shown as ⟨U+202E⟩.
    everything = page.evaluate("document.documentElement.textContent")
    assert "\u202e" not in everything and "\u202e" not in page.title()
    tables_text = read_text(page, "#tables")
    for s in ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "=cmd|' /C calc'!A0", "[x](javascript:alert(1))",
              '"dq" \'sq\'', "&amp;", "a|b|c", "🚀🧨", "invoice⟨U+202E⟩txt.exe"]:
        assert s in tables_text, f"{s!r} not shown literally in #tables"
    # Every changed table of diff.json (raw names, not CSV-neutralised) is a row, its name shown as text.
    names = [r["cells"][1] for r in changed_rows(page)]
    assert sorted(names) == sorted(shown(f"{t['source_db']}.{t['source_table']}")
                                   for t in load_json(out / "diff.json")["tables"] if t["change"] != "UNCHANGED")

    # The rows that came back are the new rows, keys and SELECTs as literal text.
    cells = page.evaluate("""Array.from(document.querySelectorAll('#new-rows tbody tr'), tr => ({
        kind: tr.getAttribute('data-kind'), source: tr.cells[2].textContent, target: tr.cells[3].textContent,
        sql: Array.from(tr.cells[4].querySelectorAll('pre'), p => p.textContent)}))""")
    came_back = removed_rows(HOSTILE, hostile_less)
    assert len(cells) == len(came_back)

    def one_key(values):
        kind, value = key_cell(values)
        return shown(value) if kind == "text" else None

    expected = collections.Counter(
        (e.kind, one_key(e.source_key), one_key(e.target_key),
         (shown(e.source_sql),) if e.source_sql == e.target_sql else (shown(e.source_sql), shown(e.target_sql)))
        for e in came_back)
    actual = collections.Counter((c["kind"], c["source"], c["target"], tuple(c["sql"])) for c in cells)
    assert actual == expected, (actual, expected)
    assert any(c["source"] == "<script>alert(1)</script>" for c in cells)
    assert any(c["source"] == '=HYPERLINK("http://evil.example","x")' for c in cells)

    # Search still works on hostile names, and typing markup only filters.
    page.fill("#q", "<img src=x")
    visible = [r for r in changed_rows(page) if r["visible"]]
    assert visible and all("<img src=x onerror=alert(1)>" in r["cells"][2] for r in visible)
    page.fill("#q", "")
    assert page.evaluate("typeof window.__pwned") == "undefined" and page.locator("img").count() == 0
    assert_no_foreign_activity(v)


def test_hostile_markdown_has_no_markup_from_data(hostile_regressed):
    out, _ = hostile_regressed
    text = (out / "diff.md").read_text(encoding="utf-8")
    tags = set(re.findall(r"<\s*/?\s*[a-zA-Z][^>]*>", text))
    assert tags <= {"<br>"}, f"raw HTML tags in diff.md: {sorted(tags)[:8]}"
    assert "\u202e" not in text and "⟨U+202E⟩" in text
    for name, page in (("GitHub rendering", as_github(text)), ("rendering without tagfilter", without_tagfilter(text))):
        found = active_markup(page)
        assert not found, f"diff.md {name} holds active markup from the data: {found[:10]}"
    seen = visible_text(as_github(text)).replace("\u2060", "")
    # The hostile values are there, as text (so no markup above is not because they were left out).
    # (diff.md names source tables only, so the target database <img …> is not in it.)
    for s in ["<script>alert(1)</script>", '=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0",
              "[x](javascript:alert(1))", "a|b|c", "```", "@SUM(1)"]:
        assert s in seen, f"{s!r} not shown as text in diff.md"
