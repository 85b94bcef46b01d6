"""gunicorn and nginx on loopback ports, and slow clients, for tests/test_nginx.py
and bench/faults.py. Everything binds 127.0.0.1 and is stopped by its owner."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_SITE = ROOT / "deploy" / "nginx.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


def nginx_binary() -> str | None:
    return shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_answers(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            get(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE  # our own throwaway loopback certificate


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=INSECURE))


def get(
    url: str, timeout: float = 10.0, data: bytes | None = None, headers: dict | None = None
) -> tuple[int, dict, bytes]:
    """(status, headers, body) without following redirects; raises OSError on
    connection failures and timeouts."""
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 (loopback)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def timed_get(url: str, timeout: float) -> tuple[float, int | str]:
    """Seconds taken and the status, or the error's name if none came."""
    start = time.monotonic()
    try:
        status, _, _ = get(url, timeout=timeout)
    except OSError as error:
        status = type(error).__name__
        if isinstance(error, urllib.error.URLError) and error.reason:
            status = type(error.reason).__name__
    return time.monotonic() - start, status


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 2, access_log: Path | None = None):
    """gunicorn with deploy/gunicorn.conf.py on a loopback port; yields its base URL.
    With `access_log`, each request's X-Forwarded-For, Proto and path go there."""
    port = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        str(GUNICORN_CONF),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--access-logfile",
        str(access_log or "/dev/null"),
        "--access-logformat",
        "%({x-forwarded-for}i)s|%({x-forwarded-proto}i)s|%(U)s",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        _stop(process)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    openssl = shutil.which("openssl") or "openssl"
    command = [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
               "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key),
               "-out", str(cert), "-days", "1", "-subj", "/CN=localhost"]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 (a fixed command)
    return cert, key


def _site_for_loopback(*, upstream: int, http: int, https: int, static_root: Path,
                       cert: Path, key: str) -> str:  # fmt: skip
    """deploy/nginx.conf with its deployment-specific lines pointed at loopback.
    Each line must be found exactly once, so the test notices the file changing."""
    site = NGINX_SITE.read_text()
    for old, new in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
        (
            "    listen 80 default_server;\n    listen [::]:80 default_server;\n"
            "    listen 443 ssl default_server;\n    listen [::]:443 ssl default_server;\n",
            f"    listen 127.0.0.1:{http} default_server;\n"
            f"    listen 127.0.0.1:{https} ssl default_server;\n",
        ),
        ("    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{http};\n"),
        ("    listen 443 ssl;\n    listen [::]:443 ssl;\n", f"    listen 127.0.0.1:{https} ssl;\n"),
        ("/etc/ssl/decision-records/fullchain.pem", str(cert)),
        ("/etc/ssl/decision-records/privkey.pem", str(key)),
        ("alias /srv/decision-records/staticfiles/;", f"alias {static_root}/;"),
    ]:
        if site.count(old) != 1:
            raise AssertionError(f"deploy/nginx.conf no longer has exactly one {old!r}")
        site = site.replace(old, new)
    # The site's own name: clients here ask for localhost (SNI and Host).
    if site.count("server_name decisions.example.org;") != 2:
        raise AssertionError("deploy/nginx.conf no longer names the site in both servers")
    return site.replace("server_name decisions.example.org;", "server_name localhost;")


@contextlib.contextmanager
def nginx(*, upstream: int, static_root: Path, work: Path):
    """nginx running deploy/nginx.conf on loopback; yields (https URL, http URL), both
    for the host name localhost (any other name is refused, as in production)."""
    work.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed_certificate(work)
    http, https = free_port(), free_port()
    (work / "site.conf").write_text(
        _site_for_loopback(
            upstream=upstream, http=http, https=https, static_root=static_root, cert=cert, key=key
        )
    )
    # As root, nginx's workers would switch to "nobody", who cannot read a private
    # temporary directory; they keep our user instead.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (work / "nginx.conf").write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/site.conf;
}}
"""
    )
    binary = nginx_binary()
    if not binary:
        raise FileNotFoundError("nginx is not installed (scripts/system-packages.sh installs it)")
    process = subprocess.Popen(  # noqa: S603
        [binary, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")]
    )
    try:
        base = f"https://localhost:{https}"
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", https), timeout=1).close()
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((work / "error.log").read_text())
            time.sleep(0.1)
        yield base, f"http://localhost:{http}"
    finally:
        _stop(process, signal.SIGQUIT)


@dataclass
class SlowClients:
    """Clients that open a request and drip one header line every `interval`
    seconds, never finishing it, until stopped."""

    url: str
    count: int = 3
    interval: float = 0.5
    sockets: list[socket.socket] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> SlowClients:
        scheme, rest = self.url.split("://", 1)
        hostport, _, path = rest.partition("/")
        host, port = hostport.rsplit(":", 1)
        for _ in range(self.count):
            sock = socket.create_connection((host, int(port)), timeout=5)
            if scheme == "https":
                sock = INSECURE.wrap_socket(sock, server_hostname=host)
            sock.sendall(f"GET /{path} HTTP/1.1\r\nHost: {host}\r\n".encode())
            self.sockets.append(sock)
        self._thread = threading.Thread(target=self._drip, daemon=True)
        self._thread.start()
        return self

    def _drip(self) -> None:
        n = 0
        while not self._stop.wait(self.interval):
            n += 1
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.sendall(f"X-Drip-{n}: x\r\n".encode())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()
