"""report.xlsx read back with openpyxl: sheets, no formulas, row totals, types, exact round-trip."""

from __future__ import annotations

import json
import re
import zipfile

import openpyxl
import pytest

from conftest import (
    DIFF_KIND_LABELS_EN, INPUTS, assert_same_rows, canonical_key_cell, expected_row_count, expected_rows,
    input_files, key_cell,
)

SHEETS_EN = ["Summary", "Tasks", "Objects", "Object details", "Line comparison", "Content comparison",
             "Diffs", "Not compared", "Sources"]
SHEETS_ZH = ["概要", "对比任务", "对象", "对象详情", "行数对比", "内容对比", "不一致数据", "未对比", "数据来源"]
DIFFS_HEADER_EN = ["Task", "Source database", "Source table", "Target database", "Target table", "Difference",
                   "Source key", "Target key", "Source SELECT", "Target SELECT"]

# Columns (en-us headers) that hold counts and must be numbers, not text.
COUNT_COLUMNS = {
    "Tasks": ["report_remain_seconds"],
    "Objects": ["Source count", "Target count", "Difference"],
    "Line comparison": ["Source rows", "Target rows", "Difference"],
    "Content comparison": ["Source rows", "Target rows", "Difference", "Inconsistent rows in input"],
    "Sources": ["HTTP"],
}
SUMMARY_COUNT_ITEMS = ["Inconsistent rows in input", "Inconsistent rows DRS reports", "Tables in row-count comparison",
                       "Tables in value comparison", "Object types compared", "Not compared",
                       "Responses not retrieved", "Input files"]


def load(path):
    return openpyxl.load_workbook(path, read_only=False, data_only=False)


def diffs_sheets(wb, base: str):
    """The Diffs sheet and its continuations "Diffs (2)", "Diffs (3)", … in order."""
    pattern = re.compile(re.escape(base) + r"(?: \((\d+)\))?\Z")
    found = [(int(m.group(1) or 1), ws) for ws in wb.worksheets if (m := pattern.match(ws.title))]
    found.sort(key=lambda item: item[0])
    assert [n for n, _ in found] == list(range(1, len(found) + 1)), f"Diffs sheets out of sequence: {wb.sheetnames}"
    assert found, f"no {base!r} sheet in {wb.sheetnames}"
    return [ws for _, ws in found]


def data_rows(ws):
    """Rows below the header, ignoring fully empty rows."""
    return [row for row in ws.iter_rows(min_row=2, values_only=True) if any(v not in (None, "") for v in row)]


def header(ws):
    return [c.value for c in ws[1]]


def column(ws, name):
    head = header(ws)
    assert name in head, f"sheet {ws.title!r} has no column {name!r}: {head}"
    i = head.index(name)
    return [row[i] for row in ws.iter_rows(min_row=2, values_only=True)]


@pytest.fixture(scope="module")
def workbook_of():
    cache = {}

    def _wb(rendered):
        if rendered.xlsx not in cache:
            cache[rendered.xlsx] = load(rendered.xlsx)
        return cache[rendered.xlsx]

    return _wb


# --------------------------------------------------------------------------------------------

def test_every_sheet_opens(report, workbook_of):
    wb = workbook_of(report)
    names = [n for n in wb.sheetnames if not re.fullmatch(r"Diffs \(\d+\)", n)]
    assert names == SHEETS_EN
    for ws in wb.worksheets:
        assert ws.max_row >= 1 and ws.max_column >= 1, f"sheet {ws.title!r} is empty"
        assert all(isinstance(v, str) and v for v in header(ws)), f"sheet {ws.title!r}: blank header cell {header(ws)}"
        for row in ws.iter_rows():  # touch every cell
            for cell in row:
                _ = cell.value


def test_no_formulas_anywhere(report, workbook_of):
    wb = workbook_of(report)
    formulas = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")
                                             and cell.data_type != "s"):
                    formulas.append((ws.title, cell.coordinate, cell.value, cell.data_type))
    assert not formulas, f"formula cells: {formulas[:10]}"
    # Belt and braces: the package itself holds no formula elements, macros or external links.
    with zipfile.ZipFile(report.xlsx) as z:
        names = z.namelist()
        assert not [n for n in names if "vbaProject" in n or "externalLink" in n or "connections" in n], names
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                assert not re.search(r"<(\w+:)?f[ >/]", xml), f"{name} contains an <f> formula element"


def test_diffs_total_rows(report, workbook_of):
    sheets = diffs_sheets(workbook_of(report), "Diffs")
    assert sum(len(data_rows(ws)) for ws in sheets) == expected_row_count(report.spec)


def test_diffs_header(report, workbook_of):
    for ws in diffs_sheets(workbook_of(report), "Diffs"):
        assert header(ws) == DIFFS_HEADER_EN, ws.title


def test_count_cells_are_ints(report, workbook_of):
    wb = workbook_of(report)
    bad = []
    for sheet, names in COUNT_COLUMNS.items():
        for name in names:
            for i, v in enumerate(column(wb[sheet], name), start=2):
                if v is not None and (type(v) is not int):
                    bad.append((sheet, name, i, v))
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    for item in SUMMARY_COUNT_ITEMS:
        assert item in summary, f"Summary has no {item!r} row"
        if type(summary[item]) is not int:
            bad.append(("Summary", item, summary[item]))
    assert not bad, f"count cells that are not integers: {bad[:10]}"
    assert summary["Inconsistent rows in input"] == expected_row_count(report.spec)
    assert summary["Input files"] == len(input_files(report.spec))


def test_v5_row_counts_match_inputs(render, workbook_of):
    """Row counts arrive as strings in v5 line detail ("3000000000"); the sheet must hold the integers."""
    spec = INPUTS["v5"]
    expected = []

    def num(v):
        return None if v is None else int(v)

    manifest = json.loads((spec.path / "manifest.json").read_text(encoding="utf-8"))
    for item in manifest["responses"]:
        q = item.get("query") or {}
        if q.get("compare_type") == "line_compare" and q.get("query_type") == "detail" \
                and q.get("compare_detail_type") == "compare":
            body = json.loads((spec.path / item["file"]).read_text(encoding="utf-8"))
            for r in body["job"]["compare_result"]["line_compare_detail_infos"]:
                expected.append((q["source_db_name"], r["source_table_name"], num(r.get("source_row_num")),
                                 num(r.get("target_row_num")), num(r.get("difference_row_num"))))
    assert any(row[2] == 3_000_000_000 for row in expected)  # the >2^31 case is in the sample
    ws = workbook_of(render("v5"))["Line comparison"]
    head = header(ws)
    idx = [head.index(n) for n in ("Source database", "Source table", "Source rows", "Target rows", "Difference")]
    actual = {tuple(row[i] for i in idx) for row in ws.iter_rows(min_row=2, values_only=True)}
    missing = [e for e in expected if e not in actual]
    assert not missing, f"line-comparison rows not found with integer counts: {missing}"


def test_diffs_rows_round_trip_exactly(report, workbook_of):
    """Every inconsistent row cell for cell against the inputs: strings exactly as DRS sent them
    (no apostrophe, no escaping), keys per the documented key encoding."""
    rows = [r for ws in diffs_sheets(workbook_of(report), "Diffs") for r in data_rows(ws)]

    def s(v):
        return "" if v is None else v

    actual = ((s(r[1]), s(r[2]), s(r[3]), s(r[4]), s(r[5]), canonical_key_cell(s(r[6])), canonical_key_cell(s(r[7])),
               s(r[8]), s(r[9])) for r in rows)
    expected = ((e.source_db, e.source_table, e.target_db, e.target_table, DIFF_KIND_LABELS_EN[e.kind],
                 key_cell(e.source_key), key_cell(e.target_key), e.source_sql, e.target_sql)
                for e in expected_rows(report.spec))
    assert_same_rows(actual, expected, "report.xlsx Diffs")


def test_hostile_values_appear_verbatim(render, workbook_of):
    spec = INPUTS["hostile"]
    wb = workbook_of(render("hostile"))
    cells = {c for ws in diffs_sheets(wb, "Diffs") for row in data_rows(ws) for c in row if isinstance(c, str)}
    values = {v for e in expected_rows(spec) for v in e.source_key + e.target_key}
    single = {v for e in expected_rows(spec) for key in (e.source_key, e.target_key) if len(key) == 1 for v in key}
    assert "=cmd|' /C calc'!A0" in single and "<script>alert(1)</script>" in single
    missing = sorted(v for v in single if v not in cells)
    assert not missing, f"hostile key values not found verbatim as a Diffs cell: {missing}"
    # Multi-value keys: every value is inside some key cell.
    for v in values - single:
        assert any(v in c for c in cells), f"{v!r} not found in any Diffs cell"
    for name in ("=cmd|' /C calc'!A0", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                 '=HYPERLINK("http://evil.example","x")', "+SUM(1,2)", "-2+3", "@SUM(1)", "tbl```",
                 "line1\nline2\tcol2", "مرحبا שלום", "invoice\u202etxt.exe", "&amp;", "🚀🧨", "中文表"):
        assert name in cells, f"{name!r} not found verbatim in Diffs"


def test_zh_cn_sheet_names(render):
    rendered = render("v5", "zh-cn")
    wb = load(rendered.xlsx)
    names = [n for n in wb.sheetnames if not re.fullmatch(r"不一致数据 \(\d+\)", n)]
    assert names == SHEETS_ZH
    sheets = diffs_sheets(wb, "不一致数据")
    assert sum(len(data_rows(ws)) for ws in sheets) == expected_row_count(rendered.spec)
    head = header(sheets[0])
    assert len(head) == len(DIFFS_HEADER_EN) and head != DIFFS_HEADER_EN, f"zh-cn Diffs header: {head}"
    assert all(isinstance(h, str) and h for h in head)
    for ws in wb.worksheets:
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row), ws.title
