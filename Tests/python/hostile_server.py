"""A hostile DRS API server for black-box tests of `drs-report fetch`, over real loopback HTTP.

One MODE per misbehaviour (see MODES). In every mode the server answers plausible DRS bodies for
every request `fetch` makes (a minimal but valid job: one lines task, one contents task, one
database pair, one table, a diff page of two rows), and then bends them the way the mode says.

It records every request (method, raw request target, path, raw query, headers), binds to
127.0.0.1 only, on an ephemeral port, and stops by itself after `max_requests` requests or
`max_seconds` of wall clock, whichever comes first (after that new connections are refused).

Also here: the helpers the tests share (run the binary, look for secrets in a tree, list what a
failed fetch left behind).
"""

from __future__ import annotations

import dataclasses
import errno
import gzip
import http.server
import json
import os
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

PROJECT_ID = "0b4f7c2a9e1d4f6b8a3c5e7d9f1a2b3c"
JOB_ID = "b7e5a4d1-2c9f-4e3a-8d61-5f0a2c9hst01"
LINES_TASK = "a8d04e5c-61b7-4f29-9c3e-07b5f2e1d801"
CONTENTS_TASK = "c51e7b28-9d3a-4a6f-8e10-f4b2a6c93d02"
OBJECT_TASK = "3f2a9c71-8e4b-4d06-b5a2-c19e7d40f603"

TOKEN = "tok-secret-123"
AK = "AKTEST123"
SK = "sk-secret-456"

SIGFAIL_BODY = {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: verify aksk signature fail"}
NOT_FOUND_BODY = {"error_code": "DRS.10000010", "error_msg": "Job does not exist, please check job ID."}
ANSI_BODY = {"error_code": "DRS.M00202", "error_msg": "bad \u001b[31mred\u001b[0m \u0007bell \u001b]0;title\u0007"}
HTML_BODY = b"<html><body>Gateway</body></html>"
REPORT_FILE_BYTES = b"PK\x03\x04 fake DRS result file \x00\x01\x02 not a real zip\n"
HUGE_TOTAL = 1_000_000_000_000

MODES = (
    "ok",            # well behaved
    "traversal",     # the lines task id is a path (set task_ids / task_status); result files offered
    "crlf-token-file",  # well behaved; the test checks the X-Auth-Token header it saw
    "bad-header-token", # well behaved; the client must not send anything
    "trickle",       # headers, then one body byte per second, forever
    "gzip",          # every JSON body gzip-compressed, Content-Encoding: gzip, correct Content-Length
    "huge-total",    # the data_compare list claims total_count 1e12 and returns one item per page
    "redirect",      # 302 to http://127.0.0.1:1/elsewhere
    "html-200",      # 200 text/html gateway page
    "truncated",     # every JSON body cut in half, Content-Length matching the cut
    "sigfail-400",   # APIGW.0301 with HTTP 400
    "sigfail-200",   # APIGW.0301 with HTTP 200
    "sigfail-500",   # APIGW.0301 with HTTP 500
    "not-found",     # DRS.10000010 with HTTP 400
    "ansi",          # DRS.M00202 whose error_msg carries ESC / BEL sequences, HTTP 400
)


# --------------------------------------------------------------------------------------------
# Plausible DRS bodies
# --------------------------------------------------------------------------------------------

def job_path(project_id: str = PROJECT_ID, job_id: str = JOB_ID) -> str:
    return f"/v5/{project_id}/jobs/{job_id}"


def _job(compare_result: dict, total: int | None = None, job_id: str = JOB_ID) -> dict:
    job: dict = {"id": job_id}
    if total is not None:
        job["total_count"] = total
    job["compare_result"] = compare_result
    return {"job": job}


def job_detail_body(job_id: str = JOB_ID, project_id: str = PROJECT_ID) -> dict:
    def endpoint(role: str, name: str) -> dict:
        return {
            "db_type": "mysql", "endpoint_type": "cloud", "endpoint_role": role,
            "endpoint": {"id": f"c0ffee00-0000-4000-8000-0000000000{role}", "endpoint_name": name,
                         "instance_id": f"{name}-instance", "db_user": "drs_reader"},
            "cloud": {"region": "cn-north-4", "project_id": project_id, "az_code": "cn-north-4a"},
        }
    return {"job": {
        "id": job_id, "status": "INCRE_TRANSFER_STARTED", "create_time": "2026-11-18T02:00:00Z",
        "base_info": {"name": "hostile-server-job", "job_type": "sync", "engine_type": "mysql-to-mysql",
                      "job_direction": "up", "task_type": "FULL_INCR_TRANS", "net_type": "vpc",
                      "charging_mode": "on_demand", "enterprise_project_id": "0", "description": "",
                      "expired_days": 14, "tags": []},
        "source_endpoint": [endpoint("so", "source")],
        "target_endpoint": [endpoint("ta", "target")],
    }}


def task_item(task_id: str, kind: str, status: str = "SUCCESSFUL", start: str = "2026-11-20T02:00:00Z") -> dict:
    return {"id": task_id, "type": kind, "status": status, "compute_type": "drs",
            "export_status": "EXPORT_COMPLETE", "report_remain_seconds": 3600,
            "start_time": start, "end_time": "2026-11-20T02:30:00Z", "compare_job_tag": {}, "options": {}}


def object_overview_body() -> dict:
    return _job({"objects_compare_overview_info": {
        "create_time": "2026-11-20T01:50:00Z", "start_time": "2026-11-20T01:50:05Z", "status": "SUCCESSFUL",
        "export_status": "EXPORT_COMPLETE", "report_remain_seconds": 3600, "compare_job_id": OBJECT_TASK,
        "compare_results": [
            {"type": "DB", "source_count": 1, "target_count": 1, "status": "CONSISTENT"},
            {"type": "TABLE", "source_count": 1, "target_count": 1, "status": "CONSISTENT"},
        ],
    }})


def object_detail_items(object_type: str) -> list[dict]:
    value = "shop" if object_type.upper() == "DB" else "orders"
    return [{"source_db_name": "shop", "target_db_name": "shop", "source_db_value": value,
             "target_db_value": value, "error_message": ""}]


def line_overview_items() -> list[dict]:
    return [{"source_db_name": "shop", "target_db_name": "shop", "status": "INCONSISTENT"}]


def line_detail_items(detail_type: str) -> list[dict]:
    if detail_type == "uncompare":
        return []
    return [{"source_table_name": "orders", "source_row_num": "1200", "target_table_name": "orders",
             "target_row_num": "1198", "difference_row_num": "2", "status": "INCONSISTENT"}]


def content_overview_items() -> list[dict]:
    return [{"source_db": "shop", "target_db": "shop", "status": "INCONSISTENT", "compare_result": False}]


def content_detail_items(detail_type: str) -> list[dict]:
    if detail_type == "uncompare":
        return []
    return [{"source_db": "shop", "target_db": "shop", "source_table_name": "orders", "target_table_name": "orders",
             "source_row_num": 1200, "target_row_num": 1198, "difference_row_num": 2,
             "line_compare_result": False, "content_compare_result": False}]


def diff_items() -> list[dict]:
    sql = "SELECT * FROM `shop`.`orders` WHERE `id`='{}'"
    return [
        {"source_key_value": ["1032"], "target_key_value": [],
         "source_select_sql": sql.format("1032"), "target_select_sql": sql.format("1032")},
        {"source_key_value": ["1181"], "target_key_value": ["1181"],
         "source_select_sql": sql.format("1181"), "target_select_sql": sql.format("1181")},
    ]


def progress_body() -> dict:
    return {"full_info": {"progress": 100, "src_speed": "0.00B/s", "recheck_entities": 0},
            "incre_info": {"delay": 0, "src_speed": "0.00B/s", "rps": 0, "recheck_entities": 0},
            "global_info": {"src_speed": "0.00B/s"}}


def flow_items() -> list[dict]:
    return [{"src_db": "shop", "src_tb": "orders", "dst_db": "shop", "dst_tb": "orders", "progress": 100}]


def _page(items: list, query: dict[str, str]) -> tuple[list, int]:
    try:
        offset = max(0, int(query.get("offset", "0")))
    except ValueError:
        offset = 0
    try:
        limit = max(1, int(query.get("limit", "1000")))
    except ValueError:
        limit = 1000
    return items[offset:offset + limit], len(items)


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""
    method: str
    target: str                    # raw request target, exactly as on the request line
    path: str                      # target before the first "?", still percent-encoded
    raw_query: str                 # target after the first "?" ("" if none)
    query: tuple[tuple[str, str], ...]  # decoded (name, value) pairs
    headers: tuple[tuple[str, str], ...]
    answered: str = ""             # what the server did ("json 200", "trickle", ...)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def query_dict(self) -> dict[str, str]:
        return dict(self.query)


@dataclasses.dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json;charset=UTF-8"
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    kind: str = "json"
    trickle: bool = False


class HostileServer:
    """`with HostileServer("gzip") as server: ... server.url ... server.requests`."""

    def __init__(self, mode: str, *, project_id: str = PROJECT_ID, job_id: str = JOB_ID,
                 lines_task_id: str = LINES_TASK, contents_task_id: str = CONTENTS_TASK,
                 task_status: str = "SUCCESSFUL", expected_token: str | None = TOKEN, expected_ak: str | None = AK,
                 max_requests: int = 2000, max_seconds: float = 60.0):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        self.mode = mode
        self.project_id = project_id
        self.job_id = job_id
        self.lines_task_id = lines_task_id
        self.contents_task_id = contents_task_id
        self.task_status = task_status
        self.expected_token = expected_token
        self.expected_ak = expected_ak
        self.max_requests = max_requests
        self.max_seconds = max_seconds
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self.unknown: list[Recorded] = []      # requests the server had no DRS answer for
        self.refused_auth: list[Recorded] = [] # requests without the expected credentials
        self.stopped = threading.Event()
        self.stop_reason = ""
        self._httpd: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._stop_lock = threading.Lock()
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "HostileServer":
        server = self

        class Handler(_Handler):
            owner = server

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"hostile-{self.mode}", daemon=True)
        self._thread.start()
        self._timer = threading.Timer(self.max_seconds, self.stop, kwargs={"reason": f"wall-clock cap {self.max_seconds}s"})
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self, reason: str = "stopped by the test") -> None:
        with self._stop_lock:
            if self._closed:
                return
            self._closed = True
            self.stop_reason = reason
        self.stopped.set()
        if self._timer is not None:
            self._timer.cancel()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> "HostileServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def _record(self, request: Recorded) -> int:
        with self._lock:
            self._requests.append(request)
            return len(self._requests)

    # -- routing -----------------------------------------------------------------------------

    def authorised(self, request: Recorded) -> bool:
        token = request.header("X-Auth-Token")
        if token is not None:
            return self.expected_token is None or token == self.expected_token
        auth = request.header("Authorization") or ""
        if auth.startswith("SDK-HMAC-SHA256 "):
            return self.expected_ak is None or f"Access={self.expected_ak}" in auth
        return False

    def drs_answer(self, request: Recorded) -> Reply | None:
        """The well-behaved DRS answer to a request (None: nothing DRS would answer with 200)."""
        q = request.query_dict()
        base = job_path(self.project_id, self.job_id)
        path = request.path
        if path == base:
            kind, query_type = q.get("compare_type"), q.get("query_type")
            if q.get("type") == "detail":
                return _json(200, job_detail_body(self.job_id, self.project_id))
            if q.get("type") != "compare":
                return None
            if kind == "data_compare" and query_type == "list":
                return _json(200, self.task_list(q))
            if kind == "object_compare" and query_type == "overview":
                return _json(200, object_overview_body())
            if kind == "object_compare" and query_type == "detail":
                items, total = _page(object_detail_items(q.get("object_type", "")), q)
                return _json(200, _job({"objects_compare_detail_infos": items}, total))
            if kind == "line_compare" and query_type == "overview":
                items, total = _page(line_overview_items(), q)
                return _json(200, _job({"line_compare_overview_infos": items}, total))
            if kind == "line_compare" and query_type == "detail":
                items, total = _page(line_detail_items(q.get("compare_detail_type", "")), q)
                return _json(200, _job({"line_compare_detail_infos": items}, total))
            if kind == "content_compare" and query_type == "overview":
                items, total = _page(content_overview_items(), q)
                return _json(200, _job({"content_compare_overview_infos": items}, total))
            if kind == "content_compare" and query_type == "detail":
                items, total = _page(content_detail_items(q.get("compare_detail_type", "")), q)
                return _json(200, _job({"content_compare_detail_infos": items}, total))
            if kind == "content_compare" and query_type == "diff":
                items, total = _page(diff_items(), q)
                return _json(200, _job({"content_diff_detail_info": {
                    "count": total, "target_meta_is_null": 1, "source_meta_is_null": 0,
                    "source_target_meta_not_null": 1, "contents_infos": items}}))
            return None
        if path.startswith(base + "/compare-progress/"):
            return _json(200, progress_body())
        if path == base + "/progress-data/table":
            items, total = _page(flow_items(), q)
            return _json(200, {"count": total, "create_time": "1795161581882", "flow_compare_data": items})
        if path == f"/v3/{self.project_id}/jobs/{self.job_id}/compare/result/file":
            return Reply(200, REPORT_FILE_BYTES, "application/octet-stream", kind="file")
        return None

    def task_list(self, q: dict[str, str]) -> dict:
        tasks = [
            task_item(self.lines_task_id, "lines", self.task_status, "2026-11-20T02:00:00Z"),
            task_item(self.contents_task_id, "contents", "SUCCESSFUL", "2026-11-20T02:10:00Z"),
        ]
        if self.mode != "huge-total":
            items, total = _page(tasks, q)
            return _job({"data_compare_task_list": items}, total, self.job_id)
        # One item per page, whatever the limit, and a total no client can page through.
        try:
            offset = max(0, int(q.get("offset", "0")))
        except ValueError:
            offset = 0
        if offset < len(tasks):
            item = tasks[offset]
        else:
            item = task_item(f"old-task-{offset:012d}", "lines", "SUCCESSFUL", "2025-01-01T00:00:00Z")
        return _job({"data_compare_task_list": [item]}, HUGE_TOTAL, self.job_id)

    def reply(self, request: Recorded) -> Reply:
        mode = self.mode
        # Modes that answer every request the same, whoever asks.
        if mode == "redirect":
            return Reply(302, b"", "text/plain", [("Location", "http://127.0.0.1:1/elsewhere")], kind="redirect")
        if mode == "html-200":
            return Reply(200, HTML_BODY, "text/html; charset=utf-8", kind="html")
        if mode in ("sigfail-400", "sigfail-200", "sigfail-500"):
            return _json(int(mode.rsplit("-", 1)[1]), SIGFAIL_BODY, kind="sigfail")
        if mode == "not-found":
            return _json(400, NOT_FOUND_BODY, kind="not-found")
        if mode == "ansi":
            return _json(400, ANSI_BODY, kind="ansi")

        if not self.authorised(request):
            self.refused_auth.append(request)
            return _json(401, {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"}, kind="auth")
        answer = self.drs_answer(request)
        if answer is None:
            self.unknown.append(request)
            shown = request.target[:300]
            answer = _json(400, {"error_code": "DRS.M00007", "error_msg": f"Invalid request parameter: no answer for {shown}"},
                           kind="unknown")
        if answer.kind == "file":
            return answer
        if mode == "trickle":
            answer.trickle = True
        elif mode == "gzip":
            answer.body = gzip.compress(answer.body)
            answer.headers.append(("Content-Encoding", "gzip"))
            answer.kind = "gzip"
        elif mode == "truncated":
            answer.body = answer.body[: len(answer.body) // 2]
            answer.kind = "truncated"
        return answer


def _json(status: int, body, kind: str = "json") -> Reply:
    return Reply(status, json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"), kind=kind)


class _Handler(http.server.BaseHTTPRequestHandler):
    owner: HostileServer
    protocol_version = "HTTP/1.1"
    server_version = "hostile-drs/1"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - keep the test output clean
        pass

    def _handle(self) -> None:
        owner = self.owner
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        target = self.path
        path, _, raw_query = target.partition("?")
        request = Recorded(
            method=self.command, target=target, path=path, raw_query=raw_query,
            query=tuple(urllib.parse.parse_qsl(raw_query, keep_blank_values=True)),
            headers=tuple((k, v) for k, v in self.headers.items()))
        if owner.stopped.is_set():
            self._send(Reply(503, b'{"error_code":"HOSTILE.STOPPED","error_msg":"server stopped"}'), close=True)
            return
        reply = owner.reply(request)
        count = owner._record(dataclasses.replace(request, answered=f"{reply.kind} {reply.status}"))
        if count >= owner.max_requests:
            threading.Thread(target=owner.stop, kwargs={"reason": f"request cap {owner.max_requests}"}, daemon=True).start()
        if reply.trickle:
            self._trickle(reply)
        else:
            self._send(reply, close=count >= owner.max_requests)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    def _send(self, reply: Reply, close: bool = False) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("X-Request-Id", f"hostile-{self.owner.mode}-{len(self.owner.requests)}")
            for name, value in reply.headers:
                self.send_header(name, value)
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _trickle(self, reply: Reply) -> None:
        """Headers at once, then one body byte per second until the client gives up or the server stops."""
        self.close_connection = True
        body = reply.body + b" " * 1_000_000
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.flush()
            for i in range(len(body)):
                if self.owner.stopped.is_set():
                    break
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                if self.owner.stopped.wait(1.0):
                    break
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass


# --------------------------------------------------------------------------------------------
# Running the binary and checking what it left
# --------------------------------------------------------------------------------------------

CREDENTIAL_ENV = ("DRS_AUTH_TOKEN", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN")


@dataclasses.dataclass
class FetchRun:
    cmd: list[str]
    returncode: int | None        # None: killed after the wall-clock limit
    stdout: str
    stderr: str
    stdout_bytes: bytes
    stderr_bytes: bytes
    elapsed: float
    out_parent: Path
    archive: Path
    cwd: Path
    home: Path

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    def describe(self) -> str:
        rc = "killed after the time limit" if self.timed_out else f"exit {self.returncode}"
        return (f"{rc} after {self.elapsed:.1f}s: {' '.join(self.cmd)}\n--- stdout\n{self.stdout[-3000:]}\n"
                f"--- stderr\n{self.stderr[-4000:]}")


def auth_env(token: str | None = None, ak: str | None = None, sk: str | None = None) -> dict[str, str]:
    env: dict[str, str] = {}
    if token is not None:
        env["DRS_AUTH_TOKEN"] = token
    if ak is not None:
        env["HUAWEICLOUD_SDK_AK"] = ak
    if sk is not None:
        env["HUAWEICLOUD_SDK_SK"] = sk
    return env


def run_fetch(binary: Path, endpoint: str, workdir: Path, *, env: dict[str, str], args: tuple[str, ...] = (),
              timeout: float = 2, retries: int = 1, wall_clock: float = 30, project_id: str = PROJECT_ID,
              job_id: str = JOB_ID) -> FetchRun:
    """Runs `drs-report fetch` with --out WORKDIR/out/archive, from an empty WORKDIR/cwd, with HOME an
    empty WORKDIR/home and only the given credential variables; kills it after `wall_clock` s."""
    out_parent = workdir / "out"
    cwd = workdir / "cwd"
    home = workdir / "home"
    for folder in (out_parent, cwd, home):
        folder.mkdir(parents=True, exist_ok=True)
    archive = out_parent / "archive"
    cmd = [str(binary), "fetch", "--endpoint", endpoint, "--project-id", project_id, "--job-id", job_id,
           "--out", str(archive), "--retries", str(retries), "--timeout", str(timeout), *args]
    full_env = {k: v for k, v in os.environ.items()
                if k not in CREDENTIAL_ENV and not k.lower().endswith("_proxy")}
    full_env["HOME"] = str(home)
    full_env.update(env)
    started = time.monotonic()
    for attempt in range(5):
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            break
        except OSError as error:  # the binary is being rebuilt under us
            if error.errno not in (errno.ETXTBSY, errno.ENOEXEC, errno.ENOENT) or attempt == 4:
                raise
            time.sleep(2)
    try:
        out, err = proc.communicate(timeout=wall_clock)
        rc: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        rc = None
    elapsed = time.monotonic() - started
    return FetchRun(cmd, rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), out, err,
                    elapsed, out_parent, archive, cwd, home)


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*")) if root.exists() else []


def secret_hits(root: Path, secrets: list[str]) -> list[str]:
    """Files (and names) under `root` that contain any of the secrets."""
    hits = []
    needles = [s.encode("utf-8") for s in secrets if s]
    for path in files_under(root):
        for secret in secrets:
            if secret and secret in path.name:
                hits.append(f"{path} (in its name)")
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            for needle in needles:
                if needle in data:
                    hits.append(f"{path} holds {needle!r}")
    return hits


def partials(out_parent: Path) -> list[Path]:
    """Hidden staging folders a fetch left beside its archive."""
    return sorted(p for p in out_parent.iterdir() if ".partial" in p.name) if out_parent.exists() else []


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def tmp_entries(prefix: str = "") -> set[str]:
    try:
        return {name for name in os.listdir("/tmp") if name.startswith(prefix)}
    except OSError:
        return set()


_ALLOWED_CONTROLS = {"\n", "\t"}


def control_characters(text: str) -> list[str]:
    """C0 controls (and DEL, and C1 controls) other than newline and tab, as repr()s."""
    return sorted({repr(c) for c in text
                   if (ord(c) < 0x20 and c not in _ALLOWED_CONTROLS) or ord(c) == 0x7F or 0x80 <= ord(c) < 0xA0})
