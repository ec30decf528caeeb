"""A real S3-compatible server on loopback (moto's standalone server) for the tests that run on an object store.

``SCRIMMAGE_TEST_STORAGE=s3`` runs every test on it (each test in a prefix of its own); the tests marked
``storage`` run on both kinds of store in every run. Without moto the test is skipped, and under ``CI=true``
it fails (see components.py).
"""

from __future__ import annotations

import os
import socket
import uuid

from components import require_module

BUCKET = "scrimmage-test"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "scrimmage-test", "AWS_SECRET_ACCESS_KEY": "scrimmage-test-secret"}
KIND = os.environ.get("SCRIMMAGE_TEST_STORAGE", "local").strip().lower() or "local"
_server = None


def endpoint() -> str:
    """The address of this test process's S3 server, started on first use (one per process, with one bucket)."""
    global _server
    if _server is None:
        moto = require_module("moto.server", "moto")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = moto.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        url = f"http://127.0.0.1:{port}"
        import httpx

        httpx.put(f"{url}/{BUCKET}", timeout=30).raise_for_status()  # create the bucket
        _server = (server, url)
    return _server[1]


def fresh_url(monkeypatch) -> str:
    """The URL of a fresh prefix of the test bucket, with the credentials in the environment."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    return f"s3://{BUCKET}/{uuid.uuid4().hex}?endpoint={endpoint()}"


def use_s3(monkeypatch) -> str:
    """Make every arena of this test keep its files in a fresh prefix of the test bucket; returns its URL."""
    url = fresh_url(monkeypatch)
    monkeypatch.setenv("SCRIMMAGE_STORAGE_URL", url)
    return url
