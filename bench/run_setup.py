"""Set-up for `make bench`: wrk, PostgreSQL, the bench database (built once per
count and seed, then reused), the production environment and collected static files.

The database is marked with a comment naming the count and seed it holds, written
only once the build has finished, so an interrupted build is never taken for a
finished one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import psycopg.sql

from bench.loopback import ROOT

PG_HOST = "127.0.0.1:5432"
ADMIN_URL = f"postgres://postgres@{PG_HOST}/postgres"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
# Throwaway values of this bench only. The audit key must be the same when the data
# is written and when it is served: the pages check the records' seals with it.
SECRET_KEY = "bench-only-not-secret"  # noqa: S105 (throwaway, loopback bench)
AUDIT_HMAC_KEY = "bench-only-audit-key"


@dataclass(frozen=True)
class Options:
    database: str
    count: int
    seed: int
    fresh: bool
    port: int
    redis_db: int
    data_dir: Path

    @classmethod
    def from_environment(cls) -> Options:
        database = os.environ.get("BENCH_DATABASE", "dr_bench")
        return cls(
            database=database,
            count=int(os.environ.get("BENCH_COUNT", "100000")),
            seed=int(os.environ.get("BENCH_SEED", "1")),
            fresh=os.environ.get("BENCH_FRESH", "") not in ("", "0"),
            port=int(os.environ.get("BENCH_PORT", "8121")),
            redis_db=int(os.environ.get("BENCH_REDIS_DB", "9")),
            data_dir=Path(
                os.environ.get("BENCH_DATA")
                or Path.home() / ".cache" / "decision-records-bench" / database
            ),
        )

    @property
    def marker(self) -> str:
        return (
            f"decision records bench: demo + generate_decisions count={self.count} seed={self.seed}"
        )

    @property
    def media_root(self) -> Path:
        return self.data_dir / "media"

    @property
    def static_root(self) -> Path:
        return ROOT / "staticfiles"


def environment(options: Options) -> dict[str, str]:
    """Production settings (DEBUG off) pointed at the bench database, on loopback."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "AUDIT_HMAC_KEY": AUDIT_HMAC_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@{PG_HOST}/{options.database}",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "600"),
        "REDIS_URL": f"redis://127.0.0.1:6379/{options.redis_db}",
        "MEDIA_ROOT": str(options.media_root),
        # The demo signing identity (`manage.py signing_demo_ca`, made by database_ready).
        "SIGNING_PKCS12": str(options.data_dir / "signing" / "demo-signing.p12"),
        "SIGNING_TRUST_ROOTS": str(options.data_dir / "signing" / "demo-ca.pem"),
        # Approval notifies the next actor; the bench has no mail server.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOG_LEVEL": "warning",
    }


def run(command: list[str], env: dict[str, str], timeout: float | None = None) -> None:
    started = time.monotonic()
    print("  $", " ".join(command[1:] if command[0] == PYTHON else command), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=timeout)  # noqa: S603
    print(f"    ({time.monotonic() - started:.1f} s)", flush=True)


def system_ready() -> None:
    """wrk (Debian) if missing, as scripts/system-packages.sh installs packages; PostgreSQL."""
    run([str(ROOT / "scripts" / "bench-packages.sh")], dict(os.environ))
    run([str(ROOT / "scripts" / "postgres-up.sh")], dict(os.environ))


def _admin(sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        cursor = connection.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _marker_of(database: str) -> str | None:
    rows = _admin(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        (database,),
    )
    return rows[0][0] if rows else None


def _has_command(name: str) -> bool:
    return any(
        (ROOT / app / "management" / "commands" / f"{name}.py").exists()
        for app in ("decisions", "demo", "funding", "core", "opendata")
    )


def database_ready(options: Options, env: dict[str, str]) -> str:
    """Reuse the bench database if it holds this count and seed; else build it.
    Migrations are applied either way (other work may have added an index)."""
    data_env = {**env, "DEBUG": "1"}  # load_demo runs only with DEBUG on (known passwords)
    # Approvals sign their PDFs: the demo identity, made once (kept with the data).
    run([PYTHON, "manage.py", "signing_demo_ca", str(options.data_dir / "signing")], env)
    reusable = not options.fresh and _marker_of(options.database) == options.marker
    if reusable and options.media_root.is_dir():
        print(f"Reusing database {options.database} ({options.marker})", flush=True)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        return "reused"
    if options.count and not _has_command("generate_decisions"):
        raise SystemExit(
            "manage.py generate_decisions is not in this checkout: set BENCH_COUNT=0 "
            "to bench the demo alone."
        )
    print(f"Building database {options.database} ({options.marker})", flush=True)
    started = time.monotonic()
    name = options.database
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"BENCH_DATABASE must be a plain lower-case name, not {name!r}")
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name}")
    shutil.rmtree(options.media_root, ignore_errors=True)
    options.media_root.mkdir(parents=True)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([PYTHON, "manage.py", "load_demo"], data_env)
    if options.count:
        run(
            [
                PYTHON,
                "manage.py",
                "generate_decisions",
                "--count",
                str(options.count),
                "--seed",
                str(options.seed),
                "-v",
                "2",  # its progress, a line per batch: the build takes minutes
            ],
            data_env,
        )
    moved = sequences_past_highest_ids(env)
    if moved:
        print(f"  sequences behind their tables' ids, moved on: {', '.join(moved)}", flush=True)
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    marker = options.marker.replace("'", "''")
    _admin(f"COMMENT ON DATABASE {name} IS '{marker}'")
    return f"built in {time.monotonic() - started:.0f} s"


def sequences_past_highest_ids(env: dict[str, str]) -> list[str]:
    """Move every id sequence past the highest id in its table, as a restore does after
    a bulk load: rows written with explicit ids (COPY) leave a sequence behind, and the
    approval measured later would collide with them. Returns the sequences moved."""
    moved = []
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
        owned = connection.execute(
            "SELECT n.nspname, t.relname, a.attname FROM pg_class s"
            " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
            " JOIN pg_class t ON t.oid = d.refobjid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
            " WHERE s.relkind = 'S' AND n.nspname = 'public'"
        ).fetchall()
        for schema, table, column in owned:
            query = psycopg.sql.SQL(
                "SELECT setval(pg_get_serial_sequence({name}, {column}), m) FROM"
                " (SELECT max({col}) AS m FROM {table}) AS highest, "
                " pg_sequences WHERE schemaname || '.' || sequencename ="
                " pg_get_serial_sequence({name}, {column}) AND m > coalesce(last_value, 0)"
            ).format(
                name=psycopg.sql.Literal(f"{schema}.{table}"),
                column=psycopg.sql.Literal(column),
                col=psycopg.sql.Identifier(column),
                table=psycopg.sql.Identifier(schema, table),
            )
            if connection.execute(query).fetchall():
                moved.append(f"{table}.{column}")
    return moved


def redis_flushed(options: Options) -> None:
    """Empty the bench's own Redis database: no page cached from another dataset."""
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=options.redis_db).flushdb()


def static_collected(options: Options, env: dict[str, str]) -> None:
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)


def baselines_saved(options: Options, files: dict[str, bytes]) -> dict[str, str]:
    """Write the static copies into STATIC_ROOT (WhiteNoise lists it at start-up);
    return their URLs by name."""
    directory = options.static_root / "bench"
    directory.mkdir(parents=True, exist_ok=True)
    urls = {}
    for name, content in files.items():
        (directory / name).write_bytes(content)
        urls[name] = f"/static/bench/{name}"
    return urls
