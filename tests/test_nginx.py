"""nginx (deploy/nginx.conf) in front of gunicorn (deploy/gunicorn.conf.py), both on
loopback: slow clients dripping headers hold every sync worker when they reach
gunicorn directly, but not through nginx, which also serves the static files,
tells the app the scheme, and refuses uploads larger than the app accepts.

Takes about 10 s. Skipped only when nginx is not installed.
"""

import os
import re
import socket
import ssl
import subprocess
import sys
import time

import pytest
from django.db import connection

from bench.loopback import (
    INSECURE,
    NGINX_SITE,
    SlowClients,
    get,
    gunicorn,
    nginx,
    nginx_binary,
    timed_get,
)
from decisions.services.content import APPENDIX_MAX_BYTES

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        nginx_binary() is None, reason="nginx is not installed (scripts/system-packages.sh)"
    ),
]

WORKERS = 2
SLOW_CLIENTS = 3
DIRECT_PATIENCE = 3.0  # seconds we wait for gunicorn alone before calling it stalled
THROUGH_NGINX_BOUND = 5.0  # generous: the page itself answers in well under a second


def _server_env(static_root) -> dict[str, str]:
    s = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_static_root",
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": (
            f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        ),
        # Production behaviour: plain HTTP is redirected unless nginx says HTTPS.
        "SECURE_SSL_REDIRECT": "1",
        "DEBUG": "0",
    }


def test_slow_clients_stall_gunicorn_alone_but_not_behind_nginx(tmp_path, record_property):
    static_root = tmp_path / "static"
    env = _server_env(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=env, check=True,
    )  # fmt: skip
    # A file collectstatic did not write: only nginx (not WhiteNoise, which indexes
    # STATIC_ROOT at start-up) can serve it.
    (static_root / "served-by-nginx.txt").write_text("nginx\n")

    access_log = tmp_path / "gunicorn-access.log"
    with gunicorn(env, workers=WORKERS, access_log=access_log) as (direct, _process):
        port = int(direct.rsplit(":", 1)[1])
        deadline = time.monotonic() + 20
        while True:
            try:
                status, headers, _ = get(f"{direct}/decisions/", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 301 and headers["Location"].startswith("https://")

        with nginx(upstream=port, static_root=static_root, work=tmp_path / "nginx") as (
            https,
            http,
        ):
            status, _, body = get(f"{https}/decisions/")
            assert status == 200  # X-Forwarded-Proto: https reached Django: no redirect
            assert b"<h1" in body
            assert get(f"{http}/decisions/")[0] == 301
            # The client's own X-Forwarded-For is replaced by the address nginx saw.
            spoofed = {"X-Forwarded-For": "203.0.113.66", "X-Forwarded-Proto": "https"}
            assert get(f"{https}/open-data/", headers=spoofed)[0] == 200
            # Another host name never reaches the app (nor does a TLS handshake for it).
            with pytest.raises(OSError):
                get(f"{https}/decisions/", headers={"Host": "evil.example"})
            with pytest.raises(OSError):
                get(f"{http}/decisions/", headers={"Host": "evil.example"})
            with (
                pytest.raises(ssl.SSLError),
                socket.create_connection(("127.0.0.1", int(https.rsplit(":", 1)[1]))) as raw,
            ):
                INSECURE.wrap_socket(raw, server_hostname="evil.example")
            assert get(f"{https}/static/served-by-nginx.txt")[2] == b"nginx\n"
            assert get(f"{https}/media/anything.pdf")[0] == 404
            too_big = b"x" * (APPENDIX_MAX_BYTES + 2 * 1024 * 1024)
            assert get(f"{https}/work/", data=too_big, timeout=20)[0] == 413

            baseline_seconds, _ = timed_get(f"{https}/decisions/", timeout=THROUGH_NGINX_BOUND)
            with SlowClients(f"{direct}/decisions/", count=SLOW_CLIENTS):
                time.sleep(0.5)
                direct_seconds, direct_status = timed_get(
                    f"{direct}/decisions/", timeout=DIRECT_PATIENCE
                )
            with SlowClients(f"{https}/decisions/", count=SLOW_CLIENTS):
                time.sleep(0.5)
                nginx_seconds, nginx_status = timed_get(
                    f"{https}/decisions/", timeout=THROUGH_NGINX_BOUND * 2
                )

    forwarded = [line for line in access_log.read_text().splitlines() if "/open-data/" in line]
    assert forwarded == ["127.0.0.1|https|/open-data/"]
    record_property("direct_with_slow_clients", f"{direct_seconds:.2f}s {direct_status}")
    record_property("through_nginx_with_slow_clients", f"{nginx_seconds:.2f}s {nginx_status}")
    print(
        f"\n/decisions/ through nginx alone {baseline_seconds:.2f}s; with "
        f"{SLOW_CLIENTS} slow clients, {WORKERS} sync workers: gunicorn alone "
        f"{direct_seconds:.2f}s ({direct_status}); through nginx {nginx_seconds:.2f}s "
        f"({nginx_status})"
    )
    # The contrast is measured, and only loosely asserted: gunicorn alone had not
    # answered within our patience; through nginx the page came back, promptly.
    assert direct_status != 301 and direct_seconds >= DIRECT_PATIENCE * 0.9
    assert nginx_status == 200
    assert nginx_seconds < THROUGH_NGINX_BOUND


def test_upload_limit_matches_the_app():
    """nginx must let the largest appendix through and refuse what the app would."""
    size = re.search(r"client_max_body_size (\d+)m;", NGINX_SITE.read_text())
    assert size, "deploy/nginx.conf sets client_max_body_size in megabytes"
    limit = int(size.group(1)) * 1024 * 1024
    assert APPENDIX_MAX_BYTES < limit <= APPENDIX_MAX_BYTES + 2 * 1024 * 1024
