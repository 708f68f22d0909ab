"""--meta KEY=VALUE and --sign-off "Reviewer,Approver": where the fields show up, how they are
escaped, what is rejected, and that nothing is added when they are not given.

One render of samples/v5-mysql-archive with a plain field and a hostile one ("prod <b>&</b>"):
  report.html   <dl id="meta"> (dt = key, dd = value, escaped: no <b> element) and #sign-off rows
  report.md     "- **key:** value" lines in the header, escaped
  report.xlsx   Summary rows right after Title, then a "Sign-off: <role>" row per role
  csv/summary.csv  item "meta.<key>", value
  evidence.json "meta": [{"key", "value"}] in the order given; options.sign_off
"""

from __future__ import annotations

import csv
import html.parser
import json
import subprocess
import warnings

import cmarkgfm
import openpyxl
import pytest
from cmarkgfm.cmark import Options

from conftest import NOW, REPO_ROOT, drs_report_binary

SAMPLE = REPO_ROOT / "samples" / "v5-mysql-archive"
HOSTILE = "prod <b>&</b>"
# Given in this order on purpose: not alphabetical, so a sorted list would show up.
META = [("ticket", "CHG-1234"), ("env", HOSTILE)]
ROLES = ["Reviewer", "Approver"]
ARGS = ["--now", NOW, "--meta", "ticket=CHG-1234", "--meta", f"env={HOSTILE}", "--sign-off", "Reviewer,Approver"]


def run(*args, timeout=300):
    return subprocess.run([str(drs_report_binary()), *args], capture_output=True, text=True, timeout=timeout,
                          cwd=REPO_ROOT)


@pytest.fixture(scope="module")
def out(drs_bin, tmp_path_factory):
    folder = tmp_path_factory.mktemp("meta") / "out"
    proc = run("render", str(SAMPLE), "--out", str(folder), *ARGS)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return folder


# --- HTML ------------------------------------------------------------------------------------

class Collector(html.parser.HTMLParser):
    """Start tags (with the ids of their open ancestors), and the text of dt/dd in #meta and of
    the cells of #sign-off."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.meta: list[list[str]] = []      # [tag, text] for dt and dd inside #meta
        self.sign_off_head: list[str] = []
        self.sign_off_rows: list[list[str]] = []
        self.ids: list[str] = []
        self.ancestors: dict[str, tuple[str, tuple[str, ...]]] = {}  # id -> (tag, open ancestor tags)
        self._cell: list[str] | None = None

    VOID = {"br", "img", "meta", "link", "input", "hr", "source", "wbr", "col", "area", "base", "embed", "track"}

    def inside(self, ident: str) -> bool:
        return any(i == ident for _, i in self.stack)

    def handle_starttag(self, tag, attrs):
        ident = dict(attrs).get("id")
        if ident:
            self.ids.append(ident)
            self.ancestors.setdefault(ident, (tag, tuple(t for t, _ in self.stack)))
        self.tags.append((tag, tuple(i for _, i in self.stack if i)))
        if tag in ("dt", "dd") and self.inside("meta"):
            self.meta.append([tag, ""])
        if self.inside("sign-off"):
            if tag == "tr" and any(t == "tbody" for t, _ in self.stack):
                self.sign_off_rows.append([])
            if tag in ("td", "th"):
                self._cell = [tag, ""]
        if tag not in self.VOID:
            self.stack.append((tag, ident))

    def handle_endtag(self, tag):
        if self._cell is not None and tag == self._cell[0]:
            if self._cell[0] == "th" and not any(t == "tbody" for t, _ in self.stack):
                self.sign_off_head.append(self._cell[1].strip())
            elif self.sign_off_rows:
                self.sign_off_rows[-1].append(self._cell[1].strip())
            self._cell = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.meta and self.inside("meta") and self.stack and self.stack[-1][0] == self.meta[-1][0]:
            self.meta[-1][1] += data
        if self._cell is not None:
            self._cell[1] += data


def parse_html(path) -> Collector:
    parser = Collector()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_html_header_lists_the_fields_in_order(out):
    page = parse_html(out / "report.html")
    assert page.ids.count("meta") == 1, "report.html should have exactly one #meta"
    assert [tag for tag, _ in page.meta] == ["dt", "dd"] * len(META), page.meta
    pairs = [(page.meta[i][1], page.meta[i + 1][1]) for i in range(0, len(page.meta), 2)]
    assert pairs == META
    # A <dl> in the page header, not somewhere further down.
    tag, parents = page.ancestors["meta"]
    assert tag == "dl" and "header" in parents, page.ancestors["meta"]


def test_html_hostile_value_is_escaped(out, render):
    text = (out / "report.html").read_text(encoding="utf-8")
    page = parse_html(out / "report.html")
    assert not [t for t, parents in page.tags if t == "b" and "meta" in parents], "a <b> element in #meta"
    # The page uses <b> itself (the counts); the field must not add one anywhere.
    plain = parse_html(render("v5").html)
    assert sum(t == "b" for t, _ in page.tags) == sum(t == "b" for t, _ in plain.tags), "a <b> element was added"
    assert "prod &lt;b&gt;&amp;&lt;/b&gt;" in text
    assert HOSTILE not in text


def test_html_sign_off_table(out):
    page = parse_html(out / "report.html")
    assert page.ids.count("sign-off") == 1
    assert page.sign_off_head == ["Role", "Name", "Date", "Signature"]
    assert [row[0] for row in page.sign_off_rows] == ROLES
    assert all(len(row) == 4 and row[1:] == ["", "", ""] for row in page.sign_off_rows), page.sign_off_rows


# --- Markdown --------------------------------------------------------------------------------

def test_md_header_lists_the_fields_escaped(out):
    md = (out / "report.md").read_text(encoding="utf-8")
    head = md.split("\n## ", 1)[0]  # before the first section (the verdict)
    assert "- **ticket:** CHG-1234\n" in head
    assert "- **env:** prod &lt;b&gt;&amp;&lt;/b&gt;\n" in head
    assert head.index("**ticket:**") < head.index("**env:**")
    assert HOSTILE not in md
    # As GitHub would render it (raw HTML allowed): no <b>, the value shown as typed.
    rendered = cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE)
    assert "<b>" not in rendered
    assert "<li><strong>env:</strong> prod &lt;b&gt;&amp;&lt;/b&gt;</li>" in rendered
    assert "<li><strong>ticket:</strong> CHG-1234</li>" in rendered


# --- XLSX ------------------------------------------------------------------------------------

def summary_rows(out):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl cannot parse the section-less footer
        wb = openpyxl.load_workbook(out / "report.xlsx")
    return [row for row in wb.worksheets[0].iter_rows(values_only=False)]


def test_xlsx_summary_has_the_fields_after_the_title(out):
    rows = summary_rows(out)
    assert rows[0][0].value == "Item"
    assert rows[1][0].value == "Title"
    got = [(r[0].value, r[1].value) for r in rows[2:2 + len(META)]]
    assert got == META
    for r in rows[2:2 + len(META)]:
        assert r[1].data_type == "s", f"{r[1].coordinate} is not a plain string cell"
    assert rows[2 + len(META)][0].value == "Verdict"


def test_xlsx_summary_has_a_sign_off_line_per_role(out):
    rows = [(r[0].value, r[1].value) for r in summary_rows(out) if r[0].value]
    sign = [(label, value) for label, value in rows if str(label).startswith("Sign-off")]
    assert [label for label, _ in sign] == [f"Sign-off: {role}" for role in ROLES]
    for _, value in sign:
        assert isinstance(value, str) and "Name:" in value and "Date:" in value and "Signature:" in value, value
        assert "____" in value


# --- CSV -------------------------------------------------------------------------------------

def test_summary_csv_has_the_fields_after_the_title(out):
    with open(out / "csv" / "summary.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["item", "value"]
    assert rows[1][0] == "title"
    assert rows[2:2 + len(META)] == [[f"meta.{k}", v] for k, v in META]
    assert rows[2 + len(META)][0] == "verdict"
    assert not [r for r in rows if r and r[0].lower().startswith("sign")], "sign-off is not a summary.csv item"


# --- evidence.json ---------------------------------------------------------------------------

def test_evidence_records_meta_in_order_and_sign_off(out):
    evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    assert evidence["meta"] == [{"key": k, "value": v} for k, v in META]
    assert evidence["options"].get("sign_off") == "Reviewer,Approver"


def test_evidence_still_verifies(out):
    proc = run("verify", str(out))
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"


# --- without the options ---------------------------------------------------------------------

def test_without_meta_nothing_is_added(render):
    rendered = render("v5")
    evidence = json.loads((rendered.out / "evidence.json").read_text(encoding="utf-8"))
    assert "meta" not in evidence
    assert "sign_off" not in evidence["options"]
    page = parse_html(rendered.html)
    assert "meta" not in page.ids and "sign-off" not in page.ids
    with open(rendered.csv_dir / "summary.csv", newline="", encoding="utf-8") as f:
        items = [r[0] for r in csv.reader(f)]
    assert not [i for i in items if i.startswith("meta.")]
    assert items[1:3] == ["title", "verdict"]
    labels = [r[0].value for r in summary_rows(rendered.out)]
    assert labels[1:3] == ["Title", "Verdict"]
    assert not [v for v in labels if isinstance(v, str) and v.startswith("Sign-off")]


# --- rejected --------------------------------------------------------------------------------

@pytest.mark.parametrize("meta, shown", [
    (["--meta", "bad key=1"], "bad key=1"),
    (["--meta", "ticket=CHG-1", "--meta", "ticket=CHG-2"], "ticket"),
    (["--meta", "ticket=CHG-1", "--meta", "Ticket=CHG-2"], "Ticket"),  # keys are compared ignoring case
    (["--meta", "noequals"], "noequals"),
    (["--meta", "=value"], "=value"),
    (["--meta", "k" * 65 + "=v"], "k" * 65),
    (["--meta", "k=" + "v" * 1001], "k=v"),
    (["--meta", "k=line1\nline2"], "--meta"),
], ids=["space-in-key", "duplicate", "duplicate-other-case", "no-equals", "empty-key", "key-too-long",
        "value-too-long", "control-in-value"])
def test_bad_meta_is_a_clear_error_and_writes_nothing(drs_bin, tmp_path, meta, shown):
    folder = tmp_path / "out"
    proc = run("render", str(SAMPLE), "--out", str(folder), "--now", NOW, *meta)
    assert proc.returncode == 2, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "--meta" in proc.stderr and shown in proc.stderr, proc.stderr
    assert "Fatal error" not in proc.stderr and "Stack dump" not in proc.stderr
    assert not folder.exists(), f"{folder} was created: {sorted(p.name for p in folder.iterdir())}"


def test_empty_sign_off_is_a_clear_error(drs_bin, tmp_path):
    folder = tmp_path / "out"
    proc = run("render", str(SAMPLE), "--out", str(folder), "--now", NOW, "--sign-off", " , ")
    assert proc.returncode == 2, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "--sign-off" in proc.stderr
    assert not folder.exists()
