"""Email alerts without an account (issue 14): ask on a search or a decision, confirm
by the emailed link, get each piece of news once, unsubscribe in one click."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alerts import throttle
from alerts.models import Delivery, Subscription
from alerts.tokens import CONFIRM_WITHIN
from core.errors import Messages
from decisions.services import decision_link_create, decision_publication_withdraw
from tests.factories import (
    approved_decision,
    complete_draft,
    deferred_decision,
    imported_decision,
)
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db
ADDRESS = "reader@example.org"


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://decisions.example.org"


def sent_to(address: str = ADDRESS) -> list:
    run_tasks()  # emails go out from the task queue
    return [message for message in mail.outbox if address in message.to]


def link_in(message, name: str) -> str:
    """The path of the site's ``/alerts/<name>/...`` link in an email's text."""
    match = re.search(rf"{re.escape(settings.SITE_URL)}(/alerts/{name}/[^\s]+/)", message.body)
    assert match, message.body
    return match[1]


def subscribe(client: Client, query: str = "", *, email: str = ADDRESS, decision=None) -> None:
    """Ask for an alert and confirm it by the link emailed, as a visitor does."""
    before = len(sent_to(email))
    data = {"email": email, "query": query, "decision": decision.slug if decision else ""}
    response = client.post("/alerts/", data)
    assert response.status_code == 302 and response["Location"] == "/alerts/check-your-email/"
    confirmation = sent_to(email)[before]
    assert confirmation.subject == "Decision records: Confirm your email alert"
    confirm = link_in(confirmation, "confirm")
    # Opening the link (a mail scanner may) confirms nothing: the button does.
    assert "Confirm" in client.get(confirm).text
    assert not Subscription.objects.filter(email=email, confirmed_at__isnull=False).exists()
    assert "Your email alert is set up" in client.post(confirm).text
    assert Subscription.objects.filter(email=email, confirmed_at__isnull=False).exists()


def publish(officer, records_manager, number: int, title: str, **kwargs):
    return imported_decision(
        user=officer, records_manager=records_manager, number=number, approved_at=timezone.now(),
        title=title, **kwargs,
    )  # fmt: skip


def alerts_sent(email: str = ADDRESS) -> list:
    return [m for m in sent_to(email) if "Confirm your email alert" not in m.subject]


def test_search_alert_sends_a_new_match_once_with_a_working_unsubscribe(officer, records_manager):
    client = Client(enforce_csrf_checks=False)
    page = client.get("/alerts/?q=lighthouse&type=PCD&page=3&bogus=1")
    assert page.status_code == 200
    assert "Matching ‘lighthouse’" in page.text and "DMPC Decisions (PCD)" in page.text
    # Only the list's own filters are kept, in a fixed order.
    assert 'name="query" value="q=lighthouse&amp;type=PCD"' in page.text
    # Published before the alert: not news.
    publish(officer, records_manager, 5001, "Lighthouse repairs before")
    subscribe(client, "q=lighthouse&type=PCD")

    matching = publish(officer, records_manager, 5002, "Lighthouse keepers programme")
    publish(officer, records_manager, 5003, "Harbour dredging")  # does not match
    call_command("send_alerts")
    call_command("send_alerts")

    alerts = alerts_sent()
    assert len(alerts) == 1
    body = alerts[0].body
    assert f"{settings.SITE_URL}{matching.get_absolute_url()}" in body
    assert "PCD 5002: Lighthouse keepers programme" in body
    assert "PCD 5001" not in body and "PCD 5003" not in body
    assert alerts[0].subject == "Decision records: 1 new decision"
    unsubscribe = link_in(alerts[0], "unsubscribe")
    assert alerts[0].extra_headers["List-Unsubscribe"] == f"<{settings.SITE_URL}{unsubscribe}>"
    assert alerts[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The GET shows a button and deletes nothing; a mail client's one-click POST,
    # with no CSRF token, deletes the address and what was sent to it.
    strict = Client(enforce_csrf_checks=True)
    assert "Unsubscribe from this email alert" in strict.get(unsubscribe).text
    assert Subscription.objects.filter(email=ADDRESS).exists()
    response = strict.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "You have unsubscribed" in response.text
    assert not Subscription.objects.filter(email=ADDRESS).exists()
    assert not Delivery.objects.exists()
    # Nor does the task queue keep the address (its confirmation and its alert).
    queued = [r.args_kwargs["kwargs"]["to"] for r in DBTaskResult.objects.all()]
    assert [ADDRESS] not in queued, queued
    assert "already been cancelled" in strict.post(unsubscribe).text
    # Nothing more is sent.
    publish(officer, records_manager, 5004, "Lighthouse lamp")
    call_command("send_alerts")
    assert len(alerts_sent()) == 1


def test_other_posts_still_need_the_csrf_token(officer, records_manager):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/alerts/", {"email": ADDRESS, "query": ""}).status_code == 403


def _amending(officer, target, kind="amends", **draft):
    decision = complete_draft(user=officer, **draft)
    decision_link_create(
        user=officer, decision=decision, target_reference=target.reference, kind=kind,
        description="moves £10,000 to a grant",
    )  # fmt: skip
    return decision


def test_following_a_decision_tells_of_an_amendment_and_a_withdrawal_once_each(
    officer, records_manager
):
    client = Client()
    followed = publish(officer, records_manager, 5010, "Youth violence fund")
    page = client.get(f"/alerts/?decision={followed.slug}")
    assert "PCD 5010" in page.text and "amended or superseded" in page.text
    subscribe(client, decision=followed)

    amendment = approved_decision(user=officer, decision=_amending(officer, followed))
    call_command("send_alerts")
    call_command("send_alerts")
    alerts = alerts_sent()
    assert len(alerts) == 1
    assert alerts[0].subject == "Decision records: PCD 5010 has changed"
    assert f"Amended by {amendment.reference}" in alerts[0].body
    assert f"{settings.SITE_URL}{amendment.get_absolute_url()}" in alerts[0].body
    assert "moves £10,000 to a grant" in alerts[0].body

    decision_publication_withdraw(
        user=records_manager, decision=followed, reason="Published in error."
    )
    call_command("send_alerts")
    call_command("send_alerts")
    alerts = alerts_sent()
    assert len(alerts) == 2
    assert "PCD 5010 has been withdrawn from publication" in alerts[1].body
    assert "Reason: Published in error." in alerts[1].body
    assert "Amended by" not in alerts[1].body


def test_a_deferred_amendment_is_told_only_once_its_deferral_ends(officer, records_manager):
    client = Client()
    followed = publish(officer, records_manager, 5020, "Knife crime grants")
    subscribe(client, decision=followed)
    until = timezone.localdate() + dt.timedelta(days=10)
    draft = deferred_decision(user=officer, until=until, title="Deferred change")
    decision_link_create(
        user=officer, decision=draft, target_reference=followed.reference, kind="supersedes"
    )
    deferred = approved_decision(user=officer, decision=draft)
    call_command("send_alerts")
    assert alerts_sent() == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=9)):
        call_command("send_alerts")
        assert alerts_sent() == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=11)):
        call_command("send_alerts")
        call_command("send_alerts")
    alerts = alerts_sent()
    assert len(alerts) == 1
    assert f"Superseded by {deferred.reference}: Deferred change" in alerts[0].body


def test_a_deferred_decision_reaches_a_search_digest_after_its_date(officer, records_manager):
    client = Client()
    subscribe(client, "q=orchard")
    until = timezone.localdate() + dt.timedelta(days=5)
    approved_decision(
        user=officer, decision=deferred_decision(user=officer, until=until, title="Orchard plan")
    )
    call_command("send_alerts")
    assert alerts_sent() == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        call_command("send_alerts")
        call_command("send_alerts")
    assert len(alerts_sent()) == 1 and "Orchard plan" in alerts_sent()[0].body


def test_asking_again_sends_no_second_subscription_and_says_nothing_new(officer, records_manager):
    client = Client()
    subscribe(client, "q=ferry")
    client.post("/alerts/", {"email": ADDRESS, "query": "q=ferry"})
    assert Subscription.objects.filter(email=ADDRESS).count() == 1
    # A confirmed alert is left as it is: no new confirmation email.
    assert len(sent_to()) == 1


def test_bad_addresses_are_shown_beside_the_field(officer):
    client = Client()
    response = client.post("/alerts/", {"email": "not an address", "query": "q=ferry"})
    assert response.status_code == 200
    assert Messages.ALERT_EMAIL_INVALID in response.text
    assert 'href="#id_email"' in response.text and 'value="not an address"' in response.text
    response = client.post("/alerts/", {"email": "", "query": ""})
    assert "Enter your email address." in response.text
    run_tasks()
    assert not Subscription.objects.exists() and not mail.outbox


def test_following_needs_a_published_decision(officer, records_manager):
    draft = complete_draft(user=officer)
    assert Client().get(f"/alerts/?decision=pcd-{draft.pk + 900}").status_code == 404
    assert Client().get("/alerts/?decision=not-a-slug").status_code == 404


def test_requests_are_throttled_per_address_and_per_client():
    client = Client()
    for number in range(throttle.PER_EMAIL):
        client.post("/alerts/", {"email": ADDRESS, "query": f"q=word{number}"})
    response = client.post("/alerts/", {"email": ADDRESS, "query": "q=another"})
    assert Messages.ALERT_TOO_MANY in response.text
    assert len(sent_to()) == throttle.PER_EMAIL
    # From one client, across addresses.
    for number in range(throttle.PER_ADDRESS - throttle.PER_EMAIL - 1):
        client.post("/alerts/", {"email": f"p{number}@example.org", "query": ""})
    response = client.post("/alerts/", {"email": "last@example.org", "query": ""})
    assert Messages.ALERT_TOO_MANY in response.text
    assert not sent_to("last@example.org")


def test_unconfirmed_requests_expire_and_are_deleted(officer):
    client = Client()
    client.post("/alerts/", {"email": ADDRESS, "query": "q=canal"})
    confirm = link_in(sent_to()[0], "confirm")
    with time_machine.travel(timezone.now() + CONFIRM_WITHIN + dt.timedelta(minutes=1)):
        response = client.post(confirm)
        assert response.status_code == 404 and "This link is not valid" in response.text
        call_command("send_alerts")
    assert not Subscription.objects.exists()


def test_made_up_or_tampered_links_are_refused(officer):
    client = Client()
    client.post("/alerts/", {"email": ADDRESS, "query": ""})
    confirm = link_in(sent_to()[0], "confirm")
    unsubscribe = link_in(sent_to()[0], "unsubscribe")
    assert client.get(confirm[:-3] + "x/").status_code == 404
    assert client.post("/alerts/unsubscribe/made-up/").status_code == 404
    # A confirmation link does not unsubscribe, nor the reverse.
    assert client.post(confirm.replace("/confirm/", "/unsubscribe/")).status_code == 404
    assert client.post(unsubscribe.replace("/unsubscribe/", "/confirm/")).status_code == 404
    assert Subscription.objects.count() == 1


def test_a_decision_approved_before_the_alert_is_news_when_its_deferral_ends(
    officer, records_manager
):
    until = timezone.localdate() + dt.timedelta(days=5)
    approved_decision(
        user=officer, decision=deferred_decision(user=officer, until=until, title="Quay plan")
    )
    publish(officer, records_manager, 5030, "Quay repairs")  # public already: not news
    client = Client()
    subscribe(client, "q=quay")
    call_command("send_alerts")
    assert alerts_sent() == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        call_command("send_alerts")
    (alert,) = alerts_sent()
    assert "Quay plan" in alert.body and "Quay repairs" not in alert.body


@pytest.mark.django_db
def test_a_search_reads_as_a_list_and_inside_a_sentence():
    """Listed on the sign-up page, each filter starts with a capital; inside the
    sentence of the emails ("alerts about new decisions (…)") our own words do not,
    and a decision type keeps its name."""
    from alerts.selectors import search_description, search_form

    form = search_form("q=lighthouse&year=2026&type=PCD&financial_year=2025%2F26")
    assert form.is_valid(), form.errors
    assert search_description(form) == [
        "Matching ‘lighthouse’",
        "Signed in 2026",
        "DMPC Decisions (PCD)",
        "Spending in 2025/26",
    ]
    assert search_description(form, in_sentence=True) == [
        "matching ‘lighthouse’",
        "signed in 2026",
        "DMPC Decisions (PCD)",
        "spending in 2025/26",
    ]
