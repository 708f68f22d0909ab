"""The emulator accepts requests signed by the OFFICIAL Huawei Cloud Python SDK (huaweicloudsdkcore),
and refuses them with a wrong secret key, over real loopback HTTP.

The SDK is a test oracle only (pip install huaweicloudsdkdrs); drs-report never depends on it.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
AK = "HPUASDKEMULATORTEST01"
SK = "SdkEmulatorSecret-0123456789abcdefghij"


def emulator_binary() -> Path:
    explicit = os.environ.get("DRS_EMULATOR_BIN")
    if explicit:
        return Path(explicit)
    report = os.environ.get("DRS_REPORT_BIN")
    if report:
        return Path(report).with_name("drs-emulator")
    return REPO_ROOT / ".build" / "debug" / "drs-emulator"


@pytest.fixture(scope="module")
def emulator():
    binary = emulator_binary()
    assert binary.exists(), f"drs-emulator not built at {binary}; run swift build first"
    env = dict(os.environ, DRS_EMULATOR_AK=AK, DRS_EMULATOR_SK=SK)
    process = subprocess.Popen(
        [str(binary), "--generate", "--seed", "3", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = process.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, f"emulator did not start: {line!r} {process.stderr.read() if process.poll() is not None else ''}"
        yield match.group(1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def sdk_client(endpoint: str, sk: str):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkdrs.v5 import DrsClient

    config = HttpConfig.get_default_config()
    config.retry_times = 0
    return (
        DrsClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(AK, sk, "6e2f1a0c9b8d4e7f8a1b2c3d4e5f6a7b"))
        .with_endpoint(endpoint)
        .build()
    )


JOB_ID = "5d1e0f2a-3b4c-4d5e-8f60-7a8b9c0djb01"


def test_sdk_signed_request_is_accepted(emulator):
    from huaweicloudsdkdrs.v5 import ShowJobDetailRequest

    request = ShowJobDetailRequest(job_id=JOB_ID, type="compare", compare_type="data_compare", query_type="list", offset=0, limit=100)
    response = sdk_client(emulator, SK).show_job_detail(request)
    tasks = response.job.compare_result.data_compare_task_list
    assert tasks, "the signed request was answered with the task list"
    assert {t.type for t in tasks} >= {"lines", "contents"}


def test_sdk_signed_request_with_unicode_query_is_accepted(emulator):
    from huaweicloudsdkdrs.v5 import ShowJobDetailRequest

    request = ShowJobDetailRequest(
        job_id=JOB_ID, type="compare", compare_type="line_compare", query_type="detail",
        source_db_name="订单库 a&b=c", target_db_name="订单库 a&b=c", compare_detail_type="compare", offset=0, limit=10,
    )
    # The emulator may not know this database pair (a DRS 400), but it must not refuse the signature (401).
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

    try:
        sdk_client(emulator, SK).show_job_detail(request)
    except ClientRequestException as error:
        assert error.status_code != 401, f"signature refused: {error.error_code} {error.error_msg}"


def test_wrong_secret_is_refused(emulator):
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkdrs.v5 import ShowJobDetailRequest

    request = ShowJobDetailRequest(job_id=JOB_ID, type="compare", compare_type="data_compare", query_type="list")
    with pytest.raises(ClientRequestException) as caught:
        sdk_client(emulator, "not-the-secret").show_job_detail(request)
    assert caught.value.status_code == 401
    assert caught.value.error_code in ("APIGW.0301", "APIG.0301")
