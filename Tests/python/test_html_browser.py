"""report.html in a real headless Chromium (Playwright, sync API).

The browser is never downloaded: Chromium is launched from $CHROMIUM (default /usr/bin/chromium;
the session's `browser` fixture is in conftest.py).
Every request other than the report's own file:// URL is recorded and aborted, and the tests
assert that none happened. JavaScript stays enabled so injected script would actually run.

The page carries exactly one script: the text of templates/report.js, inline, allowed by the
Content-Security-Policy through its SHA-256 (script-src 'sha256-…'). Everything else — a second
script, an event handler, eval, a script URL — must stay impossible, and data from the inputs must
only ever be text. test_html_navigation.py covers what the script does (search, filter, sort).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

from conftest import (
    DIFF_KIND_LABELS_EN, INPUTS, REPO_ROOT, canonical_key_cell, expected_inputs_digest, expected_job_id,
    expected_job_name, expected_row_count, expected_rows, expected_verdict, key_cell, multiset,
)

# Screenshots for a human to look at (git-ignored: /out/ in .gitignore).
SCREEN_DIR = REPO_ROOT / "out" / "screenshots"
SCREENSHOT_INPUTS = {"v5", "v3", "hostile"}
REPORT_JS = REPO_ROOT / "templates" / "report.js"
SECTION_IDS = ["verdict", "charts", "summary", "jobs", "expiry", "tables", "databases", "objects", "diffs",
               "not-compared", "errors", "progress", "sources"]
MAX_HTML_ROWS = 1000  # drs-report default: inconsistent rows kept for HTML in all
HTML_ROWS_PER_TABLE = 20  # drs-report default: inconsistent rows shown of one table
# Links that may leave the page: only these sibling files of report.html, never a URL.
RELATIVE_HREF = re.compile(r"(csv/[a-z_]+\.csv|report\.(json|md|xlsx))\Z")

# Strings from the hostile fixture that must show up as literal text.
HOSTILE_TEXTS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","x")', "+SUM(1,2)", "-2+3", "@SUM(1)", "```", "`tick`", "tbl```",
    "🚀🧨", "مرحبا שלום", "invoice\u202etxt.exe", "中文表", "&amp;", "**bold**", "[x](javascript:alert(1))",
    "a|b|c", "line1\nline2\tcol2", "\"dq\" 'sq'",
]
# Tags the report may use; anything else (img, iframe, object, embed, form, link, base, foreignObject,
# use, image, …) fails. svg/g/rect/text/title draw the charts; input/select/option/button/label/output
# make the toolbar; script is allowed only as the single hashed inline script (checked separately).
SVG_TAGS = {"svg", "g", "rect", "text", "title"}
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section", "nav", "div", "span",
    "h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "colgroup", "col", "code", "pre", "small", "strong", "em", "b", "i", "br", "hr", "details", "summary", "a",
    "abbr", "time", "dl", "dt", "dd", "sup", "sub", "kbd", "mark", "figure", "figcaption",
    "input", "select", "option", "button", "label", "output", "script",
} | SVG_TAGS


class Visit:
    def __init__(self, url: str):
        self.url = url
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        self.failed: list[tuple[str, str | None]] = []
        self.context = None
        self.page = None
        self.response = None

    def csp_violations(self) -> list[str]:
        """securitypolicyviolation events seen by the page (recorded by an init script, which the
        page's CSP does not govern)."""
        return self.page.evaluate("window.__drsCspViolations || []")


# Runs before the page's own script; records every CSP violation the page raises.
RECORD_CSP_VIOLATIONS = """
window.__drsCspViolations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__drsCspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '')), true);
"""


def open_report(browser, path: Path, *, java_script_enabled: bool = True, viewport=None) -> tuple[Visit, object]:
    url = path.resolve().as_uri()
    visit = Visit(url)
    context = browser.new_context(service_workers="block", viewport=viewport or {"width": 1400, "height": 900},
                                  java_script_enabled=java_script_enabled)
    context.add_init_script(RECORD_CSP_VIOLATIONS)

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
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
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
    assert v.console_errors == [], f"console errors (a CSP refusal shows up here): {v.console_errors}"
    assert v.csp_violations() == [], f"CSP violations: {v.csp_violations()}"


def csp_directives(page) -> dict[str, list[str]]:
    csps = page.eval_on_selector_all('meta[http-equiv="Content-Security-Policy" i]', "els => els.map(e => e.content)")
    assert len(csps) == 1, csps
    directives: dict[str, list[str]] = {}
    for part in csps[0].split(";"):
        words = part.split()
        if words:
            assert words[0].lower() not in directives, f"directive {words[0]} given twice: {csps[0]}"
            directives[words[0].lower()] = words[1:]
    return directives


def sha256_source(text: str) -> str:
    """CSP hash source of a script text (the UTF-8 bytes of the element's text, as browsers hash it)."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def assert_only_the_hashed_script(page, html: Path) -> None:
    """Exactly one script, inline, attribute-less, the text of templates/report.js, allowed by its
    SHA-256 and by nothing else; and the browser did run it (the toolbar it reveals is visible)."""
    raw = html.read_text(encoding="utf-8")
    assert len(re.findall(r"<script\b", raw, re.I)) == 1 and len(re.findall(r"</script\b", raw, re.I)) == 1, (
        "the file holds a script tag other than the hashed one")
    scripts = page.evaluate("""Array.from(document.querySelectorAll('script'), s => ({
        attrs: Array.from(s.attributes, a => a.name), text: s.textContent, parent: s.parentElement.localName,
        last: s === document.body.lastElementChild, ns: s.namespaceURI}))""")
    assert page.evaluate("document.scripts.length") == 1 and len(scripts) == 1, f"scripts: {len(scripts)}"
    script = scripts[0]
    assert script["attrs"] == [], f"the script has attributes (src, type, nonce, …): {script['attrs']}"
    assert script["parent"] == "body" and script["last"], "the script is not the last element of <body>"
    assert script["ns"] == "http://www.w3.org/1999/xhtml", script["ns"]
    assert script["text"] == REPORT_JS.read_text(encoding="utf-8"), "the script is not templates/report.js verbatim"
    directives = csp_directives(page)
    assert directives.get("script-src") == [sha256_source(script["text"])], (
        f"script-src {directives.get('script-src')} does not allow exactly the script's hash "
        f"{sha256_source(script['text'])}")
    assert page.locator("#tools").is_visible(), "the toolbar stayed hidden: the browser did not run the script"


# Whether the browser lays out (renders) an element's content now: false while a
# content-visibility:auto ancestor skips it for being off-screen.
_RENDERED_JS = """el => { const t = el.firstElementChild || el;
    return t.checkVisibility({contentVisibilityAuto: true}) || !t.checkVisibility(); }"""


def read_text(page, selector: str) -> str:
    """innerText (what the reader sees) of an element. Long sections use content-visibility: auto,
    which leaves their text out of innerText until they are near the viewport, so scroll there and
    wait until the browser renders it. (Polled from here: with JavaScript off, page-side promises never
    settle.)"""
    element = page.locator(selector).first
    element.scroll_into_view_if_needed()
    for _ in range(200):
        if element.evaluate(_RENDERED_JS):
            break
        page.wait_for_timeout(20)
    else:
        raise AssertionError(f"{selector} is still not rendered after scrolling to it")
    return page.inner_text(selector)


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


def test_no_network_and_only_the_hashed_script(visit, report):
    page = visit.page
    page.wait_for_timeout(300)  # give anything deferred a chance to fire
    assert_no_foreign_activity(visit)
    assert_only_the_hashed_script(page, report.html)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img, iframe, object, embed, form, link, base, frame, frameset, audio, video").count() == 0
    tags = set(page.evaluate("Array.from(document.querySelectorAll('*'), e => e.localName)"))
    assert tags <= ALLOWED_TAGS, f"unexpected elements: {sorted(tags - ALLOWED_TAGS)}"
    # SVG only as the charts: inline <svg class="chart" role="img"> in #charts, titled, drawn from SVG_TAGS.
    svgs = page.evaluate("""Array.from(document.querySelectorAll('svg'), s => ({
        chart: s.matches('#charts figure > svg.chart[role=img]'), title: s.firstElementChild
            && s.firstElementChild.localName === 'title' ? s.firstElementChild.textContent : null,
        tags: Array.from(s.querySelectorAll('*'), e => e.localName)}))""")
    for svg in svgs:
        assert svg["chart"], "an <svg> outside #charts figure > svg.chart[role=img]"
        assert svg["title"] and svg["title"].strip(), "a chart without a <title> first"
        assert set(svg["tags"]) <= SVG_TAGS, f"chart elements: {sorted(set(svg['tags']) - SVG_TAGS)}"
    handlers = page.evaluate("""Array.from(document.querySelectorAll('*')).flatMap(e =>
        Array.from(e.attributes).filter(a => a.name.toLowerCase().startsWith('on')
            || ['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc', 'style'].includes(a.name.toLowerCase())
               && /^\\s*(javascript|vbscript|data):|url\\(/i.test(a.value))
        .map(a => e.localName + '[' + a.name + '=' + a.value + ']'))""")
    assert handlers == [], f"event handlers / script URLs in the DOM: {handlers[:5]}"
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    leaving = [h for h in hrefs if not h.startswith("#") and not RELATIVE_HREF.match(h)]
    assert leaving == [], f"links leaving the page (only #… and csv/…, report.* are allowed): {leaving}"
    # Every control is the toolbar's; there is no form to submit anywhere.
    controls = page.eval_on_selector_all("input, select, button, output", "els => els.map(e => e.id)")
    assert sorted(controls) == sorted(["q", "f-outcome", "f-kind", "f-clear", "filter-status"]), controls
    assert page.locator("#tools input, #tools select, #tools button, #tools output").count() == len(controls)


def test_csp_allows_only_the_hashed_script(visit, report):
    page = visit.page
    directives = csp_directives(page)
    assert directives.get("default-src") == ["'none'"], directives
    script_src = directives.get("script-src")
    assert script_src and len(script_src) == 1 and re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", script_src[0]), (
        f"script-src must be exactly one sha256 hash: {script_src}")
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    for name in ("script-src-elem", "script-src-attr", "connect-src", "frame-src", "child-src",
                 "worker-src", "object-src", "font-src", "media-src", "manifest-src", "prefetch-src"):
        assert directives.get(name, ["'none'"]) == ["'none'"], f"{name} is opened up: {directives[name]}"
    assert directives.get("base-uri") == ["'none'"], directives.get("base-uri")
    assert directives.get("form-action") == ["'none'"], directives.get("form-action")
    assert set(directives.get("img-src", ["'none'"])) <= {"'none'", "data:"}, directives.get("img-src")
    assert set(directives.get("style-src", ["'none'"])) <= {"'none'", "'unsafe-inline'"}, directives.get("style-src")
    assert_only_the_hashed_script(page, report.html)  # the hash is that of the page's one script
    assert_no_foreign_activity(visit)  # … and the browser accepted it: no violation while loading
    # The policy is in force: injected script, an injected handler, string code (eval) and a
    # javascript: link do not run, and an injected remote image is not fetched.
    result = page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__cspProbe = 1';
        document.head.appendChild(s);
        const b = document.createElement('button');
        b.setAttribute('onclick', 'window.__cspProbe2 = 1');
        document.body.appendChild(b);
        b.click();
        setTimeout('window.__cspProbe3 = 1', 0);  // string code = eval: needs 'unsafe-eval'
        const a = document.createElement('a');
        a.href = 'javascript:window.__cspProbe4 = 1';
        document.body.appendChild(a);
        a.click();
        const img = document.createElement('img');
        img.src = 'https://example.invalid/probe.png';
        document.body.appendChild(img);
        return new Promise(r => setTimeout(() => r([typeof window.__cspProbe, typeof window.__cspProbe2,
            typeof window.__cspProbe3, typeof window.__cspProbe4]), 100));
    }""")
    assert result == ["undefined"] * 4, f"script ran despite the CSP: {result}"
    page.wait_for_timeout(300)
    # Chromium reports the attempt, but the CSP stops it before it reaches the network (our route).
    assert visit.blocked == [], f"CSP let a request through to the network: {visit.blocked}"
    assert ("https://example.invalid/probe.png", "csp") in visit.failed, visit.failed
    violated = {v.split()[0] for v in visit.csp_violations()}
    assert {"script-src-elem", "script-src-attr", "img-src"} <= violated, violated


# The #diffs section as the reader sees it: one div.diff-group per table, each an <h3>
# ("db.table <small>(n)</small>", the name linking back to the table's ledger row), its rows in a
# <table> with <thead>/<tbody>, then an optional "N more rows of this table" note. textContent keeps
# newlines and tabs.
DIFF_GROUPS_JS = """() => {
    const groups = [];
    const section = document.querySelector('#diffs');
    for (const group of section.querySelectorAll(':scope > .diff-group')) {
        const h3 = group.querySelector(':scope > h3');
        const small = h3 && h3.querySelector(':scope > small');
        const name = h3 ? Array.from(h3.childNodes).filter(n => n !== small).map(n => n.textContent).join('') : null;
        const table = group.querySelector('table');
        const head = table ? Array.from(table.querySelectorAll(':scope > thead > tr > th'), th => th.textContent) : [];
        const rows = table ? Array.from(table.querySelectorAll(':scope > tbody > tr'),
            tr => Array.from(tr.querySelectorAll('td'), td => td.textContent)) : [];
        const notes = group.querySelectorAll(':scope > p.more');
        groups.push({name, count: small ? small.textContent : null, head, rows,
                     more: notes.length ? notes[notes.length - 1].textContent : null, notes: notes.length});
    }
    const more = document.querySelector('#diffs-more');
    return {groups, more: more ? more.textContent : null, h3s: section.querySelectorAll('h3').length,
            tables: section.querySelectorAll('table').length};
}"""


def test_diffs_table_rows(visit, report):
    """#diffs shows every inconsistent table with the first rows the inputs hold for it, at most
    HTML_ROWS_PER_TABLE of one table and MAX_HTML_ROWS in all, and says how many more are in csv/diffs.csv."""
    by_table: dict[str, list] = {}
    for e in expected_rows(report.spec):
        by_table.setdefault(shown(f"{e.source_db}.{e.source_table}"), []).append(e)
    found = visit.page.evaluate(DIFF_GROUPS_JS)
    groups = found["groups"]
    assert found["h3s"] == found["tables"] == len(groups), (
        f"#diffs holds headings or tables outside a .diff-group: {found['h3s']} h3, {found['tables']} tables, "
        f"{len(groups)} groups")
    assert all(g["notes"] <= 1 for g in groups), "a diff group with more than one 'more rows' note"
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
    assert read_text(visit.page, "#diffs h2").strip() == f"Inconsistent rows ({total})"
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
        page = v.page
        # No raw bidi control anywhere in the document's text (skipped or not), nor in the tab title.
        everything = page.evaluate("document.documentElement.textContent")
        assert not any(ord(ch) in _BIDI for ch in everything), "a raw bidirectional control in the page text"
        assert not any(ord(ch) in _BIDI for ch in page.title())
        assert "invoice⟨U+202E⟩txt.exe" in read_text(page, "#diffs")
        assert "invoice⟨U+202E⟩txt.exe" in page.inner_text("#charts")
    finally:
        context.close()


# Chart labels are names cut to fit, ending in "…" when cut.
CHART_LABELS_JS = """Array.from(document.querySelectorAll('#charts svg.chart'), svg => ({
    title: svg.querySelector(':scope > title').textContent,
    labels: Array.from(svg.querySelectorAll('text.chart-label'), t => t.textContent),
    values: Array.from(svg.querySelectorAll('text.chart-value'), t => t.textContent)}))"""


def test_hostile_strings_are_text(browser, render):
    v, context = open_report(browser, render("hostile").html)
    try:
        page = v.page
        diffs_text = read_text(page, "#diffs")
        for s in HOSTILE_TEXTS:
            assert shown(s) in diffs_text, f"{s!r} not shown literally in #diffs"
        for e in expected_rows(INPUTS["hostile"]):
            for value in e.source_key + e.target_key + (e.source_sql, e.target_sql):
                assert shown(value) in diffs_text, f"{value!r} not shown literally in #diffs"
        tables_text = read_text(page, "#tables")
        assert "<script>alert(1)</script>" in tables_text and "<img src=x onerror=alert(1)>" in tables_text
        name = expected_job_name(INPUTS["hostile"])
        assert "www.evil.example" in name and "ops@evil.example" in name
        assert page.locator("#jobs td").nth(1).text_content() == name
        assert name in page.locator("h1#title").text_content()
        errors_text = read_text(page, "#errors")
        assert "<script>alert(1)</script>" in errors_text and "[x](javascript:alert(1))" in errors_text
        # Table names in the charts are SVG text too, never markup.
        names = {shown(f"{e.source_db}.{e.source_table}") for e in expected_rows(INPUTS["hostile"])}
        charts = page.evaluate(CHART_LABELS_JS)
        top = [c for c in charts if any("<script>" in label for label in c["labels"])]
        assert len(top) == 1, f"no chart lists the hostile table names: {charts}"
        for label in top[0]["labels"]:
            assert label in names or (label.endswith("…") and any(n.startswith(label[:-1]) for n in names)), (
                f"chart label {label!r} is not (a cut of) a table name of the inputs")
        # Nothing executable came out of the data: one script, the hashed one.
        assert_only_the_hashed_script(page, render("hostile").html)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("img, iframe, object, embed, form, link, base, foreignObject, use, image").count() == 0
        assert page.locator("svg:not(#charts svg.chart)").count() == 0
        assert page.locator("a[href^='javascript' i], a[href^='data' i], a[href*='evil' i]").count() == 0
        assert_no_foreign_activity(v)
    finally:
        context.close()


@pytest.mark.parametrize("name", sorted(SCREENSHOT_INPUTS))
def test_screenshot(browser, render, name):
    """Full-page screenshots for a human to look at (out/screenshots/); no pixel assertions."""
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


def test_script_checks_catch_a_second_or_edited_script(browser, render, tmp_path):
    """Self-test: assert_only_the_hashed_script is not vacuous. A copy of the page with one more
    inline script, or with the hashed script edited by one character, is caught: the extra script is
    refused by the CSP and counted, the edited one is refused (the toolbar stays hidden)."""
    html = render("v5").html.read_text(encoding="utf-8")
    extra = tmp_path / "extra.html"
    extra.write_text(html.replace("</main>", "</main><script>window.__pwned = 1</script>"), encoding="utf-8")
    edited = tmp_path / "edited.html"
    assert html.count('"use strict";') == 1
    edited.write_text(html.replace('"use strict";', '"use strict"; '), encoding="utf-8")
    for page_file in (extra, edited):
        v, context = open_report(browser, page_file)
        try:
            assert v.page.evaluate("typeof window.__pwned") == "undefined", "the CSP let an unhashed script run"
            with pytest.raises(AssertionError):
                assert_only_the_hashed_script(v.page, page_file)
            with pytest.raises(AssertionError):
                assert_no_foreign_activity(v)  # the refusal is a console error and a CSP violation
        finally:
            context.close()
    v, context = open_report(browser, edited)
    try:
        assert not v.page.locator("#tools").is_visible(), "an edited script ran despite the hash"
    finally:
        context.close()
