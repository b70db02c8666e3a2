"""An S3-compatible endpoint on 127.0.0.1 for the tests (moto's server mode), and the portal's
media storage pointed at a fresh bucket of it."""

import contextlib
import subprocess
import sys
import time
import urllib.request
import uuid

from core.tests.net import free_port

ACCESS_KEY = "portal-test"
SECRET_KEY = "portal-test-secret"
REGION = "us-east-1"


@contextlib.contextmanager
def moto_server():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
                break
            except OSError:
                assert server.poll() is None, "moto's server did not start"
                assert time.monotonic() < deadline, "moto's server did not answer in 30 s"
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(10)


def client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def new_bucket(endpoint: str) -> str:
    bucket = f"portal-test-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(Bucket=bucket)
    return bucket


def storage_settings(endpoint: str, bucket: str) -> dict:
    """STORAGES["default"] as config/settings/base.py makes it from DJANGO_S3_* settings."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "location": "",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }


def keys(endpoint: str, bucket: str) -> list[str]:
    listed = client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))
