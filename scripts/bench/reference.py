#!/usr/bin/env python3
"""The benchmark's yardstick: a straightforward Python pipeline over a DRS estate archive.

    python3 scripts/bench/reference.py ESTATE OUTDIR

ESTATE is an archive folder (manifest.json + responses/) of v5 responses, as written by
`drs-report fetch` or `scripts/gen_samples.py --large`. OUTDIR gets:

    diffs.csv     every inconsistent row, the 11 columns of drs-report's Diffs sheet
    tables.csv    every table with its row counts and statuses
    report.json   summary, tables and every inconsistent row
    report.xlsx   Summary, Tables and Diffs sheets (xlsxwriter, constant_memory)
    report.html   summary, inconsistent tables and the first rows, escaped

This is what a competent person would write in an afternoon with json, csv, xlsxwriter and
html.escape: one pass over the responses, each body parsed once, each row handed to every writer.
It is not drs-report and checks far less; it exists so that drs-report's time and memory can be
compared with something plain (scripts/bench.sh). Needs `pip install xlsxwriter`.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import sys
from pathlib import Path

import xlsxwriter

COLUMNS = ["job_id", "task_id", "source_db", "source_table", "target_db", "target_table", "diff_kind",
           "source_key", "target_key", "source_select_sql", "target_select_sql"]
HEADER = ["Job", "Task", "Source database", "Source table", "Target database", "Target table",
          "Kind of difference", "Source key", "Target key", "Source SELECT", "Target SELECT"]
KINDS = {"MISSING_ON_TARGET": "Missing on target", "MISSING_ON_SOURCE": "Missing on source",
         "DIFFERS": "Values differ"}
XLSX_ROWS_PER_SHEET = 1_048_575   # Excel's row limit less the header row
HTML_ROWS = 200


# ---------------------------------------------------------------------------
# reading an archive
# ---------------------------------------------------------------------------

def responses(estate: Path):
    """(manifest entry, parsed body) of every response, in manifest order, sha256 checked."""
    manifest = json.loads((estate / "manifest.json").read_bytes())
    if manifest.get("format") != "drs-report-archive" or manifest.get("version") != 1:
        raise SystemExit(f"{estate}: not a drs-report archive (version 1)")
    for entry in manifest["responses"]:
        data = (estate / entry["file"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise SystemExit(f"{estate / entry['file']}: sha256 does not match the manifest")
        yield manifest, entry, json.loads(data)


_NAME = r"(`(?:[^`]|``)*`|\"(?:[^\"]|\"\")*\"|\[[^\]]*\]|[^\s.,;()`\"\[]+)"
_FROM = re.compile(r"(?:^|\s)from\s+" + _NAME + r"(?:\s*\.\s*" + _NAME + ")?", re.IGNORECASE)


def _unquote(name: str) -> str:
    if name[0] in "`\"":
        return name[1:-1].replace(name[0] * 2, name[0])
    if name[0] == "[":
        return name[1:-1]
    return name


def sql_location(sql: str):
    """(database, table) named after FROM in a re-check SELECT: `db`.`table`, db.table or table;
    None when there is no FROM."""
    match = _FROM.search(sql)
    if not match:
        return None
    first, second = match.group(1), match.group(2)
    if second is None:
        return None, _unquote(first)
    return _unquote(first), _unquote(second)


def json_quote(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch in "\u2028\u2029" or ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def key_text(values: list[str]) -> str:
    """One key value as it is; several joined by ", ", or a JSON array when one holds , or "."""
    if len(values) == 1:
        return values[0]
    if any("," in v or '"' in v for v in values):
        return "[" + ",".join(json_quote(v) for v in values) + "]"
    return ", ".join(values)


def diff_rows(estate: Path, tables: dict | None = None):
    """The 11 Diffs values of every inconsistent row, in archive order.

    When `tables` is given, it is filled from the line and content compare details on the way:
    (source_db, table) -> {source_db, table, target_db, source_rows, target_rows, line_status,
    content_status, drs_diff_rows}."""
    for manifest, entry, body in responses(estate):
        if entry.get("status") != 200 or not isinstance(body, dict):
            continue
        query = entry.get("query", {})
        job = body.get("job") or {}
        result = job.get("compare_result") or {}
        if tables is not None:
            if query.get("compare_type") == "line_compare" and query.get("query_type") == "detail":
                for item in result.get("line_compare_detail_infos") or []:
                    t = table_entry(tables, query.get("source_db_name", ""), item.get("source_table_name", ""))
                    t["target_db"] = query.get("target_db_name", "")
                    t["source_rows"] = item.get("source_row_num")
                    t["target_rows"] = item.get("target_row_num")
                    t["line_status"] = item.get("status")
            elif query.get("compare_type") == "content_compare" and query.get("query_type") == "detail":
                for item in result.get("content_compare_detail_infos") or []:
                    t = table_entry(tables, item.get("source_db", ""), item.get("source_table_name", ""))
                    t["target_db"] = item.get("target_db", "")
                    t["content_status"] = "CONSISTENT" if item.get("content_compare_result") else "INCONSISTENT"
                    t["drs_diff_rows"] = item.get("difference_row_num")
        info = result.get("content_diff_detail_info")
        if not info:
            continue
        job_id = job.get("id") or manifest.get("job_id") or ""
        task_id = query.get("compare_task_id", "")
        page_source_db = query.get("source_db_name")
        page_target_db = query.get("target_db_name")
        for item in info.get("contents_infos") or []:
            source_key = item.get("source_key_value") or []
            target_key = item.get("target_key_value") or []
            source_sql = item.get("source_select_sql") or item.get("select_sql") or ""
            target_sql = item.get("target_select_sql") or ""
            source_empty = all(v == "" for v in source_key)
            target_empty = all(v == "" for v in target_key)
            if target_empty and not source_empty:
                kind = "MISSING_ON_TARGET"
            elif source_empty and not target_empty:
                kind = "MISSING_ON_SOURCE"
            else:
                kind = "DIFFERS"
            # As drs-report does: databases from the request, tables from the SELECTs.
            source_db, source_table = page_source_db, None
            target_db, target_table = page_target_db, None
            parsed = sql_location(source_sql) if source_db is None or source_table is None else None
            if parsed:
                source_table = parsed[1]
                source_db = parsed[0] if source_db is None else source_db
            parsed = sql_location(target_sql) if target_db is None or target_table is None else None
            if parsed:
                target_table = parsed[1]
                target_db = parsed[0] if target_db is None else target_db
            if source_table is None:
                source_table = target_table
            if source_db is None:
                source_db = target_db
            target_db = source_db if target_db is None else target_db
            target_table = source_table if target_table is None else target_table
            yield (job_id, task_id, source_db or "", source_table or "", target_db or "",
                   target_table or "", KINDS[kind], key_text(source_key),
                   key_text(target_key), source_sql, target_sql)


def table_entry(tables: dict, db: str, name: str) -> dict:
    key = (db, name)
    if key not in tables:
        tables[key] = {"source_db": db, "table": name, "target_db": db, "source_rows": None,
                       "target_rows": None, "line_status": None, "content_status": None,
                       "drs_diff_rows": None, "diff_rows": 0}
    return tables[key]


# ---------------------------------------------------------------------------
# the pipeline
# ---------------------------------------------------------------------------

TABLE_COLUMNS = ["source_db", "table", "target_db", "source_rows", "target_rows", "line_status",
                 "content_status", "drs_diff_rows", "diff_rows"]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    estate, out = Path(argv[1]), Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)

    workbook = xlsxwriter.Workbook(str(out / "report.xlsx"), {"constant_memory": True})
    bold = workbook.add_format({"bold": True})
    bad = workbook.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    summary_sheet = workbook.add_worksheet("Summary")
    tables_sheet = workbook.add_worksheet("Tables")

    def diffs_sheet(number: int):
        sheet = workbook.add_worksheet("Diffs" if number == 1 else f"Diffs ({number})")
        sheet.write_row(0, 0, HEADER, bold)
        sheet.freeze_panes(1, 0)
        for column, width in enumerate([38, 38, 18, 16, 18, 16, 20, 14, 14, 60, 60]):
            sheet.set_column(column, column, width)
        return sheet

    sheets = [diffs_sheet(1)]
    sheet_row = 0
    tables: dict = {}
    kinds = {label: 0 for label in KINDS.values()}
    first_rows = []
    total = 0

    # One pass: every row goes to diffs.csv, report.json, the Diffs sheet and the HTML preview.
    with open(out / "diffs.csv", "w", newline="", encoding="utf-8") as csv_file, \
            open(out / "report.json", "w", encoding="utf-8") as json_file:
        writer = csv.writer(csv_file)
        writer.writerow(COLUMNS)
        json_file.write('{"diffs": [\n')
        for row in diff_rows(estate, tables):
            total += 1
            writer.writerow(row)
            json_file.write(("" if total == 1 else ",\n") + json.dumps(dict(zip(COLUMNS, row)), ensure_ascii=False))
            if sheet_row == XLSX_ROWS_PER_SHEET:
                sheets[-1].autofilter(0, 0, sheet_row, len(HEADER) - 1)
                sheets.append(diffs_sheet(len(sheets) + 1))
                sheet_row = 0
            sheet_row += 1
            sheet = sheets[-1]
            for column, value in enumerate(row):
                sheet.write_string(sheet_row, column, value, bad if column == 6 else None)
            kinds[row[6]] += 1
            table_entry(tables, row[2], row[3])["diff_rows"] += 1
            if len(first_rows) < HTML_ROWS:
                first_rows.append(row)
        sheets[-1].autofilter(0, 0, sheet_row, len(HEADER) - 1)

        # Then the tables and the summary, known only now.
        table_list = sorted(tables.values(), key=lambda t: (t["source_db"], t["table"]))
        inconsistent = [t for t in table_list if t["diff_rows"] or t["line_status"] == "INCONSISTENT"
                        or t["content_status"] == "INCONSISTENT"]
        summary = {"verdict": "INCONSISTENT" if total or inconsistent else "CONSISTENT",
                   "tables": len(table_list), "inconsistent_tables": len(inconsistent),
                   "inconsistent_rows": total, "kinds": kinds}
        json_file.write('\n],\n"tables": [\n')
        json_file.write(",\n".join(json.dumps(t, ensure_ascii=False) for t in table_list))
        json_file.write('\n],\n"summary": ' + json.dumps(summary, ensure_ascii=False) + "}\n")

    with open(out / "tables.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(TABLE_COLUMNS)
        for t in table_list:
            writer.writerow(["" if t[c] is None else t[c] for c in TABLE_COLUMNS])

    # report.xlsx: Summary and Tables (written after the rows; each sheet streams on its own).
    summary_sheet.write_row(0, 0, ["Item", "Value"], bold)
    for r, (label, value) in enumerate([("Verdict", summary["verdict"]), ("Tables", len(table_list)),
                                        ("Inconsistent tables", len(inconsistent)),
                                        ("Inconsistent rows", total)] + list(kinds.items()), start=1):
        summary_sheet.write(r, 0, label)
        summary_sheet.write(r, 1, value)
    tables_sheet.write_row(0, 0, TABLE_COLUMNS, bold)
    for r, t in enumerate(table_list, start=1):
        tables_sheet.write_row(r, 0, ["" if t[c] is None else t[c] for c in TABLE_COLUMNS])
    tables_sheet.freeze_panes(1, 0)
    tables_sheet.autofilter(0, 0, len(table_list), len(TABLE_COLUMNS) - 1)
    workbook.close()

    # report.html: small at any scale.
    e = html.escape
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>DRS comparison</title></head><body>",
             f"<h1>DRS comparison: {e(summary['verdict'])}</h1><table>"]
    for label, value in [("Tables", len(table_list)), ("Inconsistent tables", len(inconsistent)),
                         ("Inconsistent rows", total)] + list(kinds.items()):
        parts.append(f"<tr><th>{e(label)}</th><td>{value}</td></tr>")
    parts.append("</table><h2>Inconsistent tables</h2><table><tr>"
                 + "".join(f"<th>{e(c)}</th>" for c in TABLE_COLUMNS) + "</tr>")
    for t in inconsistent[:HTML_ROWS]:
        parts.append("<tr>" + "".join(f"<td>{e(str(t[c]))}</td>" for c in TABLE_COLUMNS) + "</tr>")
    parts.append(f"</table><h2>First {len(first_rows)} of {total} inconsistent rows</h2><table><tr>"
                 + "".join(f"<th>{e(h)}</th>" for h in HEADER) + "</tr>")
    for row in first_rows:
        parts.append("<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>")
    parts.append("</table></body></html>\n")
    (out / "report.html").write_text("".join(parts), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
