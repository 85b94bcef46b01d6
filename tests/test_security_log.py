"""The security log: one JSON line per security event (who, from where, what, with
what outcome, in which request, when in UTC), kept append-only for the
records-integrity page, which only administrators and records managers may read."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from core.security_log import security_event
from security.models import SecurityEvent
from security.policy import USER_ADMINISTRATOR_GROUP
from security.selectors import PAGE_LIMIT
from tests.factories import UserFactory, cleared_decision
from tests.helpers import page_text

PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"
INTEGRITY = "/work/integrity/"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def security_log(db):
    """The JSON lines written to the security logger during the test, parsed."""
    cache.clear()
    handler = _Lines()
    logger = logging.getLogger("security")
    logger.addHandler(handler)

    class Log:
        def events(self, action=None):
            parsed = [json.loads(line) for line in handler.lines]
            return [event for event in parsed if action is None or event["action"] == action]

    yield Log()
    logger.removeHandler(handler)
    cache.clear()


def _assert_complete(event: dict, *, user: str, address: str, request_id: str) -> None:
    assert event["user"] == user
    assert event["address"] == address
    assert event["request_id"] == request_id
    assert event["time"].endswith("Z")
    moment = dt.datetime.fromisoformat(event["time"])
    assert moment.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - moment) < dt.timedelta(minutes=1)


def test_the_security_logger_writes_bare_json_lines_to_its_own_stream():
    config = settings.LOGGING["loggers"]["security"]
    assert config["propagate"] is False
    stream = settings.LOGGING["handlers"]["security_stream"]
    assert settings.LOGGING["formatters"][stream["formatter"]]["format"] == "%(message)s"


def test_every_response_carries_a_request_id(client, db):
    first = client.get("/decisions/")["X-Request-ID"]
    second = client.get("/decisions/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_a_request_id_is_taken_only_from_a_trusted_proxy(client, db, settings):
    sent = "proxy-" + uuid.uuid4().hex
    # The test client's peer is 127.0.0.1: not a proxy of ours yet.
    assert client.get("/decisions/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] != sent
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/decisions/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent
    # Even from our proxy, something that is not an id is replaced.
    forged = 'x" user="dmpc'
    assert client.get("/decisions/", HTTP_X_REQUEST_ID=forged)["X-Request-ID"] != forged


def test_sign_in_failure_success_and_sign_out_are_logged(client, security_log, officer):
    failed = client.post(LOGIN, {"username": officer.username, "password": "wrong"})
    signed_in = client.post(LOGIN, {"username": officer.username, "password": PASSWORD})
    signed_out = client.post(reverse("accounts:logout"))

    [failure] = [e for e in security_log.events("sign_in") if e["outcome"] == "failure"]
    _assert_complete(
        failure, user=officer.username, address="127.0.0.1", request_id=failed["X-Request-ID"]
    )
    assert "password" not in failure
    [success] = [e for e in security_log.events("sign_in") if e["outcome"] == "success"]
    _assert_complete(
        success, user=officer.username, address="127.0.0.1", request_id=signed_in["X-Request-ID"]
    )
    [out] = security_log.events("sign_out")
    assert out["outcome"] == "success"
    _assert_complete(
        out, user=officer.username, address="127.0.0.1", request_id=signed_out["X-Request-ID"]
    )


def test_a_lock_out_and_the_attempts_it_refuses_are_logged(client, security_log, officer):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        last = client.post(LOGIN, {"username": officer.username, "password": "wrong"})
    [lockout] = security_log.events("sign_in_lockout")
    assert lockout["outcome"] == "alert"
    assert lockout["scope"] == "username_and_address"
    assert lockout["wait_seconds"] == settings.LOGIN_FAILURE_WINDOW_SECONDS
    _assert_complete(
        lockout, user=officer.username, address="127.0.0.1", request_id=last["X-Request-ID"]
    )

    refused = client.post(LOGIN, {"username": officer.username, "password": PASSWORD})
    [refusal] = [e for e in security_log.events("sign_in") if e["outcome"] == "refused"]
    assert refusal["reason"] == "locked_out"
    _assert_complete(
        refusal, user=officer.username, address="127.0.0.1", request_id=refused["X-Request-ID"]
    )


def test_a_wrong_password_at_signing_is_logged(client, security_log, officer, reviewers):
    decision = cleared_decision(user=officer, reviewers=reviewers)
    signer = reviewers.chief_executive
    client.force_login(signer)
    url = reverse("drafting:act", kwargs={"pk": decision.pk, "action": "sign"})
    response = client.post(url, {"confirm": "on", "password": "guess"})
    assert "The password is not correct." in page_text(response)
    [event] = security_log.events("signing_password")
    assert event["outcome"] == "failure"
    assert event["decision"] == decision.reference
    _assert_complete(
        event, user=signer.username, address="127.0.0.1", request_id=response["X-Request-ID"]
    )


def test_every_refused_request_is_logged_with_method_and_path(client, security_log, officer):
    client.force_login(officer)
    response = client.get(INTEGRITY + "?outcome=refused")
    assert response.status_code == 403
    [event] = security_log.events("request_refused")
    assert event["outcome"] == "refused"
    assert (event["method"], event["path"]) == ("GET", INTEGRITY)
    _assert_complete(
        event, user=officer.username, address="127.0.0.1", request_id=response["X-Request-ID"]
    )


def test_a_csrf_failure_is_logged_once(security_log, officer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 403
    [event] = security_log.events("csrf_failure")
    assert event["outcome"] == "refused"
    assert (event["method"], event["path"]) == ("POST", LOGIN)
    assert event["reason"]
    _assert_complete(event, user="", address="127.0.0.1", request_id=response["X-Request-ID"])
    assert security_log.events("request_refused") == []


def test_events_are_stored_even_when_the_refused_action_rolls_back(security_log):
    marker = uuid.uuid4().hex
    with pytest.raises(RuntimeError), transaction.atomic():
        security_event("role_grant", outcome="refused", user="someone", marker=marker)
        raise RuntimeError("the refused action is rolled back")
    [stored] = SecurityEvent.objects.filter(detail__marker=marker)
    assert (stored.action, stored.outcome, stored.user) == ("role_grant", "refused", "someone")


def test_details_are_stored_as_the_line_has_them(security_log):
    marker = uuid.uuid4().hex
    when = dt.date(2026, 4, 1)
    security_event("role_grant", outcome="success", marker=marker, effective=when)
    stored = SecurityEvent.objects.get(detail__marker=marker)
    assert stored.detail["effective"] == "2026-04-01"
    [line] = security_log.events("role_grant")
    assert line["effective"] == "2026-04-01"


@pytest.mark.django_db(transaction=True)
def test_events_are_stored_outside_any_transaction():
    marker = uuid.uuid4().hex
    assert not connection.in_atomic_block
    record = security_event("verify_audit", outcome="alert", marker=marker)
    stored = SecurityEvent.objects.get(detail__marker=marker)
    assert stored.time == dt.datetime.fromisoformat(record["time"])


def test_a_failure_to_store_never_breaks_the_caller(security_log, monkeypatch):
    from security import store

    def broken(record):
        raise DatabaseError("the table is gone")

    monkeypatch.setattr(store, "store", broken)
    record = security_event("sign_in", outcome="failure", user="someone")
    assert security_log.events("sign_in") == [record]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger is PostgreSQL only")
def test_stored_events_cannot_be_changed_or_deleted(security_log):
    marker = uuid.uuid4().hex
    security_event("sign_in", outcome="failure", user="someone", marker=marker)
    stored = SecurityEvent.objects.get(detail__marker=marker)
    for sql in (
        "UPDATE security_securityevent SET outcome = 'success' WHERE id = %s",
        "DELETE FROM security_securityevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [stored.pk])
    stored.refresh_from_db()
    assert stored.outcome == "failure"


# --- The records-integrity page ------------------------------------------------------


@pytest.fixture
def summer_event(db):
    """An event at a moment when London is on summer time (UTC+1)."""
    action = "test_" + uuid.uuid4().hex[:8]
    return SecurityEvent.objects.create(
        time=dt.datetime(2026, 7, 1, 12, 0, 5, tzinfo=dt.UTC),
        action=action,
        outcome="refused",
        user="rory.mann",
        address="198.51.100.23",
        request_id=uuid.uuid4().hex,
        detail={"method": "POST", "path": "/admin/"},
    )


def _administrators():
    superuser = UserFactory(is_superuser=True, is_staff=True)
    user_admin = UserFactory()
    user_admin.groups.add(Group.objects.get_or_create(name=USER_ADMINISTRATOR_GROUP)[0])
    return [superuser, user_admin, UserFactory(role=Role.RECORDS_MANAGER)]


def test_administrators_see_each_event_with_time_in_utc(client, summer_event):
    for reader in _administrators():
        client.force_login(reader)
        response = client.get(INTEGRITY, {"action": summer_event.action})
        assert response.status_code == 200, reader
        text = page_text(response)
        # 12:00:05 UTC (13:00:05 in London): the page says UTC and shows UTC.
        assert "Time (UTC)" in text
        row = "1 Jul 2026 12:00:05"
        assert row in text and "13:00:05" not in text
        for shown in (
            summer_event.user,
            summer_event.address,
            summer_event.request_id,
            "POST /admin/",
            "Refused",
        ):
            assert shown in text


def test_nobody_else_may_read_the_security_log(client, db):
    assert client.get(INTEGRITY).status_code == 302  # to the sign-in page
    for role in (Role.OFFICER, Role.HEAD_OF_SERVICE, Role.CHIEF_EXECUTIVE, Role.DMPC):
        client.force_login(UserFactory(role=role))
        assert client.get(INTEGRITY).status_code == 403, role
    client.force_login(UserFactory(is_staff=True))
    assert client.get(INTEGRITY).status_code == 403
    inactive = UserFactory(role=Role.RECORDS_MANAGER, is_active=False)
    client.force_login(inactive)
    assert client.get(INTEGRITY).status_code != 200


def test_the_page_filters_by_event_and_outcome(client, records_manager, summer_event):
    other = SecurityEvent.objects.create(
        time=summer_event.time,
        action=summer_event.action,
        outcome="success",
        user="someone.else",
        request_id=uuid.uuid4().hex,
    )
    client.force_login(records_manager)
    text = page_text(client.get(INTEGRITY, {"action": summer_event.action, "outcome": "refused"}))
    assert summer_event.request_id in text and other.request_id not in text
    text = page_text(client.get(INTEGRITY, {"action": summer_event.action, "outcome": "success"}))
    assert other.request_id in text and summer_event.request_id not in text
    text = page_text(client.get(INTEGRITY, {"action": summer_event.action}))
    assert other.request_id in text and summer_event.request_id in text


def test_reasons_are_shown_in_words(client, records_manager):
    action = "test_" + uuid.uuid4().hex[:8]
    SecurityEvent.objects.create(
        time=dt.datetime.now(dt.UTC),
        action=action,
        outcome="refused",
        user="someone",
        detail={"reason": "locked_out"},
    )
    client.force_login(records_manager)
    text = page_text(client.get(INTEGRITY, {"action": action}))
    assert "locked out after too many failures" in text and "locked_out" not in text


def test_a_filter_that_is_not_on_the_list_is_an_error_beside_it(client, records_manager):
    client.force_login(records_manager)
    response = client.get(INTEGRITY, {"outcome": "<script>"})
    assert response.status_code == 200
    text = page_text(response)
    assert text.count("Choose an outcome from the list") == 2  # summary and beside the box
    assert "<script>" not in response.content.decode()


def test_the_page_shows_the_latest_events_only(client, records_manager):
    action = "test_" + uuid.uuid4().hex[:8]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    SecurityEvent.objects.bulk_create(
        SecurityEvent(
            time=start + dt.timedelta(minutes=n),
            action=action,
            outcome="failure",
            request_id=f"request-{n:04d}",
        )
        for n in range(PAGE_LIMIT + 5)
    )
    client.force_login(records_manager)
    html = client.get(INTEGRITY, {"action": action}).content.decode()
    shown = re.findall(r"request-(\d{4})", html)
    newest_first = [f"{n:04d}" for n in range(PAGE_LIMIT + 4, 4, -1)]
    assert shown == newest_first


@pytest.mark.django_db(transaction=True)
def test_where_a_second_connection_cannot_write_events_wait_for_the_transaction(monkeypatch):
    # SQLite (make run) has one writer: the event waits until the transaction ends,
    # is written when it commits, and at the end of the request when it rolled back.
    from security import store

    monkeypatch.setattr(store, "second_connection_possible", lambda connection: False)
    committed, rolled_back = uuid.uuid4().hex, uuid.uuid4().hex
    with transaction.atomic():
        security_event("role_grant", outcome="requested", user="someone", marker=committed)
        assert not SecurityEvent.objects.filter(detail__marker=committed).exists()
    assert SecurityEvent.objects.filter(detail__marker=committed).count() == 1

    def view(request):
        with pytest.raises(RuntimeError), transaction.atomic():
            security_event("role_grant", outcome="refused", user="someone", marker=rolled_back)
            raise RuntimeError("the refused action is rolled back")
        assert not SecurityEvent.objects.filter(detail__marker=rolled_back).exists()
        return "response"

    assert store.FlushDeferredEventsMiddleware(view)(request=None) == "response"
    assert SecurityEvent.objects.filter(detail__marker=rolled_back).count() == 1
