"""`drs-report fetch` against a hostile DRS server (hostile_server.py), black-box, over loopback HTTP.

Every test checks, besides its own rule:
  * the exit code;
  * nothing written outside the --out parent (an empty cwd and HOME stay empty, no new /tmp entry
    that looks like ours, the test folder holds only what the harness made);
  * a failed fetch leaves no archive and no hidden ".<name>.partial-XXXX" folder;
  * the secret (token or SK) appears in no file under the out parent, nor in stdout or stderr.

The binary: DRS_REPORT_BIN (see conftest.py).
"""

from __future__ import annotations

import json
import secrets as pysecrets
import urllib.parse
from pathlib import Path

import pytest

import hostile_server as hs
from hostile_server import AK, JOB_ID, SK, TOKEN, HostileServer

WALL_CLOCK = 30          # seconds a fetch may take before the harness kills it
CLEAR_FAILURES = {1, 2, 10}
OUR_TMP_MARKERS = ("drs-hostile", ".partial")  # not "drs-report": the Swift unit tests make /tmp/drs-report-test-*

AUTHS = {
    "token": (hs.auth_env(token=TOKEN), [TOKEN]),
    "aksk": (hs.auth_env(ak=AK, sk=SK), [SK]),
}


# --------------------------------------------------------------------------------------------
# Fixtures and shared checks
# --------------------------------------------------------------------------------------------

@pytest.fixture
def serve():
    """serve(mode, **options) -> a started HostileServer, stopped after the test."""
    started: list[HostileServer] = []

    def _serve(mode: str, **options) -> HostileServer:
        server = HostileServer(mode, **options).start()
        started.append(server)
        return server

    yield _serve
    for server in started:
        server.stop()


@pytest.fixture
def tmp_snapshot():
    return hs.tmp_entries()


@pytest.fixture
def fetch(drs_bin, tmp_path):
    def _fetch(server: HostileServer, env: dict[str, str], *args: str, timeout: float = 2, retries: int = 1) -> hs.FetchRun:
        return hs.run_fetch(drs_bin, server.url, tmp_path, env=env, args=args, timeout=timeout, retries=retries,
                            wall_clock=WALL_CLOCK)
    return _fetch


def check_common(run: hs.FetchRun, secrets: list[str], tmp_before: set[str], *, ok: bool,
                 extra_allowed: tuple[str, ...] = ()) -> None:
    """The checks every test makes; `ok` says whether the fetch should have produced an archive."""
    where = run.describe()
    # Secrets: nowhere under the out parent, not on stdout or stderr.
    hits = hs.secret_hits(run.out_parent, secrets)
    assert not hits, f"a secret was written under {run.out_parent}: {hits}\n{where}"
    for secret in secrets:
        assert secret not in run.stdout, f"secret {secret!r} on stdout\n{where}"
        assert secret not in run.stderr, f"secret {secret!r} on stderr\n{where}"
    # Nothing outside the out parent.
    assert hs.listing(run.cwd) == [], f"the fetch wrote into its working directory: {hs.listing(run.cwd)}\n{where}"
    assert not any(run.home.rglob("*")), f"the fetch wrote into HOME: {hs.files_under(run.home)}\n{where}"
    new_tmp = sorted(n for n in hs.tmp_entries() - tmp_before if any(m in n for m in OUR_TMP_MARKERS))
    assert not new_tmp, f"new entries in /tmp: {new_tmp}\n{where}"
    workdir = run.out_parent.parent
    allowed = {"out", "cwd", "home", *extra_allowed}
    assert set(hs.listing(workdir)) <= allowed, f"unexpected entries beside the out folder: {hs.listing(workdir)}\n{where}"
    # Leftovers.
    leftovers = hs.partials(run.out_parent)
    assert not leftovers, f"staging folders left behind: {[p.name for p in leftovers]}\n{where}"
    if ok:
        assert hs.listing(run.out_parent) == ["archive"], f"out parent holds {hs.listing(run.out_parent)}\n{where}"
    else:
        assert not run.archive.exists(), f"a failed fetch left an archive: {hs.listing(run.archive)}\n{where}"
        assert hs.listing(run.out_parent) == [], f"a failed fetch left {hs.listing(run.out_parent)}\n{where}"


def assert_exit(run: hs.FetchRun, expected) -> None:
    assert not run.timed_out, f"did not exit within {WALL_CLOCK}s\n{run.describe()}"
    allowed = expected if isinstance(expected, (set, frozenset, tuple)) else {expected}
    assert run.returncode in allowed, f"expected exit {sorted(allowed)}\n{run.describe()}"
    if run.returncode != 0:
        assert "drs-report: error:" in run.stderr, f"a failure without an error line on stderr\n{run.describe()}"


def manifest(run: hs.FetchRun) -> dict:
    path = run.archive / "manifest.json"
    assert path.is_file(), f"no manifest.json in the archive: {hs.files_under(run.archive)}\n{run.describe()}"
    return json.loads(path.read_text(encoding="utf-8"))


def requests_per_target(server: HostileServer) -> dict[str, int]:
    counts: dict[str, int] = {}
    for request in server.requests:
        key = request.path + "?" + "&".join(sorted(request.raw_query.split("&")))
        counts[key] = counts.get(key, 0) + 1
    return counts


# --------------------------------------------------------------------------------------------
# 13. ok: the harness itself is sound
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("auth", list(AUTHS))
def test_ok_well_behaved_server(serve, fetch, tmp_snapshot, auth):
    env, secrets = AUTHS[auth]
    server = serve("ok")
    run = fetch(server, env)
    assert_exit(run, 0)
    check_common(run, secrets, tmp_snapshot, ok=True)
    data = manifest(run)
    assert data["job_id"] == JOB_ID
    assert not server.unknown, f"the client asked for something the server does not know: {[r.target for r in server.unknown]}"
    assert not server.refused_auth, "the server refused the client's credentials"
    assert len(data["responses"]) == len(server.requests), (data["responses"], server.requests)
    for entry in data["responses"]:
        json.loads((run.archive / entry["file"]).read_text(encoding="utf-8"))
        assert entry["status"] == 200, entry
    kinds = {(e["query"].get("compare_type"), e["query"].get("query_type")) for e in data["responses"]}
    assert {("data_compare", "list"), ("line_compare", "detail"), ("content_compare", "diff")} <= kinds, kinds


def test_ok_download_report_saves_result_files(serve, fetch, tmp_snapshot):
    """The result file is application/octet-stream, not JSON (as drs-emulator serves it)."""
    server = serve("ok")
    run = fetch(server, AUTHS["token"][0], "--download-report")
    assert_exit(run, 0)
    check_common(run, [TOKEN], tmp_snapshot, ok=True)
    data = manifest(run)
    saved = sorted(p.name for p in (run.archive / "report-files").iterdir())
    assert saved == sorted(f"{t}-{k}.bin" for t, k in [
        (hs.LINES_TASK, "lines"), (hs.CONTENTS_TASK, "contents"), (hs.OBJECT_TASK, "objects_comparison")]), saved
    for name in saved:
        assert (run.archive / "report-files" / name).read_bytes() == hs.REPORT_FILE_BYTES, name
    assert len(data.get("report_files") or []) == 3, data.get("report_files")


# --------------------------------------------------------------------------------------------
# 1. traversal
# --------------------------------------------------------------------------------------------

TRAVERSAL_VARIANTS = {
    # Enough "../" to reach / from any depth of pytest's tmp folder, so a naive join lands in /tmp.
    "successful": ("SUCCESSFUL", ""),
    # RUNNING makes the client also request compare-progress/{task id}, so the id lands in a path;
    # "?" and "#" must not end the path or start a fragment.
    "running-with-query-chars": ("RUNNING", "?x=1#frag"),
}


@pytest.mark.parametrize("variant", list(TRAVERSAL_VARIANTS))
def test_traversal_task_id(serve, fetch, tmp_snapshot, variant):
    status, suffix = TRAVERSAL_VARIANTS[variant]
    marker = f"drs-hostile-{pysecrets.token_hex(6)}"
    task_id = "../" * 12 + "tmp/" + marker + suffix
    server = serve("traversal", lines_task_id=task_id, task_status=status)
    try:
        run = fetch(server, AUTHS["token"][0], "--download-report")
        escaped = sorted(n for n in hs.tmp_entries(marker))
        assert not escaped, f"a file escaped the archive into /tmp: {escaped}\n{run.describe()}"
        strays = [p for p in run.out_parent.parent.rglob(f"*{marker}*")
                  if not p.resolve().is_relative_to((run.archive / "report-files").resolve())]
        assert not strays, f"files outside archive/report-files: {strays}\n{run.describe()}"
        assert_exit(run, {0, *CLEAR_FAILURES})
        check_common(run, [TOKEN], tmp_snapshot, ok=run.returncode == 0)
        if run.returncode != 0:
            # A refusal is fine only when it is about the task id, not a failure for another reason.
            error = [line for line in run.stderr.splitlines() if line.startswith("drs-report: error:")][-1]
            assert "task" in error.lower(), f"the fetch failed, but not over the task id: {error}\n{run.describe()}"
        else:
            data = manifest(run)
            report_dir = (run.archive / "report-files").resolve()
            for entry in data.get("report_files") or []:
                target = (run.archive / entry["file"]).resolve()
                assert target.is_relative_to(report_dir) and target.parent == report_dir, (
                    f"report file outside report-files/: {entry['file']!r}")
                assert target.is_file(), entry
                if marker in (entry.get("compare_job_id") or ""):
                    assert entry["compare_job_id"] == task_id, f"the manifest lost which task the file is: {entry}"
            if (run.archive / "report-files").exists():
                for path in (run.archive / "report-files").rglob("*"):
                    assert path.parent.resolve() == report_dir, f"nested path inside report-files: {path}"
        # Every request that carries the id carries it whole and encoded.
        for request in server.requests:
            if marker not in urllib.parse.unquote(request.target):
                continue
            if marker in urllib.parse.unquote(request.path) or marker not in urllib.parse.unquote(request.raw_query):
                segments = request.path.split("/")
                assert ".." not in segments and "." not in segments and "../" not in request.path, (
                    f"raw dot segments in the path: {request.target!r}")
                assert any(urllib.parse.unquote(s) == task_id for s in segments), (
                    f"the task id is not one percent-encoded path segment: {request.target!r}")
            for name, value in request.query:
                if marker in value:
                    assert value == task_id, f"query {name} decodes to {value!r}, not the task id: {request.target!r}"
        assert not server.unknown, f"requests the server could not place: {[r.target for r in server.unknown]}"
    finally:
        for name in hs.tmp_entries(marker):
            Path("/tmp", name).unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# 2. crlf-token-file / 3. bad-header-token
# --------------------------------------------------------------------------------------------

def test_crlf_token_file_is_trimmed(serve, fetch, tmp_snapshot, tmp_path):
    token_file = tmp_path / "secrets" / "token"
    token_file.parent.mkdir()
    token_file.write_bytes(b"tok-secret-123\r\n")
    server = serve("crlf-token-file")
    run = fetch(server, {}, "--token-file", str(token_file))
    assert_exit(run, 0)
    check_common(run, [TOKEN], tmp_snapshot, ok=True, extra_allowed=("secrets",))
    seen = {r.header("X-Auth-Token") for r in server.requests}
    assert server.requests and seen == {TOKEN}, f"X-Auth-Token values seen: {seen!r}"
    manifest(run)


def test_bad_header_token_is_refused_before_any_request(serve, fetch, tmp_snapshot):
    bad = "tok-secret\r123"
    server = serve("bad-header-token")
    run = fetch(server, hs.auth_env(token=bad))
    assert_exit(run, 9)
    assert "token" in run.stderr.lower(), f"no message about the token\n{run.describe()}"
    assert bad not in run.stderr and "tok-secret" not in run.stderr, f"the token was printed\n{run.describe()}"
    assert bad not in run.stdout and "tok-secret" not in run.stdout, f"the token was printed\n{run.describe()}"
    assert len(server.requests) == 0, f"{len(server.requests)} request(s) reached the server"
    check_common(run, [bad, "tok-secret"], tmp_snapshot, ok=False)


# --------------------------------------------------------------------------------------------
# 4. trickle
# --------------------------------------------------------------------------------------------

def test_trickle_body_times_out(serve, fetch, tmp_snapshot):
    server = serve("trickle")
    run = fetch(server, AUTHS["token"][0], timeout=2, retries=1)
    assert_exit(run, 10)
    assert run.elapsed < 30, run.describe()
    check_common(run, [TOKEN], tmp_snapshot, ok=False)


# --------------------------------------------------------------------------------------------
# 5. gzip
# --------------------------------------------------------------------------------------------

def test_gzip_responses_are_archived_as_plain_json(serve, fetch, tmp_snapshot):
    server = serve("gzip")
    run = fetch(server, AUTHS["token"][0])
    assert_exit(run, 0)
    check_common(run, [TOKEN], tmp_snapshot, ok=True)
    data = manifest(run)
    assert data["responses"], "no responses archived"
    for entry in data["responses"]:
        raw = (run.archive / entry["file"]).read_bytes()
        assert not raw.startswith(b"\x1f\x8b"), f"{entry['file']} is still gzip"
        json.loads(raw.decode("utf-8"))
        assert entry["status"] == 200, entry


# --------------------------------------------------------------------------------------------
# 6. huge-total
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page_size", [1000, 1], ids=["page-size-1000", "page-size-1"])
def test_huge_total_does_not_page_forever(serve, fetch, tmp_snapshot, page_size):
    server = serve("huge-total", max_requests=500)  # enough to tell "pages forever" from "stops"; keeps the test short
    run = fetch(server, AUTHS["token"][0], "--page-size", str(page_size))
    assert_exit(run, {0, *CLEAR_FAILURES})
    check_common(run, [TOKEN], tmp_snapshot, ok=run.returncode == 0)
    lists = [r for r in server.requests if r.query_dict().get("compare_type") == "data_compare"
             and r.query_dict().get("query_type") == "list"]
    assert len(lists) < 100, (f"the server saw {len(lists)} task-list requests (total {len(server.requests)}; "
                              f"server {server.stop_reason or 'still running'})\n{run.describe()}")


# --------------------------------------------------------------------------------------------
# 7. redirect / 8. html-200 / 9. truncated
# --------------------------------------------------------------------------------------------

def test_redirect_is_a_failure(serve, fetch, tmp_snapshot):
    server = serve("redirect")
    run = fetch(server, AUTHS["token"][0])
    assert_exit(run, CLEAR_FAILURES)
    check_common(run, [TOKEN], tmp_snapshot, ok=False)


def test_html_200_is_a_failure(serve, fetch, tmp_snapshot):
    server = serve("html-200")
    run = fetch(server, AUTHS["token"][0])
    assert_exit(run, 10)
    check_common(run, [TOKEN], tmp_snapshot, ok=False)


def test_truncated_json_fails_after_retries(serve, fetch, tmp_snapshot):
    server = serve("truncated")
    run = fetch(server, AUTHS["token"][0], retries=1)
    assert_exit(run, 10)
    check_common(run, [TOKEN], tmp_snapshot, ok=False)
    first = [r for r in server.requests if r.query_dict() == {"type": "detail"}]
    assert len(first) == 2, f"expected the job detail tried 1 + 1 retry times, saw {len(first)}"


# --------------------------------------------------------------------------------------------
# 10. sigfail-400 / sigfail-200 / sigfail-500
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("auth", list(AUTHS))
@pytest.mark.parametrize("mode", ["sigfail-400", "sigfail-200", "sigfail-500"])
def test_signature_failure_is_a_credentials_error_never_retried(serve, fetch, tmp_snapshot, mode, auth):
    env, secrets = AUTHS[auth]
    server = serve(mode)
    run = fetch(server, env, retries=2)
    assert_exit(run, 9)
    check_common(run, secrets, tmp_snapshot, ok=False)
    repeated = {k: n for k, n in requests_per_target(server).items() if n > 1}
    assert not repeated, f"an authentication failure was retried: {repeated}"
    assert len(server.requests) < 5, f"{len(server.requests)} failing signed requests: APIG locks an AK after five"


# --------------------------------------------------------------------------------------------
# 11. not-found / 12. ansi
# --------------------------------------------------------------------------------------------

def test_job_not_found_is_a_failure_naming_the_job(serve, fetch, tmp_snapshot):
    server = serve("not-found")
    run = fetch(server, AUTHS["token"][0])
    assert_exit(run, 10)
    check_common(run, [TOKEN], tmp_snapshot, ok=False)
    assert JOB_ID in run.stderr, f"stderr does not name the job\n{run.describe()}"
    lowered = run.stderr.lower()
    assert "does not exist" in lowered or "not found" in lowered, run.describe()


def test_ansi_in_error_message_is_not_echoed_raw(serve, fetch, tmp_snapshot):
    server = serve("ansi")
    run = fetch(server, AUTHS["token"][0])
    bad = hs.control_characters(run.stderr)
    assert not bad, f"control characters on stderr: {bad}\n{run.stderr_bytes[-2000:]!r}"
    assert not hs.control_characters(run.stdout), f"control characters on stdout: {run.stdout_bytes[-2000:]!r}"
    # The job itself cannot be read: like not-found, a failure (10), not an archive of error bodies.
    assert_exit(run, 10)
    check_common(run, [TOKEN], tmp_snapshot, ok=False)
