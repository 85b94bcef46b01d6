"""The application's PostgreSQL role owns nothing and cannot rewrite the record.

A role is created in the test cluster, given its rights by `manage.py db_app_role`,
and used through a plain psycopg connection (what an attacker with the app's
credentials would have) and through the app itself (its normal writes work).
"""

import uuid
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from core.db_roles import connect_as_owner
from decisions.models import Decision, DecisionEvent, PublishedCount
from decisions.services import decision_update
from tests.factories import approved_decision, draft_decision

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = DecisionEvent._meta.db_table
COUNTS = PublishedCount._meta.db_table
UPDATE = f"UPDATE {EVENTS} SET comment = 'forged'"  # noqa: S608 (a model's table name)
DELETE = f"DELETE FROM {EVENTS}"  # noqa: S608


@pytest.fixture
def app_role(transactional_db):
    name = f"dr_test_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN")
    yield name
    with connection.cursor() as cursor:
        # Revokes its privileges and default privileges here, so the role can go.
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


def _connect(role: str) -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        dbname=s["NAME"],
        user=role,
        autocommit=True,
    )


@contextmanager
def _app_connects_as(role: str):
    """The app's own default connection logs in as `role` (as DATABASE_URL would)."""
    saved = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update(USER=role, PASSWORD="")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def _refused(conn: psycopg.Connection, statement: str) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as error:
        conn.execute(statement)
    return str(error.value)


def test_app_role_cannot_rewrite_events_but_the_app_works(app_role, officer):
    call_command("db_app_role", role=app_role, stdout=open("/dev/null", "w"))  # noqa: SIM115

    # The app's normal writes, as the app role: a draft is created and edited,
    # which inserts events and history rows and updates the decision.
    with _app_connects_as(app_role):
        draft = draft_decision(user=officer, title="Written by the application role")
        decision_update(
            user=officer,
            decision=draft,
            title="Renamed by the application role",
            executive_summary="Edited.",
        )
        events = DecisionEvent.objects.filter(decision=draft).count()
    assert Decision.objects.get(pk=draft.pk).title == "Renamed by the application role"
    assert events >= 1

    with _connect(app_role) as conn:
        count = f"SELECT count(*) FROM {EVENTS}"  # noqa: S608 (a model's table name)
        (before,) = conn.execute(count).fetchone()
        assert before == DecisionEvent.objects.count() >= 1
        # The privilege check itself refuses (not the trigger): the message names
        # the permission, and no row is touched.
        assert "permission denied" in _refused(conn, UPDATE)
        assert "permission denied" in _refused(conn, DELETE)
        assert "permission denied" in _refused(conn, f"TRUNCATE {EVENTS}")
        assert "must be owner" in _refused(conn, f"ALTER TABLE {EVENTS} DISABLE TRIGGER ALL")
        assert "must be owner" in _refused(conn, f"DROP TABLE {EVENTS}")
        assert "session_replication_role" in _refused(
            conn, "SET session_replication_role = replica"
        )
        (after,) = conn.execute(count).fetchone()
        assert after == before


def _privileges(role: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE',"
            "'REFERENCES','TRIGGER']) p WHERE has_table_privilege(%s, %s, p)",
            [role, table],
        )
        return {row[0] for row in cursor.fetchall()}


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return [row[0] for row in cursor.fetchall()]


def test_exact_rights_on_every_table(app_role):
    call_command("db_app_role", role=app_role, stdout=open("/dev/null", "w"))  # noqa: SIM115
    append_only = set(settings.APPEND_ONLY_TABLES)
    trigger_written = set(settings.TRIGGER_WRITTEN_TABLES)
    assert EVENTS in append_only
    assert COUNTS in trigger_written
    tables = _tables()
    assert append_only | trigger_written <= set(tables)
    for table in tables:
        if table in trigger_written:
            expected = {"SELECT"}
        elif table in append_only:
            expected = {"SELECT", "INSERT"}
        else:
            expected = {"SELECT", "INSERT", "UPDATE", "DELETE"}
        assert _privileges(app_role, table) == expected, table


def test_only_the_triggers_write_the_counts_the_app_role_reads(app_role, officer):
    """The published counts: the application role is refused any write of its own,
    and its decision writes still change them (the triggers run as the owner)."""
    call_command("db_app_role", role=app_role, stdout=open("/dev/null", "w"))  # noqa: SIM115
    with _app_connects_as(app_role):
        kept = approved_decision(user=officer, title="Counted by the owner's trigger")
        withdrawn = approved_decision(user=officer, title="Withdrawn by a plain update")
        Decision.objects.filter(pk=withdrawn.pk).update(
            publication_withdrawn_at=timezone.now(), publication_withdrawal_reason="Test"
        )
    published = Decision.objects.published().count()
    assert Decision.objects.published().filter(pk=kept.pk).exists()
    assert not Decision.objects.published().filter(pk=withdrawn.pk).exists()
    with _connect(app_role) as conn:
        total = f"SELECT coalesce(sum(decisions), 0) FROM {COUNTS}"  # noqa: S608 (a model's table)
        assert conn.execute(total).fetchone()[0] == published
        for statement in (
            f"UPDATE {COUNTS} SET decisions = decisions + 1",  # noqa: S608
            f"DELETE FROM {COUNTS}",  # noqa: S608
            f"INSERT INTO {COUNTS} (decision_type_id, visible_from, decisions) "  # noqa: S608
            f"SELECT decision_type_id, visible_from, 1 FROM {COUNTS}",
        ):
            assert "permission denied" in _refused(conn, statement)
        # Nor through the owner's trigger functions, attached to a table of its own.
        conn.execute(f"CREATE TEMP TABLE forged (LIKE {Decision._meta.db_table})")
        assert "permission denied for function" in _refused(
            conn,
            "CREATE TRIGGER forged AFTER INSERT ON forged REFERENCING NEW TABLE AS written "
            "FOR EACH STATEMENT EXECUTE FUNCTION decisions_published_count_insert()",
        )
        assert conn.execute(total).fetchone()[0] == published


def test_grant_is_idempotent_and_removes_hand_made_grants(app_role):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT ALL ON {EVENTS} TO {app_role}")
    call_command("db_app_role", role=app_role, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("db_app_role", role=app_role, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _privileges(app_role, EVENTS) == {"SELECT", "INSERT"}


def test_future_tables_are_usable_by_the_app_role(app_role):
    call_command("db_app_role", role=app_role, stdout=open("/dev/null", "w"))  # noqa: SIM115
    table = f"later_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} (id bigint GENERATED BY DEFAULT AS IDENTITY)")
    try:
        assert _privileges(app_role, table) == {"SELECT", "INSERT", "UPDATE", "DELETE"}
        with _connect(app_role) as conn:
            conn.execute(f"INSERT INTO {table} DEFAULT VALUES")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {table}")


@pytest.mark.parametrize(
    ("attributes", "message"),
    [("SUPERUSER", "superuser"), ("CREATEROLE", "create roles"), ("BYPASSRLS", "bypass")],
)
def test_refuses_a_powerful_role(app_role, attributes, message):
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER ROLE {app_role} {attributes}")
    with pytest.raises(CommandError, match=message):
        call_command("db_app_role", role=app_role)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER ROLE {app_role} NO{attributes}")


def test_refuses_a_member_of_the_owner_or_an_owner_of_a_table(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        cursor.execute(f"GRANT {owner} TO {app_role}")
    with pytest.raises(CommandError, match="member of the owner"):
        call_command("db_app_role", role=app_role)
    table = f"owned_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"REVOKE {owner} FROM {app_role}")
        cursor.execute(f"CREATE TABLE {table} (id int)")
        cursor.execute(f"ALTER TABLE {table} OWNER TO {app_role}")
    with pytest.raises(CommandError, match=f"owns {table}"):
        call_command("db_app_role", role=app_role)


def test_refuses_an_unknown_role_or_append_only_table(app_role, settings):
    with pytest.raises(CommandError, match="no role called nobody_here"):
        call_command("db_app_role", role="nobody_here")
    settings.APPEND_ONLY_TABLES = [EVENTS, "no_such_table"]
    with pytest.raises(CommandError, match="no_such_table"):
        call_command("db_app_role", role=app_role)
    assert _privileges(app_role, EVENTS) == set()
    settings.APPEND_ONLY_TABLES = [EVENTS]
    settings.TRIGGER_WRITTEN_TABLES = [COUNTS, "no_such_count"]
    with pytest.raises(CommandError, match=r"TRIGGER_WRITTEN_TABLES names .*no_such_count"):
        call_command("db_app_role", role=app_role)
    assert _privileges(app_role, COUNTS) == set()


def test_migrate_runs_as_the_owner_and_grants_the_app_role(app_role, settings):
    # As deployed: DATABASE_URL names the app role, MIGRATE_DATABASE_URL the owner.
    owner = dict(connection.settings_dict)
    settings.OWNER_DATABASE = owner
    with _app_connects_as(app_role):
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == owner["USER"]
        connection.settings_dict.update(USER=app_role)  # _app_connects_as restores it
    assert _privileges(app_role, EVENTS) == {"SELECT", "INSERT"}
    assert _privileges(app_role, Decision._meta.db_table) == {
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
    }


def test_the_owner_url_must_name_the_same_database(settings):
    settings.OWNER_DATABASE = {**connection.settings_dict, "NAME": "another_database"}
    with pytest.raises(ImproperlyConfigured, match="same database"):
        connect_as_owner()
