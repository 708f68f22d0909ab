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

from conftest import INPUTS, expected_inputs_digest, expected_row_count, expected_rows, expected_verdict

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREEN_DIR = Path("/tmp/drs-report-screens")
SCREENSHOT_INPUTS = {"v5", "hostile"}
SECTION_IDS = ["verdict", "summary", "jobs", "expiry", "objects", "line", "content", "diffs", "not-compared",
               "errors", "progress", "sources"]
MAX_HTML_ROWS = 1000  # drs-report default --max-html-rows

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


def test_diffs_table_rows(visit, report):
    expected = expected_row_count(report.spec)
    rows = visit.page.locator("#diffs tr:has(td)").count()
    assert rows == min(expected, MAX_HTML_ROWS)
    if report.spec.name != "hostile":
        text = visit.page.inner_text("#diffs")
        for e in expected_rows(report.spec):
            assert e.source_sql in text, f"SELECT missing from #diffs: {e.source_sql!r}"
    summary = visit.page.locator("#summary tr").first.locator("td")
    assert summary.nth(1).inner_text().strip() == str(expected)  # "Inconsistent rows in input"


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
        assert "<script>alert(1)</script>" in page.inner_text("#line")
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
