"""End-to-end fixtures for drs-report.

Every input is rendered once per session (per language) into a pytest temp dir by the real
binary. Expected inconsistent rows are derived here, independently of drs-report, straight from
the DRS response bodies, so the tests do not just echo the binary's own numbers back.

Environment:
  DRS_REPORT_BIN  path to the binary (default: <repo>/.build/debug/drs-report; a relative path
                  is taken relative to the repo root). A missing binary FAILS the suite.
  CHROMIUM        browser for Playwright (default /usr/bin/chromium); see the browser fixture.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "Tests" / "DRSReportTests" / "Fixtures"

NOW = "2026-11-21T00:00:00Z"
OBSERVED_AT = "2026-11-20T09:00:00Z"
RENDER_TIMEOUT_S = 600

OUTPUT_FILES = ("report.html", "report.md", "report.json", "report.xlsx", "csv/diffs.csv")

# Diffs columns as documented (csv/diffs.csv header and the en-us XLSX "Diffs" header row).
DIFFS_CSV_HEADER = [
    "job_id", "task_id", "source_db", "source_table", "target_db", "target_table", "diff_kind",
    "source_key", "target_key", "source_select_sql", "target_select_sql", "location_from_sql", "source_id",
]
DIFF_KIND_LABELS_EN = {
    "MISSING_ON_TARGET": "Missing on target",
    "MISSING_ON_SOURCE": "Missing on source",
    "DIFFERS": "Values differ",
}


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class InputSpec:
    name: str
    path: Path
    extra_args: tuple[str, ...] = ()


INPUTS = {
    "v5": InputSpec("v5", REPO_ROOT / "samples" / "v5-mysql-archive"),
    "v3": InputSpec("v3", REPO_ROOT / "samples" / "v3-mysql-responses", ("--observed-at", OBSERVED_AT)),
    "hostile": InputSpec("hostile", FIXTURES / "hostile"),
}


def drs_report_binary() -> Path:
    raw = os.environ.get("DRS_REPORT_BIN")
    path = Path(raw) if raw else REPO_ROOT / ".build" / "debug" / "drs-report"
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


# --------------------------------------------------------------------------------------------
# Independent expectations, read straight from the DRS response bodies
# --------------------------------------------------------------------------------------------

def input_files(spec: InputSpec) -> list[tuple[Path, int | None]]:
    """(file, HTTP status or None) of every response body drs-report reads for this input."""
    manifest = spec.path / "manifest.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        return [(spec.path / item["file"], item.get("status")) for item in data["responses"]]
    return [(p, None) for p in sorted(spec.path.rglob("*.json"))]


_IDENT = r"`((?:[^`]|``)*)`"
_FROM = re.compile(r"\bFROM\s+" + _IDENT + r"\." + _IDENT, re.S | re.I)


def db_table_from_sql(sql: str) -> tuple[str, str]:
    m = _FROM.search(sql)
    assert m, f"cannot find FROM `db`.`table` in {sql!r}"
    return m.group(1).replace("``", "`"), m.group(2).replace("``", "`")


@dataclasses.dataclass(frozen=True)
class ExpectedRow:
    source_db: str
    source_table: str
    target_db: str
    target_table: str
    kind: str
    source_key: tuple[str, ...]
    target_key: tuple[str, ...]
    source_sql: str
    target_sql: str

    @property
    def identity(self):
        return (self.source_sql, self.target_sql, self.source_key, self.target_key)


def _row(item: dict) -> ExpectedRow:
    src_sql = item.get("source_select_sql") or item.get("select_sql") or ""
    tgt_sql = item.get("target_select_sql") or ""
    src_key = tuple(item.get("source_key_value") or ())
    tgt_key = tuple(item.get("target_key_value") or ())
    # DRS: no source key = row only on the target; no target key = row only on the source.
    # (Checked against target_meta_is_null / source_meta_is_null of the samples.)
    if not src_key:
        kind = "MISSING_ON_SOURCE"
    elif not tgt_key:
        kind = "MISSING_ON_TARGET"
    else:
        kind = "DIFFERS"
    sdb, stab = db_table_from_sql(src_sql)
    tdb, ttab = db_table_from_sql(tgt_sql)
    return ExpectedRow(sdb, stab, tdb, ttab, kind, src_key, tgt_key, src_sql, tgt_sql)


def diff_items_in_body(body) -> list[dict]:
    """Inconsistent-row objects in one response body, for the three DRS shapes that carry them."""
    if not isinstance(body, dict):
        return []
    items: list[dict] = []
    info = ((body.get("job") or {}).get("compare_result") or {}).get("content_diff_detail_info")
    if isinstance(info, dict):  # v5 GET jobs/{id}?type=compare&compare_type=content_compare&query_type=diff
        items += info.get("contents_infos") or []
    if isinstance(body.get("contents_infos"), list):  # v3 GET …/content-difference
        items += body["contents_infos"]
    content = body.get("content_compare_results")
    if isinstance(content, dict):  # v3 POST jobs/query-compare-result
        for table in content.get("content_compare_diffs") or []:
            items += table.get("content_compare_diff") or []
    return items


def count_key_value_objects(node) -> int:
    """Every object anywhere that has source_key_value and target_key_value (shape-agnostic guard)."""
    if isinstance(node, dict):
        own = 1 if ("source_key_value" in node and "target_key_value" in node) else 0
        return own + sum(count_key_value_objects(v) for v in node.values())
    if isinstance(node, list):
        return sum(count_key_value_objects(v) for v in node)
    return 0


def raw_diff_rows(spec: InputSpec) -> dict[Path, list[ExpectedRow]]:
    """Inconsistent rows per input file, before counting rows delivered by two APIs once."""
    out: dict[Path, list[ExpectedRow]] = {}
    for path, status in input_files(spec):
        if status is not None and status != 200:
            continue
        body = json.loads(path.read_text(encoding="utf-8"))
        items = diff_items_in_body(body)
        assert len(items) == count_key_value_objects(body), (
            f"{path}: holds diff-row objects in a shape this test suite does not know")
        if items:
            out[path] = [_row(item) for item in items]
    return out


def expected_rows(spec: InputSpec) -> list[ExpectedRow]:
    """Distinct inconsistent rows (the same row from two APIs counts once), first-seen order."""
    seen: dict = {}
    for rows in raw_diff_rows(spec).values():
        for row in rows:
            seen.setdefault(row.identity, row)
    return list(seen.values())


def expected_row_count(spec: InputSpec) -> int:
    return len(expected_rows(spec))


def expected_verdict(spec: InputSpec) -> str:
    # Rule: INCONSISTENT as soon as any inconsistent row is present.
    assert expected_row_count(spec) > 0, "every input used here holds inconsistent rows"
    return "INCONSISTENT"


_JOB_IN_PATH = re.compile(r"/jobs/([^/?]+)")


def expected_job_ids(spec: InputSpec) -> set[str]:
    """DRS job ids the inputs name: the /jobs/{id} of every archived request, and the top-level
    "job_id" of loose v3 bodies."""
    ids: set[str] = set()
    manifest = spec.path / "manifest.json"
    if manifest.is_file():
        for item in json.loads(manifest.read_text(encoding="utf-8"))["responses"]:
            m = _JOB_IN_PATH.search(item.get("path") or "")
            if m:
                ids.add(m.group(1))
    for path, status in input_files(spec):
        if status is not None and status != 200:
            continue
        body = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(body, dict) and isinstance(body.get("job_id"), str):
            ids.add(body["job_id"])
    return ids


def expected_job_id(spec: InputSpec) -> str:
    ids = expected_job_ids(spec)
    assert len(ids) == 1, f"{spec.name}: expected the inputs to name exactly one job, found {sorted(ids)}"
    return next(iter(ids))


def expected_job_name(spec: InputSpec) -> str | None:
    """base_info.name of the job's own detail (GET jobs/{id}?type=detail), when the inputs hold it."""
    manifest = spec.path / "manifest.json"
    if not manifest.is_file():
        return None
    names = []
    for item in json.loads(manifest.read_text(encoding="utf-8"))["responses"]:
        if (item.get("query") or {}).get("type") == "detail" and item.get("status", 200) == 200:
            body = json.loads((spec.path / item["file"]).read_text(encoding="utf-8"))
            name = (((body.get("job") or {}).get("base_info")) or {}).get("name")
            if name:
                names.append(name)
    assert len(set(names)) <= 1, names
    return names[0] if names else None


def expected_rows_per_table(spec: InputSpec) -> collections.Counter:
    """Distinct inconsistent rows per (source db, source table, target db, target table)."""
    return collections.Counter((r.source_db, r.source_table, r.target_db, r.target_table) for r in expected_rows(spec))


def v5_line_counts(spec: InputSpec) -> list[tuple]:
    """(source db, source table, source rows, target rows, difference) of every table in the v5
    row-count comparison lists (compare_detail_type=compare), as integers; DRS sends them as strings."""
    def num(v):
        return None if v is None else int(v)

    out = []
    manifest = json.loads((spec.path / "manifest.json").read_text(encoding="utf-8"))
    for item in manifest["responses"]:
        q = item.get("query") or {}
        if q.get("compare_type") == "line_compare" and q.get("query_type") == "detail" \
                and q.get("compare_detail_type") == "compare":
            body = json.loads((spec.path / item["file"]).read_text(encoding="utf-8"))
            for r in body["job"]["compare_result"]["line_compare_detail_infos"]:
                out.append((q["source_db_name"], r["source_table_name"], num(r.get("source_row_num")),
                            num(r.get("target_row_num")), num(r.get("difference_row_num"))))
    assert out, "no row-count comparison lists in the v5 sample"
    return out


def expected_inputs_digest(spec: InputSpec) -> str:
    """sha256 over the sorted sha256s of the input files, joined by newlines."""
    digests = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p, _ in input_files(spec))
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


# --- cell encodings (documented in CSVWriter / docs/csv.md) ---------------------------------

def key_cell(values) -> tuple[str, object]:
    """Canonical form of a key cell as documented: a single value exactly as it is; several values
    joined by ", ", or a JSON array when one of them holds a comma or a double quote. JSON cells
    are compared decoded, so escaping details don't matter."""
    values = tuple(values)
    if len(values) >= 2 and any("," in v or '"' in v for v in values):
        return ("json", values)
    return ("text", ", ".join(values))


def canonical_key_cell(cell: str | None) -> tuple[str, object]:
    cell = cell or ""
    if cell.startswith("["):
        try:
            decoded = json.loads(cell)
        except ValueError:
            decoded = None
        if isinstance(decoded, list) and len(decoded) >= 2 and all(isinstance(v, str) for v in decoded):
            return ("json", tuple(decoded))
    return ("text", cell)


_PLAIN_NUMBER = re.compile(r"[+-][0-9]+(\.[0-9]*)?\Z")


def neutralised(text: str) -> str:
    """CSV formula neutralisation as specified: leading = + - @ TAB CR get an apostrophe,
    except plain numbers such as -5 or +3.2."""
    if not text:
        return text
    if text[0] in "=@\t\r":
        return "'" + text
    if text[0] in "+-":
        return text if _PLAIN_NUMBER.match(text) else "'" + text
    return text


def multiset(items) -> collections.Counter:
    return collections.Counter(items)


def assert_same_rows(actual, expected, where: str) -> None:
    """Multiset equality with a readable diff (first few extra / missing rows)."""
    actual, expected = multiset(actual), multiset(expected)
    extra = list((actual - expected).elements())
    missing = list((expected - actual).elements())
    assert not extra and not missing, (
        f"{where}: {len(extra)} row(s) not in the inputs, {len(missing)} input row(s) missing\n"
        f"  unexpected: {extra[:4]}\n  missing:    {missing[:4]}")


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Rendered:
    spec: InputSpec
    lang: str
    out: Path
    stdout: str

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def html(self) -> Path:
        return self.out / "report.html"

    @property
    def xlsx(self) -> Path:
        return self.out / "report.xlsx"

    @property
    def csv_dir(self) -> Path:
        return self.out / "csv"

    @property
    def diffs_csv(self) -> Path:
        return self.out / "csv" / "diffs.csv"


@pytest.fixture(scope="session")
def drs_bin() -> Path:
    path = drs_report_binary()
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"drs-report binary not found or not executable: {path}\n"
            f"Build it first (`swift build` in {REPO_ROOT}) or point DRS_REPORT_BIN at it.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def render(drs_bin, tmp_path_factory):
    """render(name, lang="en-us") -> Rendered; runs the binary once per (input, language)."""
    cache: dict[tuple[str, str], Rendered | str] = {}

    def _render(name: str, lang: str = "en-us") -> Rendered:
        key = (name, lang)
        if key not in cache:
            spec = INPUTS[name]
            out = tmp_path_factory.mktemp(f"render-{name}-{lang}")
            cmd = [str(drs_bin), "render", str(spec.path), "--out", str(out), "--now", NOW, *spec.extra_args]
            if lang != "en-us":
                cmd += ["--lang", lang]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RENDER_TIMEOUT_S, cwd=REPO_ROOT)
            except subprocess.TimeoutExpired:
                cache[key] = f"drs-report timed out after {RENDER_TIMEOUT_S}s: {' '.join(cmd)}"
            else:
                missing = [f for f in OUTPUT_FILES if not (out / f).is_file()]
                if proc.returncode != 0:
                    cache[key] = (f"drs-report exited {proc.returncode} (expected 0): {' '.join(cmd)}\n"
                                  f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
                elif missing:
                    cache[key] = f"drs-report exited 0 but did not write {missing} into {out}\n{proc.stdout}"
                else:
                    cache[key] = Rendered(spec, lang, out, proc.stdout)
        result = cache[key]
        if isinstance(result, str):
            pytest.fail(result, pytrace=False)
        return result

    return _render


@pytest.fixture(scope="session", params=list(INPUTS))
def report(request, render) -> Rendered:
    """Each input (v5, v3, hostile) rendered with the default options (en-us, all formats)."""
    return render(request.param)


# --------------------------------------------------------------------------------------------
# Browser (test_html_browser.py, test_html_navigation.py, test_html_polish.py, test_diff.py)
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session, launched from $CHROMIUM (never downloaded). Shared
    here because Playwright's sync API allows one running instance per process."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)):
        pytest.fail(f"Chromium not found at {chromium} (set CHROMIUM; apt install chromium)", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page_of(browser):
    """page_of(html, **open_report options) -> Visit; every context is closed at the end."""
    from test_html_browser import open_report

    contexts = []

    def _open(html: Path, **options):
        v, context = open_report(browser, html, **options)
        contexts.append(context)
        return v

    yield _open
    for context in contexts:
        context.close()
