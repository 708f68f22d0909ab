"""report.md rendered by a real GitHub-Flavored-Markdown renderer: cmarkgfm (Python bindings to
cmark-gfm, the parser GitHub uses; pip install cmarkgfm).

GitHub renders Markdown with raw HTML allowed (CMARK_OPT_UNSAFE) and the GFM extensions (table,
autolink, tagfilter, strikethrough, tasklist), and only then sanitises the HTML. The sanitiser is
not the report's defence, so these tests look at cmark-gfm's output itself: nothing from the data
may become a link, an image or a script. The hostile job name holds a bare domain
(www.evil.example), an e-mail address (ops@evil.example), a URL (http://evil.example) and a
Markdown link ([x](javascript:alert(1))), each of which GFM would turn into <a> if left as is.

The tagfilter extension rewrites "<script" to "&lt;script" on its own, which would hide a raw
<script> that leaked from the data; so every page is also rendered with the same extensions minus
tagfilter, and both renderings are checked.
"""

from __future__ import annotations

import html
import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from conftest import INPUTS, expected_job_id, expected_job_name, expected_rows

MD_INPUTS = ["hostile", "v5"]
MAX_UTF16_UNITS = 60_000
UNSAFE = Options.CMARK_OPT_UNSAFE
GFM_WITHOUT_TAGFILTER = ["table", "autolink", "strikethrough", "tasklist"]
# Elements plain Markdown syntax produces (plus <br>, which the writer uses for line breaks in cells).
ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "code", "pre",
    "strong", "em", "hr", "br", "blockquote",
}
SQL_COMMENTS = {"-- SELECT (source and target)", "-- Source SELECT", "-- Target SELECT"}


def as_github(text: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(text, options=UNSAFE)


def without_tagfilter(text: str) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(
        text, options=UNSAFE | Options.CMARK_OPT_GITHUB_PRE_LANG, extensions=GFM_WITHOUT_TAGFILTER)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def active_markup(page: str) -> list[str]:
    """Links, images, scripts and any element Markdown syntax itself would not produce."""
    found = re.findall(r"<a[\s>][^>]*>?", page, re.I)
    found += re.findall(r"<script[^>]*>?", page, re.I)
    found += re.findall(r"<img[^>]*>?", page, re.I)
    tags = {t.lower() for t in re.findall(r"</?([a-zA-Z][a-zA-Z0-9-]*)", page)}
    found += [f"<{t}>" for t in sorted(tags - ALLOWED_TAGS)]
    return found


def visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


def sql_blocks(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<pre lang="sql"><code>(.*?)</code></pre>', page, re.S)]


def unparsed_sql(block: str, statements: set[str]) -> str | None:
    """None when the block is exactly the writer's comments plus whole statements from the inputs,
    one per line and each ended by ";"; else the text from the first part that is neither."""
    i = 0
    ordered = sorted(statements, key=len, reverse=True)  # longest first: one statement may prefix another
    while i < len(block):
        line_end = block.find("\n", i)
        line = block[i:] if line_end < 0 else block[i:line_end]
        if line in SQL_COMMENTS:
            i = len(block) if line_end < 0 else line_end + 1
            continue
        for sql in ordered:
            stmt = sql if sql.endswith(";") else sql + ";"
            if block.startswith(stmt, i) and block[i + len(stmt):i + len(stmt) + 1] in ("", "\n"):
                i += len(stmt) + 1
                break
        else:
            return block[i:i + 200]
    return None


@pytest.fixture(scope="module", params=MD_INPUTS)
def md(request, render):
    """(rendered report, report.md text, GitHub rendering, rendering without tagfilter)."""
    rendered = render(request.param)
    text = (rendered.out / "report.md").read_text(encoding="utf-8")
    return rendered, text, as_github(text), without_tagfilter(text)


def test_no_links_images_or_scripts(md):
    rendered, _, github, unfiltered = md
    for name, page in (("GitHub rendering", github), ("rendering without tagfilter", unfiltered)):
        found = active_markup(page)
        assert not found, f"{rendered.name}: report.md {name} holds active markup from the data: {found[:10]}"


def test_job_is_named_at_the_top(md):
    """The first heading names the job id and its name, shown as text, so the absence of links above
    is not because the hostile name was left out. An invisible WORD JOINER (U+2060) may sit inside
    it: that is how an e-mail address is kept from being autolinked."""
    rendered, _, github, _ = md
    m = re.search(r"<h1>(.*?)</h1>", github, re.S)
    assert m and github.index("<h1>") == 0, f"{rendered.name}: report.md does not start with a title heading"
    title = visible_text(m.group(1)).replace("\u2060", "")
    assert expected_job_id(rendered.spec) in title, title
    name = expected_job_name(rendered.spec)
    assert name and name in title, f"{rendered.name}: job name {name!r} not shown as text in the title {title!r}"
    if rendered.name == "hostile":
        for bait in ("www.evil.example", "ops@evil.example", "http://evil.example", "[x](javascript:alert(1))",
                     "<script>alert(1)</script>", '=HYPERLINK("http://evil.example","x")'):
            assert bait in name


def visible_controls(text: str) -> str:
    hidden = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C, 0x7F}
    return "".join(f"⟨U+{ord(c):04X}⟩" if ord(c) in hidden or (ord(c) < 0x20 and c not in "\t\n\r") else c for c in text)


def test_bidi_controls_are_visible_not_live(md):
    """U+202E in data would reorder what a reader of the ticket sees; report.md shows it instead."""
    rendered, text, github, _ = md
    assert "\u202e" not in text and "&#x202E;" not in text.upper().replace("&#X", "&#x")
    assert "\u202e" not in github
    if rendered.name == "hostile":
        assert "⟨U+202E⟩" in text


def test_sql_blocks_hold_the_selects_verbatim(md):
    """One ```sql block per inconsistent table shown, and each renders as code holding only whole
    SELECT statements from the inputs, so no backtick in the data closed the fence early."""
    rendered, text, github, _ = md
    blocks = sql_blocks(github)
    groups = re.findall(r"^### ", text, re.M)
    assert blocks and len(blocks) == len(groups), f"{rendered.name}: {len(blocks)} sql blocks for {len(groups)} tables"
    # Bidirectional and C0 controls are shown as ⟨U+XXXX⟩ in the block, so it reads as its bytes are.
    statements = {visible_controls(sql) for e in expected_rows(rendered.spec) for sql in (e.source_sql, e.target_sql) if sql}
    for block in blocks:
        rest = unparsed_sql(block, statements)
        assert rest is None, f"{rendered.name}: sql block holds text that is not a SELECT from the inputs: {rest!r}"


def test_page_fits_githubs_limit(md):
    rendered, text, _, _ = md
    units = utf16_units(text)
    assert units <= MAX_UTF16_UNITS, f"{rendered.name}: report.md is {units} UTF-16 code units (limit {MAX_UTF16_UNITS})"


def test_harness_detects_links_and_raw_html():
    """Self-test: the checks above are not vacuous. Each bait, left unescaped, is caught."""
    baits = {
        "www.evil.example": "<a",
        "ops@evil.example": "<a",
        "http://evil.example": "<a",
        "[x](javascript:alert(1))": "<a",
        "<img src=x onerror=alert(1)>": "<img",
        "<svg onload=alert(1)>": "<svg>",
    }
    for bait, tag in baits.items():
        found = active_markup(as_github(f"# t\n\n{bait}\n"))
        assert any(f.lower().startswith(tag) for f in found), f"{bait!r} not caught: {found}"
    # tagfilter hides a raw script from the GitHub rendering; the unfiltered one shows it.
    assert not re.search(r"<script", as_github("<script>alert(1)</script>\n"), re.I)
    assert active_markup(without_tagfilter("<script>alert(1)</script>\n"))
    assert utf16_units("🚀a") == 3  # an astral character is two UTF-16 code units
    assert unparsed_sql("-- Source SELECT\nSELECT 1;\nSELECT 2;", {"SELECT 1", "SELECT 2"}) is None
    assert unparsed_sql("SELECT 1;\n```\n**x**", {"SELECT 1"}) == "```\n**x**"
