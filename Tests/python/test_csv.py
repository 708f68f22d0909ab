"""csv/*.csv: RFC 4180, one row per inconsistent row, formula neutralisation."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import (
    DIFFS_CSV_HEADER, FIXTURES, INPUTS, assert_same_rows, canonical_key_cell, expected_job_id, expected_job_name,
    expected_row_count, expected_rows, expected_rows_per_table, key_cell, multiset, neutralised, raw_diff_rows,
    v5_line_counts,
)

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# One file per section of the ledger-based report; the old line_*/content_*/object_details files are gone.
CSV_FILES = {
    "summary.csv", "jobs.csv", "tasks.csv", "tables.csv", "databases.csv", "object_types.csv", "objects.csv",
    "diffs.csv", "not_compared.csv", "conflicts.csv", "notes.csv", "progress.csv", "streaming_progress.csv",
    "errors.csv", "sources.csv",
}


def read_csv(path) -> list[list[str]]:
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), f"{path.name}: BOM written although --csv-bom was not given"
    text = data.decode("utf-8")  # must be valid UTF-8
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


def table(path) -> tuple[list[str], list[dict[str, str]]]:
    rows = read_csv(path)
    assert rows, f"{path.name} is empty (no header row)"
    header, body = rows[0], rows[1:]
    assert len(set(header)) == len(header), f"{path.name} repeats a column name: {header}"
    for i, row in enumerate(body, start=2):
        assert len(row) == len(header), f"{path.name} record {i} has {len(row)} fields, header has {len(header)}"
    return header, [dict(zip(header, row)) for row in body]


def diffs(report) -> tuple[list[str], list[dict[str, str]]]:
    return table(report.diffs_csv)


# --- the expectations themselves -------------------------------------------------------------

def test_independent_counts_agree_with_expected_files():
    samples = json.loads((FIXTURES / "EXPECTED-samples.json").read_text(encoding="utf-8"))
    hostile = json.loads((FIXTURES / "hostile" / "EXPECTED.json").read_text(encoding="utf-8"))
    assert expected_row_count(INPUTS["v5"]) == samples["v5-mysql-archive"] == 73
    per_file = {p.name: len(rows) for p, rows in raw_diff_rows(INPUTS["v3"]).items()}
    assert per_file == samples["v3-mysql-responses"] == {"content-difference.json": 12, "query-compare-result.json": 17}
    assert expected_row_count(INPUTS["v3"]) == 17  # the 12 rows of crm.会员积分 arrive twice, count once
    assert expected_row_count(INPUTS["hostile"]) == hostile["diff_rows"]


# --- diffs.csv ---------------------------------------------------------------------------------

def test_diffs_csv_header_and_row_count(report):
    header, body = diffs(report)
    assert header == DIFFS_CSV_HEADER
    assert len(body) == expected_row_count(report.spec)


def test_diffs_csv_is_rfc4180_crlf(report):
    """Re-serialising the parsed records with CRLF + minimal quoting must give the file back byte for byte."""
    data = report.diffs_csv.read_bytes()
    assert data.endswith(b"\r\n"), "last record must end with CRLF"
    records = read_csv(report.diffs_csv)
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(records)
    assert buf.getvalue().encode("utf-8") == data


def test_csv_files_are_the_sections(report):
    names = {p.name for p in report.csv_dir.iterdir()}
    assert names == CSV_FILES, f"unexpected: {sorted(names - CSV_FILES)}, missing: {sorted(CSV_FILES - names)}"


def test_every_csv_file_parses_and_is_neutralised(report):
    files = sorted(report.csv_dir.glob("*.csv"))
    assert report.diffs_csv in files and len(files) == len(CSV_FILES)
    bad = []
    for path in files:
        rows = read_csv(path)
        assert rows, f"{path.name} has no header row"
        width = len(rows[0])
        for r, row in enumerate(rows, start=1):
            assert len(row) == width, f"{path.name} record {r}: {len(row)} fields, header has {width}"
            for c, cell in enumerate(row):
                if cell.startswith(FORMULA_TRIGGERS) and neutralised(cell) != cell:
                    bad.append((path.name, r, rows[0][c], cell))
    assert not bad, f"cells a spreadsheet would evaluate as formulas: {bad[:10]}"


def test_diffs_csv_rows_match_inputs(report):
    """Every inconsistent row, cell for cell (text neutralised), against the DRS responses."""
    _, body = diffs(report)
    job = expected_job_id(report.spec)
    assert {row["job_id"] for row in body} == {job}, "diffs.csv rows name a job other than the inputs' job"

    def text(value):
        return ("text", neutralised(value))

    def key(values):
        kind, value = key_cell(values)
        return (kind, neutralised(value)) if kind == "text" else (kind, value)

    expected = (
        (text(r.source_db), text(r.source_table), text(r.target_db), text(r.target_table), r.kind,
         key(r.source_key), key(r.target_key), text(r.source_sql), text(r.target_sql))
        for r in expected_rows(report.spec))
    actual = (
        (("text", row["source_db"]), ("text", row["source_table"]), ("text", row["target_db"]),
         ("text", row["target_table"]), row["diff_kind"], canonical_key_cell(row["source_key"]),
         canonical_key_cell(row["target_key"]), ("text", row["source_select_sql"]), ("text", row["target_select_sql"]))
        for row in body)
    assert_same_rows(actual, expected, "csv/diffs.csv")


def test_diffs_csv_select_sql_present(report):
    _, body = diffs(report)
    empty = [(i, row["source_select_sql"], row["target_select_sql"]) for i, row in enumerate(body, start=2)
             if not row["source_select_sql"].strip() or not row["target_select_sql"].strip()]
    assert not empty, f"rows without SELECT statements: {empty[:5]}"


def test_tables_csv_rows_in_input_per_table(report):
    """tables.csv diff_rows_in_input per table pair equals the rows the inputs hold for it (0 when none)."""
    _, body = table(report.csv_dir / "tables.csv")
    keys = ("source_db", "source_table", "target_db", "target_table")
    expected = {tuple(neutralised(v) for v in t): n for t, n in expected_rows_per_table(report.spec).items()}
    actual = {tuple(row[k] for k in keys): row["diff_rows_in_input"] for row in body}
    assert len(actual) == len(body), "tables.csv lists a table pair twice"
    missing = [t for t in expected if t not in actual]
    assert not missing, f"tables with inconsistent rows missing from tables.csv: {missing}"
    wrong = {t: (v, expected.get(t, 0)) for t, v in actual.items() if v != str(expected.get(t, 0))}
    assert not wrong, f"diff_rows_in_input (csv, inputs): {wrong}"
    # Cross-check: all rows are accounted for by some table (none of these inputs has rows of unknown tables).
    assert sum(int(row["diff_rows_in_input"]) for row in body) == expected_row_count(report.spec)


def test_v5_tables_csv_row_counts_are_exact(render):
    """Row counts as exact integer text (3000000000, not 3e+09 or 3000000000.0)."""
    _, body = table(render("v5").csv_dir / "tables.csv")
    actual = {(r["source_db"], r["source_table"], r["source_rows"], r["target_rows"], r["row_difference"]) for r in body}

    def cell(v):
        return "" if v is None else str(v)

    expected = [(db, t, cell(s), cell(tg), cell(d)) for db, t, s, tg, d in v5_line_counts(INPUTS["v5"])]
    assert ("shop", "event_log", "3000000000", "3000000000", "0") in expected
    missing = [e for e in expected if e not in actual]
    assert not missing, f"row counts not found in tables.csv: {missing}"


def test_jobs_csv(report):
    _, body = table(report.csv_dir / "jobs.csv")
    assert [r["job_id"] for r in body] == [expected_job_id(report.spec)]
    name = expected_job_name(report.spec)
    assert body[0]["name"] == ("" if name is None else neutralised(name))


def test_v3_rows_from_two_apis_counted_once(render):
    _, body = diffs(render("v3"))
    identities = [(r["source_select_sql"], r["target_select_sql"], r["source_key"], r["target_key"]) for r in body]
    assert len(identities) == len(set(identities)), "the same inconsistent row is listed twice"
    per_table = multiset((r["source_db"], r["source_table"]) for r in body)
    assert per_table == {("crm", "会员积分"): 12, ("crm", "members"): 5}


def test_hostile_csv_neutralised_values(render):
    """Spot checks of the neutralisation on the hostile fixture (these values exist there)."""
    _, body = diffs(render("hostile"))
    cells = {c for row in body for c in row.values()}
    for raw in ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(1)", '=HYPERLINK("http://evil.example","x")']:
        assert raw not in cells, f"{raw!r} written without the leading apostrophe"
        prefixed = "'" + raw
        assert prefixed in cells, f"{raw!r} not found as the neutralised cell {prefixed!r}"
    for safe in ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a|b|c", "中文表", "🚀🧨",
                 "مرحبا שלום", "invoice\u202etxt.exe", "&amp;", "```", "line1\nline2\tcol2"]:
        assert safe in cells, f"{safe!r} does not round-trip as a CSV cell"
