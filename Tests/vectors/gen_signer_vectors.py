#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Generate Tests/vectors/signer-vectors.json with Huawei Cloud's OFFICIAL Python SDK.

The vectors are the test oracle for Sources/DRSClient/Signer.swift (SDK-HMAC-SHA256).
Python is never a runtime dependency of drs-report; this script only has to be rerun when the
signer cases below change or to re-check a newer SDK.

How to rerun (from the repository root):

    python3 -m venv /tmp/sdkvenv
    /tmp/sdkvenv/bin/pip install huaweicloudsdkcore==3.1.219 huaweicloudsdkdrs==3.1.219
    /tmp/sdkvenv/bin/python Tests/vectors/gen_signer_vectors.py            # rewrites the JSON
    /tmp/sdkvenv/bin/python Tests/vectors/gen_signer_vectors.py --check    # compares, writes nothing

(Newer SDK versions should give the same output; `--check` says so or shows the first difference.)
No network access is needed at run time: every request goes through the real SDK pipeline down to
`requests`, whose transport adapter is replaced by one that records the prepared request and
answers with an empty 200. The output is deterministic: the SDK's clock is pinned to
2024-04-09T07:00:57Z (or the case's own date) and `HttpConfig.user_agent` is set to "".

What is recorded, per case:
  * inputs as the Swift signer takes them: method, scheme, host (host[:port], the Host header),
    path (the resource path exactly as sent, already percent-encoded by the SDK), query (ordered
    [key, value] string pairs exactly as the SDK received them, before sorting), headers (the
    headers present when the SDK's Signer starts, minus those the signer itself adds: X-Sdk-Date,
    Host when the signer added it, and X-Security-Token, which comes from the credentials), body
    (UTF-8 text of the exact bytes), ak, sk, security_token, sdk_date;
  * the SDK's outputs: canonical_request and string_to_sign (recorded by wrapping the SDK's own
    Signer._process_canonical_request / _process_string_to_sign, which are called unchanged),
    signed_headers, authorization, query_string (the query the SDK put on the wire), url (the URL
    `requests` actually prepared), and headers_sent (the SDK's headers after signing).

All credentials are obviously fake.
"""

import argparse
import datetime as _dt
import json
import os
import re
import sys
import warnings

import requests
from requests.adapters import BaseAdapter
from requests.models import Response

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer import signer as signer_module
from huaweicloudsdkcore.signer.signer import Signer

from huaweicloudsdkdrs.v3 import DrsClient as DrsClientV3
from huaweicloudsdkdrs.v3 import (
    CompareObjectInfo,
    CreateCompareTaskReq,
    CreateCompareTaskRequest,
    CreateDataLevelCompareReq,
    DownloadCompareResultFileRequest,
    ExportCompareResultReq,
    ListCompareResultRequest,
    ListDataCompareDetailRequest,
    ListDataLevelTableCompareJobsRequest,
    ListObejectLevelCompareOverviewRequest,
    DeleteCompareJobRequest,
    QueryCompareResultReq,
)
from huaweicloudsdkdrs.v5 import DrsClient as DrsClientV5
from huaweicloudsdkdrs.v5 import ShowJobDetailRequest

warnings.simplefilter("ignore", DeprecationWarning)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "signer-vectors.json")

AK = "HPUAEXAMPLEAK0000001"
SK = "SkExampleSecretKey0123456789abcdefGHIJKLmn"
TOKEN = "FAKE-SECURITY-TOKEN-gQpjbi1ub3J0aC00LzBhYmNkZWYwMTIz+/=="
PROJECT = "0123456789abcdef0123456789abcdef"
ENDPOINT = "https://drs.cn-north-4.myhuaweicloud.com"
DATE = "20240409T070057Z"
DATE_FMT = "%Y%m%dT%H%M%SZ"

# Authorization headers documented in /work/shared/reference/sdk/auth.md section 2 (examples 1-4).
# The generator refuses to write vectors that disagree with them.
AUTH_MD_EXPECTED = {
    "authmd-ex1-v5-show-job-detail":
        "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;user-agent;x-language;"
        "x-project-id;x-sdk-date, Signature=60d207e3a9ab9820ff2672db7279db022ece083a3cc748e4ed56cbdf162b1a87",
    "authmd-ex2-v3-list-data-compare-detail":
        "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;user-agent;x-language;"
        "x-project-id;x-sdk-date, Signature=c8347730e346e2b3be675e442073bd6e499a5656e4b085c744ad7050f8657eeb",
    "authmd-ex3-v3-list-compare-result-post":
        "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;user-agent;x-language;"
        "x-project-id;x-sdk-date, Signature=38608852484612bac8f320c76fa531f23c6320a710253500c650b3580fcf9ddc",
    "authmd-ex4-bare-signer-repeated-key":
        "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-sdk-date, "
        "Signature=3ce02391812f3bd755d9d12063f1df10aa2177c2d004c8c95eca5467edbd09c7",
}


# --------------------------------------------------------------------------------------------
# Recording hooks: the SDK's own methods run unchanged; the wrappers only copy their results.
# --------------------------------------------------------------------------------------------

_capture = {}
_pinned_now = [_dt.datetime.strptime(DATE, DATE_FMT)]


class _PinnedDatetime(_dt.datetime):
    """The SDK calls datetime.utcnow() for X-Sdk-Date; pin it so the output is reproducible."""

    @classmethod
    def utcnow(cls):
        t = _pinned_now[0]
        return cls(t.year, t.month, t.day, t.hour, t.minute, t.second)


signer_module.datetime = _PinnedDatetime

_orig_sign = Signer.sign
_orig_canonical = Signer._process_canonical_request
_orig_sts = Signer._process_string_to_sign


def _rec_sign(self, request):
    _capture["signer_in"] = {
        "method": request.method,
        "host": request.host,
        "schema": request.schema,
        "path": request.resource_path,
        "query": list(request.query_params or []),
        "headers": list(request.header_params.items()),
    }
    out = _orig_sign(self, request)
    body = request.body
    if body is None:
        body = b""
    _capture["signer_out"] = {
        "headers": list(request.header_params.items()),
        "uri": request.uri,
        "url": request.url,
        "body": body,
    }
    return out


def _rec_canonical(self, request, signed_headers):
    out = _orig_canonical(self, request, signed_headers)
    _capture["canonical_request"] = out
    _capture["signed_headers"] = ";".join(signed_headers)
    return out


def _rec_sts(self, canonical_request, t):
    out = _orig_sts(self, canonical_request, t)
    _capture["string_to_sign"] = out
    return out


Signer.sign = _rec_sign
Signer._process_canonical_request = _rec_canonical
Signer._process_string_to_sign = _rec_sts


class _CaptureAdapter(BaseAdapter):
    """A requests transport that records the prepared request instead of sending it."""

    def send(self, request, **kwargs):
        _capture["wire"] = {"method": request.method, "url": request.url, "headers": dict(request.headers)}
        resp = Response()
        resp.status_code = 200
        resp._content = b"{}"
        resp.headers["Content-Type"] = "application/json"
        resp.headers["X-Request-Id"] = "fake-request-id"
        resp.url = request.url
        resp.request = request
        return resp

    def close(self):
        pass


def _mount_capture(session):
    session.mount("https://", _CaptureAdapter())
    session.mount("http://", _CaptureAdapter())


# --------------------------------------------------------------------------------------------
# Running cases
# --------------------------------------------------------------------------------------------

def _query_str(v):
    # Exactly what Signer._process_canonical_query_string does with a scalar value.
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


def _wire_header_value(v):
    # Signer._process_canonical_headers stores value.encode('utf-8').decode('iso-8859-1'), which
    # requests encodes back as latin-1: the bytes on the wire are the UTF-8 bytes of the value.
    return v.encode("iso-8859-1").decode("utf-8")


def _record(name, source, credentials_token, description, sdk_date, sk=SK, ak=AK):
    sin = _capture["signer_in"]
    sout = _capture["signer_out"]
    wire = _capture["wire"]

    # X-Sdk-Date is an input of its own (sdk_date); X-Security-Token comes from the credentials.
    # Host is only in this list when the caller gave it (the signer adds it after this point).
    added_by_signer = {"x-sdk-date", "x-security-token"}
    headers_given = [[k, str(v)] for k, v in sin["headers"] if k.lower() not in added_by_signer]

    body = sout["body"]
    assert isinstance(body, bytes), type(body)
    authorization = dict(sout["headers"])["Authorization"]
    uri = sout["uri"]
    query_string = uri.split("?", 1)[1] if "?" in uri else ""
    assert wire["url"] == sout["url"], (wire["url"], sout["url"])  # requests did not re-encode
    assert _capture["string_to_sign"].split("\n")[1] == sdk_date

    if name in AUTH_MD_EXPECTED and AUTH_MD_EXPECTED[name] != authorization:
        raise SystemExit("%s: SDK output differs from auth.md:\n  sdk:     %s\n  auth.md: %s"
                         % (name, authorization, AUTH_MD_EXPECTED[name]))

    return {
        "name": name,
        "description": description,
        "source": source,
        "method": sin["method"],
        "scheme": sin["schema"],
        "host": sin["host"],
        "path": sin["path"],
        "query": [[k, _query_str(v)] for k, v in sin["query"]],
        "headers": headers_given,
        "body": body.decode("utf-8"),
        "ak": ak,
        "sk": sk,
        "security_token": credentials_token,
        "sdk_date": sdk_date,
        "expected": {
            "canonical_request": _capture["canonical_request"],
            "string_to_sign": _capture["string_to_sign"],
            "signed_headers": _capture["signed_headers"],
            "authorization": authorization,
            "query_string": query_string,
            "url": wire["url"],
            "headers_sent": [[k, _wire_header_value(v)] for k, v in sout["headers"]],
        },
    }


def _client(cls, endpoint=ENDPOINT, token=None, ignore_ct_for_get=False):
    config = HttpConfig.get_default_config()
    config.user_agent = ""  # deterministic User-Agent: "huaweicloud-usdk-python/3.0"
    config.ignore_content_type_for_get_request = ignore_ct_for_get
    creds = BasicCredentials(AK, SK, PROJECT)
    if token is not None:
        creds = creds.with_security_token(token)
    client = cls.new_builder() \
        .with_http_config(config) \
        .with_credentials(creds) \
        .with_endpoints([endpoint]) \
        .build()
    _mount_capture(client._http_client._session)
    return client


def pipeline_case(name, description, cls, method_name, request, endpoint=ENDPOINT, token=None,
                  ignore_ct_for_get=False, sdk_date=DATE):
    _capture.clear()
    _pinned_now[0] = _dt.datetime.strptime(sdk_date, DATE_FMT)
    client = _client(cls, endpoint, token, ignore_ct_for_get)
    try:
        getattr(client, method_name)(request)
    except Exception as e:  # the fake response may not deserialize; the request was captured anyway
        if "wire" not in _capture:
            raise
        print("  (%s: response handling raised %s, ignored)" % (name, type(e).__name__), file=sys.stderr)
    return _record(name, "DrsClient pipeline: %s.%s (%s)" % (cls.__module__.split(".")[1], method_name,
                                                           type(request).__name__),
                   token, description, sdk_date)


def bare_case(name, description, method, host, path, query, headers, body, scheme="https", token=None,
              sdk_date=DATE, ak=AK, sk=SK):
    """Signs an SdkRequest with BasicCredentials.sign_request (-> Signer.sign), then sends it
    through requests to a capturing adapter the way HttpClient.do_request_sync does."""
    _capture.clear()
    _pinned_now[0] = _dt.datetime.strptime(sdk_date, DATE_FMT)
    creds = BasicCredentials(ak, sk)  # no project id: no X-Project-Id added
    if token is not None:
        creds = creds.with_security_token(token)
    request = SdkRequest(method=method, schema=scheme, host=host, resource_path=path,
                         query_params=list(query), header_params=dict(headers), body=body)
    request = creds.sign_request(request)
    session = requests.Session()
    _mount_capture(session)
    getattr(session, request.method.lower())(request.url, headers=request.header_params, data=request.body)
    return _record(name, "bare Signer: BasicCredentials(ak, sk).sign_request(SdkRequest(...))",
                   token, description, sdk_date, sk=sk, ak=ak)


def build_cases():
    cases = []

    # ---- the four worked examples of auth.md section 2 (must reproduce auth.md byte for byte) ----
    cases.append(pipeline_case(
        "authmd-ex1-v5-show-job-detail",
        "auth.md example 1: v5 ShowJobDetail, GET, query values with unicode/space/&=+/~*;'\"%",
        DrsClientV5, "show_job_detail",
        ShowJobDetailRequest(job_id="b3c1a2d4-0000-4e5f-9a8b-123456789jb01", x_language="en-us",
                             type="compare", compare_type="line_compare", query_type="detail",
                             compare_task_id="7f0e2c1a-aaaa-bbbb-cccc-0123456789ab",
                             source_db_name="订单库 a&b=c", target_db_name="tgt/db+1~x*;'\"%",
                             compare_detail_type="compare", offset=0, limit=1000)))

    cases.append(pipeline_case(
        "authmd-ex2-v3-list-data-compare-detail",
        "auth.md example 2: v3 ListDataCompareDetail, GET, int + unicode query params, zh-cn",
        DrsClientV3, "list_data_compare_detail",
        ListDataCompareDetailRequest(x_language="zh-cn", job_id="1d2b0f6e-5c4b-4a39-8f7e-6d5c4b3a2jb01",
                                     compare_job_id="e3a1c0d2-1111-2222-3333-444455556666", status=0,
                                     type="compare", db_name="db 1", target_db_name="DB|2",
                                     query_tb_name="orders_<2024>&(x) ~ ü", limit=100, offset=200)))

    cases.append(pipeline_case(
        "authmd-ex3-v3-list-compare-result-post",
        "auth.md example 3: v3 ListCompareResult (query-compare-result), POST with the SDK's JSON body",
        DrsClientV3, "list_compare_result",
        ListCompareResultRequest(x_language="en-us", body=QueryCompareResultReq(
            job_id="c6e65e6a-de99-4112-9697-7c1923ajb201",
            object_level_compare_id="dc1683d9-bdf2-4be9-967f-6ef0953369bc",
            line_compare_id="d45d569d-0a80-4cef-a412-da2a3bcdc9b7",
            content_compare_id="79e206e6-13eb-4556-8cd5-c994c9cbd4e6",
            current_page=1, per_page=2))))

    cases.append(bare_case(
        "authmd-ex4-bare-signer-repeated-key",
        "auth.md example 4: bare Signer, minimal headers, POST with a repeated query key",
        "POST", "drs.cn-north-4.myhuaweicloud.com",
        "/v3/0123456789abcdef0123456789abcdef/jobs/f8688cfa-4e05-406f-a2e6-37a773cjb20y/compare/result/file",
        [("b", "2"), ("a", "x y"), ("a", "1")],
        [("Content-Type", "application/json"), ("X-Sdk-Date", DATE)],
        '{"compare_type":"contents","compare_job_id":"9406224c-8063-436a-8fe2-796d87f054dc",'
        '"time_zone":"GMT+08:00"}'))

    # ---- more pipeline cases ----
    cases.append(pipeline_case(
        "create-compare-task-post-security-token",
        "v3 CreateCompareTask, POST, temporary credentials (X-Security-Token signed), non-ASCII names "
        "in the body (the SDK escapes them as \\uXXXX)",
        DrsClientV3, "create_compare_task",
        CreateCompareTaskRequest(x_language="en-us", body=CreateCompareTaskReq(
            job_id="c6e65e6a-de99-4112-9697-7c1923ajb201",
            object_level_compare_type="objects",
            data_level_compare_info=CreateDataLevelCompareReq(
                conflict_policy="ignore", compare_type="lines", compare_mode="quick_comparison",
                compare_object_infos=[CompareObjectInfo(db_name="订单库", table_name=["orders", "客户 表"]),
                                      CompareObjectInfo(db_name="db2", table_name=["t1"])]))),
        token=TOKEN, sdk_date="20240410T235959Z"))

    cases.append(pipeline_case(
        "emulator-port-http-127-0-0-1-8080",
        "v3 ListDataLevelTableCompareJobs against http://127.0.0.1:8080 (Host header keeps the port)",
        DrsClientV3, "list_data_level_table_compare_jobs",
        ListDataLevelTableCompareJobsRequest(x_language="zh-cn", job_id="a1b2c3d4-0000-4000-8000-00000000jb01",
                                             limit=10, offset=0),
        endpoint="http://127.0.0.1:8080"))

    cases.append(pipeline_case(
        "go-style-get-without-content-type",
        "v3 ListObejectLevelCompareOverview with HttpConfig.ignore_content_type_for_get_request=True: "
        "no Content-Type, so content-type is not signed (tests add it after signing, as the Go SDK would)",
        DrsClientV3, "list_obeject_level_compare_overview",
        ListObejectLevelCompareOverviewRequest(x_language="en-us", job_id="a1b2c3d4-0000-4000-8000-00000000jb02"),
        ignore_ct_for_get=True))

    cases.append(pipeline_case(
        "download-compare-result-file-get-with-body",
        "v3 DownloadCompareResultFile: GET with a JSON body and a Region header (body hash is not the "
        "empty hash)",
        DrsClientV3, "download_compare_result_file",
        DownloadCompareResultFileRequest(x_language="en-us", job_id="f8688cfa-4e05-406f-a2e6-37a773cjb20y",
                                         compare_type="contents",
                                         compare_job_id="9406224c-8063-436a-8fe2-796d87f054dc",
                                         region="cn-north-4",
                                         body=ExportCompareResultReq(compare_type="contents",
                                                                     compare_job_id="9406224c-8063-436a-8fe2-796d87f054dc",
                                                                     time_zone="GMT+08:00"))))

    cases.append(pipeline_case(
        "delete-compare-job-path-param-encoding",
        "v3 DeleteCompareJob, DELETE; the compare_job_id path parameter contains a space and a plus, "
        "which the SDK sends as %20 / %2B (quote(v, safe=''))",
        DrsClientV3, "delete_compare_job",
        DeleteCompareJobRequest(x_language="en-us", job_id="a1b2c3d4-0000-4000-8000-00000000jb03",
                                compare_job_id="cmp 1+2~ü"),
        sdk_date="20231231T235959Z"))

    # ---- more bare Signer cases ----
    cases.append(bare_case(
        "query-edge-cases",
        "GET, query: repeated keys (sorted by raw value), empty values, unicode keys/values incl. a 4-byte "
        "emoji, key with a space, upper/lower-case ordering, every special character &=+/~*;'\"%",
        "GET", "drs.cn-north-4.myhuaweicloud.com",
        "/v3/0123456789abcdef0123456789abcdef/jobs/query-edge",
        [("q", "a b"), ("q", "a+b"), ("q", ""), ("q", "~*;'\"%"), ("sym", "&=+/~*;'\"%"), ("empty", ""),
         ("ünï", "値 🙂"), ("key with space", "x"), ("Z", "upper"), ("a", "z"), ("q", "A"), ("a-b_c.d~e", "-_.~"),
         ("", "empty key"), ("plus+key", "1+1=2")],
        [("Content-Type", "application/json"), ("X-Language", "en-us"), ("X-Project-Id", PROJECT),
         ("User-Agent", "drs-report/0.1 (test)")],
        None))

    cases.append(bare_case(
        "path-edge-cases",
        "GET, path with %20, %2B, literal +, ~, encoded unicode, and an encoded slash %2F (the canonical "
        "URI decodes it and treats it as a separator, a documented SDK quirk)",
        "GET", "drs.cn-north-4.myhuaweicloud.com",
        "/v3/0123456789abcdef0123456789abcdef/jobs/a%20b%2Bc~d/x+y/%E8%AE%A2%E5%8D%95/p%2Fq",
        [("limit", "1")],
        [("Content-Type", "application/json"), ("X-Project-Id", PROJECT)],
        None))

    cases.append(bare_case(
        "header-edge-cases",
        "PUT, headers: surrounding whitespace trimmed (inner kept), mixed-case names, a name with '_' "
        "(sent, not signed), an explicit lower-case host (the signer then adds no Host), a non-ASCII "
        "value (signed as UTF-8), temporary credentials",
        "PUT", "drs.cn-north-4.myhuaweicloud.com",
        "/v3/0123456789abcdef0123456789abcdef/jobs/batch-stop",
        [],
        [("content-TYPE", "application/json;charset=UTF-8"), ("x-LANGUAGE", "  en-us\t"),
         ("X_Trace_Id", "not-signed-because-underscore"), ("host", "drs.cn-north-4.myhuaweicloud.com"),
         ("X-Note", "  café  au  lait ü "), ("User-Agent", "drs-report/0.1")],
        '{"jobs": [{"job_id": "x", "force": true}]}',
        token=TOKEN, sdk_date="20250101T000000Z"))

    cases.append(bare_case(
        "emulator-port-bare-signer-empty-post",
        "POST with an empty body to http://127.0.0.1:8080 and a query bool rendered as the SDK does",
        "POST", "127.0.0.1:8080",
        "/v5/0123456789abcdef0123456789abcdef/jobs/batch-compare-progress",
        [("refresh", True), ("page", 3)],
        [("Content-Type", "application/json"), ("X-Project-Id", PROJECT), ("X-Language", "zh-cn")],
        "",
        scheme="http", sdk_date="20240229T120000Z",
        ak="FAKEAKFORTESTS000002", sk="fake/secret+key=with~symbols"))

    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    args = parser.parse_args()

    from importlib.metadata import version
    doc = {
        "generator": "Tests/vectors/gen_signer_vectors.py",
        "sdk": {"huaweicloudsdkcore": version("huaweicloudsdkcore"),
                "huaweicloudsdkdrs": version("huaweicloudsdkdrs")},
        "algorithm": "SDK-HMAC-SHA256",
        "note": "Produced by the official Huawei Cloud Python SDK; fake credentials. See the generator's "
                "docstring for field meanings and how to rerun.",
        "cases": build_cases(),
    }
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    # Keep each [name, value] pair on one line for readability (the content is unchanged).
    text = re.sub(r'\[\n\s+("(?:[^"\\\n]|\\.)*"),\n\s+("(?:[^"\\\n]|\\.)*")\n\s+\]', r'[\1, \2]', text)
    assert json.loads(text) == json.loads(json.dumps(doc))
    if args.check:
        with open(OUT, encoding="utf-8") as f:
            old = json.load(f)
        new = json.loads(text)
        old.pop("sdk", None)
        new.pop("sdk", None)
        if old != new:
            print("DIFFERENT from %s" % OUT)
            old_cases = {c["name"]: c for c in old.get("cases", [])}
            for case in new["cases"]:
                before = old_cases.get(case["name"])
                if before is None:
                    print("  new case %s" % case["name"])
                    continue
                for key in sorted(set(case) | set(before)):
                    if case.get(key) != before.get(key):
                        print("  %s: %s differs\n    committed: %r\n    now:       %r"
                              % (case["name"], key, before.get(key), case.get(key)))
                        break
            for name in sorted(set(old_cases) - {c["name"] for c in new["cases"]}):
                print("  case %s no longer generated" % name)
            return 1
        print("OK: %d cases identical to %s" % (len(new["cases"]), OUT))
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %d cases to %s" % (len(doc["cases"]), OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
