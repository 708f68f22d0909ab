"""report.html in a real headless Chromium (Playwright, sync API).

The browser is never downloaded: Chromium is launched from $CHROMIUM (default /usr/bin/chromium).
Every request other than the report's own file:// URL is recorded and aborted, and the tests
assert that none happened. JavaScript stays enabled so injected script would actually run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from conftest import (
    DIFF_KIND_LABELS_EN, INPUTS, canonical_key_cell, expected_inputs_digest, expected_job_id, expected_job_name,
    expected_row_count, expected_rows, expected_verdict, key_cell, multiset,
)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREEN_DIR = Path("/tmp/drs-report-screens")
SCREENSHOT_INPUTS = {"v5", "hostile"}
SECTION_IDS = ["verdict", "summary", "jobs", "expiry", "tables", "databases", "objects", "diffs", "not-compared",
               "errors", "progress", "sources"]
MAX_HTML_ROWS = 1000  # drs-report default: inconsistent rows kept for HTML in all
HTML_ROWS_PER_TABLE = 20  # drs-report default: inconsistent rows shown of one table

# Strings from the hostile fixture that must show up as literal text.
HOSTILE_TEXTS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","x")', "+SUM(1,2)", "-2+3", "@SUM(1)", "```", "`tick`", "tbl```",
    "🚀🧨", "مرحبا שלום", "invoice\u202etxt.exe", "中文表", "&amp;", "**bold**", "[x](javascript:alert(1))",
    "a|b|c", "line1\nline2\tcol2", "\"dq\" 'sq'",
]
# Tags a static report may use; anything else (script, img, iframe, object, svg, form, link, …) fails.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section", "nav", "div", "span",
    "h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "colgroup", "col", "code", "pre", "small", "strong", "em", "b", "i", "br", "hr", "details", "summary", "a",
    "abbr", "time", "dl", "dt", "dd", "sup", "sub", "kbd", "mark",
}


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium not found at {CHROMIUM} (set CHROMIUM; apt install chromium)", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


class Visit:
    def __init__(self, url: str):
        self.url = url
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.page_errors: list[str] = []
        self.failed: list[tuple[str, str | None]] = []
        self.context = None
        self.page = None
        self.response = None


def open_report(browser, path: Path) -> tuple[Visit, object]:
    url = path.resolve().as_uri()
    visit = Visit(url)
    context = browser.new_context(service_workers="block", viewport={"width": 1400, "height": 900})

    def route(r):
        if r.request.url == url:
            r.continue_()
        else:
            visit.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.on("request", lambda req: visit.requests.append(req.url))
    page = context.new_page()
    visit.page = page
    visit.context = context
    page.on("dialog", lambda d: (visit.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
    page.on("requestfailed", lambda req: visit.failed.append((req.url, req.failure)))
    visit.response = page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return visit, context


@pytest.fixture
def visit(browser, report):
    v, context = open_report(browser, report.html)
    try:
        yield v
    finally:
        context.close()


def assert_no_foreign_activity(v: Visit):
    assert v.requests == [v.url], f"requests other than the page itself: {[u for u in v.requests if u != v.url]}"
    assert v.blocked == [], f"blocked requests: {v.blocked}"
    assert v.dialogs == [], f"JS dialogs opened: {v.dialogs}"
    assert v.context.pages == [v.page], f"pages opened: {[p.url for p in v.context.pages if p is not v.page]}"
    assert v.page_errors == [], f"page errors: {v.page_errors}"


# --------------------------------------------------------------------------------------------

def test_loads_with_verdict(visit, report):
    assert visit.response is not None and visit.response.ok
    verdict = visit.page.locator("#verdict")
    assert verdict.count() == 1
    assert verdict.is_visible()
    expected = expected_verdict(report.spec)
    assert verdict.get_attribute("data-verdict") == expected
    classes = (verdict.get_attribute("class") or "").split()
    assert "verdict" in classes and expected.lower() in classes, classes
    box = verdict.bounding_box()
    assert box and box["y"] < 900, f"verdict not in the first screen: {box}"
    assert_no_foreign_activity(visit)


def test_sections_and_footer(visit, report):
    page = visit.page
    for sid in SECTION_IDS:
        assert page.locator(f"section#{sid}").count() == 1, f"section#{sid} missing or duplicated"
    ids = page.eval_on_selector_all("section[id]", "els => els.map(e => e.id)")
    assert [i for i in ids if i in SECTION_IDS] == SECTION_IDS, f"section order: {ids}"
    digest = page.locator("footer code#inputs-digest")
    assert digest.count() == 1
    assert digest.inner_text().strip() == expected_inputs_digest(report.spec)
    assert_no_foreign_activity(visit)


def test_no_network_and_no_script(visit, report):
    page = visit.page
    page.wait_for_timeout(300)  # give anything deferred a chance to fire
    assert_no_foreign_activity(visit)
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img").count() == 0
    tags = set(page.evaluate("Array.from(document.querySelectorAll('*'), e => e.localName)"))
    assert tags <= ALLOWED_TAGS, f"unexpected elements: {sorted(tags - ALLOWED_TAGS)}"
    handlers = page.evaluate("""Array.from(document.querySelectorAll('*')).flatMap(e =>
        Array.from(e.attributes).filter(a => a.name.toLowerCase().startsWith('on')
            || /^\\s*(javascript|vbscript|data):/i.test(a.value) && ['href','src','action','formaction','xlink:href'].includes(a.name))
        .map(a => e.localName + '[' + a.name + '=' + a.value + ']'))""")
    assert handlers == [], f"event handlers / script URLs in the DOM: {handlers[:5]}"
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert all(h.startswith("#") for h in hrefs), f"links leaving the page: {[h for h in hrefs if not h.startswith('#')]}"


def test_csp_forbids_scripts_and_network(visit):
    page = visit.page
    csps = page.eval_on_selector_all('meta[http-equiv="Content-Security-Policy" i]', "els => els.map(e => e.content)")
    assert len(csps) == 1, csps
    directives = {}
    for part in csps[0].split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    assert directives.get("default-src") == ["'none'"], directives
    for name in ("script-src", "script-src-elem", "script-src-attr", "connect-src", "frame-src", "child-src",
                 "worker-src", "object-src", "font-src", "media-src", "manifest-src", "prefetch-src"):
        assert directives.get(name, ["'none'"]) == ["'none'"], f"{name} is opened up: {directives[name]}"
    assert set(directives.get("img-src", ["'none'"])) <= {"'none'", "data:"}, directives.get("img-src")
    assert set(directives.get("style-src", ["'none'"])) <= {"'none'", "'unsafe-inline'"}, directives.get("style-src")
    # The policy is in force: injected script does not run and an injected remote image is not fetched.
    result = page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__cspProbe = 1';
        document.head.appendChild(s);
        const img = document.createElement('img');
        img.src = 'https://example.invalid/probe.png';
        document.body.appendChild(img);
        return typeof window.__cspProbe;
    }""")
    assert result == "undefined", "inline script ran despite the CSP"
    page.wait_for_timeout(300)
    # Chromium reports the attempt, but the CSP stops it before it reaches the network (our route).
    assert visit.blocked == [], f"CSP let a request through to the network: {visit.blocked}"
    assert ("https://example.invalid/probe.png", "csp") in visit.failed, visit.failed


# The #diffs section as the reader sees it: one <h3> per table ("db.table <small>(n)</small>"), then
# its rows, then an optional "N more rows of this table" note. textContent keeps newlines and tabs.
DIFF_GROUPS_JS = """() => {
    const groups = [];
    for (const h3 of document.querySelectorAll('#diffs h3')) {
        const small = h3.querySelector('small');
        const name = Array.from(h3.childNodes).filter(n => n !== small).map(n => n.textContent).join('');
        let el = h3.nextElementSibling;
        const table = el && el.localName === 'table' ? el : null;
        const head = table ? Array.from(table.querySelectorAll('tr:first-child th'), th => th.textContent) : [];
        const rows = table ? Array.from(table.querySelectorAll('tr:has(td)'),
            tr => Array.from(tr.querySelectorAll('td'), td => td.textContent)) : [];
        el = table ? table.nextElementSibling : el;
        const more = el && el.localName === 'p' && el.classList.contains('more') && el.id !== 'diffs-more'
            ? el.textContent : null;
        groups.push({name, count: small ? small.textContent : null, head, rows, more});
    }
    const more = document.querySelector('#diffs-more');
    return {groups, more: more ? more.textContent : null};
}"""


def test_diffs_table_rows(visit, report):
    """#diffs shows every inconsistent table with the first rows the inputs hold for it, at most
    HTML_ROWS_PER_TABLE of one table and MAX_HTML_ROWS in all, and says how many more are in csv/diffs.csv."""
    by_table: dict[str, list] = {}
    for e in expected_rows(report.spec):
        by_table.setdefault(shown(f"{e.source_db}.{e.source_table}"), []).append(e)
    found = visit.page.evaluate(DIFF_GROUPS_JS)
    groups = found["groups"]
    names = [g["name"].removesuffix(" ") for g in groups]
    assert len(names) == len(set(names)), f"a table is listed twice in #diffs: {names}"
    assert set(names) == set(by_table), (
        f"tables in #diffs: extra {sorted(set(names) - set(by_table))}, missing {sorted(set(by_table) - set(names))}")

    def key(values):
        kind, value = key_cell(values)
        return (kind, shown(value)) if kind == "text" else (kind, tuple(shown(v) for v in value))

    def shown_key(cell):
        kind, value = canonical_key_cell(cell)
        return (kind, shown(value)) if kind == "text" else (kind, tuple(shown(v) for v in value))

    total_shown = 0
    for name, group in zip(names, groups):
        rows = by_table[name]
        assert group["count"] == f"({len(rows)})", f"{name}: heading count {group['count']}, inputs hold {len(rows)}"
        take = min(HTML_ROWS_PER_TABLE, len(rows))
        assert len(group["rows"]) == take, f"{name}: {len(group['rows'])} rows shown, expected {take}"
        total_shown += len(group["rows"])
        one_sql = group["head"][-1] == "SELECT (source and target)"
        expected = multiset(
            (DIFF_KIND_LABELS_EN[e.kind], key(e.source_key), key(e.target_key))
            + ((shown(e.source_sql or e.target_sql),) if one_sql else (shown(e.source_sql), shown(e.target_sql)))
            for e in rows)
        if one_sql:
            assert all(e.source_sql == e.target_sql or not e.target_sql for e in rows), (
                f"{name}: one SELECT column although source and target SELECTs differ")
        actual = multiset((cells[0], shown_key(cells[1]), shown_key(cells[2]), *cells[3:]) for cells in group["rows"])
        unexpected = list((actual - expected).elements())
        assert not unexpected, f"{name}: rows in #diffs that the inputs do not hold: {unexpected[:3]}"
        rest = len(rows) - take
        if rest == 0:
            assert group["more"] is None, f"{name}: says {group['more']!r} although every row is shown"
        else:
            noun = "row" if rest == 1 else "rows"
            assert group["more"] == f"{rest} more {noun} of this table in csv/diffs.csv", (name, group["more"])
    total = expected_row_count(report.spec)
    assert total_shown == min(total, MAX_HTML_ROWS, sum(min(HTML_ROWS_PER_TABLE, len(r)) for r in by_table.values()))
    if total_shown < total:
        assert found["more"] == f"{total - total_shown} more rows in csv/diffs.csv", found["more"]
    else:
        assert found["more"] is None, found["more"]
    assert visit.page.locator("#diffs h2").inner_text().strip() == f"Inconsistent rows ({total})"
    cells = visit.page.eval_on_selector_all(
        "#summary tr", "rows => rows.map(r => Array.from(r.querySelectorAll('td'), td => td.innerText.trim()))")
    summary = {c[0]: c[1] for c in cells if len(c) == 2}
    assert summary.get("Inconsistent rows") == str(total), summary


def test_jobs_section_names_the_job(visit, report):
    """#jobs and the title show the job id and, when the inputs hold the job's detail, its name as text."""
    page = visit.page
    job = expected_job_id(report.spec)
    name = expected_job_name(report.spec)
    cells = page.eval_on_selector_all(
        "#jobs tr:has(td)", "rows => rows.map(r => Array.from(r.querySelectorAll('td'), td => td.textContent))")
    assert [c[0] for c in cells] == [job], cells
    assert cells[0][1] == (name or ""), cells[0]
    title = page.locator("h1#title").text_content().strip()
    assert job in title and (name is None or name in title), title
    assert page.title() == title
    assert_no_foreign_activity(visit)


_BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}


def shown(value):
    """How the page shows a value: bidirectional controls and other invisible controls are made
    visible as ⟨U+XXXX⟩, so data cannot reorder what the reader sees."""
    out = []
    for ch in value:
        c = ord(ch)
        if c in _BIDI or (c < 0x20 and ch not in "\n\t\r") or c == 0x7F:
            out.append("⟨U+%04X⟩" % c)
        else:
            out.append(ch)
    return "".join(out)


def test_bidi_controls_are_made_visible(browser, render):
    v, context = open_report(browser, render("hostile").html)
    try:
        text = v.page.inner_text("body")
        assert "\u202e" not in text
        assert "invoice⟨U+202E⟩txt.exe" in text
    finally:
        context.close()


def test_hostile_strings_are_text(browser, render):
    v, context = open_report(browser, render("hostile").html)
    try:
        page = v.page
        diffs_text = page.inner_text("#diffs")
        for s in HOSTILE_TEXTS:
            assert shown(s) in diffs_text, f"{s!r} not shown literally in #diffs"
        for e in expected_rows(INPUTS["hostile"]):
            for value in e.source_key + e.target_key + (e.source_sql, e.target_sql):
                assert shown(value) in diffs_text, f"{value!r} not shown literally in #diffs"
        tables_text = page.inner_text("#tables")
        assert "<script>alert(1)</script>" in tables_text and "<img src=x onerror=alert(1)>" in tables_text
        name = expected_job_name(INPUTS["hostile"])
        assert "www.evil.example" in name and "ops@evil.example" in name
        assert page.locator("#jobs td").nth(1).text_content() == name
        assert name in page.locator("h1#title").text_content()
        errors_text = page.inner_text("#errors")
        assert "<script>alert(1)</script>" in errors_text and "[x](javascript:alert(1))" in errors_text
        assert page.evaluate("document.scripts.length") == 0
        assert page.locator("img, iframe, object, embed, svg, form, link, base").count() == 0
        assert page.locator("a[href^='javascript' i]").count() == 0
        assert_no_foreign_activity(v)
    finally:
        context.close()


@pytest.mark.parametrize("name", sorted(SCREENSHOT_INPUTS))
def test_screenshot(browser, render, name):
    """Full-page screenshots for a human to look at; no pixel assertions."""
    SCREEN_DIR.mkdir(parents=True, exist_ok=True)
    v, context = open_report(browser, render(name).html)
    try:
        target = SCREEN_DIR / f"{name}.png"
        v.page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
        assert_no_foreign_activity(v)
    finally:
        context.close()


def test_harness_detects_requests_and_dialogs(browser, tmp_path):
    """Self-test: the recording above is not vacuous — a page that does fetch and alert is caught."""
    page_file = tmp_path / "bad.html"
    page_file.write_text('<!DOCTYPE html><img src="http://example.invalid/x.png"><script>alert("x")</script>',
                         encoding="utf-8")
    v, context = open_report(browser, page_file)
    try:
        assert v.blocked == ["http://example.invalid/x.png"]
        assert v.dialogs == ["alert: x"]
        with pytest.raises(AssertionError):
            assert_no_foreign_activity(v)
    finally:
        context.close()
