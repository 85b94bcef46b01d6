"""Fault and load checks (issue 11 "Done when"), run by hand, loopback only:

    .venv/bin/python bench/faults.py              # about a minute and a half
    .venv/bin/python bench/faults.py --no-restart # everything but the PostgreSQL restart

1. Sets up a fresh database the production way: an owner role migrates it, the
   application role (owning nothing) loads the demo and serves it.
2. Runs gunicorn (deploy/gunicorn.conf.py) behind nginx (deploy/nginx.conf) and
   drives load from Python threads; restarts PostgreSQL (pg_ctlcluster) mid-load and
   reports the failed requests during the restart and the time to recover.
3. Slow clients dripping headers: /decisions/ timed against gunicorn alone and
   through nginx.
4. Times `manage.py backup` and `manage.py restore` of the whole site and checks the
   published PDF is byte-identical after the round trip.

The restart interrupts every PostgreSQL client on the machine (other test runs
too): run it when nothing else needs the database.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loopback import ROOT, SlowClients, get, gunicorn, nginx, timed_get

HOST = "127.0.0.1:5432"
DATABASE = "decision_records_faults"
OWNER, APP = "decision_records_owner", "decision_records_app"
PAGES = ["/decisions/", "/decisions/pcd-1620/", "/decisions/pcd-1620/pdf/", "/api/decisions/"]


def sh(*command: str, env: dict | None = None, quiet: bool = True) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=quiet)  # noqa: S603


def psql(sql: str, database: str = "postgres") -> None:
    sh("psql", f"postgres://postgres@{HOST}/{database}", "-v", "ON_ERROR_STOP=1", "-qc", sql)


def database_set_up(base_env: dict) -> dict:
    """A fresh database owned by OWNER, migrated by it, demo loaded by APP."""
    for role in (OWNER, APP):
        psql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
            f"THEN CREATE ROLE {role} LOGIN; END IF; END $$"
        )
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE} OWNER {OWNER}")
    env = {
        **base_env,
        "DATABASE_URL": f"postgres://{APP}@{HOST}/{DATABASE}",
        "MIGRATE_DATABASE_URL": f"postgres://{OWNER}@{HOST}/{DATABASE}",
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    sh(python, "manage.py", "migrate", "--noinput", "-v", "0", env=env)
    sh(python, "manage.py", "load_demo", env={**env, "DEBUG": "1"})
    sh(python, "manage.py", "collectstatic", "--noinput", "-v", "0", env=env)
    return env


class Load:
    """`clients` threads requesting PAGES in turn; every request's start, end and
    outcome is kept."""

    def __init__(self, base: str, clients: int):
        self.base, self.clients = base, clients
        self.results: list[tuple[float, float, bool]] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def _client(self, offset: int) -> None:
        n = offset
        while not self.stop.is_set():
            url = self.base + PAGES[n % len(PAGES)]
            n += 1
            start = time.monotonic()
            try:
                ok = get(url, timeout=10)[0] == 200
            except OSError:
                ok = False
            with self.lock:
                self.results.append((start, time.monotonic(), ok))
            if not ok:
                time.sleep(0.05)  # as a browser would not hammer a failing page

    def __enter__(self) -> Load:
        self.threads = [
            threading.Thread(target=self._client, args=(i,), daemon=True)
            for i in range(self.clients)
        ]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def restart_under_load(base: str, seconds: float, restart_at: float, clients: int,
                       restart: bool) -> dict:  # fmt: skip
    version = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])[
        -1
    ]
    with Load(base, clients) as load:
        began = time.monotonic()
        time.sleep(restart_at)
        restart_start = time.monotonic()
        if restart:
            sh("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart")
        restart_end = time.monotonic()
        time.sleep(max(0.0, seconds - (restart_end - began)))
    results = load.results
    failures = [r for r in results if not r[2]]
    before = [r for r in results if r[1] < restart_start]
    after_last_failure = [r for r in results if failures and r[0] > failures[-1][1]]
    figures = {
        "requests": len(results),
        "failed": len(failures),
        "restart_seconds": restart_end - restart_start,
        "rps_before": len(before) / max(restart_start - began, 1e-9),
        "failures_before_restart": sum(1 for r in failures if r[1] < restart_start),
    }
    if failures:
        # Recovery: from the restart command's start to the first success after
        # the last failure.
        first_good = min((r[1] for r in after_last_failure if r[2]), default=None)
        figures["first_failure_after_restart_start"] = failures[0][0] - restart_start
        figures["recovered_after"] = (first_good - restart_start) if first_good else None
    else:
        figures["recovered_after"] = 0.0
    window_end = max((r[1] for r in results), default=restart_end)
    settled = [r for r in results if r[0] > restart_end + 2]
    figures["rps_after"] = len(settled) / max(window_end - restart_end - 2, 1e-9)
    return figures


def slow_clients(direct: str, https: str, count: int) -> dict:
    with SlowClients(f"{direct}/decisions/", count=count):
        time.sleep(0.5)
        direct_seconds, direct_status = timed_get(f"{direct}/decisions/", timeout=5)
    with SlowClients(f"{https}/decisions/", count=count):
        time.sleep(0.5)
        nginx_seconds, nginx_status = timed_get(f"{https}/decisions/", timeout=10)
    return {
        "clients": count,
        "direct": f"{direct_seconds:.2f} s ({direct_status})",
        "through_nginx": f"{nginx_seconds:.2f} s ({nginx_status})",
    }


def backup_round_trip(env: dict, https: str, work: Path) -> dict:
    python = str(ROOT / ".venv" / "bin" / "python")
    pdf_before = get(f"{https}/decisions/pcd-1620/pdf/")[2]
    archive = work / "site.tar"
    start = time.monotonic()
    sh(python, "manage.py", "backup", str(archive), env=env)
    backup_seconds = time.monotonic() - start
    start = time.monotonic()
    sh(python, "manage.py", "restore", str(archive), "--noinput", env=env)
    restore_seconds = time.monotonic() - start
    pdf_after = get(f"{https}/decisions/pcd-1620/pdf/")[2]
    return {
        "archive_bytes": archive.stat().st_size,
        "backup_seconds": backup_seconds,
        "restore_seconds": restore_seconds,
        "pdf_identical": hashlib.sha256(pdf_before).digest() == hashlib.sha256(pdf_after).digest(),
        "pdf_bytes": len(pdf_after),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of the load run")
    parser.add_argument("--restart-at", type=float, default=6, help="restart after this long")
    parser.add_argument("--clients", type=int, default=6, help="concurrent load clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--conn-max-age", default="0", help="CONN_MAX_AGE for gunicorn (0: a connection a request)"
    )
    parser.add_argument("--no-restart", action="store_true", help="skip the PostgreSQL restart")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="faults-") as work:
        work = Path(work)
        base_env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "faults-bench-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "tests.settings_static_root",
            "STATIC_ROOT": str(work / "static"),
            "MEDIA_ROOT": str(work / "media"),
            "SECURE_SSL_REDIRECT": "1",
        }
        started = time.monotonic()
        env = database_set_up(base_env)
        print(
            "Set-up (roles, migrate as owner, demo as app role): "
            f"{time.monotonic() - started:.1f} s"
        )
        app_env = {k: v for k, v in env.items() if k != "MIGRATE_DATABASE_URL"}
        app_env["CONN_MAX_AGE"] = args.conn_max_age
        with gunicorn(app_env, workers=args.workers) as (direct, _):
            port = int(direct.rsplit(":", 1)[1])
            with nginx(upstream=port, static_root=work / "static", work=work / "nginx") as (
                https,
                _http,
            ):
                deadline = time.monotonic() + 30
                while get(f"{https}/decisions/", timeout=5)[0] != 200:
                    if time.monotonic() > deadline:
                        raise SystemExit("The site did not come up")
                    time.sleep(0.5)
                load = restart_under_load(
                    https, args.seconds, args.restart_at, args.clients, not args.no_restart
                )
                print(
                    f"Load: {args.clients} clients through nginx, {args.workers} workers, "
                    f"CONN_MAX_AGE={args.conn_max_age}, "
                    f"{args.seconds:.0f} s; PostgreSQL restart "
                    + ("skipped" if args.no_restart else f"at {args.restart_at:.0f} s")
                )
                for key, value in load.items():
                    print(
                        f"  {key}: {value:.2f}" if isinstance(value, float) else f"  {key}: {value}"
                    )
                print("Slow clients (3 dripping headers):")
                for key, value in slow_clients(direct, https, 3).items():
                    print(f"  {key}: {value}")
                print("Backup round trip (as the owner):")
                for key, value in backup_round_trip(env, https, work).items():
                    print(
                        f"  {key}: {value:.2f}" if isinstance(value, float) else f"  {key}: {value}"
                    )
        psql(f"DROP DATABASE IF EXISTS {DATABASE}")
        print(f"Total: {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
