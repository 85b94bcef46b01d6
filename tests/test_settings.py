"""Settings come from the environment; production refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Variables the test run sets that a production environment would not have.
PRODUCTION_UNSET = {
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_UNSET}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", ALLOWED_HOSTS="decisions.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "k3y" * 20,
        ALLOWED_HOSTS="decisions.example.org",
        CONTACT_EMAIL="enquiries@decisions.example.org",
        ACCESSIBILITY_CONTACT="accessibility@decisions.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_the_contacts():
    result = run_manage(
        "check",
        "--deploy",
        SECRET_KEY="a-long-random-production-secret-" + "k3y" * 20,
        ALLOWED_HOSTS="decisions.example.org",
    )
    assert "core.W001" in result.stderr and "core.W002" in result.stderr


def debug_setting(expression: str, *, database_url: str | None) -> str:
    """What `expression` (over `settings`) prints in a DEBUG process with that
    DATABASE_URL (None: unset)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_debug_uses_sqlite_by_default_and_database_url_when_set():
    engine = "settings.DATABASES['default']['ENGINE']"
    assert debug_setting(engine, database_url=None) == "django.db.backends.sqlite3"
    postgres = debug_setting(engine, database_url="postgres://u@localhost:5432/db")
    assert postgres == "django.db.backends.postgresql"


def test_sqlite_migrates_without_the_covering_index_warning_and_postgresql_keeps_it(tmp_path):
    """`make run` (SQLite) checks the database on migrate: the covering indexes'
    INCLUDE columns, which SQLite ignores, must not warn there (models.W040, silenced
    as harmless for SQLite only); PostgreSQL silences nothing."""
    sqlite = run_manage(
        "check",
        "--database",
        "default",
        "--fail-level",
        "WARNING",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}",
    )
    assert sqlite.returncode == 0, sqlite.stderr
    assert "W040" not in sqlite.stdout + sqlite.stderr
    assert "no issues (1 silenced)" in sqlite.stdout
    postgres_url = "postgres://postgres@127.0.0.1:5432/any"
    assert debug_setting("settings.SILENCED_SYSTEM_CHECKS", database_url=postgres_url) == "[]"


def test_postgresql_connections_plan_no_parallel_workers(db):
    # A request's queries are short: parallel workers' start-up cost more than they
    # saved (bench/RESULTS.md). The setting is on the connection, so every query has it.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_options_from_the_database_url_are_kept_with_no_parallel_workers():
    url = "postgres://u@127.0.0.1:5432/x?options=-c%20statement_timeout%3D5000"
    code = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['OPTIONS']['options'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django, os; django.setup(); {code}"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "-c",
        "statement_timeout=5000",
        "-c",
        "max_parallel_workers_per_gather=0",
    ]


def test_psycopg_runs_its_c_implementation():
    """pyproject.toml asks for psycopg[c] (built against the system libpq): the pure
    Python one it falls back to without it decodes every value with a ctypes call
    (a third of a search's process time at 100,000 decisions, issue 12)."""
    import psycopg

    assert psycopg.pq.__impl__ == "c"
