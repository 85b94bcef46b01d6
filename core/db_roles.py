"""The two PostgreSQL roles: the owner, who migrates, and the application role.

The web processes connect (DATABASE_URL) as a role that owns nothing. It reads and
writes ordinary tables, but on the append-only tables (settings.APPEND_ONLY_TABLES,
the decision event log first) it may only SELECT and INSERT, and the tables only
triggers write (settings.TRIGGER_WRITTEN_TABLES) it may only SELECT. Owning no table, it
cannot ALTER one (so cannot disable a trigger), and not being a superuser it cannot
set session_replication_role (which would skip triggers).

The owner's commands call `connect_as_owner()`: for the rest of that process the
default connection logs in as MIGRATE_DATABASE_URL's role instead.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction

ORDINARY_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APPEND_ONLY_TABLE_PRIVILEGES = "SELECT, INSERT"
TRIGGER_WRITTEN_TABLE_PRIVILEGES = "SELECT"
SEQUENCE_PRIVILEGES = "USAGE, SELECT"


class RoleError(Exception):
    """The role cannot safely be the application role, or the grant cannot be made."""


def owner_configured() -> bool:
    return bool(getattr(settings, "OWNER_DATABASE", None))


def connect_as_owner(alias: str = "default") -> str | None:
    """Log the `alias` connection in as the owner for the rest of this process.

    Returns the application role it replaced (the role to grant to afterwards), or
    None when no owner is configured (SQLite, or one role doing everything)."""
    owner = getattr(settings, "OWNER_DATABASE", None)
    if not owner:
        return None
    connection = connections[alias]
    current = connection.settings_dict
    # The owner URL must name the same database: migrating another one by mistake
    # would leave this one unmigrated and the grants pointing nowhere.
    for key in ("ENGINE", "NAME", "HOST", "PORT"):
        if str(owner.get(key) or "") != str(current.get(key) or ""):
            raise ImproperlyConfigured(
                f"MIGRATE_DATABASE_URL must name the same database as DATABASE_URL "
                f"(its {key.lower()} differs)."
            )
    app_role = current["USER"]
    if current["USER"] == owner["USER"]:
        return None
    connection.close()
    current["USER"] = owner["USER"]
    current["PASSWORD"] = owner.get("PASSWORD", "")
    return app_role


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _check_role(cursor, role: str) -> None:
    cursor.execute(
        "SELECT rolsuper, rolcreaterole, rolbypassrls, rolreplication "
        "FROM pg_roles WHERE rolname = %s",
        [role],
    )
    row = cursor.fetchone()
    if row is None:
        raise RoleError(f"There is no role called {role}. Create it first (CREATE ROLE).")
    superuser, createrole, bypassrls, replication = row
    if superuser or createrole or bypassrls or replication:
        raise RoleError(
            f"{role} is a superuser or may create roles, bypass row security or "
            "replicate: the application role must hold none of these."
        )
    cursor.execute("SELECT current_user")
    (owner,) = cursor.fetchone()
    if role == owner:
        raise RoleError(f"{role} is the role running this command (the owner).")
    # A member of the owner role inherits the owner's rights, ALTER TABLE included.
    cursor.execute("SELECT pg_has_role(%s, current_user, 'MEMBER')", [role])
    if cursor.fetchone()[0]:
        raise RoleError(f"{role} is a member of the owner role {owner}.")
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND pg_get_userbyid(c.relowner) = %s "
        "ORDER BY 1 LIMIT 1",
        [role],
    )
    owned = cursor.fetchone()
    if owned:
        raise RoleError(f"{role} owns {owned[0]}: the application role must own no table.")


def append_only_tables() -> list[str]:
    return list(getattr(settings, "APPEND_ONLY_TABLES", []))


def trigger_written_tables() -> list[str]:
    return list(getattr(settings, "TRIGGER_WRITTEN_TABLES", []))


def app_role_grant(*, role: str, alias: str = "default") -> dict[str, list[str]]:
    """Give `role` exactly the application's rights, from nothing, in one transaction
    (so running it again changes nothing). Returns the tables by privilege set."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise RoleError("Database roles apply to PostgreSQL only.")
    q = _quote(connection, role)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        _check_role(cursor, role)
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        tables = [name for (name,) in cursor.fetchall()]
        append_only, trigger_written = append_only_tables(), trigger_written_tables()
        for setting, names in (
            ("APPEND_ONLY_TABLES", append_only),
            ("TRIGGER_WRITTEN_TABLES", trigger_written),
        ):
            missing = sorted(set(names) - set(tables))
            if missing:
                raise RoleError(
                    f"{setting} names tables that do not exist: {', '.join(missing)}. "
                    "Run migrate first, or correct the setting."
                )
        cursor.execute("SELECT current_schema(), current_database()")
        schema, database = cursor.fetchone()
        s = _quote(connection, schema)
        cursor.execute(f"GRANT CONNECT ON DATABASE {_quote(connection, database)} TO {q}")
        cursor.execute(f"GRANT USAGE ON SCHEMA {s} TO {q}")
        # Start from nothing so a privilege granted by hand earlier does not linger.
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {q}")
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {q}")
        cursor.execute(f"GRANT {ORDINARY_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {s} TO {q}")
        for table in append_only:
            cursor.execute(f"REVOKE UPDATE, DELETE ON {_quote(connection, table)} FROM {q}")
        for table in trigger_written:
            cursor.execute(f"REVOKE INSERT, UPDATE, DELETE ON {_quote(connection, table)} FROM {q}")
        cursor.execute(f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {s} TO {q}")
        # Tables a later migration creates are usable at once; `migrate` re-runs this
        # grant afterwards so a new append-only table loses UPDATE and DELETE.
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} "
            f"GRANT {ORDINARY_TABLE_PRIVILEGES} ON TABLES TO {q}"
        )
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} "
            f"GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCES TO {q}"
        )
    return {
        APPEND_ONLY_TABLE_PRIVILEGES: append_only,
        TRIGGER_WRITTEN_TABLE_PRIVILEGES: trigger_written,
        ORDINARY_TABLE_PRIVILEGES: [
            t for t in tables if t not in append_only and t not in trigger_written
        ],
    }
