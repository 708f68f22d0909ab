"""report.xlsx read back with openpyxl: sheets, no formulas, row totals, types, exact round-trip."""

from __future__ import annotations

import json
import re
import zipfile

import openpyxl
import pytest

from conftest import (
    DIFF_KIND_LABELS_EN, INPUTS, assert_same_rows, canonical_key_cell, expected_job_id, expected_job_name,
    expected_row_count, expected_rows, expected_rows_per_table, input_files, key_cell, v5_line_counts,
)

SHEETS_EN = ["Summary", "Jobs", "Tasks", "Tables", "Database pairs", "Object types", "Objects", "Diffs",
             "Not compared", "Conflicts", "Not retrieved", "Sources"]
SHEETS_ZH = ["概要", "任务", "对比任务", "表", "库对", "对象类型", "对象", "不一致数据", "未对比", "冲突", "未能获取",
             "数据来源"]
DIFFS_HEADER_EN = ["Job", "Task", "Source database", "Source table", "Target database", "Target table", "Kind of difference",
                   "Source key", "Target key", "Source SELECT", "Target SELECT"]

# Columns (en-us headers) that hold counts and must be numbers, not text.
COUNT_COLUMNS = {
    "Tasks": ["report_remain_seconds"],
    "Tables": ["Source rows", "Target rows", "Row difference", "Inconsistent rows (DRS)", "Inconsistent rows in input"],
    "Database pairs": ["Tables", "Inconsistent", "Not comparable", "Inconsistent rows in input", "Tables (DRS)",
                       "Inconsistent tables (DRS)"],
    "Object types": ["Source count", "Target count", "Difference"],
    "Not retrieved": ["HTTP"],
    "Sources": ["HTTP"],
}
SUMMARY_COUNT_ITEMS = ["Inconsistent tables", "Inconsistent database pairs", "Inconsistent objects",
                       "Inconsistent rows", "Not compared", "Responses not retrieved", "Unfinished or unknown",
                       "Tasks not finished", "Tables", "Database pairs", "Objects other than tables and databases", "Inconsistent rows DRS reports",
                       "Exact duplicate rows delivered again (counted once)", "Rows located from their SQL",
                       "Rows whose table is unknown (never merged)", "Conflicts between inputs", "Input files"]


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


def records(ws):
    """Data rows as dicts keyed by the header (the header names are asserted unique)."""
    head = header(ws)
    assert len(set(head)) == len(head), f"sheet {ws.title!r} repeats a column name: {head}"
    return [dict(zip(head, row)) for row in data_rows(ws)]


def summary_items(wb):
    return {row[0]: row[1] for row in wb["Summary"].iter_rows(min_row=2, values_only=True)}


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
    summary = summary_items(wb)
    for item in SUMMARY_COUNT_ITEMS:
        assert item in summary, f"Summary has no {item!r} row"
        if type(summary[item]) is not int:
            bad.append(("Summary", item, summary[item]))
    assert not bad, f"count cells that are not integers: {bad[:10]}"
    assert summary["Inconsistent rows"] == expected_row_count(report.spec)
    assert summary["Input files"] == len(input_files(report.spec))
    assert summary["Tables"] == len(data_rows(wb["Tables"]))
    assert summary["Database pairs"] == len(data_rows(wb["Database pairs"]))


def test_v5_row_counts_match_inputs(render, workbook_of):
    """Row counts arrive as strings in v5 line detail ("3000000000"); the Tables sheet must hold the
    integers themselves (type int, not a float or text that merely looks the same)."""
    expected = v5_line_counts(INPUTS["v5"])
    assert any(row[2] == 3_000_000_000 for row in expected)  # the >2^31 case is in the sample
    ws = workbook_of(render("v5"))["Tables"]
    names = ("Source database", "Source table", "Source rows", "Target rows", "Row difference")
    actual = {tuple(r[n] for n in names) for r in records(ws)}
    missing = [e for e in expected if e not in actual]
    assert not missing, f"row counts not found on the Tables sheet: {missing}"
    typed = {(r["Source database"], r["Source table"]): r["Source rows"] for r in records(ws)}
    assert type(typed[("shop", "event_log")]) is int and typed[("shop", "event_log")] == 3_000_000_000


def test_tables_sheet_rows_in_input_per_table(report, workbook_of):
    """"Inconsistent rows in input" of every table equals the rows the inputs hold for that table
    (counted here from the response bodies); tables without rows say 0."""
    rows = records(workbook_of(report)["Tables"])
    names = ("Source database", "Source table", "Target database", "Target table")
    actual = {tuple(r[n] for n in names): r["Inconsistent rows in input"] for r in rows}
    assert len(actual) == len(rows), "the Tables sheet lists a table pair twice"
    expected = expected_rows_per_table(report.spec)
    missing = [t for t in expected if t not in actual]
    assert not missing, f"tables with inconsistent rows missing from the Tables sheet: {missing}"
    wrong = {t: (actual[t], expected.get(t, 0)) for t in actual if actual[t] != expected.get(t, 0)}
    assert not wrong, f"Inconsistent rows in input (sheet, inputs): {wrong}"
    inconsistent = {tuple(r[n] for n in names) for r in rows if r["Outcome"] == "Inconsistent"}
    assert set(expected) <= inconsistent, f"tables with rows not marked Inconsistent: {set(expected) - inconsistent}"


def test_diffs_rows_round_trip_exactly(report, workbook_of):
    """Every inconsistent row cell for cell against the inputs: strings exactly as DRS sent them
    (no apostrophe, no escaping), keys per the documented key encoding, the job the inputs name."""
    rows = [dict(zip(DIFFS_HEADER_EN, r)) for ws in diffs_sheets(workbook_of(report), "Diffs") for r in data_rows(ws)]
    job = expected_job_id(report.spec)

    def s(v):
        return "" if v is None else v

    actual = ((s(r["Job"]), s(r["Source database"]), s(r["Source table"]), s(r["Target database"]),
               s(r["Target table"]), s(r["Kind of difference"]), canonical_key_cell(s(r["Source key"])),
               canonical_key_cell(s(r["Target key"])), s(r["Source SELECT"]), s(r["Target SELECT"])) for r in rows)
    expected = ((job, e.source_db, e.source_table, e.target_db, e.target_table, DIFF_KIND_LABELS_EN[e.kind],
                 key_cell(e.source_key), key_cell(e.target_key), e.source_sql, e.target_sql)
                for e in expected_rows(report.spec))
    assert_same_rows(actual, expected, "report.xlsx Diffs")


def test_jobs_sheet_names_the_job(report, workbook_of):
    """The job id the inputs name, and its name from the job's own detail exactly as DRS sent it
    (the hostile name holds a script tag, =HYPERLINK, a markdown link, a bare URL and an e-mail)."""
    wb = workbook_of(report)
    jobs = records(wb["Jobs"])
    assert [j["Job"] for j in jobs] == [expected_job_id(report.spec)]
    assert jobs[0]["Name"] == expected_job_name(report.spec)
    if report.name == "hostile":
        assert wb["Jobs"]["B2"].data_type == "s", "the hostile job name is not a plain string cell"


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
    # The row counts are the same integers whatever the language (the 表 sheet is "Tables").
    names = ("源库", "源表", "源库行数", "目标库行数", "行数差异")
    counts = {tuple(r[n] for n in names) for r in records(wb["表"])}
    missing = [e for e in v5_line_counts(rendered.spec) if e not in counts]
    assert not missing, f"row counts not found on the 表 sheet: {missing}"
    assert all(type(v) is int for key in counts for v in key[2:] if v is not None)


# --------------------------------------------------------------------------------------------
# Print setup and number formats
# --------------------------------------------------------------------------------------------

COUNT_FORMAT = "#,##0"
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


def sheet_xml_by_title(path) -> dict[str, str]:
    """Sheet title -> the worksheet part's XML, resolved through workbook.xml and its rels."""
    import posixpath
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(path) as z:
        workbook = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
        out = {}
        for sheet in workbook.find("m:sheets", _NS).findall("m:sheet", _NS):
            rid = sheet.get(f"{{{_NS['r']}}}id")
            part = target[rid]
            part = part.lstrip("/") if part.startswith("/") else posixpath.normpath(posixpath.join("xl", part))
            out[sheet.get("name")] = z.read(part).decode("utf-8")
        return out


def test_every_sheet_prints_a4_landscape_one_page_wide(report, workbook_of):
    """Every sheet: landscape A4 (paper code 9), fit to 1 page wide and any number of pages tall."""
    wb = workbook_of(report)
    bad = []
    for ws in wb.worksheets:
        ps = ws.page_setup
        fit = ws.sheet_properties.pageSetUpPr
        # fitToWidth defaults to 1 in OOXML (libxlsxwriter leaves the default out): None means 1.
        width = 1 if ps.fitToWidth is None else int(ps.fitToWidth)
        height = None if ps.fitToHeight is None else int(ps.fitToHeight)
        got = (ps.orientation, None if ps.paperSize is None else int(ps.paperSize),
               fit is not None and fit.fitToPage is True, width, height)
        if got != ("landscape", 9, True, 1, 0):
            bad.append((ws.title, got))
    assert not bad, f"sheets not set up as (landscape, A4=9, fitToPage, 1 wide, 0 tall): {bad}"
    # The raw attributes too, so a reader's defaults cannot hide a wrong value.
    for title, xml in sheet_xml_by_title(report.xlsx).items():
        setup = re.search(r"<pageSetup\b[^>]*/?>", xml)
        assert setup, f"sheet {title!r} has no <pageSetup>"
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', setup.group(0)))
        assert attrs.get("orientation") == "landscape" and attrs.get("paperSize") == "9", (title, attrs)
        assert attrs.get("fitToWidth", "1") == "1" and attrs.get("fitToHeight") == "0", (title, attrs)
        assert re.search(r'<pageSetUpPr\b[^>]*\bfitToPage="(1|true)"', xml), f"sheet {title!r}: no fitToPage"


def test_every_sheet_repeats_its_header_row(report, workbook_of):
    """Row 1 (the header) is a print title of every sheet, so each printed page has the headings."""
    wb = workbook_of(report)
    bad = [(ws.title, ws.print_title_rows) for ws in wb.worksheets
           if (ws.print_title_rows or "").replace("$", "") != "1:1"]
    assert not bad, f"sheets whose print title rows are not 1:1: {bad}"
    assert not [ws.title for ws in wb.worksheets if ws.print_title_cols], "no sheet should repeat columns"


def test_every_sheet_has_a_sheet_and_page_footer(report):
    """The footer "&A · &P / &N": sheet name, page, pages. Read from the XML: the footer has no
    &L/&C/&R section code (Excel and LibreOffice centre such text), which openpyxl 3.1 cannot
    parse; it warns and drops it, so ws.oddFooter would be empty here."""
    bad = []
    for title, xml in sheet_xml_by_title(report.xlsx).items():
        m = re.search(r"<oddFooter>(.*?)</oddFooter>", xml, re.S)
        footer = None if m is None else m.group(1).replace("&amp;", "&")
        if footer is None or "&A" not in footer or "&P" not in footer or "&N" not in footer:
            bad.append((title, footer))
    assert not bad, f"sheets whose footer lacks &A, &P or &N: {bad}"


def test_count_cells_have_thousands_format(report, workbook_of):
    """Count columns and Summary counts: integers with number format #,##0 (not "0" or General)."""
    wb = workbook_of(report)
    bad = []
    for sheet, names in COUNT_COLUMNS.items():
        ws = wb[sheet]
        head = header(ws)
        for name in names:
            i = head.index(name)
            for row in ws.iter_rows(min_row=2):
                cell = row[i]
                if cell.value is None:
                    continue
                if type(cell.value) is not int or cell.number_format != COUNT_FORMAT:
                    bad.append((sheet, name, cell.coordinate, cell.value, cell.number_format))
    items = {row[0].value: row[1] for row in wb["Summary"].iter_rows(min_row=2)}
    for item in SUMMARY_COUNT_ITEMS:
        cell = items[item]
        if type(cell.value) is not int or cell.number_format != COUNT_FORMAT:
            bad.append(("Summary", item, cell.coordinate, cell.value, cell.number_format))
    assert not bad, f"count cells without an integer and {COUNT_FORMAT!r}: {bad[:10]}"


def test_every_integer_cell_is_a_formatted_count(report, workbook_of):
    """No whole number anywhere in the workbook is left with the old "0" or General format. (A
    decimal such as a progress of 100.0 is stored as "100" and reads back as an int; it keeps its
    "0.0" format, so only "0" and General are flagged.)"""
    wb = workbook_of(report)
    bad = [(ws.title, c.coordinate, c.value, c.number_format)
           for ws in wb.worksheets for row in ws.iter_rows(min_row=2) for c in row
           if type(c.value) is int and c.number_format in ("0", "General")]
    assert not bad, f"integer cells not formatted {COUNT_FORMAT!r}: {bad[:10]}"


def test_v5_big_row_count_is_an_int_with_thousands_format(render, workbook_of):
    ws = workbook_of(render("v5"))["Tables"]
    head = header(ws)
    db, table, rows = head.index("Source database"), head.index("Source table"), head.index("Source rows")
    cells = [r[rows] for r in ws.iter_rows(min_row=2) if (r[db].value, r[table].value) == ("shop", "event_log")]
    assert len(cells) == 1, "shop.event_log is listed once on the Tables sheet"
    assert type(cells[0].value) is int and cells[0].value == 3_000_000_000
    assert cells[0].number_format == COUNT_FORMAT


def test_zh_cn_sheets_have_the_same_print_setup(render):
    wb = load(render("v5", "zh-cn").xlsx)
    for ws in wb.worksheets:
        assert (ws.page_setup.orientation, int(ws.page_setup.paperSize)) == ("landscape", 9), ws.title
        assert (ws.print_title_rows or "").replace("$", "") == "1:1", ws.title
    counts = [c for row in wb["表"].iter_rows(min_row=2) for c in row if type(c.value) is int]
    assert counts and all(c.number_format == COUNT_FORMAT for c in counts)
