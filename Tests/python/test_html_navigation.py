"""report.html as a reader uses it: the toolbar (search, outcome and difference filters), sorting,
the table of contents and the links between sections, the page without JavaScript, printing, and a
10,000-table estate.

Expectations come from outside the page wherever the page itself would only echo them: the CSV files
drs-report writes beside it (csv/tables.csv is the full ledger), the DRS response bodies (conftest),
and sha256 of the input files. Same browser setup as test_html_browser.py: Debian's Chromium, every
request other than the page's own file:// URL recorded and aborted.
"""

from __future__ import annotations

import base64
import collections
import csv
import hashlib
import io
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import (
    DIFF_KIND_LABELS_EN, INPUTS, NOW, REPO_ROOT, RENDER_TIMEOUT_S, expected_inputs_digest, expected_rows,
    input_files, neutralised,
)
from test_html_browser import (
    RELATIVE_HREF, SCREEN_DIR, assert_no_foreign_activity, assert_only_the_hashed_script, read_text,
    shown,
)

OUTCOMES = {"CONSISTENT": "Consistent", "INCONSISTENT": "Inconsistent", "INCOMPLETE": "Incomplete",
            "NOT_COMPARED": "Not compared"}
# Every section the table of contents must link, in page order (#conflicts only when present).
TOC_SECTIONS = ["verdict", "charts", "summary", "jobs", "expiry", "tables", "databases", "objects", "diffs",
                "not-compared", "errors", "conflicts", "progress", "sources"]
LARGE_TABLES = 10_000
LARGE_DIFFS = 20_000
LARGE_HTML_CAP = 2_200_000  # bytes


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def csv_text(cell: str) -> str:
    """A CSV cell as the page shows it: undo the documented formula neutralisation ('=…, '+…)."""
    return cell[1:] if cell.startswith("'") and neutralised(cell[1:]) == cell else cell


def ledger_name(row: dict) -> str:
    return f"{csv_text(row['source_db'])}.{csv_text(row['source_table'])}"


def flat(text: str) -> str:
    """Text for comparing with what a PDF reader extracts: NFKC (PDF fonts map glyphs to ligatures
    such as U+FB00 and to CJK radicals such as U+2F42), without white space (cells wrap)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# Visibility as the reader has it: hidden by the filter = display:none, here or on an ancestor.
# (checkVisibility() counts content-visibility:auto sections that are merely off-screen as visible.)
STATE_JS = """() => {
    const seen = e => e.checkVisibility();
    const rows = Array.from(document.querySelectorAll('table.filterable > tbody > tr'), tr => ({
        id: tr.id, table: tr.closest('section').id, outcome: tr.getAttribute('data-outcome'), visible: seen(tr),
        text: tr.textContent, first: tr.cells[0].textContent,
        label: (tr.querySelector('.status') || {}).textContent || null}));
    const groups = Array.from(document.querySelectorAll('#diffs .diff-group'), g => {
        const h3 = g.querySelector('h3');
        const small = h3.querySelector('small');
        return {id: g.id, visible: seen(g),
            name: Array.from(h3.childNodes).filter(n => n !== small).map(n => n.textContent).join('').trim(),
            rows: Array.from(g.querySelectorAll('tbody > tr'), tr => ({
                kind: tr.cells[0].textContent, visible: seen(tr)}))};
    });
    return {rows, groups, status: document.getElementById('filter-status').textContent,
            q: document.getElementById('q').value};
}"""


def state(page) -> dict:
    return page.evaluate(STATE_JS)


def visible_ledger(st: dict) -> set[str]:
    return {r["first"] for r in st["rows"] if r["table"] == "tables" and r["visible"]}


def assert_all_shown(st: dict, where: str) -> None:
    hidden = [r["id"] or r["first"] for r in st["rows"] if not r["visible"]]
    hidden += [g["id"] or g["name"] for g in st["groups"] if not g["visible"]]
    hidden += [f"{g['name']}: {r['kind']}" for g in st["groups"] for r in g["rows"] if not r["visible"]]
    assert hidden == [], f"{where}: still hidden: {hidden[:8]}"


def expected_status(st: dict) -> str:
    """The filter status: listed rows shown, and the preview's inconsistent rows shown (in shown groups)."""
    listed = sum(r["visible"] for r in st["rows"])
    diffs = sum(sum(x["visible"] for x in g["rows"]) for g in st["groups"] if g["visible"])
    return f"Listed rows shown: {listed:,}; inconsistent rows shown: {diffs:,}"


# --------------------------------------------------------------------------------------------
# Toolbar: search, filters
# --------------------------------------------------------------------------------------------

def test_toolbar_offers_the_documented_filters(page_of, report):
    v = page_of(report.html)
    page = v.page
    assert page.locator("#tools").is_visible()
    assert page.locator("#q").get_attribute("type") == "search"
    outcomes = page.eval_on_selector_all("#f-outcome option", "os => os.map(o => o.value)")
    kinds = page.eval_on_selector_all("#f-kind option", "os => os.map(o => o.value)")
    assert outcomes[0] == "" and sorted(outcomes[1:]) == sorted(OUTCOMES), outcomes
    assert kinds[0] == "" and sorted(kinds[1:]) == sorted(DIFF_KIND_LABELS_EN), kinds
    labels = page.eval_on_selector_all("#f-kind option", "os => os.map(o => [o.value, o.textContent])")
    assert {k: t for k, t in labels if k} == DIFF_KIND_LABELS_EN
    # Every ledger row carries the outcome its cell shows.
    for r in state(page)["rows"]:
        assert r["outcome"] in OUTCOMES, r
    st = state(page)
    assert st["status"] == "" and st["q"] == ""
    assert_all_shown(st, "before any filter")
    assert_no_foreign_activity(v)


@pytest.mark.parametrize("needle", ["order_items", "客户表", "ORDERS", "shop."])
def test_search_filters_rows_and_clear_restores_them(page_of, render, needle):
    r = render("v5")
    ledger = read_csv(r.csv_dir / "tables.csv")
    expected_tables = {ledger_name(t) for t in ledger
                       if needle.lower() in f"{ledger_name(t)} {t['target_db']}.{t['target_table']}".lower()}
    all_tables = {ledger_name(t) for t in ledger}
    assert expected_tables and expected_tables != all_tables, f"{needle!r} does not discriminate in the v5 sample"
    diff_tables = {f"{e.source_db}.{e.source_table}" for e in expected_rows(INPUTS["v5"])}

    v = page_of(r.html)
    page = v.page
    before = state(page)
    assert_all_shown(before, "on load")
    page.fill("#q", needle)
    st = state(page)
    assert visible_ledger(st) == expected_tables, (
        f"{needle!r}: ledger shows {sorted(visible_ledger(st))}, csv/tables.csv names {sorted(expected_tables)}")
    for row in st["rows"]:  # every filterable table: a row is shown exactly when its text holds the needle
        assert row["visible"] == (needle.lower() in row["text"].lower()), (needle, row["id"], row["text"][:80])
    # Diff groups: shown exactly for the tables of the inputs' inconsistent rows that the needle names.
    shown_groups = {g["name"] for g in st["groups"] if g["visible"]}
    on_page = {g["name"] for g in st["groups"]}
    assert on_page <= diff_tables
    assert shown_groups == {n for n in diff_tables if needle.lower() in n.lower()} & on_page, (needle, shown_groups)
    assert st["status"] == expected_status(st), st["status"]
    # The visible text follows: a table the needle does not name is gone from what the reader sees.
    gone = sorted(all_tables - expected_tables)[0]
    tables_text = read_text(page, "#tables-overview")
    assert gone not in tables_text and all(t in tables_text for t in expected_tables)

    page.click("#f-clear")
    st = state(page)
    assert st["q"] == "" and st["status"] == ""
    assert_all_shown(st, "after Clear")
    assert [r["id"] for r in st["rows"]] == [r["id"] for r in before["rows"]]
    # Emptying the field by hand works the same as Clear.
    page.fill("#q", needle)
    page.fill("#q", "")
    assert_all_shown(state(page), "after emptying the search field")
    assert_no_foreign_activity(v)


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome_filter(page_of, render, outcome):
    r = render("v5")
    ledger = read_csv(r.csv_dir / "tables.csv")
    databases = read_csv(r.csv_dir / "databases.csv")
    expected_tables = {ledger_name(t) for t in ledger if t["outcome"] == outcome}
    v = page_of(r.html)
    page = v.page
    page.select_option("#f-outcome", outcome)
    st = state(page)
    assert visible_ledger(st) == expected_tables, (outcome, sorted(visible_ledger(st)))
    shown_dbs = {x["first"] for x in st["rows"] if x["table"] == "databases" and x["visible"]}
    assert shown_dbs == {csv_text(d["source_db"]) for d in databases if d["outcome"] == outcome}, (outcome, shown_dbs)
    for row in st["rows"]:
        if row["visible"] and row["table"] != "not-compared":  # (that table's badge shows DRS codes)
            # What the row shows agrees with the filter, not just its data-outcome attribute.
            assert row["label"] == OUTCOMES[outcome], row
        assert row["visible"] == (row["outcome"] == outcome), row
    groups_visible = [g["visible"] for g in st["groups"]]
    assert all(groups_visible) if outcome == "INCONSISTENT" else not any(groups_visible), (outcome, groups_visible)
    assert st["status"] == expected_status(st)
    # Search and outcome combine (both must hold).
    page.fill("#q", "shop.")
    st = state(page)
    assert visible_ledger(st) == {n for n in expected_tables if "shop." in n}
    page.select_option("#f-outcome", "")
    page.fill("#q", "")
    assert_all_shown(state(page), "after resetting both")
    assert_no_foreign_activity(v)


@pytest.mark.parametrize("kind", sorted(DIFF_KIND_LABELS_EN))
def test_difference_kind_filter(page_of, report, kind):
    v = page_of(report.html)
    page = v.page
    before = state(page)
    label = DIFF_KIND_LABELS_EN[kind]
    assert any(rw["kind"] == label for g in before["groups"] for rw in g["rows"]), f"no {label} row shown at all"
    assert any(rw["kind"] != label for g in before["groups"] for rw in g["rows"]), "the filter cannot discriminate"
    page.select_option("#f-kind", kind)
    st = state(page)
    for g in st["groups"]:
        for rw in g["rows"]:
            assert rw["visible"] == (rw["kind"] == label), (g["name"], rw)
        assert g["visible"] == any(rw["kind"] == label for rw in g["rows"]), g["name"]
    page.select_option("#f-kind", "")
    assert_all_shown(state(page), "after resetting the difference filter")
    assert_no_foreign_activity(v)


# --------------------------------------------------------------------------------------------
# Sorting
# --------------------------------------------------------------------------------------------

COLUMN_JS = """([table, index]) => Array.from(document.querySelector(table).tBodies[0].rows,
    tr => [tr.id, tr.cells[index].textContent.trim()])"""


def header_index(page, table: str, text: str) -> int:
    heads = page.eval_on_selector_all(f"{table} > thead th", "ths => ths.map(th => th.textContent.trim())")
    assert text in heads, heads
    return heads.index(text)


def numeric(cell: str) -> float:
    return float(cell.replace(",", "")) if cell else float("-inf")


@pytest.mark.parametrize("column", ["Source rows", "Inconsistent rows (DRS)"])
def test_sorting_a_numeric_column_orders_it(page_of, render, column):
    r = render("v5")
    v = page_of(r.html)
    page = v.page
    table = "#tables-overview"
    index = header_index(page, table, column)
    th = page.locator(f"{table} > thead th").nth(index)
    assert "num" in (th.get_attribute("class") or "").split()
    before = page.evaluate(COLUMN_JS, [table, index])
    numbers = [numeric(c) for _, c in before]
    # The data tells a numeric sort from a text sort (and the rows do not start sorted), so a text
    # sort or no sort would fail here.
    cells = [c for _, c in before if c]
    assert sorted(cells) != sorted(cells, key=numeric), f"{column}: text and numeric order agree"
    assert numbers != sorted(numbers) and numbers != sorted(numbers, reverse=True)

    th.click()
    assert th.get_attribute("aria-sort") == "ascending"
    up = page.evaluate(COLUMN_JS, [table, index])
    assert [numeric(c) for _, c in up] == sorted(numbers), f"ascending: {[c for _, c in up]}"
    assert sorted(up) == sorted(before), "sorting lost or changed rows"
    others = page.eval_on_selector_all(f"{table} > thead th", "ths => ths.map(th => th.getAttribute('aria-sort'))")
    assert [s for i, s in enumerate(others) if i != index] == ["none"] * (len(others) - 1)

    th.click()
    assert th.get_attribute("aria-sort") == "descending"
    down = page.evaluate(COLUMN_JS, [table, index])
    assert [numeric(c) for _, c in down] == sorted(numbers, reverse=True), f"descending: {[c for _, c in down]}"
    # Cross-check with csv/tables.csv: same cells for the same tables.
    by_id = dict(page.evaluate(COLUMN_JS, [table, 0]))
    csv_col = {"Source rows": "source_rows", "Inconsistent rows (DRS)": "drs_inconsistent_rows"}[column]
    ledger = {ledger_name(t): t[csv_col] for t in read_csv(r.csv_dir / "tables.csv")}
    for row_id, cell in down:
        # The page groups thousands ("3,000,000,000"); the CSV keeps plain digits.
        assert re.fullmatch(r"-?\d{1,3}(,\d{3})*|", cell), cell
        assert ledger[by_id[row_id]] == cell.replace(",", ""), (by_id[row_id], cell, ledger[by_id[row_id]])
    assert_no_foreign_activity(v)


def test_sorting_by_keyboard_and_text(page_of, render):
    v = page_of(render("v5").html)
    page = v.page
    table = "#tables-overview"
    index = header_index(page, table, "Source table")
    th = page.locator(f"{table} > thead th").nth(index)
    th.focus()
    page.keyboard.press("Enter")
    assert th.get_attribute("aria-sort") == "ascending"
    names = [c for _, c in page.evaluate(COLUMN_JS, [table, index])]
    assert names == sorted(names, key=str.lower), names
    page.keyboard.press(" ")
    assert th.get_attribute("aria-sort") == "descending"
    names = [c for _, c in page.evaluate(COLUMN_JS, [table, index])]
    assert names == sorted(names, key=str.lower, reverse=True), names
    # Sorted rows still filter.
    page.fill("#q", "订单库")
    assert visible_ledger(state(page)) == {n for n in names if "订单库" in n}
    assert_no_foreign_activity(v)


# --------------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------------

LINKS_JS = """() => {
    const ids = Array.from(document.querySelectorAll('[id]'), e => e.id);
    const links = Array.from(document.querySelectorAll('a[href]'), a => ({
        href: a.getAttribute('href'), text: a.textContent, row: a.closest('tr[id]') ? a.closest('tr[id]').id : null,
        group: a.closest('.diff-group') ? a.closest('.diff-group').id : null, inToc: !!a.closest('nav#toc'),
        inH3: !!a.closest('h3')}));
    const rows = Object.fromEntries(Array.from(document.querySelectorAll('#tables-overview tbody tr'),
        tr => [tr.id, {name: tr.cells[0].textContent, outcome: tr.getAttribute('data-outcome')}]));
    const groups = Object.fromEntries(Array.from(document.querySelectorAll('#diffs .diff-group'), g => {
        const h3 = g.querySelector('h3'); const small = h3.querySelector('small');
        return [g.id, Array.from(h3.childNodes).filter(n => n !== small).map(n => n.textContent).join('').trim()];
    }));
    const sections = Array.from(document.querySelectorAll('section[id]'), s => s.id);
    return {ids, links, rows, groups, sections};
}"""

ANCHOR_PATTERNS = {"tables": r"t-\d+", "databases": r"db-\d+", "objects": r"o-\d+", "not-compared": r"nc-\d+"}


def test_every_fragment_link_resolves(page_of, report):
    v = page_of(report.html)
    page = v.page
    info = page.evaluate(LINKS_JS)
    dupes = [i for i, n in collections.Counter(info["ids"]).items() if n > 1]
    assert dupes == [], f"duplicate ids: {dupes}"
    ids = set(info["ids"])
    broken = [l["href"] for l in info["links"] if l["href"].startswith("#") and l["href"][1:] not in ids]
    assert broken == [], f"links to missing ids: {broken}"

    # The table of contents links every section, in page order, and nothing else.
    toc = [l["href"][1:] for l in info["links"] if l["inToc"] and l["href"].startswith("#")]
    assert toc == info["sections"], f"toc {toc} vs sections {info['sections']}"
    assert [s for s in TOC_SECTIONS if s in toc] == toc and set(toc) >= set(TOC_SECTIONS) - {"conflicts"}, toc

    # Row anchors: every filterable row has its kind of id.
    for r in state(page)["rows"]:
        assert re.fullmatch(ANCHOR_PATTERNS[r["table"]], r["id"]), (r["table"], r["id"])
    # Ledger ⇄ diff group: a ledger row links to its group, whose heading links back to that row,
    # and both name the same table; every group is linked from the ledger.
    to_group = {(l["row"], l["href"][1:]) for l in info["links"] if l["row"] and l["href"].startswith("#d-")}
    back = {(l["group"], l["href"][1:]) for l in info["links"] if l["group"] and l["inH3"]}
    assert len(back) == len(info["groups"]), f"diff groups without a link back: {len(back)} of {len(info['groups'])}"
    for group_id, row_id in back:
        assert re.fullmatch(r"d-\d+", group_id) and re.fullmatch(r"t-\d+", row_id), (group_id, row_id)
        assert (row_id, group_id) in to_group, f"{row_id} does not link to {group_id}, which links back to it"
        assert info["rows"][row_id]["name"] == info["groups"][group_id], (row_id, group_id)
        assert info["rows"][row_id]["outcome"] == "INCONSISTENT"
    assert {g for _, g in to_group} == set(info["groups"]), "a ledger row links to a group that does not exist"
    diff_tables = {shown(f"{e.source_db}.{e.source_table}") for e in expected_rows(report.spec)}
    assert set(info["groups"].values()) <= diff_tables

    # Following links moves the page there.
    first_row, first_group = sorted(to_group)[0]
    page.click(f"#{first_row} a[href='#{first_group}'] >> nth=0")
    assert page.evaluate("location.hash") == f"#{first_group}"
    top = page.evaluate(f"document.getElementById('{first_group}').getBoundingClientRect().top")
    assert -2 <= top < 900 / 2, f"#{first_group} not scrolled to: top={top}"
    page.click(f"#{first_group} h3 a")
    assert page.evaluate("location.hash") == f"#{first_row}"
    assert page.locator(f"#{first_row}").is_visible()
    page.click("nav#toc a[href='#sources']")
    assert page.evaluate("location.hash") == "#sources"
    assert_no_foreign_activity(v)


def test_link_target_is_not_under_the_toolbar(page_of, render):
    v = page_of(render("v5").html)
    page = v.page
    for link, heading in (("#t-6 a[href^='#d-'] >> nth=0", None), ("nav#toc a[href='#tables']", "#tables h2")):
        page.click(link)
        target = heading or page.evaluate("location.hash") + " h3"
        bottom = page.evaluate("document.getElementById('tools').getBoundingClientRect().bottom")
        top = page.evaluate(f"document.querySelector({target!r}).getBoundingClientRect().top")
        assert top >= bottom, f"{target} (top {top}) is under the toolbar (bottom {bottom})"


def assert_relative_links_exist(page, out: Path) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    relative = sorted({h for h in hrefs if not h.startswith("#")})
    for h in relative:
        assert RELATIVE_HREF.match(h), f"unexpected link {h!r}"
        target = (out / h).resolve()
        assert target.parent in (out.resolve(), (out / "csv").resolve()), h
        assert target.is_file(), f"{h} is linked from report.html but not in {out}"
    files = page.eval_on_selector_all("nav#toc .files a", "as => as.map(a => a.getAttribute('href'))")
    assert files, "the table of contents lists no files"
    # Every "… in csv/x.csv" note that is a link points at the file it names.
    notes = page.eval_on_selector_all("p.more", "ps => ps.map(p => [p.textContent, (p.querySelector('a[href]') "
                                                "|| {getAttribute: () => null}).getAttribute('href')])")
    for text, href in notes:
        named = re.findall(r"csv/[a-z_]+\.csv", text)
        if href is not None:
            assert named == [href], f"note {text!r} links {href}"
    return relative


def test_relative_links_exist_on_disk(page_of, report):
    v = page_of(report.html)
    relative = assert_relative_links_exist(v.page, report.out)
    for f in ("csv/diffs.csv", "csv/tables.csv", "report.json", "report.md", "report.xlsx"):
        assert f in relative, f"{f} is written but not linked"
    assert_no_foreign_activity(v)


@pytest.fixture(scope="session")
def v5_few_rows(drs_bin, tmp_path_factory) -> Path:
    """v5 rendered with --max-html-rows 2, so that every capped section says "N more rows in csv/…"."""
    out = tmp_path_factory.mktemp("render-v5-few-rows")
    cmd = [str(drs_bin), "render", str(INPUTS["v5"].path), "--out", str(out), "--now", NOW, "--max-html-rows", "2"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RENDER_TIMEOUT_S, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    return out


def test_capped_sections_link_their_csv(page_of, v5_few_rows):
    v = page_of(v5_few_rows / "report.html")
    assert_relative_links_exist(v.page, v5_few_rows)
    notes = v.page.eval_on_selector_all("p.more", "ps => ps.map(p => p.textContent)")
    assert any("csv/tables.csv" in n for n in notes) and any("csv/diffs.csv" in n for n in notes), notes
    assert_no_foreign_activity(v)


def test_every_more_rows_note_is_a_link(page_of, v5_few_rows):
    v = page_of(v5_few_rows / "report.html")
    notes = v.page.eval_on_selector_all("p.more", "ps => ps.map(p => [p.textContent, !!p.querySelector('a[href]')])")
    unlinked = [text for text, linked in notes if "csv/" in text and not linked]
    assert unlinked == [], f"notes naming a csv file without linking it: {unlinked}"


# --------------------------------------------------------------------------------------------
# Without JavaScript
# --------------------------------------------------------------------------------------------

def test_without_javascript_the_page_reads_the_same(page_of, report):
    with_js = page_of(report.html).page
    v = page_of(report.html, java_script_enabled=False)
    page = v.page
    assert page.evaluate("document.getElementById('tools').hidden") is True
    assert not page.locator("#tools").is_visible(), "the toolbar shows although no script can drive it"
    assert page.locator("th[aria-sort], th[tabindex]").count() == 0, "the script ran although JavaScript is off"
    st, st_js = state(page), state(with_js)
    assert_all_shown(st, "without JavaScript")
    assert [r["id"] for r in st["rows"]] == [r["id"] for r in st_js["rows"]]
    assert [(g["id"], g["name"], len(g["rows"])) for g in st["groups"]] == \
        [(g["id"], g["name"], len(g["rows"])) for g in st_js["groups"]]
    assert len(st["groups"]) > 0 and len(st["rows"]) > 0
    for section in ("#tables", "#diffs", "#databases", "#not-compared", "#verdict", "#summary"):
        text = read_text(page, section)
        assert text.strip() and text == read_text(with_js, section), f"{section} reads differently without script"
    diffs_text = " ".join(read_text(page, "#diffs").split())  # headings collapse white space
    for g in st["groups"]:
        assert " ".join(g["name"].split()) in diffs_text, g["name"]
    ledger = read_csv(report.csv_dir / "tables.csv")
    tables_text = read_text(page, "#tables")
    for t in ledger:
        if t["outcome"] == "INCONSISTENT":
            assert shown(ledger_name(t)) in tables_text, ledger_name(t)
    # Links work without script too.
    first = st["groups"][0]["id"]
    page.click(f"nav#toc a[href='#diffs']")
    assert page.evaluate("location.hash") == "#diffs"
    assert page.locator(f"#{first}").is_visible()
    assert_no_foreign_activity(v)


# --------------------------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------------------------

def pdf_pages(page) -> list[str]:
    page.emulate_media(media="print")
    data = page.pdf(prefer_css_page_size=True, print_background=True)
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) in {(842, 595), (841, 595)}, (
        f"not A4 landscape: {box}")
    return [p.extract_text() or "" for p in reader.pages]


@pytest.mark.parametrize("js", [True, False], ids=["script", "no-script"])
def test_print_shows_the_collapsed_sources(page_of, report, js):
    """The Sources table is in a collapsed <details>: on screen the digests are hidden, printed they
    are there (the print CSS opens details; the script's beforeprint only helps older browsers)."""
    digests = sorted({hashlib.sha256(p.read_bytes()).hexdigest() for p, _ in input_files(report.spec)})
    v = page_of(report.html, java_script_enabled=js)
    page = v.page
    assert page.locator("#sources details").count() == 1
    assert page.evaluate("document.querySelector('#sources details').open") is False
    screen = read_text(page, "#sources")
    assert not any(d in screen for d in digests), "the digests are on screen: the test would prove nothing"

    pages = pdf_pages(page)
    printed = flat("".join(pages))  # long digests wrap inside their cell
    missing = [d for d in digests if d not in printed]
    assert missing == [], f"{len(missing)} of {len(digests)} input sha256 not in the printed page: {missing[:2]}"
    # Printed: every inconsistent table of the ledger, the footer with page numbers, no toolbar.
    # (Names with characters outside the BMP are left out: this machine has no emoji font, so they
    # print as boxes that carry no text.)
    for t in read_csv(report.csv_dir / "tables.csv"):
        name = shown(ledger_name(t))
        if t["outcome"] == "INCONSISTENT" and all(ord(ch) < 0x10000 for ch in name):
            assert flat(name) in printed, f"{name!r} is not in the printed page"
    assert expected_inputs_digest(report.spec) in printed
    n = len(pages)
    for i, text in enumerate(pages, 1):
        assert re.search(rf"(?<!\d){i} / {n}(?!\d)", text), f"page {i} has no '{i} / {n}' footer"
    assert "Find a database or table" not in "".join(pages), "the toolbar is printed"
    # Printing did not leave the details open on screen.
    page.emulate_media(media="screen")
    assert page.evaluate("document.querySelector('#sources details').open") is False
    assert_no_foreign_activity(v)


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------

CHARTS_JS = """Array.from(document.querySelectorAll('#charts figure'), f => {
    const svg = f.querySelector('svg.chart');
    const vb = svg.viewBox.baseVal;
    return {caption: f.querySelector('figcaption').textContent, role: svg.getAttribute('role'),
        title: (svg.querySelector(':scope > title') || {}).textContent || '',
        legend: Array.from(f.querySelectorAll('ul > li'), li => li.textContent),
        values: Array.from(svg.querySelectorAll('text.chart-value'), t => t.textContent),
        labels: Array.from(svg.querySelectorAll('text.chart-label'), t => {
            const b = t.getBBox(); return {text: t.textContent, left: b.x, right: b.x + b.width}; }),
        width: vb.width};
})"""


def test_charts_state_their_numbers(page_of, report):
    v = page_of(report.html)
    charts = v.page.evaluate(CHARTS_JS)
    assert charts, "no charts"
    for c in charts:
        assert c["role"] == "img" and c["title"].strip(), c["caption"]
    by_kind = collections.Counter(e.kind for e in expected_rows(report.spec))
    total = sum(by_kind.values())
    kinds = [c for c in charts if c["caption"] == "Inconsistent rows by kind of difference"]
    assert len(kinds) == 1, [c["caption"] for c in charts]
    expected = {f"{DIFF_KIND_LABELS_EN[k]}: {n} ({100 * n / total:.1f}%)" for k, n in by_kind.items()}
    assert set(kinds[0]["legend"]) == expected, kinds[0]["legend"]
    assert sorted(kinds[0]["values"]) == sorted(s.split(": ", 1)[1] for s in expected)
    assert_no_foreign_activity(v)


@pytest.mark.parametrize("name", ["v5", "v3", "hostile"])
def test_chart_labels_fit_in_the_chart(page_of, render, name):
    charts = page_of(render(name).html).page.evaluate(CHARTS_JS)
    clipped = [(l["text"], round(l["left"]), round(l["right"])) for c in charts for l in c["labels"]
               if l["left"] < 0 or l["right"] > c["width"]]
    assert clipped == [], f"chart labels cut off by the chart's edge: {clipped}"


# --------------------------------------------------------------------------------------------
# Header extras: --meta, --sign-off
# --------------------------------------------------------------------------------------------

def test_meta_and_sign_off(page_of, drs_bin, tmp_path):
    out = tmp_path / "out"
    hostile = "<script>alert(1)</script>"
    cmd = [str(drs_bin), "render", str(INPUTS["v5"].path), "--out", str(out), "--now", NOW, "--format", "html",
           "--meta", "ticket=CHG-1234", "--meta", f"note={hostile}", "--meta", "owner=数据组 = ops",
           "--sign-off", "Reviewer,Approver"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RENDER_TIMEOUT_S, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    v = page_of(out / "report.html")
    page = v.page
    pairs = page.eval_on_selector_all("header dl#meta > div", "ds => ds.map(d => [d.querySelector('dt').textContent, "
                                      "d.querySelector('dd').textContent])")
    assert pairs == [["ticket", "CHG-1234"], ["note", hostile], ["owner", "数据组 = ops"]], pairs
    roles = page.eval_on_selector_all("#summary #sign-off tbody tr", "rs => rs.map(r => r.cells[0].textContent)")
    assert roles == ["Reviewer", "Approver"], roles
    blanks = page.eval_on_selector_all("#sign-off tbody td.blank", "ts => ts.map(t => t.textContent)")
    assert blanks == [""] * 6
    assert_only_the_hashed_script(page, out / "report.html")
    assert_no_foreign_activity(v)
    # Without the options, neither block is there.
    plain = page_of(render_html_only(drs_bin, tmp_path / "plain")).page
    assert plain.locator("#meta, #sign-off").count() == 0


def render_html_only(drs_bin, out: Path) -> Path:
    cmd = [str(drs_bin), "render", str(INPUTS["v5"].path), "--out", str(out), "--now", NOW, "--format", "html"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RENDER_TIMEOUT_S, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    return out / "report.html"


# --------------------------------------------------------------------------------------------
# A 10,000-table estate
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def large(drs_bin, tmp_path_factory) -> Path:
    """scripts/gen_samples.py --large (10,000 tables, 20,000 inconsistent rows), rendered as html,csv."""
    inputs = tmp_path_factory.mktemp("large-inputs") / "archive"
    gen = [sys.executable, str(REPO_ROOT / "scripts" / "gen_samples.py"), "--large", str(inputs),
           "--tables", str(LARGE_TABLES), "--diffs", str(LARGE_DIFFS)]
    proc = subprocess.run(gen, capture_output=True, text=True, timeout=RENDER_TIMEOUT_S, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path_factory.mktemp("render-large")
    cmd = [str(drs_bin), "render", str(inputs), "--out", str(out), "--now", NOW, "--format", "html,csv"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RENDER_TIMEOUT_S, cwd=REPO_ROOT)
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}"
    return out


def test_large_estate_page(page_of, large):
    html = large / "report.html"
    size = html.stat().st_size
    assert size < LARGE_HTML_CAP, f"report.html of {LARGE_TABLES} tables is {size:,} bytes (cap {LARGE_HTML_CAP:,})"
    ledger = read_csv(large / "csv" / "tables.csv")
    assert len(ledger) == LARGE_TABLES
    inconsistent = [ledger_name(t) for t in ledger if t["outcome"] == "INCONSISTENT"]
    assert len(inconsistent) > 1000, len(inconsistent)

    v = page_of(html)
    page = v.page
    rows = page.evaluate("""Array.from(document.querySelectorAll('#tables-overview > tbody > tr'),
        tr => [tr.id, tr.cells[0].textContent, tr.getAttribute('data-outcome')])""")
    anchored = {name: (rid, outcome) for rid, name, outcome in rows}
    missing = [n for n in inconsistent if n not in anchored]
    assert missing == [], f"{len(missing)} inconsistent tables of csv/tables.csv have no ledger row: {missing[:5]}"
    for n in inconsistent:
        rid, outcome = anchored[n]
        assert re.fullmatch(r"t-\d+", rid) and outcome == "INCONSISTENT", (n, rid, outcome)
    assert sum(o == "INCONSISTENT" for _, _, o in rows) == len(inconsistent)
    assert len({rid for rid, _, _ in rows}) == len(rows)

    assert_relative_links_exist(page, large)  # html,csv only: no link to report.json/md/xlsx that is not there
    # Finding one table in the big page.
    target = inconsistent[len(inconsistent) // 2]
    needle = target.split(".", 1)[1]
    expected = {ledger_name(t) for t in ledger if needle in ledger_name(t)} & set(anchored)
    page.fill("#q", needle)
    assert visible_ledger(state(page)) == expected and target in expected
    page.click("#f-clear")

    SCREEN_DIR.mkdir(parents=True, exist_ok=True)
    shot = SCREEN_DIR / "large.png"
    page.screenshot(path=str(shot))  # the first screen; the full page is tens of thousands of pixels tall
    assert shot.stat().st_size > 10_000
    assert_no_foreign_activity(v)


def test_batch_index_search_sort_and_labels(page_of, drs_bin, tmp_path):
    """index.html of a batch: labelled columns and pill, times as the reports show them, the same
    search and sort as the report, and the same one-script policy."""
    out = tmp_path / "batch"
    cmd = [str(drs_bin), "batch", str(REPO_ROOT / "samples"), "--out", str(out), "--now", NOW, "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RENDER_TIMEOUT_S, cwd=REPO_ROOT)
    assert proc.returncode == 8, proc.stderr  # samples/malformed fails on purpose
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count("<script") == 1
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html and "unsafe-inline'; script" not in html
    v = page_of(out / "index.html")
    page = v.page
    headers = page.eval_on_selector_all("thead th", "hs => hs.map(h => h.textContent.trim())")
    assert headers and all(headers), f"an unlabelled column: {headers}"
    assert page.text_content("#failures").startswith("1 input failed")
    received = page.eval_on_selector_all("table.filterable > tbody > tr", "rs => rs.map(r => r.cells[6].textContent)")
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", t) for t in received), received
    assert not page.eval_on_selector("#tools", "e => e.hidden")
    page.fill("#q", "v3-mysql")
    visible = page.eval_on_selector_all("table.filterable > tbody > tr", "rs => rs.filter(r => r.checkVisibility()).map(r => r.cells[0].textContent)")
    assert visible == ["v3-mysql-responses"], visible
    page.fill("#q", "")
    page.select_option("#f-outcome", "INCONSISTENT")
    visible = page.eval_on_selector_all("table.filterable > tbody > tr", "rs => rs.filter(r => r.checkVisibility()).length")
    assert visible == 3  # v3, v5 and its rerun
    page.select_option("#f-outcome", "")
    # Sort by inconsistent rows, numerically, both ways.
    page.click("thead th:nth-child(5)")
    first = page.eval_on_selector_all("table.filterable > tbody > tr", "rs => rs.map(r => r.cells[4].textContent.trim()).filter(Boolean)")
    assert first == sorted(first, key=int)
    page.click("thead th:nth-child(5)")
    second = page.eval_on_selector_all("table.filterable > tbody > tr", "rs => rs.map(r => r.cells[4].textContent.trim()).filter(Boolean)")
    assert second == sorted(second, key=int, reverse=True)
    # The v5 job has two runs on the shelf (the sample and its rerun): its trend and the diff of the two.
    trend = page.eval_on_selector_all("tr.trend", "rs => rs.map(r => r.textContent)")
    assert len(trend) == 1 and "73 → 51" in trend[0] and "51 (-22)" in trend[0], trend
    href = page.get_attribute("tr.trend a[href$='diff.html']", "href")
    assert href and (out / href).is_file(), href


@pytest.mark.parametrize("name", ["v5", "v3", "hostile"])
def test_narrow_screen_and_dark_mode(browser, render, name):
    """At 420 px the page never scrolls sideways (wide tables scroll inside their own box), and
    dark mode follows prefers-color-scheme."""
    html = render(name).html
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 420, "height": 800}, color_scheme=scheme)
        try:
            page = context.new_page()
            page.goto(html.as_uri())
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 420, f"{name} ({scheme}) scrolls sideways: {width} px"
            wide = page.eval_on_selector_all(".scroll", "ss => ss.filter(s => s.scrollWidth > s.clientWidth).length")
            assert wide > 0, "no table scrolls inside its own box at 420 px"
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            if scheme == "dark":
                assert background == "rgb(13, 17, 23)", background
            else:
                assert background == "rgb(255, 255, 255)", background
        finally:
            context.close()
