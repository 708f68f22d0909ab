#!/usr/bin/env python3
"""Generate drs-report sample inputs and test fixtures (python3 stdlib only).

Default run (byte-identical every time; fixed seeds, fixed clocks):

    python3 scripts/gen_samples.py            # writes samples/ and Tests/DRSReportTests/Fixtures/

Benchmark archives (not committed; scripts/bench.sh generates both):

    # "project": 10,000 tables in 20 databases, 1,000,000 inconsistent rows spread heavy-tailed over
    # about 30% of the tables, in indented bodies of 1,000 rows. Without the shape
    # options below, --large writes exactly what it wrote before they existed.
    python3 scripts/gen_samples.py --large /tmp/big --tables 10000 --diffs 1000000

    # "wide": 50 databases x 200 tables, with object (--objects), row-count and value details for
    # every table; 1,000 inconsistent tables x 1,000 rows = 1,000,000 rows in 1,000 compact v5
    # content-difference bodies of 1,000 rows (1,116 responses; about 290 MB, extrapolated from
    # smaller runs); keys of two columns; source and target SELECTs of 90 characters that differ
    # (a trailing comment naming the side).
    python3 scripts/gen_samples.py --large /tmp/wide --tables 10000 --diffs 1000000 --databases 50 \
        --inconsistent-tables 1000 --key-columns 2 --sql-length 90 --page-size 1000 --objects --compact

    Shape options (--large only): --databases N, --inconsistent-tables N, --key-columns K,
    --sql-length L, --page-size P, --objects, --target-suffix S, --compact; see --help.

Every JSON key and type below follows /work/shared/reference (DRS API pages and the
SDK model dump). DRS's own inconsistencies are reproduced on purpose:
  * v5 line detail row counts are strings; v5 content detail row counts are numbers;
  * v3 statuses are integer codes, v5 statuses are string enums;
  * v3 query-compare-result spells TARGET_DB_NOT_EXIT, v5 spells TARGET_DB_NOT_EXIST;
  * v3 content-difference names the source SQL `select_sql`, elsewhere `source_select_sql`;
  * content overview/detail use `source_db`/`target_db`, everything else `*_db_name`;
  * progress-data and query-compare-result task list times are epoch-millisecond strings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ENDPOINT = "https://drs.cn-north-4.myhuaweicloud.com"
GENERATOR = "drs-report 0.1.0"
BASE_TIME = datetime(2026, 11, 20, 8, 0, 0, tzinfo=timezone.utc)
SEED = 20261120

REPO = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------
# ids (hand-picked so they never move when the generator changes)
# ---------------------------------------------------------------------------

V5_PROJECT = "0b4f7c2a9e1d4f6b8a3c5e7d9f1a2b3c"
V5_JOB = "b7e5a4d1-2c9f-4e3a-8d61-5f0a2c9jb201"
V5_OBJECT_TASK = "3f2a9c71-8e4b-4d06-b5a2-c19e7d40f613"
V5_LINES_TASK = "a8d04e5c-61b7-4f29-9c3e-07b5f2e1d894"
V5_CONTENTS_TASK = "c51e7b28-9d3a-4a6f-8e10-f4b2a6c93d07"

V3_PROJECT = V5_PROJECT  # same tenant, second job
V3_JOB = "e1f7a2c4-6b3d-4c9e-8a15-2d7f90cjb502"
V3_OBJECT_TASK = "5d9b3e07-2a6c-4f81-9b4d-e8a1c3f07b26"
V3_LINES_TASK = "7c2e4a91-b3d5-4e68-a0f7-1b9d5c3e8a42"
V3_CONTENTS_TASK = "9e4f6b13-d5a7-4c80-b2e9-3d1f7a5c0b64"
V3_OLD_CONTENTS_TASK = "1a3c5e7f-9b2d-4f6a-8c0e-2b4d6f8a0c1e"

HOSTILE_PROJECT = "fa11bad0c0ffee00deadbeef00c0ffee"
HOSTILE_JOB = "d3adb33f-0bad-4c0d-9e11-7a5c0ffjb666"
HOSTILE_OBJECT_TASK = "0e1d2c3b-4a59-4687-9a6b-5c4d3e2f1a00"
HOSTILE_LINES_TASK = "11111111-2222-4333-8444-555555555555"
HOSTILE_CONTENTS_TASK = "66666666-7777-4888-9999-aaaaaaaaaaaa"

LARGE_PROJECT = "5eedbe4c4d2e4f6a8b0c1d2e3f405162"
LARGE_JOB = "4c0ffee0-1a2b-4c3d-8e4f-50617283jb9f"
LARGE_LINES_TASK = "b1b2b3b4-c5c6-4d7d-8e8e-f9f9f0f0a1a1"
LARGE_CONTENTS_TASK = "c2c3c4c5-d6d7-4e8e-9f9f-a0a0b1b1c2c2"
LARGE_OBJECT_TASK = "d3d4d5d6-e7e8-4f9f-8a0a-b1b1c2c2d3d3"


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def at(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def epoch_ms(dt: datetime, millis: int = 0) -> str:
    return str(int(dt.timestamp()) * 1000 + millis)


def body_bytes(obj) -> bytes:
    """A response body as DRS would send it: pretty-printed UTF-8, no trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2).encode("utf-8")


def write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body_bytes(obj))


def fresh_dir(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def q_ident(name: str) -> str:
    """MySQL identifier quoting: backticks, embedded backticks doubled."""
    return "`" + name.replace("`", "``") + "`"


def q_str(value: str) -> str:
    """MySQL string literal (default sql_mode: backslash escapes, quote doubled)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def select_sql(db: str, table: str, cols, vals) -> str:
    where = " AND ".join(f"{q_ident(c)}={q_str(v)}" for c, v in zip(cols, vals))
    return f"SELECT * FROM {q_ident(db)}.{q_ident(table)} WHERE {where}"


MISSING_ON_TARGET = "missing_on_target"   # only in source: target_key_value []
MISSING_ON_SOURCE = "missing_on_source"   # only in target: source_key_value []
DIFFERENT = "different"                   # in both, values differ


def diff_row(kind: str, src_db: str, tgt_db: str, src_table: str, tgt_table: str,
             cols, vals, source_sql_key: str = "source_select_sql") -> dict:
    return {
        "source_key_value": [] if kind == MISSING_ON_SOURCE else list(vals),
        "target_key_value": [] if kind == MISSING_ON_TARGET else list(vals),
        source_sql_key: select_sql(src_db, src_table, cols, vals),
        "target_select_sql": select_sql(tgt_db, tgt_table, cols, vals),
    }


def kind_counts(rows) -> tuple[int, int, int]:
    """(target_meta_is_null, source_meta_is_null, source_target_meta_not_null)."""
    t = sum(1 for r in rows if r["target_key_value"] == [])
    s = sum(1 for r in rows if r["source_key_value"] == [])
    return t, s, len(rows) - t - s


class ArchiveWriter:
    """Writes archive format v1: manifest.json + responses/NNNNNN.json, streaming bodies."""

    def __init__(self, root: Path, project_id: str, job_id: str,
                 start: datetime = BASE_TIME, endpoint: str = ENDPOINT):
        self.root = root
        self.project_id = project_id
        self.job_id = job_id
        self.endpoint = endpoint
        self.clock = start
        self.entries: list[dict] = []
        self.compact = False  # bodies as compact JSON: no indentation, no spaces
        fresh_dir(root)
        (root / "responses").mkdir()

    @property
    def job_path(self) -> str:
        return f"/v5/{self.project_id}/jobs/{self.job_id}"

    def add(self, path: str, query: dict, body, status: int = 200, method: str = "GET") -> None:
        if isinstance(body, bytes):
            data = body
        elif self.compact:
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        else:
            data = body_bytes(body)
        name = f"responses/{len(self.entries) + 1:06d}.json"
        (self.root / name).write_bytes(data)
        assert all(isinstance(v, str) for v in query.values()), query
        self.entries.append({
            "file": name,
            "method": method,
            "path": path,
            "query": dict(query),
            "status": status,
            "received_at": iso(self.clock),
            "sha256": hashlib.sha256(data).hexdigest(),
        })
        self.clock += timedelta(seconds=1)

    def compare(self, query: dict, body, status: int = 200) -> None:
        """GET /v5/{project_id}/jobs/{job_id}?type=compare&..."""
        self.add(self.job_path, {"type": "compare", **query}, body, status)

    def finish(self, created_at: datetime) -> None:
        manifest = {
            "format": "drs-report-archive",
            "version": 1,
            "created_at": iso(created_at),
            "generator": GENERATOR,
            "endpoint": self.endpoint,
            "project_id": self.project_id,
            "job_id": self.job_id,
            "language": "en-us",
            "responses": self.entries,
        }
        text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (self.root / "manifest.json").write_bytes(text.encode("utf-8"))


def v5_job(job_id: str, compare_result: dict, total_count: int | None = None) -> dict:
    job: dict = {"id": job_id}
    if total_count is not None:
        job["total_count"] = total_count
    job["compare_result"] = compare_result
    return {"job": job}


def v5_job_detail(job_id: str, name: str, status: str, engine: str, src: str, tgt: str,
                  region: str = "cn-north-4", project_id: str = V5_PROJECT) -> dict:
    """GET /v5/{project_id}/jobs/{job_id}?type=detail: the job itself (shape of the reference's example)."""
    return {"job": {
        "id": job_id, "status": status, "create_time": "2026-11-18T02:00:00Z",
        "base_info": {"name": name, "job_type": "sync", "engine_type": engine, "job_direction": "up",
                      "task_type": "FULL_INCR_TRANS", "net_type": "vpc", "charging_mode": "on_demand",
                      "enterprise_project_id": "0", "description": "", "expired_days": 14, "tags": []},
        "source_endpoint": [{"db_type": src, "endpoint_type": "cloud", "endpoint_role": "so",
                             "endpoint": {"id": "c0ffee00-0000-4000-8000-00000000so01", "endpoint_name": "source",
                                          "instance_id": "a1b2c3d4e5f6in01", "db_user": "drs_reader"},
                             "cloud": {"region": region, "project_id": project_id, "az_code": region + "a"}}],
        "target_endpoint": [{"db_type": tgt, "endpoint_type": "cloud", "endpoint_role": "ta",
                             "endpoint": {"id": "c0ffee00-0000-4000-8000-00000000ta01", "endpoint_name": "target",
                                          "instance_id": "f6e5d4c3b2a1in02", "db_user": "drs_writer"},
                             "cloud": {"region": region, "project_id": project_id, "az_code": region + "b"}}],
        "node_info": {"spec": {"node_type": "medium"}},
    }}


def page(offset: int, limit: int) -> dict:
    return {"offset": str(offset), "limit": str(limit)}


# ---------------------------------------------------------------------------
# 1. v5 MySQL -> MySQL archive
# ---------------------------------------------------------------------------

def shop_diff_rows(rng: random.Random) -> list[dict]:
    """73 inconsistent rows of `shop`: orders 40, order_items 12, 客户表 21."""
    rows: list[dict] = []

    # orders: ids 1001..2200 on source; 20 only in source, 15 differ, 5 only in target (2201..).
    picked = sorted(rng.sample(range(1001, 2201), 35))
    kinds = [MISSING_ON_TARGET] * 20 + [DIFFERENT] * 15
    rng.shuffle(kinds)
    items = [(i, k) for i, k in zip(picked, kinds)] + [(i, MISSING_ON_SOURCE) for i in range(2201, 2206)]
    for i, k in sorted(items):
        rows.append(diff_row(k, "shop", "shop", "orders", "orders", ["id"], [str(i)]))

    # order_items: composite key; 4 + 4 + 4 (row counts still equal, so line compare says CONSISTENT).
    keys = sorted(rng.sample([(o, n) for o in range(1001, 2201) for n in range(1, 4)], 12))
    kinds = [MISSING_ON_TARGET] * 4 + [MISSING_ON_SOURCE] * 4 + [DIFFERENT] * 4
    rng.shuffle(kinds)
    for (o, n), k in zip(keys, kinds):
        rows.append(diff_row(k, "shop", "shop", "order_items", "order_items",
                             ["order_id", "item_no"], [str(o), str(n)]))

    # 客户表: 6 only in source, 3 only in target, 12 differ; key column 客户编号.
    codes = sorted(rng.sample(range(1, 861), 21))
    kinds = [MISSING_ON_TARGET] * 6 + [MISSING_ON_SOURCE] * 3 + [DIFFERENT] * 12
    rng.shuffle(kinds)
    for c, k in zip(codes, kinds):
        rows.append(diff_row(k, "shop", "shop", "客户表", "客户表", ["客户编号"], [f"KH2026{c:05d}"]))

    assert len(rows) == 73
    return rows


def gen_v5_archive(root: Path) -> int:
    rng = random.Random(SEED)
    w = ArchiveWriter(root, V5_PROJECT, V5_JOB)

    # -- data_compare list
    w.compare({"compare_type": "data_compare", "query_type": "list", **page(0, 10)}, v5_job(V5_JOB, {
        "data_compare_task_list": [
            {
                "id": V5_LINES_TASK,
                "type": "lines",
                "start_time": "2026-11-20T02:00:03Z",
                "end_time": "2026-11-20T02:07:41Z",
                "status": "SUCCESSFUL",
                "compute_type": "drs",
                "export_status": "EXPORT_COMPLETE",
                "report_remain_seconds": 5 * 86400 - 1234,
                "compare_job_tag": {},
                "options": {"comparePolicy": "normal"},
            },
            {
                "id": V5_CONTENTS_TASK,
                "type": "contents",
                "start_time": "2026-11-20T02:10:00Z",
                "end_time": "2026-11-20T03:42:18Z",
                "status": "SUCCESSFUL",
                "compute_type": "drs",
                "export_status": "INIT",
                "report_remain_seconds": -1,
                "compare_job_tag": {},
                "options": {"contentCompareType": "static", "lobCompare": "ignore"},
            },
        ],
    }, total_count=2))

    # -- object compare overview
    w.compare({"compare_type": "object_compare", "query_type": "overview",
               "compare_task_id": V5_OBJECT_TASK}, v5_job(V5_JOB, {
        "objects_compare_overview_info": {
            "create_time": "2026-11-19T22:10:05Z",
            "compare_results": [
                {"type": "DB", "source_count": 3, "target_count": 3, "status": "CONSISTENT"},
                {"type": "TABLE", "source_count": 12, "target_count": 12, "status": "CONSISTENT"},
                {"type": "VIEW", "source_count": 2, "target_count": 2, "status": "CONSISTENT"},
                {"type": "INDEX", "source_count": 10, "target_count": 9, "status": "INCONSISTENT"},
                {"type": "TRIGGER", "source_count": 2, "target_count": 2, "status": "CAN_NOT_COMPARE"},
            ],
            "start_time": "2026-11-19T22:10:09Z",
            "status": "SUCCESSFUL",
            "export_status": "EXPORT_COMPLETE",
            "report_remain_seconds": 86400 * 3 + 7421,
            "compare_job_id": V5_OBJECT_TASK,
        },
    }))

    # -- object compare details
    dbs = [("shop", "shop"), ("订单库", "订单库"), ("legacy_crm", "legacy_crm")]
    db_detail = [{"source_db_name": s, "target_db_name": t, "source_db_value": s,
                  "target_db_value": t, "error_message": ""} for s, t in dbs]
    tables = {
        "shop": ["orders", "order_items", "客户表", "products", "event_log", "audit_trail", "tmp_import_2026"],
        "订单库": ["订单明细", "退款记录", "payments"],
        "legacy_crm": ["contacts", "leads"],
    }
    table_detail = [{"source_db_name": db, "target_db_name": db, "source_db_value": t,
                     "target_db_value": t, "error_message": ""}
                    for db in tables for t in tables[db]]
    indexes = [
        ("shop", "orders.PRIMARY (`id`)"),
        ("shop", "orders.idx_orders_customer (`customer_id`)"),
        ("shop", "orders.idx_orders_created_at (`created_at`)"),
        ("shop", "order_items.PRIMARY (`order_id`,`item_no`)"),
        ("shop", "客户表.PRIMARY (`客户编号`)"),
        ("shop", "客户表.uk_手机号 (`手机号`) UNIQUE"),
        ("shop", "products.PRIMARY (`id`)"),
        ("订单库", "订单明细.PRIMARY (`id`)"),
        ("订单库", "订单明细.idx_订单号 (`订单号`)"),
        ("订单库", "payments.PRIMARY (`id`)"),
    ]
    index_detail = []
    for db, value in indexes:
        missing = value.startswith("orders.idx_orders_created_at")
        index_detail.append({
            "source_db_name": db, "target_db_name": db,
            "source_db_value": value, "target_db_value": "" if missing else value,
            "error_message": "The index does not exist in the destination database." if missing else "",
        })
    for object_type, infos in (("DB", db_detail), ("TABLE", table_detail), ("INDEX", index_detail)):
        w.compare({"compare_type": "object_compare", "query_type": "detail", "object_type": object_type,
                   "compare_task_id": V5_OBJECT_TASK, **page(0, 100)},
                  v5_job(V5_JOB, {"objects_compare_detail_infos": infos}, total_count=len(infos)))

    # -- line compare overview
    line_overview = [
        {"source_db_name": "shop", "target_db_name": "shop", "status": "INCONSISTENT"},
        {"source_db_name": "订单库", "target_db_name": "订单库", "status": "INCONSISTENT"},
        {"source_db_name": "legacy_crm", "target_db_name": "legacy_crm", "status": "TARGET_DB_NOT_EXIST"},
    ]
    w.compare({"compare_type": "line_compare", "query_type": "overview",
               "compare_task_id": V5_LINES_TASK, **page(0, 100)},
              v5_job(V5_JOB, {"line_compare_overview_infos": line_overview}, total_count=3))

    # -- line compare details (row counts are STRINGS in v5)
    def line(t, s, tg, d, status, message=None, target_table=None):
        row = {"source_table_name": t, "source_row_num": s, "target_table_name": target_table or t,
               "target_row_num": tg, "difference_row_num": d, "status": status}
        if message is not None:
            row["message"] = message
        return row

    line_details = [
        ("shop", "compare", [
            line("orders", "1200", "1185", "15", "INCONSISTENT"),
            line("order_items", "5230", "5230", "0", "CONSISTENT"),
            line("客户表", "860", "857", "3", "INCONSISTENT"),
            line("products", "342", "342", "0", "CONSISTENT"),
            line("event_log", "3000000000", "3000000000", "0", "CONSISTENT"),
        ]),
        ("订单库", "compare", [
            line("订单明细", "98765", "98760", "5", "INCONSISTENT"),
            line("退款记录", "4312", "4312", "0", "CONSISTENT"),
            line("payments", "20488", "20488", "0", "CONSISTENT"),
        ]),
        ("legacy_crm", "compare", [
            {"source_table_name": "contacts", "source_row_num": "15873", "target_table_name": "contacts",
             "status": "TARGET_DB_NOT_EXIST", "message": "The destination database does not exist."},
            {"source_table_name": "leads", "source_row_num": "2291", "target_table_name": "leads",
             "status": "TARGET_DB_NOT_EXIST", "message": "The destination database does not exist."},
        ]),
        ("shop", "uncompare", [
            {"source_table_name": "audit_trail", "source_row_num": "48213", "target_table_name": "audit_trail",
             "target_row_num": None, "difference_row_num": None, "status": "FAILED_TO_COMPARE",
             "message": "Failed to query the destination database: Lock wait timeout exceeded; try restarting transaction"},
            {"source_table_name": "tmp_import_2026", "target_table_name": "tmp_import_2026",
             "status": "CAN_NOT_COMPARE",
             "message": "Tables that use the MEMORY storage engine cannot be compared."},
        ]),
    ]
    for db, detail_type, infos in line_details:
        w.compare({"compare_type": "line_compare", "query_type": "detail", "compare_task_id": V5_LINES_TASK,
                   "source_db_name": db, "target_db_name": db, "compare_detail_type": detail_type,
                   **page(0, 100)},
                  v5_job(V5_JOB, {"line_compare_detail_infos": infos}, total_count=len(infos)))

    # -- content compare overview
    content_overview = [
        {"source_db": "shop", "target_db": "shop", "status": "INCONSISTENT", "compare_result": False},
        {"source_db": "订单库", "target_db": "订单库", "status": "INCONSISTENT", "compare_result": False},
        {"source_db": "legacy_crm", "target_db": "legacy_crm", "status": "TARGET_DB_NOT_EXIST",
         "compare_result": False},
    ]
    w.compare({"compare_type": "content_compare", "query_type": "overview",
               "compare_task_id": V5_CONTENTS_TASK, **page(0, 100)},
              v5_job(V5_JOB, {"content_compare_overview_infos": content_overview}, total_count=3))

    # -- content compare details (row counts are NUMBERS here)
    def content(db, t, s, tg, d, line_ok, content_ok, message=None):
        row = {"source_db": db, "target_db": db, "source_table_name": t, "target_table_name": t,
               "source_row_num": s, "target_row_num": tg, "difference_row_num": d,
               "line_compare_result": line_ok, "content_compare_result": content_ok}
        if message is not None:
            row["message"] = message
        return row

    content_details = [
        ("shop", "compare", [
            content("shop", "orders", 1200, 1185, 40, False, False),
            content("shop", "order_items", 5230, 5230, 12, True, False),
            content("shop", "客户表", 860, 857, 21, False, False),
            content("shop", "products", 342, 342, 0, True, True),
        ]),
        ("订单库", "compare", [
            content("订单库", "订单明细", 98765, 98760, 7, False, False),
            content("订单库", "退款记录", 4312, 4312, 0, True, True),
            content("订单库", "payments", 20488, 20488, 0, True, True),
        ]),
        ("legacy_crm", "compare", []),
        ("shop", "uncompare", [
            {"source_db": "shop", "target_db": "shop", "source_table_name": "event_log",
             "target_table_name": "event_log", "source_row_num": 3000000000, "target_row_num": 3000000000,
             "line_compare_result": True,
             "message": "The table has more than 100 million rows. Value comparison was skipped."},
            {"source_db": "shop", "target_db": "shop", "source_table_name": "tmp_import_2026",
             "target_table_name": "tmp_import_2026", "source_row_num": 18, "target_row_num": 18,
             "message": "The table has no primary key or unique index. Values cannot be compared."},
        ]),
    ]
    for db, detail_type, infos in content_details:
        w.compare({"compare_type": "content_compare", "query_type": "detail",
                   "compare_task_id": V5_CONTENTS_TASK, "source_db_name": db, "target_db_name": db,
                   "compare_detail_type": detail_type, **page(0, 100)},
                  v5_job(V5_JOB, {"content_compare_detail_infos": infos}, total_count=len(infos)))

    # -- content diffs: shop in two pages (50 + 23), 订单库 -> DRS error, legacy_crm -> empty
    rows = shop_diff_rows(rng)
    t_null, s_null, both = kind_counts(rows)
    for offset in (0, 50):
        chunk = rows[offset:offset + 50]
        w.compare({"compare_type": "content_compare", "query_type": "diff", "source_db_name": "shop",
                   "target_db_name": "shop", "compare_task_id": V5_CONTENTS_TASK, **page(offset, 50)},
                  v5_job(V5_JOB, {"content_diff_detail_info": {
                      "count": len(rows), "target_meta_is_null": t_null, "source_meta_is_null": s_null,
                      "source_target_meta_not_null": both, "contents_infos": chunk}}))
    w.compare({"compare_type": "content_compare", "query_type": "diff", "source_db_name": "订单库",
               "target_db_name": "订单库", "compare_task_id": V5_CONTENTS_TASK, **page(0, 50)},
              {"error_code": "DRS.M05003", "error_msg": "Task information not found."}, status=400)
    w.compare({"compare_type": "content_compare", "query_type": "diff", "source_db_name": "legacy_crm",
               "target_db_name": "legacy_crm", "compare_task_id": V5_CONTENTS_TASK, **page(0, 50)},
              v5_job(V5_JOB, {"content_diff_detail_info": {
                  "count": 0, "target_meta_is_null": 0, "source_meta_is_null": 0,
                  "source_target_meta_not_null": 0, "contents_infos": []}}))

    # -- compare progress
    w.add(f"/v5/{V5_PROJECT}/jobs/{V5_JOB}/compare-progress/{V5_CONTENTS_TASK}", {}, {
        "full_info": {"progress": 100, "src_speed": "0.00B/s", "recheck_entities": 0},
        "incre_info": {"delay": 0, "src_speed": "0.00B/s", "rps": 0,
                       "log_point": "951de1d2-61ee-11f0-8081-fa163ef20ddd:51", "recheck_entities": 0},
        "global_info": {"src_speed": "0.00B/s"},
    })

    # -- progress data (create_time is an epoch-millisecond string here)
    flow = [("shop", t) for t in tables["shop"]] + [("订单库", t) for t in tables["订单库"]] + \
           [("legacy_crm", t) for t in tables["legacy_crm"]]
    progress = [100, 100, 100, 100, 37, 100, 100, 100, 100, 100, 0, 0]
    w.add(f"/v5/{V5_PROJECT}/jobs/{V5_JOB}/progress-data/table", page(0, 10), {
        "count": len(flow),
        "create_time": epoch_ms(at("2026-11-20T07:59:41Z"), 882),
        "flow_compare_data": [{"src_db": db, "src_tb": t, "dst_db": db, "dst_tb": t, "progress": p}
                              for (db, t), p in list(zip(flow, progress))[:10]],
    })

    # -- the job's own detail (type=detail): its name, status, engines and region
    w.add(w.job_path, {"type": "detail"},
          v5_job_detail(V5_JOB, "shop-mysql-sync-prod", "INCRE_TRANSFER_STARTED", "mysql-to-mysql", "mysql", "mysql"))

    w.finish(at("2026-11-20T08:01:00Z"))
    return len(rows)


# ---------------------------------------------------------------------------
# 2. v3 loose responses
# ---------------------------------------------------------------------------

def v3_points_rows(rng: random.Random, sql_key: str) -> list[dict]:
    """12 inconsistent rows of crm.会员积分 (composite key member_id, batch_no)."""
    keys = sorted(rng.sample([(m, b) for m in range(100001, 100400) for b in range(1, 5)], 12))
    kinds = [MISSING_ON_TARGET] * 5 + [MISSING_ON_SOURCE] * 3 + [DIFFERENT] * 4
    rng.shuffle(kinds)
    return [diff_row(k, "crm", "crm", "会员积分", "会员积分", ["member_id", "batch_no"],
                     [str(m), str(b)], sql_key) for (m, b), k in zip(keys, kinds)]


def v3_member_rows(rng: random.Random) -> list[dict]:
    ids = sorted(rng.sample(range(100001, 100400), 5))
    kinds = [DIFFERENT, MISSING_ON_TARGET, DIFFERENT, MISSING_ON_SOURCE, DIFFERENT]  # 399 = 399 rows
    return [diff_row(k, "crm", "crm", "members", "members", ["id"], [str(i)]) for i, k in zip(ids, kinds)]


def gen_v3_folder(root: Path) -> dict:
    rng = random.Random(SEED + 3)
    fresh_dir(root)

    write_json(root / "object-compare-overview.json", {
        "status": "SUCCESSFUL",
        "create_time": "2026-11-18T03:12:09Z",
        "compare_result": [
            {"type": "DB", "status": 0, "source_count": 3, "target_count": 2},
            {"type": "TABLE", "status": 0, "source_count": 11, "target_count": 8},
            {"type": "VIEW", "status": 2, "source_count": 1, "target_count": 1},
            {"type": "INDEX", "status": 2, "source_count": 14, "target_count": 14},
            {"type": "EVENT", "status": 3, "source_count": 1, "target_count": 0},
            {"type": "TABLE_COLLATION", "status": 2, "source_count": 8, "target_count": 8},
        ],
        "start_time": "2026-11-18T03:12:14Z",
        "export_status": "EXPORT_COMPLETE",
        "report_remain_seconds": 86400 * 2 + 3377,
        "compare_job_id": V3_OBJECT_TASK,
    })

    def odetail(db, tgt_db, s, t, status, err=""):
        return {"source_db_name": db, "target_db_name": tgt_db, "source_db_value": s,
                "target_db_value": t, "status": status, "error_message": err}

    table_rows = [odetail("crm", "crm", t, t, 2) for t in ("members", "会员积分", "coupons", "click_stream")]
    table_rows.append(odetail("crm", "crm", "sms_log", "", 0, "The table does not exist in the destination database."))
    table_rows += [odetail("inventory", "inventory", t, t, 2) for t in ("sku", "warehouse", "stock_move", "库存快照")]
    table_rows += [odetail("archive_2019", "archive_2019", t, "", 0, "The destination database does not exist.")
                   for t in ("orders_2019", "refunds_2019")]
    write_json(root / "object-compare-detail-TABLE.json", {"count": len(table_rows), "compare_detail": table_rows})

    write_json(root / "table-compare-jobs.json", {
        "compare_jobs": [
            {"id": V3_CONTENTS_TASK, "type": "contents",
             "options": {"contentCompareType": "static", "lobCompare": "length"},
             "start_time": "2026-11-18T04:00:00Z", "end_time": "2026-11-18T05:31:47Z",
             "status": "SUCCESSFUL", "export_status": "EXPORTING", "report_remain_seconds": -1,
             "compare_job_tag": {}},
            {"id": V3_LINES_TASK, "type": "lines", "options": {"comparePolicy": "normal"},
             "start_time": "2026-11-18T03:20:00Z", "end_time": "2026-11-18T03:24:52Z",
             "status": "SUCCESSFUL", "export_status": "EXPORT_COMPLETE",
             "report_remain_seconds": 86400 * 4 + 611, "compare_job_tag": {"comparePolicy": "normal"}},
            {"id": V3_OLD_CONTENTS_TASK, "type": "contents", "options": {"contentCompareType": "static"},
             "start_time": "2026-11-02T11:00:00Z", "end_time": "2026-11-02T11:05:13Z",
             "status": "CANCELLED", "export_status": "INIT", "report_remain_seconds": -1,
             "compare_job_tag": {}},
        ],
        "count": 3,
    })

    write_json(root / "line-overview.json", {"total_count": 3, "data_compare_overview_infos": [
        {"source_db_name": "crm", "target_db_name": "crm", "status": 0, "compare_num": 5,
         "compare_end_num": 5, "data_inconsistent_num": 2, "uncomparable_num": 1},
        {"source_db_name": "inventory", "target_db_name": "inventory", "status": 2, "compare_num": 4,
         "compare_end_num": 4, "data_inconsistent_num": 0, "uncomparable_num": 0},
        {"source_db_name": "archive_2019", "target_db_name": "archive_2019", "status": 22, "compare_num": 2,
         "compare_end_num": 2, "data_inconsistent_num": 0, "uncomparable_num": 2},
    ]})

    line_detail = {"total_count": 5, "table_line_compare_result_infos": [
        {"source_table_name": "members", "source_row_num": 399, "target_table_name": "members",
         "target_row_num": 399, "difference_row_num": 0, "status": 2, "compare_line_config_filter": ""},
        {"source_table_name": "会员积分", "source_row_num": 1596, "target_table_name": "会员积分",
         "target_row_num": 1594, "difference_row_num": 2, "status": 0, "compare_line_config_filter": ""},
        {"source_table_name": "coupons", "source_row_num": 12077, "target_table_name": "coupons",
         "target_row_num": 12077, "difference_row_num": 0, "status": 2,
         "compare_line_config_filter": "`expire_at` >= '2026-01-01'"},
        {"source_table_name": "sms_log", "source_row_num": 88410, "target_table_name": "sms_log",
         "target_row_num": 0, "difference_row_num": 88410, "status": 12, "compare_line_config_filter": ""},
        {"source_table_name": "click_stream", "source_row_num": 3000000000, "target_table_name": "click_stream",
         "target_row_num": 2999999000, "difference_row_num": 1000, "status": 23,
         "compare_line_config_filter": ""},
    ]}
    write_json(root / "line-detail.json", line_detail)

    write_json(root / "content-overview.json", {"total_count": 3, "content_compare_result_infos": [
        {"source_db": "crm", "target_db": "crm", "status": 0, "compare_num": 4, "compare_end_num": 4,
         "data_inconsistent_num": 2, "uncomparable_num": 1},
        {"source_db": "inventory", "target_db": "inventory", "status": 2, "compare_num": 4,
         "compare_end_num": 4, "data_inconsistent_num": 0, "uncomparable_num": 0},
        {"source_db": "archive_2019", "target_db": "archive_2019", "status": 22, "compare_num": 2,
         "compare_end_num": 2, "data_inconsistent_num": 0, "uncomparable_num": 2},
    ]})

    def cdetail(t, s, tg, d, line_ok, content_ok, message=""):
        return {"source_db": "crm", "target_db": "crm", "source_table_name": t, "target_table_name": t,
                "source_row_num": s, "target_row_num": tg, "difference_row_num": d,
                "line_compare_result": line_ok, "content_compare_result": content_ok, "message": message,
                "compare_line_config_filter": "", "status": 2, "complete_shard_count": 1,
                "total_shard_count": 1, "progress": 100.0}

    write_json(root / "content-detail.json", {"total_count": 3, "content_compare_result_infos": [
        cdetail("members", 399, 399, 5, True, False),
        # DRS tolerance check: a boolean sent as the string "false".
        cdetail("会员积分", 1596, 1594, 12, "false", False),
        cdetail("coupons", 12077, 12077, 0, True, True),
    ]})

    points = v3_points_rows(random.Random(SEED + 30), "select_sql")
    t_null, s_null, both = kind_counts(points)
    write_json(root / "content-difference.json", {
        "count": len(points), "target_meta_is_null": t_null, "source_meta_is_null": s_null,
        "source_target_meta_not_null": both, "contents_infos": points})

    # -- POST /v3/{project_id}/jobs/query-compare-result (same rows, v5-style source_select_sql key)
    points_q = v3_points_rows(random.Random(SEED + 30), "source_select_sql")
    members_q = v3_member_rows(rng)
    # ContentCompareDiff key order as in the SDK model: target_select_sql, source_select_sql, keys
    def reorder(r):
        return {"target_select_sql": r["target_select_sql"], "source_select_sql": r["source_select_sql"],
                "source_key_value": r["source_key_value"], "target_key_value": r["target_key_value"]}
    points_q = [reorder(r) for r in points_q]
    members_q = [reorder(r) for r in members_q]

    def lcd(t, s, tg, result, message=None):
        row = {"source_table_name": t, "target_table_name": t, "source_row_num": s, "target_row_num": tg,
               "diff_row_num": s - tg, "line_compare_result": result}
        if message:
            row["message"] = message
        return row

    def ccd(db, t, s, tg, d, line_r, content_r, message=None):
        row = {"source_db_name": db, "target_db_name": db, "source_table_name": t, "target_table_name": t,
               "source_row_num": s, "target_row_num": tg, "diff_row_num": d,
               "line_compare_result": line_r, "content_compare_result": content_r}
        if message:
            row["message"] = message
        return row

    created = at("2026-11-18T03:12:09Z")
    qcr = {
        "job_id": V3_JOB,
        "object_level_compare_results": {
            "compare_task_id": V3_OBJECT_TASK,
            "object_compare_overview": [
                {"object_type": "DB", "object_compare_result": "INCONSISTENT", "target_count": 2,
                 "source_count": 3, "diff_count": 1},
                {"object_type": "TABLE", "object_compare_result": "INCONSISTENT", "target_count": 8,
                 "source_count": 11, "diff_count": 3},
                {"object_type": "VIEW", "object_compare_result": "CONSISTENT", "target_count": 1,
                 "source_count": 1, "diff_count": 0},
                {"object_type": "INDEX", "object_compare_result": "CONSISTENT", "target_count": 14,
                 "source_count": 14, "diff_count": 0},
            ],
            "object_compare_details": {
                "DB": [
                    {"source_db_name": "archive_2019", "target_db_name": "archive_2019",
                     "source_db_value": "archive_2019", "target_db_value": "",
                     "error_message": "The destination database does not exist."},
                ],
                "TABLE": [
                    {"source_db_name": r["source_db_name"], "target_db_name": r["target_db_name"],
                     "source_db_value": r["source_db_value"], "target_db_value": r["target_db_value"],
                     "error_message": r["error_message"]} for r in table_rows if r["status"] == 0
                ],
            },
        },
        "line_compare_results": {
            "compare_task_id": V3_LINES_TASK,
            "line_compare_overview": [
                {"source_db_name": "crm", "target_db_name": "crm", "line_compare_result": "INCONSISTENT"},
                {"source_db_name": "inventory", "target_db_name": "inventory", "line_compare_result": "CONSISTENT"},
                {"source_db_name": "archive_2019", "target_db_name": "archive_2019",
                 "line_compare_result": "TARGET_DB_NOT_EXIT"},
            ],
            "line_compare_overview_count": 3,
            "line_compare_details": [
                {"source_db_name": "crm", "line_compare_detail": [
                    lcd("members", 399, 399, "CONSISTENT"),
                    lcd("会员积分", 1596, 1594, "INCONSISTENT"),
                    lcd("coupons", 12077, 12077, "CONSISTENT"),
                    lcd("sms_log", 88410, 0, "INCONSISTENT",
                        "The table does not exist in the destination database."),
                    {"source_table_name": "click_stream", "target_table_name": "click_stream",
                     "source_row_num": 0, "target_row_num": 0, "diff_row_num": 0,
                     "line_compare_result": "CAN_NOT_COMPARE",
                     "message": "The table has more than 100 million rows and was not compared."},
                ], "line_compare_detail_count": 5},
                {"source_db_name": "inventory", "line_compare_detail": [
                    lcd("sku", 5310, 5310, "CONSISTENT"),
                    lcd("warehouse", 12, 12, "CONSISTENT"),
                    lcd("stock_move", 730211, 730211, "CONSISTENT"),
                    lcd("库存快照", 44120, 44120, "CONSISTENT"),
                ], "line_compare_detail_count": 4},
                {"source_db_name": "archive_2019", "line_compare_detail": [
                    {"source_table_name": "orders_2019", "target_table_name": "orders_2019",
                     "source_row_num": 182733, "target_row_num": 0, "diff_row_num": 182733,
                     "line_compare_result": "TARGET_DB_NOT_EXIT",
                     "message": "The destination database does not exist."},
                    {"source_table_name": "refunds_2019", "target_table_name": "refunds_2019",
                     "source_row_num": 3307, "target_row_num": 0, "diff_row_num": 3307,
                     "line_compare_result": "TARGET_DB_NOT_EXIT",
                     "message": "The destination database does not exist."},
                ], "line_compare_detail_count": 2},
            ],
        },
        "content_compare_results": {
            "compare_task_id": V3_CONTENTS_TASK,
            "content_compare_overview": [
                {"source_db_name": "crm", "target_db_name": "crm", "content_compare_result": "INCONSISTENT"},
                {"source_db_name": "inventory", "target_db_name": "inventory",
                 "content_compare_result": "CONSISTENT"},
                {"source_db_name": "archive_2019", "target_db_name": "archive_2019",
                 "content_compare_result": "TARGET_DB_NOT_EXIT"},
            ],
            "content_compare_overview_count": 3,
            "content_compare_details": [
                {"source_db_name": "crm",
                 "content_compare_detail": [
                     ccd("crm", "members", 399, 399, 5, "CONSISTENT", "INCONSISTENT"),
                     ccd("crm", "会员积分", 1596, 1594, 12, "INCONSISTENT", "INCONSISTENT"),
                     ccd("crm", "coupons", 12077, 12077, 0, "CONSISTENT", "CONSISTENT"),
                 ],
                 "content_compare_detail_count": 3,
                 "content_uncompare_detail": [
                     {"source_db_name": "crm", "target_db_name": "crm", "source_table_name": "click_stream",
                      "target_table_name": "click_stream", "source_row_num": 0, "target_row_num": 0,
                      "diff_row_num": 0, "content_compare_result": "CAN_NOT_COMPARE",
                      "message": "The table has more than 100 million rows and was not compared."},
                 ],
                 "content_uncompare_detail_count": 1},
                {"source_db_name": "inventory",
                 "content_compare_detail": [
                     ccd("inventory", "sku", 5310, 5310, 0, "CONSISTENT", "CONSISTENT"),
                     ccd("inventory", "warehouse", 12, 12, 0, "CONSISTENT", "CONSISTENT"),
                     ccd("inventory", "stock_move", 730211, 730211, 0, "CONSISTENT", "CONSISTENT"),
                     ccd("inventory", "库存快照", 44120, 44120, 0, "CONSISTENT", "CONSISTENT"),
                 ],
                 "content_compare_detail_count": 4,
                 "content_uncompare_detail": [],
                 "content_uncompare_detail_count": 0},
                {"source_db_name": "archive_2019",
                 "content_compare_detail": [],
                 "content_compare_detail_count": 0,
                 "content_uncompare_detail": [
                     ccd("archive_2019", "orders_2019", 182733, 0, 182733, "TARGET_DB_NOT_EXIT",
                         "TARGET_DB_NOT_EXIT", "The destination database does not exist."),
                     ccd("archive_2019", "refunds_2019", 3307, 0, 3307, "TARGET_DB_NOT_EXIT",
                         "TARGET_DB_NOT_EXIT", "The destination database does not exist."),
                 ],
                 "content_uncompare_detail_count": 2},
            ],
            "content_compare_diffs": [
                {"source_db_name": "crm", "source_table_name": "会员积分",
                 "content_compare_diff": points_q, "content_compare_diff_count": len(points_q)},
                {"source_db_name": "crm", "source_table_name": "members",
                 "content_compare_diff": members_q, "content_compare_diff_count": len(members_q)},
            ],
        },
        "compare_task_list_results": {
            "compare_task_list": [
                {"compare_task_id": V3_CONTENTS_TASK, "compare_type": "contents",
                 "compare_task_status": "SUCCESSFUL", "create_time": epoch_ms(at("2026-11-18T04:00:00Z"), 118),
                 "end_time": epoch_ms(at("2026-11-18T05:31:47Z"), 906)},
                {"compare_task_id": V3_LINES_TASK, "compare_type": "lines",
                 "compare_task_status": "SUCCESSFUL", "create_time": epoch_ms(at("2026-11-18T03:20:00Z"), 451),
                 "end_time": epoch_ms(at("2026-11-18T03:24:52Z"), 37)},
                {"compare_task_id": V3_OBJECT_TASK, "compare_type": "object",
                 "compare_task_status": "SUCCESSFUL", "create_time": epoch_ms(created, 274),
                 "end_time": epoch_ms(at("2026-11-18T03:13:40Z"), 590)},
            ],
            "compare_task_list_count": 3,
        },
    }
    write_json(root / "query-compare-result.json", qcr)

    write_json(root / "create-compare-task.json", {
        "job_id": V3_JOB,
        "object_level_compare_create_result": {"compare_task_id": V3_OBJECT_TASK},
        "data_level_compare_create_result": {"compare_task_id": V3_CONTENTS_TASK},
    })

    return {"content-difference.json": len(points),
            "query-compare-result.json": len(points_q) + len(members_q),
            "_line_detail": line_detail}


# ---------------------------------------------------------------------------
# 3. malformed inputs
# ---------------------------------------------------------------------------

def gen_malformed(root: Path, v3_line_detail: dict) -> None:
    fresh_dir(root)
    # A real v5 diff page cut off inside its third contents_infos object.
    text = (REPO / "samples/v5-mysql-archive/responses/000016.json").read_text("utf-8")
    cut = -1
    for _ in range(3):
        cut = text.index('"target_key_value"', cut + 1)
    (root / "not-json.json").write_bytes(text[:cut].encode("utf-8"))
    write_json(root / "unknown-shape.json", {"hello": "world"})
    bad = json.loads(json.dumps(v3_line_detail))
    bad["table_line_compare_result_infos"][1]["source_row_num"] = {"n": 5}
    write_json(root / "type-error.json", bad)


# ---------------------------------------------------------------------------
# 5. hostile archive
# ---------------------------------------------------------------------------

H_SCRIPT = "<script>alert(1)</script>"
H_IMG = "<img src=x onerror=alert(1)>"
H_QUOTES = "\"dq\" 'sq'"
H_PIPES = "a|b|c"
H_NEWLINE_TAB = "line1\nline2\tcol2"
H_CMD = "=cmd|' /C calc'!A0"
H_PLUS = "+SUM(1,2)"
H_MINUS = "-2+3"
H_AT = "@SUM(1)"
H_HYPERLINK = "=HYPERLINK(\"http://evil.example\",\"x\")"
H_TICK = "`tick`"
H_FENCE = "```"
H_MDLINK = "[x](javascript:alert(1))"
H_BOLD = "**bold**"
H_EMOJI = "🚀🧨"
H_RTL = "مرحبا שלום"
H_RLO = "invoice\u202Etxt.exe"
H_CHINESE = "中文表"
H_AMP = "&amp;"

HOSTILE_STRINGS = [H_SCRIPT, H_IMG, H_QUOTES, H_PIPES, H_NEWLINE_TAB, H_CMD, H_PLUS, H_MINUS, H_AT,
                   H_HYPERLINK, H_TICK, H_FENCE, H_MDLINK, H_BOLD, H_EMOJI, H_RTL, H_RLO, H_CHINESE, H_AMP]


def gen_hostile(root: Path) -> int:
    w = ArchiveWriter(root, HOSTILE_PROJECT, HOSTILE_JOB)
    job = HOSTILE_JOB
    # Database pairs: source and target names differ in pair 1 (DRS allows renaming).
    p1 = (H_SCRIPT, H_IMG)
    p2 = (H_CMD, H_CMD)
    p3 = (H_BOLD, H_BOLD)
    t1 = [H_CHINESE, H_QUOTES, H_PIPES, H_NEWLINE_TAB, H_TICK, "tbl" + H_FENCE, H_MDLINK, H_AMP]
    t2 = [H_PLUS, H_MINUS, H_AT, H_HYPERLINK, H_EMOJI, H_RTL, H_RLO]

    # report_remain_seconds as a numeric STRING here: the v5 API page (Table 44) says String,
    # the SDK says int. The parser must accept both.
    w.compare({"compare_type": "data_compare", "query_type": "list", **page(0, 10)}, v5_job(job, {
        "data_compare_task_list": [
            {"id": HOSTILE_LINES_TASK, "type": "lines", "start_time": "2026-11-20T01:00:00Z",
             "end_time": "2026-11-20T01:01:00Z", "status": "SUCCESSFUL", "compute_type": "drs",
             "export_status": "EXPORT_COMPLETE", "report_remain_seconds": "432000",
             "compare_job_tag": {H_SCRIPT: H_HYPERLINK}, "error_msg": ""},
            {"id": HOSTILE_CONTENTS_TASK, "type": "contents", "start_time": "2026-11-20T01:02:00Z",
             "end_time": "2026-11-20T01:09:00Z", "status": "SUCCESSFUL", "compute_type": "drs",
             "export_status": "INIT", "report_remain_seconds": "-1", "compare_job_tag": {},
             "error_msg": H_IMG},
        ]}, total_count=2))

    w.compare({"compare_type": "object_compare", "query_type": "overview",
               "compare_task_id": HOSTILE_OBJECT_TASK}, v5_job(job, {
        "objects_compare_overview_info": {
            "create_time": "2026-11-20T00:50:00Z",
            "compare_results": [
                {"type": "DB", "source_count": 3, "target_count": 3, "status": "CONSISTENT"},
                {"type": "TABLE", "source_count": 15, "target_count": 14, "status": "INCONSISTENT"},
                {"type": "INDEX", "source_count": 4, "target_count": 3, "status": "INCONSISTENT"},
            ],
            "start_time": "2026-11-20T00:50:02Z", "status": "SUCCESSFUL",
            "export_status": "EXPORT_COMMON_FAILED", "report_remain_seconds": -1,
            "compare_job_id": HOSTILE_OBJECT_TASK, "error_msg": H_MDLINK,
        }}))

    table_detail = []
    for (s_db, t_db), tables in ((p1, t1), (p2, t2)):
        for t in tables:
            table_detail.append({"source_db_name": s_db, "target_db_name": t_db, "source_db_value": t,
                                 "target_db_value": t, "error_message": ""})
    table_detail[2]["target_db_value"] = ""
    table_detail[2]["error_message"] = f"Table {H_PIPES} is missing: {H_SCRIPT}"
    index_detail = [
        {"source_db_name": p1[0], "target_db_name": p1[1], "source_db_value": f"{H_QUOTES}.PRIMARY ({H_TICK})",
         "target_db_value": f"{H_QUOTES}.PRIMARY ({H_TICK})", "error_message": ""},
        {"source_db_name": p1[0], "target_db_name": p1[1], "source_db_value": f"idx_{H_FENCE} ({H_NEWLINE_TAB})",
         "target_db_value": "", "error_message": H_HYPERLINK},
        {"source_db_name": p2[0], "target_db_name": p2[1], "source_db_value": f"{H_EMOJI}.uk_{H_RTL}",
         "target_db_value": f"{H_EMOJI}.uk_{H_RLO}", "error_message": H_BOLD},
        {"source_db_name": p2[0], "target_db_name": p2[1], "source_db_value": H_AMP,
         "target_db_value": H_AMP, "error_message": H_AT},
    ]
    for object_type, infos in (("TABLE", table_detail), ("INDEX", index_detail)):
        w.compare({"compare_type": "object_compare", "query_type": "detail", "object_type": object_type,
                   "compare_task_id": HOSTILE_OBJECT_TASK, **page(0, 100)},
                  v5_job(job, {"objects_compare_detail_infos": infos}, total_count=len(infos)))

    w.compare({"compare_type": "line_compare", "query_type": "overview",
               "compare_task_id": HOSTILE_LINES_TASK, **page(0, 100)}, v5_job(job, {
        "line_compare_overview_infos": [
            {"source_db_name": p1[0], "target_db_name": p1[1], "status": "INCONSISTENT"},
            {"source_db_name": p2[0], "target_db_name": p2[1], "status": "INCONSISTENT"},
            {"source_db_name": p3[0], "target_db_name": p3[1], "status": "CAN_NOT_COMPARE"},
        ]}, total_count=3))

    for (s_db, t_db), tables in ((p1, t1), (p2, t2)):
        infos = []
        for i, t in enumerate(tables):
            src = 1000 + 37 * i
            tgt = src - (i % 3)
            infos.append({"source_table_name": t, "source_row_num": str(src), "target_table_name": t,
                          "target_row_num": str(tgt), "difference_row_num": str(src - tgt),
                          "status": "CONSISTENT" if src == tgt else "INCONSISTENT",
                          "message": HOSTILE_STRINGS[(i * 5) % len(HOSTILE_STRINGS)]})
        w.compare({"compare_type": "line_compare", "query_type": "detail", "compare_task_id": HOSTILE_LINES_TASK,
                   "source_db_name": s_db, "target_db_name": t_db, "compare_detail_type": "compare",
                   **page(0, 100)}, v5_job(job, {"line_compare_detail_infos": infos}, total_count=len(infos)))
    w.compare({"compare_type": "line_compare", "query_type": "detail", "compare_task_id": HOSTILE_LINES_TASK,
               "source_db_name": p3[0], "target_db_name": p3[1], "compare_detail_type": "uncompare",
               **page(0, 100)}, v5_job(job, {"line_compare_detail_infos": [
                   {"source_table_name": H_FENCE, "target_table_name": H_FENCE, "status": "CAN_NOT_COMPARE",
                    "message": f"{H_SCRIPT}{H_NEWLINE_TAB}{H_HYPERLINK}"},
                   {"source_table_name": H_RLO, "source_row_num": "9", "target_table_name": H_RTL,
                    "status": "FAILED_TO_COMPARE", "message": f"{H_MDLINK} {H_PIPES} {H_AMP}"},
               ]}, total_count=2))

    # -- diff rows: every hostile string once as a key value, plus two composite keys.
    rows_by_pair: dict[tuple, list] = {p1: [], p2: []}
    kinds = [MISSING_ON_TARGET, MISSING_ON_SOURCE, DIFFERENT]
    for i, h in enumerate(HOSTILE_STRINGS):
        pair, tables = (p1, t1) if i % 2 == 0 else (p2, t2)
        table = tables[(i // 2) % len(tables)]
        col = [H_BOLD, "id", H_TICK][i % 3]
        rows_by_pair[pair].append(diff_row(kinds[i % 3], pair[0], pair[1], table, table, [col], [h]))
    rows_by_pair[p1].append(diff_row(DIFFERENT, p1[0], p1[1], H_CHINESE, H_CHINESE,
                                     ["租户", H_QUOTES], [H_AMP, H_NEWLINE_TAB]))
    rows_by_pair[p2].append(diff_row(MISSING_ON_TARGET, p2[0], p2[1], H_EMOJI, H_EMOJI,
                                     ["a|b", "c\nd"], [H_HYPERLINK, H_SCRIPT]))

    def content_infos(pair, tables):
        infos = []
        for t in tables:
            n = sum(1 for r in rows_by_pair[pair] if f".{q_ident(t)} WHERE" in r["source_select_sql"])
            infos.append({"source_db": pair[0], "target_db": pair[1], "source_table_name": t,
                          "target_table_name": t, "source_row_num": 1000, "target_row_num": 1000,
                          "difference_row_num": n, "line_compare_result": True,
                          "content_compare_result": n == 0,
                          "message": H_CMD if n else ""})
        return infos

    w.compare({"compare_type": "content_compare", "query_type": "overview",
               "compare_task_id": HOSTILE_CONTENTS_TASK, **page(0, 100)}, v5_job(job, {
        "content_compare_overview_infos": [
            {"source_db": p1[0], "target_db": p1[1], "status": "INCONSISTENT", "compare_result": False},
            {"source_db": p2[0], "target_db": p2[1], "status": "INCONSISTENT", "compare_result": False},
            {"source_db": p3[0], "target_db": p3[1], "status": "FAILED_TO_COMPARE", "compare_result": False},
        ]}, total_count=3))
    for pair, tables in ((p1, t1), (p2, t2)):
        infos = content_infos(pair, tables)
        w.compare({"compare_type": "content_compare", "query_type": "detail",
                   "compare_task_id": HOSTILE_CONTENTS_TASK, "source_db_name": pair[0],
                   "target_db_name": pair[1], "compare_detail_type": "compare", **page(0, 100)},
                  v5_job(job, {"content_compare_detail_infos": infos}, total_count=len(infos)))

    total = 0
    for pair in (p1, p2):
        rows = rows_by_pair[pair]
        t_null, s_null, both = kind_counts(rows)
        total += len(rows)
        w.compare({"compare_type": "content_compare", "query_type": "diff", "source_db_name": pair[0],
                   "target_db_name": pair[1], "compare_task_id": HOSTILE_CONTENTS_TASK, **page(0, 1000)},
                  v5_job(job, {"content_diff_detail_info": {
                      "count": len(rows), "target_meta_is_null": t_null, "source_meta_is_null": s_null,
                      "source_target_meta_not_null": both, "contents_infos": rows}}))
    w.compare({"compare_type": "content_compare", "query_type": "diff", "source_db_name": p3[0],
               "target_db_name": p3[1], "compare_task_id": HOSTILE_CONTENTS_TASK, **page(0, 1000)},
              {"error_code": "DRS.M00202",
               "error_msg": f"The value of parameter source_db_name is invalid: {H_SCRIPT}\n"
                            f"| {H_HYPERLINK} | {H_MDLINK} | {H_RLO} {H_AMP}"}, status=400)
    # A job named by a hostile operator: the name reaches every title.
    w.add(w.job_path, {"type": "detail"}, v5_job_detail(
        job, f"{H_SCRIPT} {H_HYPERLINK} {H_MDLINK} www.evil.example ops@evil.example", "INCRE_TRANSFER_STARTED",
        "mysql-to-gaussdbv5", "mysql", "gaussdbv5", project_id=HOSTILE_PROJECT))

    w.finish(w.clock + timedelta(seconds=30))
    return total


# ---------------------------------------------------------------------------
# 6. large benchmark archive (streams every page to disk)
# ---------------------------------------------------------------------------

def allocate(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of total over weights (deterministic)."""
    wsum = sum(weights)
    raw = [total * w / wsum for w in weights]
    out = [int(r) for r in raw]
    rest = total - sum(out)
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[:rest]:
        out[i] += 1
    return out


def pad_sql(sql: str, length: int | None, tag: str) -> str:
    """sql padded to about `length` characters with a trailing comment naming its side
    (`/* source … */`, `/* target … */`), so source and target SELECTs differ; never shortened."""
    if not length:
        return sql
    extra = length - len(sql) - len(tag) - 7  # what " /* " + tag + " */" leaves
    if extra < 0:
        return sql
    filler = " " + "-" * (extra - 1) if extra > 1 else ""
    return f"{sql} /* {tag}{filler} */"


def key_columns_of(i: int, key_columns: int | None) -> list[str]:
    """Key columns of table i: by default a composite (tenant_id, id) key on every fifth table;
    with --key-columns K, K columns on every table (id last)."""
    if key_columns is None:
        return ["tenant_id", "id"] if i % 5 == 0 else ["id"]
    if key_columns == 1:
        return ["id"]
    return ["tenant_id"] + [f"part_{n}" for n in range(1, key_columns - 1)] + ["id"]


def gen_large(out: Path, n_tables: int, n_diffs: int, *, databases: int | None = None,
              inconsistent_tables: int | None = None, key_columns: int | None = None,
              sql_length: int | None = None, page_size: int | None = None,
              objects: bool = False, target_suffix: str = "", compact: bool = False) -> None:
    """The benchmark estate. Without the keyword options the output is the same, byte for byte,
    as before they existed (tests and earlier measurements rely on it)."""
    rng = random.Random(SEED + 6)
    if databases:
        per_db = max(1, (n_tables + databases - 1) // databases)
    else:
        per_db = 500
    n_db = max(1, (n_tables + per_db - 1) // per_db)
    limit = 1000                        # rows per overview/detail page
    diff_limit = page_size or limit     # rows per content-difference page (one body each)
    dbs = [f"db_{d:03d}" if d % 7 else f"业务库_{d:03d}" for d in range(n_db)]
    tdbs = [name + target_suffix for name in dbs]  # target database of each pair (a DRS name mapping)
    tables = []  # (db_index, name, key_cols)
    for i in range(n_tables):
        d = i // per_db
        name = f"tbl_{i:05d}" if i % 97 else f"订单_{i:05d}"
        tables.append((d, name, key_columns_of(i, key_columns)))
    weights = [rng.paretovariate(1.2) if rng.random() < 0.3 else 0.0 for _ in range(n_tables)]
    if not any(weights):
        weights[0] = 1.0
    if inconsistent_tables:
        # Exactly N inconsistent tables, spread evenly over the estate, with equal shares of the rows.
        n_bad = min(inconsistent_tables, n_tables)
        bad = {k * n_tables // n_bad for k in range(n_bad)}
        weights = [1.0 if i in bad else 0.0 for i in range(n_tables)]
    diffs = allocate(n_diffs, weights)
    base_rows = [rng.randint(1000, 5_000_000) for _ in range(n_tables)]
    if n_tables > 3:
        base_rows[3] = 3_000_000_000

    def split(d):  # kinds by j % 10: 0..2 only in source, 3 only in target, rest differ
        full, rem = divmod(d, 10)
        t = full * 3 + min(rem, 3)
        s = full + (1 if rem > 3 else 0)
        return t, s, d - t - s

    db_tables: list[list[int]] = [[] for _ in range(n_db)]
    for i, (d, _, _) in enumerate(tables):
        db_tables[d].append(i)

    w = ArchiveWriter(out, LARGE_PROJECT, LARGE_JOB)
    w.compact = compact
    job = LARGE_JOB
    w.compare({"compare_type": "data_compare", "query_type": "list", **page(0, 10)}, v5_job(job, {
        "data_compare_task_list": [
            {"id": LARGE_LINES_TASK, "type": "lines", "start_time": "2026-11-19T20:00:00Z",
             "end_time": "2026-11-19T21:12:40Z", "status": "SUCCESSFUL", "compute_type": "drs",
             "export_status": "INIT", "report_remain_seconds": -1, "compare_job_tag": {}},
            {"id": LARGE_CONTENTS_TASK, "type": "contents", "start_time": "2026-11-19T21:15:00Z",
             "end_time": "2026-11-20T06:48:03Z", "status": "SUCCESSFUL", "compute_type": "drs",
             "export_status": "INIT", "report_remain_seconds": -1, "compare_job_tag": {}},
        ]}, total_count=2))

    if objects:
        # Object compare: every database and every table, all present on both sides.
        w.compare({"compare_type": "object_compare", "query_type": "overview",
                   "compare_task_id": LARGE_OBJECT_TASK}, v5_job(job, {
            "objects_compare_overview_info": {
                "create_time": "2026-11-19T19:40:05Z",
                "compare_results": [
                    {"type": "DB", "source_count": n_db, "target_count": n_db, "status": "CONSISTENT"},
                    {"type": "TABLE", "source_count": n_tables, "target_count": n_tables, "status": "CONSISTENT"},
                ],
                "start_time": "2026-11-19T19:40:09Z",
                "status": "SUCCESSFUL",
                "export_status": "INIT",
                "report_remain_seconds": -1,
                "compare_job_id": LARGE_OBJECT_TASK,
            }}))
        db_objects = [{"source_db_name": dbs[d], "target_db_name": tdbs[d], "source_db_value": dbs[d],
                       "target_db_value": tdbs[d], "error_message": ""} for d in range(n_db)]
        table_objects = [{"source_db_name": dbs[d], "target_db_name": tdbs[d], "source_db_value": name,
                          "target_db_value": name, "error_message": ""} for d, name, _ in tables]
        for object_type, infos in (("DB", db_objects), ("TABLE", table_objects)):
            for off in range(0, max(1, len(infos)), limit):
                w.compare({"compare_type": "object_compare", "query_type": "detail", "object_type": object_type,
                           "compare_task_id": LARGE_OBJECT_TASK, **page(off, limit)},
                          v5_job(job, {"objects_compare_detail_infos": infos[off:off + limit]},
                                 total_count=len(infos)))

    db_diffs = [sum(diffs[i] for i in db_tables[d]) for d in range(n_db)]

    def line_row(i):
        _, name, _ = tables[i]
        t, s, _ = split(diffs[i])
        src = base_rows[i] + t
        tgt = base_rows[i] + s
        return {"source_table_name": name, "source_row_num": str(src), "target_table_name": name,
                "target_row_num": str(tgt), "difference_row_num": str(src - tgt),
                "status": "CONSISTENT" if src == tgt else "INCONSISTENT"}

    def content_row(i):
        d, name, _ = tables[i]
        t, s, _ = split(diffs[i])
        return {"source_db": dbs[d], "target_db": tdbs[d], "source_table_name": name, "target_table_name": name,
                "source_row_num": base_rows[i] + t, "target_row_num": base_rows[i] + s,
                "difference_row_num": diffs[i], "line_compare_result": t == s,
                "content_compare_result": diffs[i] == 0}

    for kind, key in (("line_compare", "line_compare_overview_infos"),
                      ("content_compare", "content_compare_overview_infos")):
        task = LARGE_LINES_TASK if kind == "line_compare" else LARGE_CONTENTS_TASK
        for off in range(0, n_db, limit):
            infos = []
            for d in range(off, min(n_db, off + limit)):
                consistent = db_diffs[d] == 0
                st = "CONSISTENT" if consistent else "INCONSISTENT"
                if kind == "line_compare":
                    infos.append({"source_db_name": dbs[d], "target_db_name": tdbs[d], "status": st})
                else:
                    infos.append({"source_db": dbs[d], "target_db": tdbs[d], "status": st,
                                  "compare_result": consistent})
            w.compare({"compare_type": kind, "query_type": "overview", "compare_task_id": task,
                       **page(off, limit)}, v5_job(job, {key: infos}, total_count=n_db))
        for d in range(n_db):
            ids = db_tables[d]
            for off in range(0, max(1, len(ids)), limit):
                chunk = ids[off:off + limit]
                if kind == "line_compare":
                    body = {"line_compare_detail_infos": [line_row(i) for i in chunk]}
                else:
                    body = {"content_compare_detail_infos": [content_row(i) for i in chunk]}
                w.compare({"compare_type": kind, "query_type": "detail", "compare_task_id": task,
                           "source_db_name": dbs[d], "target_db_name": tdbs[d], "compare_detail_type": "compare",
                           **page(off, limit)}, v5_job(job, body, total_count=len(ids)))

    def db_rows(d):
        for i in db_tables[d]:
            _, name, cols = tables[i]
            prefix = f"SELECT * FROM {q_ident(dbs[d])}.{q_ident(name)} WHERE "
            target_prefix = f"SELECT * FROM {q_ident(tdbs[d])}.{q_ident(name)} WHERE "
            for j in range(diffs[i]):
                r = j % 10
                key = str(1000 + j * 7919 % 1_000_003 + j)
                if key_columns is None:
                    vals = [str(1 + j % 50), key] if len(cols) == 2 else [key]
                else:
                    vals = [str(1 + (j + n * 7) % 50) for n in range(len(cols) - 1)] + [key]
                where = " AND ".join(f"`{c}`='{v}'" for c, v in zip(cols, vals))
                sql = prefix + where
                target_sql = target_prefix + where
                if sql_length:
                    sql, target_sql = pad_sql(sql, sql_length, "source"), pad_sql(target_sql, sql_length, "target")
                yield {
                    "source_key_value": [] if r == 3 else vals,
                    "target_key_value": [] if r < 3 else vals,
                    "source_select_sql": sql,
                    "target_select_sql": target_sql,
                }

    for d in range(n_db):
        if db_diffs[d] == 0:
            continue
        t = s = b = 0
        for i in db_tables[d]:
            x, y, z = split(diffs[i])
            t, s, b = t + x, s + y, b + z
        head = {"count": db_diffs[d], "target_meta_is_null": t, "source_meta_is_null": s,
                "source_target_meta_not_null": b}
        buf, off = [], 0
        for row in db_rows(d):
            buf.append(row)
            if len(buf) == diff_limit:
                w.compare({"compare_type": "content_compare", "query_type": "diff", "source_db_name": dbs[d],
                           "target_db_name": tdbs[d], "compare_task_id": LARGE_CONTENTS_TASK,
                           **page(off, diff_limit)},
                          v5_job(job, {"content_diff_detail_info": {**head, "contents_infos": buf}}))
                off += diff_limit
                buf = []
        if buf:
            w.compare({"compare_type": "content_compare", "query_type": "diff", "source_db_name": dbs[d],
                       "target_db_name": tdbs[d], "compare_task_id": LARGE_CONTENTS_TASK,
                       **page(off, diff_limit)},
                      v5_job(job, {"content_diff_detail_info": {**head, "contents_infos": buf}}))
    w.add(w.job_path, {"type": "detail"}, v5_job_detail(
        job, "estate-mysql-sync", "INCRE_TRANSFER_STARTED", "mysql-to-mysql", "mysql", "mysql", project_id=LARGE_PROJECT))
    w.finish(w.clock + timedelta(seconds=60))
    n_bad = sum(1 for x in diffs if x)
    size = sum((out / e["file"]).stat().st_size for e in w.entries)
    print(f"large archive: {out} ({n_tables} tables in {n_db} databases, {n_diffs} diff rows, "
          f"{len(w.entries)} responses)")
    if any(v is not None for v in (databases, inconsistent_tables, key_columns, sql_length, page_size)) \
            or objects or target_suffix or compact:
        print(f"  {n_bad} inconsistent tables, {size / 1e6:.0f} MB of responses")


def gen_v5_rerun(src: Path, dst: Path) -> int:
    """A second run of the v5 job one day later, after a data repair (for `drs-report diff`):
    orders partly repaired, 客户表 repaired, products newly inconsistent; new compare task ids."""
    SRC, DST = src, dst
    DAY = timedelta(days=1)
    OLD_OBJECT, NEW_OBJECT = "3f2a9c71-8e4b-4d06-b5a2-c19e7d40f613", "4e3b0d82-9f5c-4e17-86b3-d20f8e51a724"
    OLD_LINES, NEW_LINES = "a8d04e5c-61b7-4f29-9c3e-07b5f2e1d894", "b9e15f6d-72c8-4a3a-8d4f-18c6a3f2e905"
    OLD_CONTENTS, NEW_CONTENTS = "c51e7b28-9d3a-4a6f-8e10-f4b2a6c93d07", "d62f8c39-ae4b-4b70-9f21-a5c3b7da4e18"
    IDS = {OLD_OBJECT: NEW_OBJECT, OLD_LINES: NEW_LINES, OLD_CONTENTS: NEW_CONTENTS}

    def load(n):
        raw = (SRC / f"responses/{n:06d}.json").read_bytes()
        obj = json.loads(raw)
        assert body_bytes(obj) == raw, n  # re-dumping reproduces the original bytes
        return obj

    def shift_iso(s):
        return (datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ") + DAY).strftime("%Y-%m-%dT%H:%M:%SZ")

    fresh_dir(DST)
    (DST / "responses").mkdir(parents=True)
    out = {}

    # 000001: data_compare list: new task ids, start/end one day later
    b = load(1)
    for t in b["job"]["compare_result"]["data_compare_task_list"]:
        t["id"] = IDS[t["id"]]
        t["start_time"], t["end_time"] = shift_iso(t["start_time"]), shift_iso(t["end_time"])
    out[1] = b

    # 000002: object compare overview: new task id, create/start one day later
    b = load(2)
    o = b["job"]["compare_result"]["objects_compare_overview_info"]
    o["create_time"], o["start_time"] = shift_iso(o["create_time"]), shift_iso(o["start_time"])
    o["compare_job_id"] = IDS[o["compare_job_id"]]
    out[2] = b

    # 000007: line detail shop: orders partly repaired, 客户表 repaired, products drifted
    b = load(7)
    for r in b["job"]["compare_result"]["line_compare_detail_infos"]:
        if r["source_table_name"] == "orders":
            r.update(target_row_num="1188", difference_row_num="12", status="INCONSISTENT")
        elif r["source_table_name"] == "客户表":
            r.update(target_row_num="860", difference_row_num="0", status="CONSISTENT")
        elif r["source_table_name"] == "products":
            r.update(target_row_num="341", difference_row_num="1", status="INCONSISTENT")
    out[7] = b

    # 000012: content detail shop
    b = load(12)
    for r in b["job"]["compare_result"]["content_compare_detail_infos"]:
        if r["source_table_name"] == "orders":
            r.update(target_row_num=1188, difference_row_num=36, line_compare_result=False, content_compare_result=False)
        elif r["source_table_name"] == "客户表":
            r.update(target_row_num=860, difference_row_num=0, line_compare_result=True, content_compare_result=True)
        elif r["source_table_name"] == "products":
            r.update(target_row_num=341, difference_row_num=3, line_compare_result=False, content_compare_result=False)
    out[12] = b

    # 000016-000017: shop diff pages
    p1, p2 = load(16), load(17)
    rows = p1["job"]["compare_result"]["content_diff_detail_info"]["contents_infos"] + \
           p2["job"]["compare_result"]["content_diff_detail_info"]["contents_infos"]
    assert len(rows) == 73
    def table_of(r): return re.search(r"^SELECT \* FROM `shop`\.`([^`]+)`", r["source_select_sql"]).group(1)
    FIXED_ORDERS = {"1032", "1110", "1239", "1181"}  # 3 missing on target (now inserted) + 1 differing (now corrected)
    kept = []
    for r in rows:
        t = table_of(r)
        if t == "客户表":
            continue
        key = (r["source_key_value"] or r["target_key_value"])
        if t == "orders" and key[0] in FIXED_ORDERS:
            continue
        kept.append(r)
    def mk(kind, vals):
        sql = select_sql("shop", "products", ["id"], vals)
        return {"source_key_value": [] if kind == "src_missing" else list(vals),
                "target_key_value": [] if kind == "tgt_missing" else list(vals),
                "source_select_sql": sql, "target_select_sql": sql}
    new_rows = [mk("differs", ["58"]), mk("tgt_missing", ["117"]), mk("differs", ["263"])]
    rows2 = kept + new_rows
    assert len(rows2) == 51, len(rows2)
    tn = sum(1 for r in rows2 if r["target_key_value"] == [])
    sn = sum(1 for r in rows2 if r["source_key_value"] == [])
    for page, chunk, n in ((p1, rows2[:50], 16), (p2, rows2[50:], 17)):
        info = page["job"]["compare_result"]["content_diff_detail_info"]
        info.update(count=len(rows2), target_meta_is_null=tn, source_meta_is_null=sn,
                    source_target_meta_not_null=len(rows2) - tn - sn, contents_infos=chunk)
        out[n] = page

    # 000021: progress-data create_time (epoch ms string) one day later
    b = load(21)
    b["create_time"] = str(int(b["create_time"]) + 86400 * 1000)
    out[21] = b

    # manifest
    m = json.loads((SRC / "manifest.json").read_text("utf-8"))
    m["created_at"] = shift_iso(m["created_at"])
    for e in m["responses"]:
        n = int(re.search(r"(\d{6})\.json$", e["file"]).group(1))
        data = body_bytes(out[n]) if n in out else (SRC / e["file"]).read_bytes()
        (DST / e["file"]).write_bytes(data)
        for old, new in IDS.items():
            e["path"] = e["path"].replace(old, new)
        if "compare_task_id" in e["query"]:
            e["query"]["compare_task_id"] = IDS[e["query"]["compare_task_id"]]
        e["received_at"] = shift_iso(e["received_at"])
        e["sha256"] = hashlib.sha256(data).hexdigest()
    (DST / "manifest.json").write_bytes((json.dumps(m, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
    # sanity: original manifest bytes reproduce with this formatting
    orig = (SRC / "manifest.json").read_bytes()
    assert (json.dumps(json.loads(orig), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode() == orig
    return len(rows2)


# ---------------------------------------------------------------------------
# samples README + expected counts
# ---------------------------------------------------------------------------

README = """# Sample inputs

Generated by `python3 scripts/gen_samples.py` (deterministic; do not edit by hand).
All ids, names and values are made up. Shapes follow the DRS API reference and SDK models.

| Sample | What it is |
|---|---|
| `v5-mysql-archive/` | Archive (format v1: `manifest.json` + `responses/`) of one MySQL→MySQL sync job fetched through the v5 API. 73 inconsistent rows (all in `shop`). |
| `v3-mysql-responses/` | Loose v3 response bodies of a second MySQL→MySQL job (no manifest). |
| `malformed/` | Inputs that must fail cleanly. |

## `v5-mysql-archive/responses/`

All but 000020–000022 are `GET /v5/{project_id}/jobs/{job_id}?type=compare&…`; the query of each is in `manifest.json`.

| File | Query / API | Fills |
|---|---|---|
| `000001.json` | `compare_type=data_compare&query_type=list` | `job.compare_result.data_compare_task_list` (lines task EXPORT_COMPLETE, contents task INIT / -1) |
| `000002.json` | `object_compare&overview` | `objects_compare_overview_info` (INDEX INCONSISTENT, TRIGGER CAN_NOT_COMPARE) |
| `000003-000005.json` | `object_compare&detail&object_type=DB/TABLE/INDEX` | `objects_compare_detail_infos` (one index missing on target) |
| `000006.json` | `line_compare&overview` | `line_compare_overview_infos` (`shop`, `订单库`, `legacy_crm` = TARGET_DB_NOT_EXIST) |
| `000007-000010.json` | `line_compare&detail` (compare ×3, uncompare for `shop`) | `line_compare_detail_infos` (row counts as strings; `event_log` = "3000000000") |
| `000011.json` | `content_compare&overview` | `content_compare_overview_infos` |
| `000012-000015.json` | `content_compare&detail` (compare ×3, uncompare for `shop`) | `content_compare_detail_infos` (row counts as numbers; `event_log` = 3000000000) |
| `000016-000017.json` | `content_compare&diff` for `shop`, offset 0 and 50 | `content_diff_detail_info` (count 73: 50 + 23 rows) |
| `000018.json` | `content_compare&diff` for `订单库` | HTTP 400 `DRS.M05003` error body |
| `000019.json` | `content_compare&diff` for `legacy_crm` | empty `content_diff_detail_info` |
| `000020.json` | `GET /v5/{project_id}/jobs/{job_id}/compare-progress/{compare_job_id}` | `full_info` / `incre_info` / `global_info` |
| `000021.json` | `GET /v5/{project_id}/jobs/{job_id}/progress-data/table` | `count`, `create_time` (epoch ms string), `flow_compare_data` |
| `000022.json` | `GET /v5/{project_id}/jobs/{job_id}?type=detail` | the job itself: `base_info.name` (shop-mysql-sync-prod), status, `source_endpoint`/`target_endpoint` (`db_type`, `cloud.region`) |

## `v3-mysql-responses/`

| File | API |
|---|---|
| `object-compare-overview.json` | `GET /v3/{project_id}/jobs/{job_id}/object/compare` (integer statuses 0/2/3) |
| `object-compare-detail-TABLE.json` | `GET /v3/{project_id}/jobs/{job_id}/object/compare/TABLE` |
| `table-compare-jobs.json` | `GET /v3/{project_id}/jobs/{job_id}/table/compare` |
| `line-overview.json` | `GET /v3/{project_id}/jobs/{job_id}/compare/{compare_job_id}/line-overview` |
| `line-detail.json` | `GET …/line-detail?db_name=crm` (status codes 0, 2, 12, 23) |
| `content-overview.json` | `GET …/content-overview` |
| `content-detail.json` | `GET …/content-detail?db_name=crm` (one `line_compare_result` sent as the string `"false"`) |
| `content-difference.json` | `GET …/content-difference?db_name=crm&table_name=会员积分` (12 rows; source SQL key `select_sql`) |
| `query-compare-result.json` | `POST /v3/{project_id}/jobs/query-compare-result` (17 diff rows; `TARGET_DB_NOT_EXIT`) |
| `create-compare-task.json` | `POST /v3/{project_id}/jobs/create-compare-task` |

## `malformed/`

| File | Expected failure |
|---|---|
| `not-json.json` | truncated JSON (cut mid-object) |
| `unknown-shape.json` | valid JSON of no DRS shape |
| `type-error.json` | v3 line detail; `table_line_compare_result_infos[1].source_row_num` is an object |

## `v5-mysql-archive-rerun/`

A second run of the same job as `v5-mysql-archive/`, one day later, after a data repair (input for `drs-report diff BEFORE AFTER`). Made by `gen_v5_rerun` from `v5-mysql-archive/`. It has the same 22 files in the same order, with the same requests. The job id, project, endpoint, object results, `订单库` and `legacy_crm` are unchanged. 73 → 51 inconsistent rows, all still in `shop`.

What differs:

- **Times, one day later:** the manifest's `created_at` (2026-11-21T08:01:00Z) and every `received_at` (2026-11-21T08:00:00Z … 08:00:21Z). In the bodies, the task `start_time`/`end_time` in 000001, the object compare `create_time`/`start_time` in 000002 (2026-11-20T22:10:05Z / 22:10:09Z), and the progress-data `create_time` in 000021 (`1795247981882`). The job's own `create_time` in 000022 stays the same.
- **New compare task ids** (in the bodies, in every manifest `compare_task_id`, and in the 000020 path):
  - object `3f2a9c71-…-c19e7d40f613` → `4e3b0d82-9f5c-4e17-86b3-d20f8e51a724`
  - lines `a8d04e5c-…-07b5f2e1d894` → `b9e15f6d-72c8-4a3a-8d4f-18c6a3f2e905`
  - contents `c51e7b28-…-f4b2a6c93d07` → `d62f8c39-ae4b-4b70-9f21-a5c3b7da4e18`
- **`shop.orders`, partly repaired, 40 → 36 rows:** 4 rows are fixed. Three were missing on the target (`id` 1032, 1110, 1239) and one differed (`id` 1181). The row count goes from 1200/1185 (diff 15) to 1200/1188 (diff 12), still INCONSISTENT. The rows are now 17 missing on target, 5 missing on source and 14 differing.
- **`shop.客户表`, fully repaired, 21 → 0 rows:** the row count goes from 860/857 (diff 3, INCONSISTENT) to 860/860 (diff 0, CONSISTENT). `line_compare_result` and `content_compare_result` become `true`. No diff rows are left.
- **`shop.products`, newly inconsistent, 0 → 3 rows:** `id` 58 and 263 differ, and `id` 117 is missing on the target. The row count goes from 342/342 (CONSISTENT) to 342/341 (diff 1, INCONSISTENT). The value result is `difference_row_num` 3, with both results `false`.
- **`shop.order_items` is unchanged:** 12 rows, row counts CONSISTENT, values INCONSISTENT.
- **Diff pages 000016–000017:** `count` 51, `target_meta_is_null` 22, `source_meta_is_null` 9, `source_target_meta_not_null` 20. Page 000016 (offset 0) holds 50 rows: 36 `orders`, 12 `order_items`, then `products` 58 and 117. Page 000017 (offset 50) holds 1 row: `products` 263.
- **Changed bodies:** 000001, 000002, 000007, 000012, 000016, 000017, 000021. The other 15 bodies are byte-identical to the original. Every `sha256` was recomputed.
"""


def main(argv=None) -> int:
    global REPO
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=REPO, help="repository root to write into")
    ap.add_argument("--large", type=Path, metavar="OUTDIR", help="write a large v5 benchmark archive instead")
    ap.add_argument("--tables", type=int, default=10000, help="--large: tables in the estate")
    ap.add_argument("--diffs", type=int, default=1000000, help="--large: inconsistent rows in all")
    shape = ap.add_argument_group("--large estate shape (each option left out keeps today's shape)")
    shape.add_argument("--databases", type=int, metavar="N",
                       help="spread the tables evenly over N databases (default: 500 tables a database)")
    shape.add_argument("--inconsistent-tables", type=int, metavar="N",
                       help="exactly N inconsistent tables, evenly spread, equal shares of --diffs "
                            "(default: a heavy-tailed share over about 30%% of the tables)")
    shape.add_argument("--key-columns", type=int, metavar="K",
                       help="K key columns on every table (default: (tenant_id, id) on every fifth table, id elsewhere)")
    shape.add_argument("--sql-length", type=int, metavar="L",
                       help="pad each SELECT to about L characters with a trailing comment naming its side, "
                            "so source and target SELECTs differ (default: no padding)")
    shape.add_argument("--page-size", type=int, metavar="P",
                       help="rows per content-difference body, one archive response each (default 1000)")
    shape.add_argument("--objects", action="store_true",
                       help="add object compare: overview plus a DB and a TABLE detail for every database and table")
    shape.add_argument("--target-suffix", default="", metavar="S",
                       help="target database names are the source's plus S (a DRS name mapping)")
    shape.add_argument("--compact", action="store_true",
                       help="write bodies as compact JSON, no indentation or spaces (default: indented)")
    args = ap.parse_args(argv)

    if args.large:
        for name in ("databases", "inconsistent_tables", "key_columns", "sql_length", "page_size"):
            value = getattr(args, name)
            if value is not None and value < 1:
                ap.error(f"--{name.replace('_', '-')} must be at least 1")
        gen_large(args.large, args.tables, args.diffs, databases=args.databases,
                  inconsistent_tables=args.inconsistent_tables, key_columns=args.key_columns,
                  sql_length=args.sql_length, page_size=args.page_size, objects=args.objects,
                  target_suffix=args.target_suffix, compact=args.compact)
        return 0

    REPO = args.root.resolve()
    samples = REPO / "samples"
    fixtures = REPO / "Tests/DRSReportTests/Fixtures"
    samples.mkdir(parents=True, exist_ok=True)

    v5_rows = gen_v5_archive(samples / "v5-mysql-archive")
    v3 = gen_v3_folder(samples / "v3-mysql-responses")
    gen_malformed(samples / "malformed", v3.pop("_line_detail"))
    rerun_rows = gen_v5_rerun(samples / "v5-mysql-archive", samples / "v5-mysql-archive-rerun")
    (samples / "README.md").write_text(README, encoding="utf-8")

    hostile_rows = gen_hostile(fixtures / "hostile")
    (fixtures / "hostile/EXPECTED.json").write_text(
        json.dumps({"diff_rows": hostile_rows}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (fixtures / "EXPECTED-samples.json").write_text(json.dumps(
        {"v5-mysql-archive": v5_rows, "v5-mysql-archive-rerun": rerun_rows, "v3-mysql-responses": v3}, indent=2, sort_keys=True,
        ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"v5 diff rows {v5_rows}, v3 {v3}, hostile {hostile_rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
