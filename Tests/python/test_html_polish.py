"""Polish of report.html and of the CLI: header rows that stay in view while a long table scrolls in
its own box (report and batch index), the filter status's two counts, thousands separators (HTML and
Markdown group digits, CSV and XLSX do not), and `--mask keys,names` (no real database, table or
object name, and not the secret, in any output).

Expectations come from outside the page where the page would only echo itself: the estate's shape
(scripts/gen_samples.py --large), csv/diffs.csv and csv/tables.csv, the DRS response bodies, and the
names the sample inputs hold. Browser setup as in test_html_browser.py (Debian's Chromium, every
request but the page's own file:// URL recorded and aborted), here at 1280x800.
"""

from __future__ import annotations

import base64
import collections
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import DIFF_KIND_LABELS_EN, INPUTS, NOW, OBSERVED_AT, REPO_ROOT, RENDER_TIMEOUT_S
from test_html_browser import _RENDERED_JS, assert_no_foreign_activity

VIEWPORT = {"width": 1280, "height": 800}
ESTATE_TABLES = 1_200  # the HTML ledger lists 1,000 of them (the rest are in csv/tables.csv)
ESTATE_DIFFS = 3_000  # inconsistent rows in all, so counts need a thousands separator
SCROLL_BY = 2_000  # px the overview's own box is scrolled
BATCH_COPIES = 30  # reports in the batch whose index must scroll in its box

GROUPED = re.compile(r"\d{1,3}(,\d{3})+")
EN_NUMBER = r"(\d{1,3}(?:,\d{3})*)"
FILTER_STATUS = re.compile(r"Listed rows shown: " + EN_NUMBER + r"; inconsistent rows shown: " + EN_NUMBER)

MASK_SECRET = "Kq7vR2xW9mZp4LtB8nYc3HsJ6dFg1AeU"  # 32 characters
MASKED_NAMES = ["会员积分", "客户表", "订单明细", "legacy_crm", "tmp_import_2026", "order_items", "click_stream",
                "warehouse", "payments", "inventory"]
NAME_TOKEN = re.compile(r"⟨n:[0-9a-f]{12}⟩")
KEY_TOKEN = re.compile(r"⟨k:[0-9a-f]+⟩")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def run(cmd, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=RENDER_TIMEOUT_S,
                          cwd=REPO_ROOT, env=env)


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def csv_row_count(path: Path) -> int:
    return len(read_csv(path))


def en_int(text: str) -> int:
    """A count as en-US writes it ("1,234"): exactly that form, or the test fails."""
    value = int(text.replace(",", ""))
    assert text == f"{value:,}", f"{text!r} is not an en-US formatted number"
    return value


@pytest.fixture
def page_of(page_of):
    """conftest's page_of at 1280x800 unless a test asks for another viewport."""
    def _open(path: Path, **options):
        options.setdefault("viewport", VIEWPORT)
        return page_of(path, **options)

    return _open


def wait_rendered(page, selector: str) -> None:
    """Scroll a (content-visibility: auto) section into view and wait until the browser lays it out."""
    element = page.locator(selector).first
    element.scroll_into_view_if_needed()
    for _ in range(200):
        if element.evaluate(_RENDERED_JS):
            return
        page.wait_for_timeout(20)
    raise AssertionError(f"{selector} is still not rendered after scrolling to it")


NEXT_FRAME_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


@pytest.fixture(scope="session")
def estate(drs_bin, tmp_path_factory) -> Path:
    """scripts/gen_samples.py --large with ESTATE_TABLES tables and ESTATE_DIFFS inconsistent rows,
    rendered in every format."""
    inputs = tmp_path_factory.mktemp("polish-inputs") / "archive"
    proc = run([sys.executable, REPO_ROOT / "scripts" / "gen_samples.py", "--large", inputs,
                "--tables", ESTATE_TABLES, "--diffs", ESTATE_DIFFS])
    assert proc.returncode == 0, proc.stderr
    out = tmp_path_factory.mktemp("render-polish")
    proc = run([drs_bin, "render", inputs, "--out", out, "--now", NOW])
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    return out


# --------------------------------------------------------------------------------------------
# Sticky header rows
# --------------------------------------------------------------------------------------------

# Scrolls the page so that the table's box starts just under the page's sticky toolbar (when it has
# one); reports how the box can scroll.
PLACE_BOX_JS = """([tableSelector]) => {
    const table = document.querySelector(tableSelector);
    const box = table.closest('.scroll');
    const tools = document.getElementById('tools');
    const cover = tools && getComputedStyle(tools).position === 'sticky' ? tools.getBoundingClientRect().bottom : 0;
    window.scrollBy(0, box.getBoundingClientRect().top - cover - 8);
    const style = getComputedStyle(box);
    return {overflowY: style.overflowY, maxHeight: style.maxHeight, boxHeight: box.clientHeight,
            scrollHeight: box.scrollHeight, tableHeight: table.getBoundingClientRect().height,
            viewport: window.innerHeight, cover};
}"""

SCROLL_BOX_JS = """([tableSelector, by]) => {
    const box = document.querySelector(tableSelector).closest('.scroll');
    box.scrollTop = by;
}"""

HEADER_GEOMETRY_JS = """([tableSelector]) => {
    const table = document.querySelector(tableSelector);
    const box = table.closest('.scroll');
    const boxRect = box.getBoundingClientRect();
    const boxTop = boxRect.top + box.clientTop;
    const ths = Array.from(table.querySelectorAll(':scope > thead th'), th => {
        const r = th.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        const inView = x >= boxRect.left && x <= boxRect.left + box.clientWidth && x < window.innerWidth;
        const hit = inView ? document.elementFromPoint(x, y) : null;
        return {text: th.textContent.trim(), top: r.top, bottom: r.bottom, inView,
                onTop: hit ? th.contains(hit) : null};
    });
    return {scrollTop: box.scrollTop, boxTop, tableTop: table.getBoundingClientRect().top,
            pageY: window.scrollY, ths, viewport: window.innerHeight};
}"""


def assert_header_stays_in_view(page, table: str, min_scroll: int) -> dict:
    before = page.evaluate(PLACE_BOX_JS, [table])
    assert before["overflowY"] in ("auto", "scroll"), f"{table}'s box does not scroll vertically: {before}"
    assert before["tableHeight"] > before["viewport"], f"{table} is not taller than the viewport: {before}"
    assert before["boxHeight"] < before["viewport"], f"{table}'s box is not shorter than the viewport: {before}"
    room = before["scrollHeight"] - before["boxHeight"]
    assert room >= min_scroll, f"{table}'s box can scroll only {room}px: {before}"
    page.evaluate(NEXT_FRAME_JS)
    start = page.evaluate(HEADER_GEOMETRY_JS, [table])
    page.evaluate(SCROLL_BOX_JS, [table, min(SCROLL_BY, room)])
    page.evaluate(NEXT_FRAME_JS)
    after = page.evaluate(HEADER_GEOMETRY_JS, [table])

    assert after["scrollTop"] > 0, f"{table}'s box did not scroll: {after}"
    assert after["scrollTop"] == pytest.approx(min(SCROLL_BY, room), abs=1)
    assert after["pageY"] == start["pageY"], "the page scrolled instead of the table's box"
    # The table moved up inside the box by as much as the box scrolled …
    moved = start["tableTop"] - after["tableTop"]
    assert moved == pytest.approx(after["scrollTop"], abs=1), (moved, after["scrollTop"])
    # … while every header cell stayed at the box's top, visible, on top of the rows below it.
    assert after["ths"], f"{table} has no header cells"
    for th in after["ths"]:
        assert th["top"] == pytest.approx(after["boxTop"], abs=1), (
            f"{table}: header {th['text']!r} at top {th['top']}, box top {after['boxTop']} "
            f"(box scrolled {after['scrollTop']}px): the header row did not stay in view")
        assert 0 <= th["top"] and th["bottom"] <= after["viewport"], th
    shown = [th for th in after["ths"] if th["inView"]]
    assert shown, f"no header cell of {table} is inside the visible part of its box"
    covered = [th["text"] for th in shown if not th["onTop"]]
    assert covered == [], f"{table}: header cells covered by something else: {covered}"
    return after


def test_overview_header_stays_in_view_while_its_box_scrolls(page_of, estate):
    v = page_of(estate / "report.html")
    page = v.page
    rows = page.locator("#tables-overview > tbody > tr").count()
    assert rows >= 500, f"only {rows} ledger rows: the table would not need to scroll"
    wait_rendered(page, "#tables-overview")
    assert_header_stays_in_view(page, "#tables-overview", SCROLL_BY)
    # The toolbar (sticky to the page) does not hide the header.
    tools_bottom = page.evaluate("document.getElementById('tools').getBoundingClientRect().bottom")
    th_top = page.evaluate("document.querySelector('#tables-overview > thead th').getBoundingClientRect().top")
    assert th_top >= tools_bottom, f"the header (top {th_top}) is under the toolbar (bottom {tools_bottom})"
    assert_no_foreign_activity(v)


# Undo one half of the change on the live page (through the CSSOM, which the CSP does not govern),
# and what the check must then say.
BREAK_STICKY = {
    "sideways-only-box": ("""() => { const box = document.querySelector('#tables-overview').closest('.scroll');
        box.style.overflow = 'visible'; box.style.overflowX = 'auto'; box.style.maxHeight = 'none'; }""",
                          "box is not shorter than the viewport"),
    "header-not-sticky": ("""() => document.querySelectorAll('#tables-overview > thead th')
        .forEach(th => { th.style.position = 'static'; })""", "the header row did not stay in view"),
}


@pytest.mark.parametrize("how", sorted(BREAK_STICKY))
def test_sticky_check_catches_a_header_that_scrolls_away(page_of, estate, how):
    """Self-test: with the box as it was (scrolling only sideways, no height cap), or without sticky
    header cells, the check above fails, for that reason."""
    js, reason = BREAK_STICKY[how]
    page = page_of(estate / "report.html").page
    wait_rendered(page, "#tables-overview")
    page.evaluate(js)
    with pytest.raises(AssertionError, match=re.escape(reason)):
        assert_header_stays_in_view(page, "#tables-overview", SCROLL_BY)


def test_print_does_not_clip_the_scroll_box(page_of, estate):
    """In print the box neither scrolls nor caps its height, so no row is cut off the paper."""
    v = page_of(estate / "report.html")
    page = v.page
    page.emulate_media(media="print")
    style = page.evaluate("""(() => { const s = getComputedStyle(document.querySelector('#tables-overview')
        .closest('.scroll')); return [s.overflowY, s.maxHeight]; })()""")
    assert style == ["visible", "none"], style
    page.emulate_media(media="screen")


def test_batch_index_header_stays_in_view(page_of, drs_bin, tmp_path):
    """index.html of a batch: the same scroll box and sticky header as the report's tables."""
    src = tmp_path / "inputs"
    for i in range(BATCH_COPIES):
        shutil.copytree(INPUTS["v5"].path, src / f"v5-{i:02d}")
    out = tmp_path / "batch"
    proc = run([drs_bin, "batch", src, "--out", out, "--now", NOW, "--quiet"])
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    v = page_of(out / "index.html")
    page = v.page
    assert page.locator(".scroll > table.filterable > tbody > tr").count() == BATCH_COPIES
    assert_header_stays_in_view(page, ".scroll > table.filterable", 100)
    assert_no_foreign_activity(v)


# --------------------------------------------------------------------------------------------
# Filter status: listed rows and previewed inconsistent rows
# --------------------------------------------------------------------------------------------

# Visible = not display:none here or on an ancestor (checkVisibility() without options counts
# content-visibility:auto sections that are merely off-screen as visible).
COUNTS_JS = """() => {
    const seen = e => e.checkVisibility();
    const listed = Array.from(document.querySelectorAll('table.filterable > tbody > tr'));
    const groups = Array.from(document.querySelectorAll('.diff-group'), g => ({
        name: (g.getAttribute('data-name') || '').toLowerCase(),
        rows: Array.from(g.querySelectorAll('tbody tr'), tr => ({
            kind: tr.getAttribute('data-kind'), label: tr.cells[0].textContent.trim(), visible: seen(tr)}))}));
    return {listed: listed.length, listedShown: listed.filter(seen).length, groups,
            status: document.getElementById('filter-status').textContent,
            kinds: Array.from(document.querySelectorAll('#f-kind option'), o => o.value).filter(Boolean),
            outcomes: Array.from(document.querySelectorAll('#f-outcome option'), o => o.value).filter(Boolean)};
}"""


def counts(page) -> dict:
    c = page.evaluate(COUNTS_JS)
    c["previewed"] = [r for g in c["groups"] for r in g["rows"]]
    c["previewedShown"] = sum(r["visible"] for r in c["previewed"])
    return c


def status_numbers(page, where: str) -> tuple[int, int, dict]:
    """The status's two numbers, checked against what the page shows."""
    c = counts(page)
    m = FILTER_STATUS.fullmatch(c["status"])
    assert m, f"{where}: filter status {c['status']!r} is not 'Listed rows shown: {{0}}; inconsistent rows shown: {{1}}'"
    listed, previewed = en_int(m.group(1)), en_int(m.group(2))
    assert listed == c["listedShown"], (
        f"{where}: status says {listed} listed rows, {c['listedShown']} table.filterable rows are visible")
    assert previewed == c["previewedShown"], (
        f"{where}: status says {previewed} inconsistent rows, {c['previewedShown']} .diff-group rows are visible")
    return listed, previewed, c


def check_filter_counts(page) -> dict:
    start = counts(page)
    assert start["status"] == "", start["status"]
    assert start["listedShown"] == start["listed"] and start["previewedShown"] == len(start["previewed"])
    for r in start["previewed"]:  # the attribute the filter reads agrees with the label the reader sees
        assert DIFF_KIND_LABELS_EN.get(r["kind"]) == r["label"], r
    by_kind = collections.Counter(r["kind"] for r in start["previewed"])
    assert set(by_kind) <= set(start["kinds"]), (by_kind, start["kinds"])
    assert any(by_kind[k] for k in start["kinds"]), "no previewed row has a kind the filter offers"

    # The difference filter alone: every listed row stays, previewed rows of that kind only.
    for kind in start["kinds"]:
        page.select_option("#f-kind", kind)
        listed, previewed, _ = status_numbers(page, f"kind {kind}")
        assert listed == start["listed"], f"kind {kind}: choosing a kind changed the listed rows ({listed})"
        assert previewed == by_kind[kind], f"kind {kind}: {previewed} previewed rows, the page holds {by_kind[kind]}"
    page.select_option("#f-kind", "")
    assert counts(page)["status"] == ""

    # With the outcome filter: kinds still never change the first number.
    for outcome in start["outcomes"]:
        page.select_option("#f-outcome", outcome)
        base, base_previewed, _ = status_numbers(page, f"outcome {outcome}")
        all_previewed = len(start["previewed"]) if outcome == "INCONSISTENT" else 0
        assert base_previewed == all_previewed, (outcome, base_previewed)
        for kind in start["kinds"]:
            page.select_option("#f-kind", kind)
            listed, previewed, _ = status_numbers(page, f"outcome {outcome}, kind {kind}")
            assert listed == base, f"outcome {outcome}: kind {kind} changed the listed rows from {base} to {listed}"
            assert previewed == (by_kind[kind] if outcome == "INCONSISTENT" else 0), (outcome, kind, previewed)
        page.select_option("#f-kind", "")
    page.select_option("#f-outcome", "")

    # With a search for one table: kinds change only the second number.
    # (the first word of a table name, printable: a search field drops line breaks, hostile names have them)
    needle = next(w for g in start["groups"] for w in g["name"].split()[:1] if w.isprintable())
    page.fill("#q", needle)
    base, _, _ = status_numbers(page, f"search {needle!r}")
    for kind in start["kinds"]:
        page.select_option("#f-kind", kind)
        listed, previewed, _ = status_numbers(page, f"search {needle!r}, kind {kind}")
        assert listed == base, f"search {needle!r}: kind {kind} changed the listed rows from {base} to {listed}"
        expected = sum(r["kind"] == kind for g in start["groups"] if needle in g["name"] for r in g["rows"])
        assert previewed == expected, (needle, kind, previewed, expected)
    page.click("#f-clear")
    assert counts(page)["status"] == ""
    return start


def test_filter_status_counts(page_of, report):
    v = page_of(report.html)
    check_filter_counts(v.page)
    assert_no_foreign_activity(v)


def test_filter_status_counts_use_thousands_separators(page_of, estate):
    v = page_of(estate / "report.html")
    page = v.page
    start = check_filter_counts(page)
    assert start["listed"] >= 1000, start["listed"]
    page.select_option("#f-kind", start["kinds"][0])
    status = counts(page)["status"]
    first = FILTER_STATUS.fullmatch(status).group(1)
    assert first == f"{start['listed']:,}" and "," in first, status
    assert_no_foreign_activity(v)


# --------------------------------------------------------------------------------------------
# Thousands separators: HTML and Markdown group digits, CSV and XLSX do not
# --------------------------------------------------------------------------------------------

def test_html_counts_have_thousands_separators_csv_does_not(estate):
    diffs = csv_row_count(estate / "csv" / "diffs.csv")
    assert diffs == ESTATE_DIFFS >= 1000
    page = (estate / "report.html").read_text(encoding="utf-8")
    m = re.search(r'<li data-count="inconsistent_rows"><b>([^<]*)</b>', page)
    assert m, "no inconsistent-rows count in #verdict"
    shown = m.group(1)
    assert GROUPED.fullmatch(shown), f"verdict count {shown!r} has no thousands separator"
    assert int(shown.replace(",", "")) == diffs, (shown, diffs)
    assert re.search(rf"<h2>[^<]*\({re.escape(f'{diffs:,}')}\)</h2>", page), "#diffs heading does not group digits"
    md = (estate / "report.md").read_text(encoding="utf-8")
    assert f"| {diffs:,} |" in md, "report.md's summary does not show the count with thousands separators"

    # CSV: plain digits, and the ledger adds up to diffs.csv.
    tables = read_csv(estate / "csv" / "tables.csv")
    assert len(tables) == ESTATE_TABLES
    numeric = ["source_rows", "target_rows", "row_difference", "drs_inconsistent_rows", "diff_rows_in_input"]
    assert set(numeric) <= set(tables[0]), sorted(tables[0])
    big = 0
    for t in tables:
        for col in numeric:
            assert re.fullmatch(r"-?\d*", t[col]), f"tables.csv {col} = {t[col]!r} is not plain digits"
            big += t[col].lstrip("-").isdigit() and int(t[col].lstrip("-")) >= 1000
    assert big, "no tables.csv number reaches 1000: the check proves nothing"
    assert sum(int(t["diff_rows_in_input"]) for t in tables) == diffs
    for d in read_csv(estate / "csv" / "databases.csv"):
        for col in ("tables", "inconsistent_tables", "not_compared_tables", "diff_rows_in_input"):
            assert re.fullmatch(r"\d*", d[col]), f"databases.csv {col} = {d[col]!r}"
    summary = {r["item"]: r["value"] for r in read_csv(estate / "csv" / "summary.csv")}
    assert summary["inconsistent_rows"] == str(diffs), summary["inconsistent_rows"]


def xlsx_strings(path: Path) -> list[str]:
    """Every text cell (inline and shared strings) of every worksheet."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
                root = ElementTree.fromstring(z.read(name))
                out += ["".join(t.itertext()) for t in root.iter() if t.tag.endswith("}t")]
    return out


def test_xlsx_counts_are_plain_numbers(estate):
    grouped = [s for s in xlsx_strings(estate / "report.xlsx") if GROUPED.fullmatch(s.strip())]
    assert grouped == [], f"XLSX text cells with thousands separators: {grouped[:5]}"
    # The Summary sheet holds the count as a number cell, not as text.
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(estate / "report.xlsx") as z:
        root = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    numbers = [c.findtext(f"{ns}v") for c in root.iter(f"{ns}c") if c.get("t") in (None, "n")]
    assert str(ESTATE_DIFFS) in numbers, f"no number cell {ESTATE_DIFFS} on the first sheet: {numbers[:20]}"


# --------------------------------------------------------------------------------------------
# --mask keys,names
# --------------------------------------------------------------------------------------------

MASK_RENDERS = {"v3": ["v3"], "v5": ["v5"], "v3+v5": ["v3", "v5"]}


def output_texts(out: Path) -> dict[str, str]:
    """Every output as text, keyed by its path: files as written, their entity-decoded form, JSON
    decoded, and every part of report.xlsx (raw XML and its parsed text and attributes). Paths are
    outputs too (recheck/ files are named after tables)."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        texts[f"(path) {rel}"] = rel
        if not path.is_file():
            continue
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for part in z.namelist():
                    raw = z.read(part)
                    texts[f"{rel}!{part} (path)"] = part
                    text = raw.decode("utf-8", errors="replace")
                    texts[f"{rel}!{part}"] = text
                    if part.endswith((".xml", ".rels")):
                        root = ElementTree.fromstring(raw)
                        texts[f"{rel}!{part} (parsed)"] = "\n".join(
                            [t for e in root.iter() for t in (e.text, e.tail) if t]
                            + [v for e in root.iter() for v in e.attrib.values()])
            continue
        text = data.decode("utf-8", errors="replace")
        texts[rel] = text
        texts[f"{rel} (entities decoded)"] = html.unescape(text)
        if rel.endswith(".json"):
            texts[f"{rel} (decoded)"] = json.dumps(json.loads(text), ensure_ascii=False)
    return texts


def names_in_inputs(names: list[str]) -> set[str]:
    found = set()
    for n in names:
        for p in INPUTS[n].path.rglob("*.json"):
            text = p.read_text(encoding="utf-8")
            found |= {name for name in MASKED_NAMES if name in text}
    return found


@pytest.fixture(scope="session")
def masked(drs_bin, tmp_path_factory):
    """masked(key) -> (out folder, CompletedProcess) of `render --mask keys,names` over MASK_RENDERS[key]."""
    cache = {}

    def _render(key: str):
        if key not in cache:
            out = tmp_path_factory.mktemp(f"masked-{key.replace('+', '-')}")
            env = {**os.environ, "DRS_REPORT_MASK_KEY": MASK_SECRET}
            paths = [INPUTS[n].path for n in MASK_RENDERS[key]]
            proc = run([drs_bin, "render", *paths, "--out", out, "--now", NOW, "--observed-at", OBSERVED_AT,
                        "--mask", "keys,names"], env=env)
            cache[key] = (out, proc)
        out, proc = cache[key]
        assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        return out, proc

    return _render


@pytest.mark.parametrize("key", sorted(MASK_RENDERS))
def test_mask_names_leaves_no_name_in_any_output(masked, render, key):
    inputs = MASK_RENDERS[key]
    present = names_in_inputs(inputs)
    assert present, f"none of the names is in the {key} inputs: the check would prove nothing"
    if key == "v3+v5":
        assert present == set(MASKED_NAMES), f"not in the samples: {set(MASKED_NAMES) - present}"
    # Unmasked, the same names do reach the outputs: the search below can find them.
    for n in inputs:
        plain = output_texts(render(n).out)
        for name in names_in_inputs([n]):
            assert any(name in t for t in plain.values()), f"{name} is not in the unmasked {n} outputs either"

    out, proc = masked(key)
    texts = output_texts(out)
    assert {"report.html", "report.md", "report.json", "csv/diffs.csv", "csv/tables.csv", "evidence.json"} <= set(texts)
    assert any(k.startswith("report.xlsx!xl/worksheets/") for k in texts), sorted(texts)[:10]
    leaks = sorted({(name, where) for where, text in texts.items() for name in MASKED_NAMES if name in text})
    assert leaks == [], f"{len(leaks)} real name(s) in the masked outputs: {leaks[:12]}"
    # Masked, not dropped: the names are there as tokens, and the keys too.
    for f in ("report.html", "csv/diffs.csv", "csv/tables.csv", "report.json"):
        assert NAME_TOKEN.search(texts[f]), f"no ⟨n:…⟩ token in {f}"
    assert KEY_TOKEN.search(texts["csv/diffs.csv"]), "no ⟨k:…⟩ token in csv/diffs.csv"
    assert any(NAME_TOKEN.search(t) for k, t in texts.items() if k.startswith("report.xlsx!xl/worksheets/"))
    # The console says nothing of them either.
    said = [name for name in MASKED_NAMES if name in proc.stdout + proc.stderr]
    assert said == [], f"names printed by render: {said}"

    evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    assert evidence.get("masking") == ["keys", "names"], evidence.get("masking")


@pytest.mark.parametrize("key", sorted(MASK_RENDERS))
def test_mask_secret_is_in_no_output(masked, key):
    out, proc = masked(key)
    forms = {"as given": MASK_SECRET, "hex": MASK_SECRET.encode().hex(),
             "HEX": MASK_SECRET.encode().hex().upper(), "base64": base64.b64encode(MASK_SECRET.encode()).decode(),
             "first half": MASK_SECRET[:16], "second half": MASK_SECRET[16:]}
    texts = output_texts(out)
    texts["(stdout)"] = proc.stdout
    texts["(stderr)"] = proc.stderr
    leaks = sorted({(form, where) for where, text in texts.items() for form, s in forms.items() if s in text})
    assert leaks == [], f"the masking secret is in the outputs: {leaks}"


@pytest.mark.parametrize("value", ["bogus", "keys,bogus", "names,names"])
def test_mask_rejects_unknown_parts(drs_bin, tmp_path, value):
    env = {**os.environ, "DRS_REPORT_MASK_KEY": MASK_SECRET}
    out = tmp_path / "out"
    proc = run([drs_bin, "render", INPUTS["v5"].path, "--out", out, "--now", NOW, "--mask", value], env=env)
    assert proc.returncode == 2, f"--mask {value}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "--mask" in proc.stderr, f"--mask {value}: the message does not name --mask: {proc.stderr!r}"
    assert not (out / "report.html").exists(), "a report was written despite the bad option"
    assert MASK_SECRET not in proc.stdout + proc.stderr
