"""recheck/*.sql run against a real MariaDB server: they select exactly the rows that the per-row
DRS SELECTs of csv/diffs.csv select, and running them changes nothing.

The test starts its own throw-away server (mariadb-install-db + mariadbd on a private datadir and
Unix socket, no TCP), so it works as root in CI and as any user elsewhere. A missing MariaDB FAILS
the test: apt install mariadb-server mariadb-client (scripts/setup.sh --test installs both).

Rows are compared as multisets of the client's batch output (`mariadb --batch --skip-column-names`:
one line per row, tabs, newlines and backslashes in values escaped, so a row is always one line).
The expected side runs every distinct per-row SELECT of csv/diffs.csv; the recheck files list a
SELECT that several rows share once, as documented.
"""

from __future__ import annotations

import collections
import csv
import getpass
import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import NOW, assert_same_rows

SERVER_START_TIMEOUT_S = 60
CLIENT_TIMEOUT_S = 120
RENDER_TIMEOUT_S = 300

JOB = "7a1c0de5-3b2f-4e6d-9a8c-1f0e2d3cjb777"
PROJECT = "0b4f7c2a9e1d4f6b8a3c5e7d9f1a2b3c"
CONTENTS_TASK = "e3c1a5b7-9d2f-4a6c-8e0b-2d4f6a8c0e13"

SRC, TGT = "shop", "shop_dr"  # DRS maps source database shop to target database shop_dr
TABLES = ("orders", "lines", "tenants")
HOSTILE = "SELECT * FROM {db}.orders WHERE id='1'; DROP TABLE {db}.orders"


# --------------------------------------------------------------------------------------------
# A private MariaDB server
# --------------------------------------------------------------------------------------------

def _which(*names: str) -> str | None:
    path = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin" + os.pathsep + "/sbin"
    for name in names:
        found = shutil.which(name, path=path)
        if found:
            return found
    return None


class MariaDB:
    def __init__(self, client: str, socket: Path):
        self.client = client
        self.socket = socket

    def run(self, sql: str, *, check: bool = True) -> subprocess.CompletedProcess:
        """Runs SQL text through the mariadb client (as `mariadb < file` would); stdout as text."""
        cmd = [self.client, "--no-defaults", f"--socket={self.socket}", "--user=root", "--batch",
               "--skip-column-names", "--default-character-set=utf8mb4"]
        proc = subprocess.run(cmd, input=sql.encode("utf-8"), capture_output=True, timeout=CLIENT_TIMEOUT_S)
        result = subprocess.CompletedProcess(cmd, proc.returncode, proc.stdout.decode("utf-8"),
                                             proc.stderr.decode("utf-8", "replace"))
        if check:
            assert result.returncode == 0 and not result.stderr.strip(), (
                f"mariadb exited {result.returncode}\n--- stderr\n{result.stderr}\n--- input (first 2,000 chars)\n"
                f"{sql[:2000]}")
        return result

    def rows(self, sql: str) -> list[str]:
        return self.run(sql).stdout.splitlines()


@pytest.fixture(scope="module")
def mariadb():
    server = _which("mariadbd", "mysqld")
    install_db = _which("mariadb-install-db", "mysql_install_db")
    client = _which("mariadb", "mysql")
    if not (server and install_db and client):
        pytest.fail("MariaDB not found (mariadbd, mariadb-install-db, mariadb); "
                    "apt install mariadb-server mariadb-client", pytrace=False)
    # A short path: a Unix socket path may not exceed about 100 bytes.
    home = Path(tempfile.mkdtemp(prefix="drs-mariadb-", dir="/tmp"))
    datadir, socket, log = home / "data", home / "sock", home / "error.log"
    # mariadbd refuses to run as root unless told to; --user is only allowed for root.
    as_user = [f"--user={getpass.getuser()}"] if os.geteuid() == 0 else []
    install = subprocess.run(
        [install_db, "--no-defaults", f"--datadir={datadir}", "--auth-root-authentication-method=normal",
         "--skip-test-db", "--skip-name-resolve", *as_user],
        capture_output=True, text=True, timeout=SERVER_START_TIMEOUT_S)
    if install.returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        pytest.fail(f"mariadb-install-db exited {install.returncode}\n{install.stdout}\n{install.stderr}", pytrace=False)
    proc = subprocess.Popen(
        [server, "--no-defaults", f"--datadir={datadir}", f"--socket={socket}", "--skip-networking",
         f"--pid-file={home / 'mariadbd.pid'}", f"--log-error={log}", "--innodb-buffer-pool-size=32M", *as_user],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    db = MariaDB(client, socket)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"mariadbd exited {proc.returncode} while starting:\n"
                            f"{log.read_text(errors='replace') if log.exists() else ''}", pytrace=False)
            if socket.exists() and db.run("SELECT 1", check=False).returncode == 0:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"mariadbd did not accept connections within {SERVER_START_TIMEOUT_S}s:\n"
                            f"{log.read_text(errors='replace') if log.exists() else ''}", pytrace=False)
            time.sleep(0.2)
        yield db
    finally:
        proc.terminate()  # SIGTERM: a clean shutdown
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(home, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# SQL text helpers (independent of drs-report)
# --------------------------------------------------------------------------------------------

def q_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def q_str(value: str) -> str:
    """The literal DRS writes (as scripts/gen_samples.py): backslash doubled, quote doubled."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def q_str_backslash(value: str) -> str:
    """The other MySQL spelling of the same literal: quote escaped with a backslash."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def drs_select(db: str, table: str, cols, vals, quote=q_str) -> str:
    """SELECT of one row exactly as DRS writes it: SELECT * FROM `db`.`t` WHERE `k`='v' AND …"""
    where = " AND ".join(f"{q_ident(c)}={quote(v)}" for c, v in zip(cols, vals))
    return f"SELECT * FROM {q_ident(db)}.{q_ident(table)} WHERE {where}"


def scan(sql: str):
    """(kind, text) pieces of MariaDB SQL: 'string' ('…' and "…", backslash escapes), 'name' (`…`),
    'comment' (-- to end of line, # to end of line, /* … */) and 'code'."""
    i, n, code = 0, len(sql), []

    def flush():
        if code:
            yield ("code", "".join(code))
            code.clear()

    while i < n:
        c = sql[i]
        if c in "'\"`":
            yield from flush()
            j = i + 1
            while j < n:
                if sql[j] == "\\" and c != "`":
                    j += 2
                    continue
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            yield ("name" if c == "`" else "string", sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i) and (i + 2 >= n or sql[i + 2] in " \t\r\n") or c == "#":
            yield from flush()
            j = sql.find("\n", i)
            j = n if j < 0 else j
            yield ("comment", sql[i:j])
            i = j
        elif sql.startswith("/*", i):
            yield from flush()
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            yield ("comment", sql[i:j])
            i = j
        else:
            code.append(c)
            i += 1
    yield from flush()


def statements(sql: str) -> list[str]:
    """The statements of a script (comments dropped), split at `;` outside strings and names."""
    out, current = [], []
    for kind, text in scan(sql):
        if kind == "comment":
            continue
        if kind != "code":
            current.append(text)
            continue
        parts = text.split(";")
        for k, part in enumerate(parts):
            current.append(part)
            if k < len(parts) - 1:
                out.append("".join(current).strip())
                current = []
    rest = "".join(current).strip()
    if rest:
        out.append(rest)
    return [s for s in out if s]


def in_list_sizes(statement: str) -> list[int]:
    """Number of entries in each `IN (…)` list of a statement (top-level commas + 1)."""
    sizes, depth, counting, entries, pending_in, in_depth = [], 0, False, 0, False, 0
    for kind, text in scan(statement):
        if kind != "code":
            pending_in = False
            continue
        for m in re.finditer(r"\bIN\b|[(),]", text, re.I):
            tok = m.group(0)
            if tok.upper() == "IN":
                pending_in = True
            elif tok == "(":
                depth += 1
                if pending_in and not counting:
                    counting, entries, in_depth = True, 1, depth
                pending_in = False
            elif tok == ")":
                if counting and depth == in_depth:
                    sizes.append(entries)
                    counting = False
                depth -= 1
            elif tok == "," and counting and depth == in_depth:
                entries += 1
    return sizes


# --------------------------------------------------------------------------------------------
# A DRS v5 archive (format of samples/v5-mysql-archive)
# --------------------------------------------------------------------------------------------

def write_archive(root: Path, bodies: list[tuple[dict, dict]]) -> Path:
    """manifest.json + responses/NNNNNN.json for (query, body) pairs of GET jobs/{id}?type=compare&…"""
    root.mkdir(parents=True)
    (root / "responses").mkdir()
    entries = []
    for n, (query, body) in enumerate(bodies, start=1):
        data = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
        name = f"responses/{n:06d}.json"
        (root / name).write_bytes(data)
        entries.append({
            "file": name, "method": "GET", "path": f"/v5/{PROJECT}/jobs/{JOB}",
            "query": {"type": "compare", **query}, "status": 200,
            "received_at": f"2026-11-20T08:{n // 60:02d}:{n % 60:02d}Z",
            "sha256": hashlib.sha256(data).hexdigest(),
        })
    manifest = {
        "format": "drs-report-archive", "version": 1, "created_at": "2026-11-20T09:00:00Z",
        "generator": "drs-report 0.1.0", "endpoint": "https://drs.cn-north-4.myhuaweicloud.com",
        "project_id": PROJECT, "job_id": JOB, "language": "en-us", "responses": entries,
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    return root


def content_diff_archive(root: Path, rows: list[dict], page_size: int = 500, src: str = SRC, tgt: str = TGT) -> Path:
    """The value-comparison task list and its content-difference pages (query_type=diff) for src → tgt."""
    def job(compare_result, total_count=None):
        j = {"id": JOB}
        if total_count is not None:
            j["total_count"] = total_count
        j["compare_result"] = compare_result
        return {"job": j}

    t = sum(1 for r in rows if r["target_key_value"] == [])
    s = sum(1 for r in rows if r["source_key_value"] == [])
    head = {"count": len(rows), "target_meta_is_null": t, "source_meta_is_null": s,
            "source_target_meta_not_null": len(rows) - t - s}
    bodies = [({"compare_type": "data_compare", "query_type": "list", "offset": "0", "limit": "10"}, job({
        "data_compare_task_list": [
            {"id": CONTENTS_TASK, "type": "contents", "start_time": "2026-11-19T21:15:00Z",
             "end_time": "2026-11-20T06:48:03Z", "status": "SUCCESSFUL", "compute_type": "drs",
             "export_status": "INIT", "report_remain_seconds": -1, "compare_job_tag": {}}]}, total_count=1))]
    for off in range(0, len(rows), page_size):
        bodies.append(({"compare_type": "content_compare", "query_type": "diff", "source_db_name": src,
                        "target_db_name": tgt, "compare_task_id": CONTENTS_TASK, "offset": str(off),
                        "limit": str(page_size)},
                       job({"content_diff_detail_info": {**head, "contents_infos": rows[off:off + page_size]}})))
    return write_archive(root, bodies)


def diff_row(src_key, tgt_key, source_sql: str, target_sql: str) -> dict:
    return {"source_key_value": list(src_key), "target_key_value": list(tgt_key),
            "source_select_sql": source_sql, "target_select_sql": target_sql}


def render(drs_bin: Path, archive: Path, out: Path, *formats: str) -> None:
    cmd = [str(drs_bin), "render", str(archive), "--out", str(out), "--now", NOW, "--quiet"]
    if formats:
        cmd += ["--format", ",".join(formats)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RENDER_TIMEOUT_S)
    assert proc.returncode == 0, f"drs-report exited {proc.returncode}: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}"


def read_diffs(out: Path) -> list[dict]:
    text = (out / "csv" / "diffs.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), strict=True))


TRAILER = re.compile(r"^-- (\d+) inconsistent rows? in (\d+) statements?$")


def trailer(text: str) -> tuple[int, int]:
    last = text.rstrip("\n").rsplit("\n", 1)[-1]
    m = TRAILER.match(last)
    assert m, f"the file does not end with '-- N inconsistent rows in M statements': {last!r}"
    return int(m.group(1)), int(m.group(2))


# --------------------------------------------------------------------------------------------
# The estate: shop (source) and shop_dr (target)
# --------------------------------------------------------------------------------------------

# String keys that break naive quoting, comment or statement splitting.
TENANT_NAMES = [
    "O'Brien", "it''s", "back\\slash", "ends with \\", "\\'", "'", "''", "\\", '"double"', "back`tick",
    "semi;colon", "semi; DROP TABLE shop.tenants", "-- not a comment", "/* not a comment */", "#hash",
    "WHERE", "a' OR '1'='1", "租户-北京", "Ünïcödé", "🍣 sushi", "line\nbreak", "tab\there", "%_like",
    "ＡＢＣ", "x" * 100, "trailing space ", "\\n literally", "IN (1, 2)", "a,b", "(1, 2)",
]

ORDERS_SRC = range(1001, 2501)          # 1,500 orders on the source
ORDERS_ONLY_TGT = range(2501, 2551)     # 50 orders that exist only on the target
LINE_ORDERS = range(1001, 1201)         # 200 orders x 3 lines


def build_estate(rng: random.Random):
    """(DDL+DML script, diff rows). Source and target differ: rows deleted, added and changed."""
    deleted_on_target = set(rng.sample(list(ORDERS_SRC), 120))
    changed_on_target = set(rng.sample(list(ORDERS_SRC), 200))
    tenants = TENANT_NAMES + [f"t-{n:04d}-{rng.choice(['东', 'ß', 'é', 'Ω', '_'])}" for n in range(200)]
    tenants_only_src = set(tenants[::9])
    script = []
    for db in (SRC, TGT):
        script.append(f"CREATE DATABASE {db} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;")
        script.append(f"CREATE TABLE {db}.orders (id INT PRIMARY KEY, customer VARCHAR(40) NOT NULL, "
                      f"amount DECIMAL(10,2) NOT NULL, note VARCHAR(100) NULL);")
        script.append(f"CREATE TABLE {db}.`lines` (order_id INT NOT NULL, line_no INT NOT NULL, "
                      f"sku VARCHAR(20) NOT NULL, qty INT NOT NULL, PRIMARY KEY (order_id, line_no));")
        script.append(f"CREATE TABLE {db}.tenants (tenant VARCHAR(100) PRIMARY KEY, plan VARCHAR(20) NOT NULL, "
                      f"seats INT NOT NULL);")
        target = db == TGT
        orders = []
        for i in ORDERS_SRC:
            if target and i in deleted_on_target:
                continue
            amount = i % 997 + 0.25 + (1 if target and i in changed_on_target else 0)
            note = "NULL" if i % 11 == 0 else q_str(f"note {i}\t'{i % 7}'\\")
            orders.append(f"({i}, {q_str('customer-' + str(i % 83))}, {amount:.2f}, {note})")
        if target:
            orders += [f"({i}, 'late', 1.00, NULL)" for i in ORDERS_ONLY_TGT]
        script.append(f"INSERT INTO {db}.orders VALUES {', '.join(orders)};")
        lines = [f"({o}, {n}, {q_str(f'sku-{o % 13}-{n}')}, {n + (1 if target and o % 5 == 0 else 0)})"
                 for o in LINE_ORDERS for n in (1, 2, 3) if not (target and o % 17 == 0 and n == 3)]
        script.append(f"INSERT INTO {db}.`lines` VALUES {', '.join(lines)};")
        rows = [f"({q_str(t)}, {q_str('gold' if target and k % 4 == 0 else 'silver')}, {k})"
                for k, t in enumerate(tenants) if not (target and t in tenants_only_src)]
        script.append(f"INSERT INTO {db}.tenants VALUES {', '.join(rows)};")

    def keyed(table, cols, vals, quote=q_str):
        return drs_select(SRC, table, cols, vals, quote), drs_select(TGT, table, cols, vals, quote)

    def kinds(in_src: bool, in_tgt: bool, key):
        if in_src and not in_tgt:
            return key, []
        if in_tgt and not in_src:
            return [], key
        return key, key

    diffs = []
    # orders: 1,250 keys, so at least two IN lists of 1,000; some exist on both sides, some on one,
    # some on neither (rows deleted since the comparison).
    order_ids = rng.sample(list(ORDERS_SRC) + list(ORDERS_ONLY_TGT) + list(range(2551, 2700)), 1250)
    for i in order_ids:
        in_src, in_tgt = i in ORDERS_SRC, (i in ORDERS_SRC and i not in deleted_on_target) or i in ORDERS_ONLY_TGT
        diffs.append(diff_row(*kinds(in_src, in_tgt, [str(i)]), *keyed("orders", ["id"], [str(i)])))
    # The same row delivered twice (an overlap of two pages).
    diffs.append(dict(diffs[7]))
    # Numbers written without quotes, in the same list as the quoted ones. (Ids no other row names:
    # `IN ('7', 7)` returns row 7 once, where the two per-row SELECTs return it twice.)
    for i in sorted(set(ORDERS_SRC) - set(order_ids))[:3] + [2699 if 2699 not in order_ids else 2700]:
        diffs.append(diff_row([f"{i}-unquoted"], [f"{i}-unquoted"], f"SELECT * FROM `{SRC}`.`orders` WHERE `id`={i}",
                              f"SELECT * FROM `{TGT}`.`orders` WHERE `id`={i}"))
    # SELECTs of other shapes: joined by UNION ALL (more than 100, so two UNION statements).
    others = []
    for k in range(105):
        lo = 1001 + k * 13
        others.append(f"WHERE `id`>'{lo}' AND `id`<'{lo + 4}'")
    others += ["WHERE `id`='1010' OR `id`='2520'", "WHERE `id` IN ('1012','1013','2690')",
               "WHERE `note` IS NULL AND `id`<'1100'", "WHERE `id` BETWEEN '2495' AND '2505'",
               "WHERE `customer`='customer-5' AND `amount`>'500'"]
    for k, where in enumerate(others):
        diffs.append(diff_row([f"other-{k}"], [f"other-{k}"], f"SELECT * FROM `{SRC}`.`orders` {where}",
                              f"SELECT * FROM `{TGT}`.`orders` {where}"))
    # lines: two key columns, DRS order (order_id, line_no); every seventh row names them the other way round.
    pairs = rng.sample([(o, n) for o in list(LINE_ORDERS) + [1500, 1501] for n in (1, 2, 3, 4)], 400)
    for k, (o, n) in enumerate(pairs):
        in_src = o in LINE_ORDERS and n <= 3
        in_tgt = in_src and not (o % 17 == 0 and n == 3)
        if k % 7 == 0:
            cols, vals = ["line_no", "order_id"], [str(n), str(o)]
        else:
            cols, vals = ["order_id", "line_no"], [str(o), str(n)]
        diffs.append(diff_row(*kinds(in_src, in_tgt, [str(o), str(n)]), *keyed("lines", cols, vals)))
    # tenants: string keys with quotes, backslashes, newlines and unicode, both escape spellings.
    picked = TENANT_NAMES + rng.sample(tenants[len(TENANT_NAMES):], 100) + ["nobody's", "no\\body", "无人"]
    for k, t in enumerate(picked):
        in_src = t in tenants
        in_tgt = in_src and t not in tenants_only_src
        quote = q_str_backslash if k % 3 == 0 else q_str
        diffs.append(diff_row(*kinds(in_src, in_tgt, [t]), *keyed("tenants", ["tenant"], [t], quote)))
    rng.shuffle(diffs)
    # The same table named with another prefix (no backticks), after the rest: a list of its own.
    # (A change of prefix ends the current list, so these come last to leave a full list of 1,000.)
    for i in (1777, 1778, 2600):
        diffs.append(diff_row([f"{i}-plain"], [f"{i}-plain"], f"SELECT * FROM {SRC}.orders WHERE id = '{i}'",
                              f"SELECT * FROM {TGT}.orders WHERE id = '{i}'"))
    # The hostile row: two statements. Never to be run.
    diffs.insert(len(diffs) // 2, diff_row(["1"], ["1"], HOSTILE.format(db=SRC), HOSTILE.format(db=TGT)))
    return "\n".join(script) + "\n", diffs


def table_census(db: MariaDB) -> list[str]:
    """Every table of shop and shop_dr with its row count and a checksum of its contents."""
    lines = db.rows("SELECT table_schema, table_name FROM information_schema.tables "
                    f"WHERE table_schema IN ('{SRC}', '{TGT}') ORDER BY 1, 2;")
    tables = [tuple(line.split("\t")) for line in lines]
    checks = db.rows("".join(f"CHECKSUM TABLE {q_ident(s)}.{q_ident(t)};\n" for s, t in tables)) if tables else []
    counts = db.rows("".join(f"SELECT COUNT(*) FROM {q_ident(s)}.{q_ident(t)};\n" for s, t in tables)) if tables else []
    return [f"{s}.{t} {n} {c}" for (s, t), n, c in zip(tables, counts, checks)]


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def estate(mariadb, drs_bin, tmp_path_factory):
    script, diffs = build_estate(random.Random(20261120))
    mariadb.run(script)
    root = tmp_path_factory.mktemp("recheck-mariadb")
    archive = content_diff_archive(root / "archive", diffs)
    out = root / "out"
    render(drs_bin, archive, out)  # default formats: all, which includes sql
    return out, read_diffs(out)


def test_recheck_selects_exactly_the_rows_of_the_per_row_selects(mariadb, estate):
    out, diffs = estate
    hostile = {HOSTILE.format(db=SRC), HOSTILE.format(db=TGT)}
    by_table = collections.defaultdict(list)
    for n, row in enumerate(diffs, start=1):
        by_table[(row["source_db"], row["source_table"])].append((n, row))
    assert set(by_table) == {(SRC, t) for t in TABLES}, sorted(by_table)
    files = sorted(p.name for p in (out / "recheck").iterdir())
    assert files == sorted(f"{SRC}.{t}.{side}.sql" for t in TABLES for side in ("source", "target")), files

    before = table_census(mariadb)
    for (db, table), rows in sorted(by_table.items()):
        for side, column in (("source", "source_select_sql"), ("target", "target_select_sql")):
            name = f"{db}.{table}.{side}.sql"
            text = (out / "recheck" / name).read_text(encoding="utf-8")

            # The trailing count covers every row of the table in csv/diffs.csv, the hostile one included.
            count, n_statements = trailer(text)
            assert count == len(rows), f"{name}: trailer says {count} rows, csv/diffs.csv has {len(rows)}"
            found = statements(text)
            assert len(found) == n_statements, f"{name}: trailer says {n_statements} statements, found {len(found)}"
            for s in found:
                assert re.match(r"\(?SELECT\b", s, re.I), f"{name}: a statement that is not a SELECT: {s[:300]!r}"

            # The hostile row is named in a comment only, by its row number in csv/diffs.csv.
            hostile_rows = [n for n, r in rows if r[column] in hostile]
            for line in text.splitlines():
                if "DROP TABLE" in line and "DROP TABLE shop.tenants" not in line:
                    assert line.startswith("--"), f"{name}: DROP outside a comment: {line!r}"
            for s in found:
                assert f"DROP TABLE {SRC}.orders" not in s and f"DROP TABLE {TGT}.orders" not in s, (
                    f"{name}: the hostile SQL was copied into a statement: {s[:300]!r}")
            if table == "orders":
                assert len(hostile_rows) == 1, f"csv/diffs.csv should hold the hostile row once: {hostile_rows}"
                assert f"-- row {hostile_rows[0]} of csv/diffs.csv" in text, (
                    f"{name}: the hostile row {hostile_rows[0]} is not named in a comment")

            # Shapes: IN lists of at most 1,000 keys (at least two for orders), UNION ALL of at most 100.
            sizes = [k for s in found for k in in_list_sizes(s) if " IN (" in s and "UNION ALL" not in s]
            assert all(k <= 1000 for k in sizes), f"{name}: IN lists of {sizes} keys"
            unions = [s.upper().count("UNION ALL") + 1 for s in found if "UNION ALL" in s.upper()]
            assert all(k <= 100 for k in unions), f"{name}: UNION ALL of {unions} SELECTs"
            if table == "orders":
                assert sum(1 for k in sizes if k == 1000) >= 1 and len(sizes) >= 2, f"{name}: IN lists {sizes}"
                assert len(unions) >= 2, f"{name}: expected two UNION ALL statements (105+ other SELECTs), {unions}"
            if table == "lines":
                assert any(s.startswith(f"SELECT * FROM `{db if side == 'source' else TGT}`.`lines` WHERE (")
                           for s in found), f"{name}: no (k1, k2) IN list"

            # Rows: the recheck file against every distinct per-row SELECT.
            per_row = list(dict.fromkeys(r[column] for _, r in rows if r[column] not in hostile))
            expected = mariadb.rows("".join(sql + ";\n" for sql in per_row))
            actual = mariadb.rows(text)
            assert expected, f"{name}: the per-row SELECTs found no rows at all (test data broken)"
            assert_same_rows(actual, expected, f"recheck/{name} vs the per-row SELECTs of csv/diffs.csv")

    after = table_census(mariadb)
    assert after == before, f"running recheck/*.sql changed the databases:\nbefore {before}\nafter  {after}"
    assert any(line.startswith(f"{SRC}.orders ") for line in after) and any(
        line.startswith(f"{TGT}.orders ") for line in after)


def test_recheck_format_sql_alone(drs_bin, estate, tmp_path):
    """--format sql writes the same recheck files as the default (all)."""
    out, _ = estate
    archive = out.parent / "archive"
    alone = tmp_path / "out"
    render(drs_bin, archive, alone, "sql")
    names = sorted(p.name for p in (out / "recheck").iterdir())
    assert sorted(p.name for p in (alone / "recheck").iterdir()) == names
    for name in names:
        assert (alone / "recheck" / name).read_bytes() == (out / "recheck" / name).read_bytes(), name


# --------------------------------------------------------------------------------------------
# Smaller inputs, each on databases of its own: SQL the recheck files must not break on
# --------------------------------------------------------------------------------------------

PROBE_SRC, PROBE_TGT = "probe", "probe_dr"


@pytest.fixture
def probe(mariadb):
    """probe and probe_dr, each with orders (id 1..20), codes (id, code) and an untouchable canary table."""
    script = []
    for db in (PROBE_SRC, PROBE_TGT):
        script.append(f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4;")
        script.append(f"CREATE TABLE {db}.orders (id INT PRIMARY KEY, note VARCHAR(20) NULL);")
        script.append(f"INSERT INTO {db}.orders VALUES " + ", ".join(f"({i}, 'n{i}')" for i in range(1, 21)) + ";")
        script.append(f"CREATE TABLE {db}.codes (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL UNIQUE);")
        script.append(f"INSERT INTO {db}.codes VALUES (1, '2'), (2, '1'), (3, '3');")
        script.append(f"CREATE TABLE {db}.canary (x INT); INSERT INTO {db}.canary VALUES (1);")
    mariadb.run("\n".join(script))
    return mariadb


def probe_rows(sources: list[str]) -> list[dict]:
    """A diff row per source SELECT; the target SELECT is the same on probe_dr."""
    return [diff_row([f"k{n}"], [f"k{n}"], sql, sql.replace(f"`{PROBE_SRC}`.", f"`{PROBE_TGT}`.")
                     .replace(f" {PROBE_SRC}.", f" {PROBE_TGT}."))
            for n, sql in enumerate(sources)]


def render_probe(drs_bin: Path, tmp_path: Path, rows: list[dict]) -> tuple[Path, list[dict]]:
    out = tmp_path / "out"
    render(drs_bin, content_diff_archive(tmp_path / "archive", rows, src=PROBE_SRC, tgt=PROBE_TGT), out, "csv", "sql")
    return out, read_diffs(out)


def assert_recheck_matches_per_row(db: MariaDB, out: Path, diffs: list[dict]) -> None:
    for side, column in (("source", "source_select_sql"), ("target", "target_select_sql")):
        tables = {r["source_table"] for r in diffs}
        for table in sorted(tables):
            name = f"{PROBE_SRC}.{table}.{side}.sql"
            text = (out / "recheck" / name).read_text(encoding="utf-8")
            per_row = list(dict.fromkeys(r[column] for r in diffs if r["source_table"] == table))
            expected = db.rows("".join(sql + ";\n" for sql in per_row))
            run = db.run(text, check=False)
            assert run.returncode == 0, f"recheck/{name} fails on MariaDB:\n{run.stderr}\n--- file\n{text}"
            assert_same_rows(run.stdout.splitlines(), expected, f"recheck/{name} vs the per-row SELECTs\n{text}")


def test_recheck_union_all_of_selects_with_limit_or_order_by(probe, drs_bin, tmp_path):
    """Single SELECTs joined by UNION ALL must still select their own rows: a SELECT that ends in
    ORDER BY or LIMIT cannot stand unparenthesised before UNION ALL, and a LIMIT on the last one
    would limit the whole union."""
    out, diffs = render_probe(drs_bin, tmp_path, probe_rows([
        "SELECT * FROM `probe`.`orders` WHERE `id`>'3' AND `id`<'7' ORDER BY `id` DESC",
        "SELECT * FROM `probe`.`orders` WHERE `id`='9' OR `id`='10'",
        "SELECT * FROM `probe`.`orders` WHERE `id`>'12' LIMIT 2",
    ]))
    assert_recheck_matches_per_row(probe, out, diffs)


def test_recheck_keys_of_other_columns_are_not_taken_for_duplicates(probe, drs_bin, tmp_path):
    """`WHERE id='1'` and `WHERE code='1'` are different rows (1,'2') and (2,'1'); both must be re-selected."""
    out, diffs = render_probe(drs_bin, tmp_path, probe_rows([
        "SELECT * FROM `probe`.`codes` WHERE `id`='1'",
        "SELECT * FROM `probe`.`codes` WHERE `code`='1'",
        "SELECT * FROM `probe`.`codes` WHERE `id`='3'",
    ]))
    assert_recheck_matches_per_row(probe, out, diffs)


HOSTILE_PROBES = {
    # MariaDB reads backslash escapes in "…" strings too: the string ends at the second ", so the
    # ; after it ends the statement. (Read without the escape, the ; is inside "…".)
    "double-quoted string with a backslash":
        'SELECT * FROM `probe`.`orders` WHERE `note`="\\" AND `id`="; DROP TABLE probe.canary; SELECT "\\" AND `id`="',
    # The mariadb client runs \! as a shell command, outside strings, anywhere on a line.
    "mariadb client command":
        "SELECT * FROM `probe`.`orders` WHERE `id`='1' \\! touch {marker}",
    # A SELECT that writes a file on the server.
    "SELECT INTO OUTFILE":
        "SELECT * INTO OUTFILE '{marker}' FROM `probe`.`orders` WHERE `id`='2'",
}


@pytest.mark.parametrize("what", list(HOSTILE_PROBES))
def test_recheck_files_have_no_side_effects(probe, drs_bin, tmp_path, what):
    """Whatever a row's SQL holds, running recheck/*.sql only reads: no table dropped, no file written,
    no command run; SQL that could do any of that is named in a comment, not copied."""
    marker = tmp_path / "side-effect"
    hostile = HOSTILE_PROBES[what].format(marker=marker)
    out, diffs = render_probe(drs_bin, tmp_path, probe_rows([
        "SELECT * FROM `probe`.`orders` WHERE `id`='4'", hostile, "SELECT * FROM `probe`.`orders` WHERE `id`='5'"]))
    ran = []
    for path in sorted((out / "recheck").iterdir()):
        ran.append((path.name, probe.run(path.read_text(encoding="utf-8"), check=False)))
    for db in (PROBE_SRC, PROBE_TGT):
        assert probe.rows(f"SHOW TABLES FROM {db} LIKE 'canary';") == ["canary"], (
            f"{what}: running recheck/*.sql dropped {db}.canary")
    assert not marker.exists(), f"{what}: running recheck/*.sql wrote {marker}"
    for name, run in ran:
        text = (out / "recheck" / name).read_text(encoding="utf-8")
        assert run.returncode == 0, f"recheck/{name} fails on MariaDB:\n{run.stderr}\n--- file\n{text}"
        assert not any("canary" in s or "OUTFILE" in s.upper() or "\\!" in s for s in statements(text)), (
            f"{what}: the hostile SQL was copied into recheck/{name}:\n{text}")
