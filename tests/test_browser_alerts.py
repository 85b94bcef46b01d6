"""Email alerts and the spending report in a real browser, at 1280 px and 390 px: every
page of asking, confirming and unsubscribing has no WCAG 2.2 A/AA violation and is no
wider than the screen; the spending chart is in Arial and whole, or (on a phone) left
out for its table, which says that it scrolls."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alerts.models import Subscription
from tests.accessibility import axe_violations
from tests.helpers import run_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = {"desktop": 1280, "phone": 390}
SHOTS = os.environ.get("ALERT_SHOTS", "")  # a folder: screenshots of each page


def look(page, width: int, name: str) -> None:
    """The page as a visitor sees it: no violation, nothing wider than the screen."""
    assert axe_violations(page) == [], page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def link_in(message, name: str) -> str:
    return re.search(rf"https?://\S+/alerts/{name}/\S+/", message.body)[0]


@pytest.mark.parametrize("device", WIDTHS)
def test_alert_on_a_search_asked_confirmed_and_unsubscribed(page, live_demo, settings, device):
    settings.SITE_URL = live_demo.url
    width = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_demo.url}/decisions/?q=host+borough")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/list-{width}.png", full_page=True)
    page.get_by_role("link", name="Get email alerts about new decisions for this search").click()
    assert "Matching ‘host borough’" in page.inner_text("main")
    look(page, width, "subscribe")
    page.get_by_role("button", name="Send the confirmation email").click()
    assert "Enter your email address." in page.inner_text(".govuk-error-summary")
    look(page, width, "subscribe-error")
    page.get_by_label("Email address").fill(f"reader-{device}@example.org")
    page.get_by_role("button", name="Send the confirmation email").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    look(page, width, "check-your-email")

    run_tasks()  # the confirmation email goes out from the task queue
    (confirmation,) = [m for m in mail.outbox if f"reader-{device}@example.org" in m.to]
    page.goto(link_in(confirmation, "confirm"))
    look(page, width, "confirm")
    page.get_by_role("button", name="Confirm").click()
    assert "Your email alert is set up" in page.inner_text("main")
    look(page, width, "confirmed")

    page.goto(link_in(confirmation, "unsubscribe"))
    look(page, width, "unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    assert "You have unsubscribed" in page.inner_text("main")
    look(page, width, "unsubscribed")
    page.goto(f"{live_demo.url}/alerts/confirm/not-a-real-link/")
    look(page, width, "link-not-valid")


def _publish_news(decision_followed) -> None:
    """A decision matching "host borough", and one amending the decision followed,
    both published now (committed: the live server's thread reads them)."""
    from accounts.roles import Role
    from decisions.services import (
        decision_import_approved,
        decision_link_create,
        decision_public_access_set,
        reference_reserve,
    )
    from tests.factories import UserFactory, complete_draft, imported_decision

    officer = UserFactory(role=Role.OFFICER)
    records = UserFactory(role=Role.RECORDS_MANAGER)
    imported_decision(
        user=officer, records_manager=records, number=9101, approved_at=timezone.now(),
        title="Host borough policing grant for the summer festival season",
    )  # fmt: skip
    draft = complete_draft(user=officer, title="Support services contract extension")
    decision_link_create(
        user=officer, decision=draft, target_reference=decision_followed.reference,
        kind="amends", description="moves £250,000 to a direct award",
    )  # fmt: skip
    decision_public_access_set(user=officer, decision=draft, deferred=False, has_part2=False)
    draft = reference_reserve(user=records, decision=draft, number=9102)
    decision_import_approved(
        user=records, decision=draft, reference_number=9102, approved_at=timezone.now()
    )


@pytest.mark.parametrize("device", WIDTHS)
def test_alert_emails_and_their_web_views(page, live_demo, settings, device):
    """Each kind of alert email, as HTML in a mail client's window and as its web
    view, has no violation and fits the screen."""
    from alerts.services import subscription_confirm, subscription_request
    from decisions.models import Decision

    settings.SITE_URL = live_demo.url
    width = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": 900})
    address = f"reader-{device}@example.org"
    followed = Decision.objects.published().by_slug("pcd-1406").get()
    for target in ({"query": "q=host+borough"}, {"decision": followed}):
        subscription_request(user=None, email=address, client_address="192.0.2.9", **target)
    for subscription in Subscription.objects.filter(email=address):
        subscription_confirm(user=None, subscription=subscription)
    _publish_news(followed)
    call_command("send_alerts")
    run_tasks()
    messages = {m.subject: m for m in mail.outbox if address in m.to}
    assert len(messages) == 3, list(messages)  # the confirmation, a digest, PCD 1406's news
    for number, (subject, message) in enumerate(sorted(messages.items())):
        [(html, _)] = message.alternatives
        page.goto("about:blank")  # not the site's page: its CSP would drop the styles
        page.set_content(html)
        name = f"email-{number}"
        look(page, width, name)
        view = re.search(r"^View this email in your browser: (\S+)$", message.body, re.M)[1]
        page.goto(view)
        assert page.get_by_role("heading", level=1).inner_text() == subject.removeprefix(
            "Decision records: "
        )
        assert address not in page.content()
        look(page, width, f"{name}-web-view")
    page.goto(f"{live_demo.url}/alerts/email/not-a-real-link/")
    look(page, width, "email-not-found")


@pytest.mark.parametrize("device", WIDTHS)
def test_following_a_decision_from_its_page(page, live_demo, device):
    width = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_demo.url}/decisions/pcd-1406/")
    page.get_by_role("link", name="Get email alerts when PCD 1406 is amended or withdrawn").click()
    assert "PCD 1406" in page.inner_text("main")
    look(page, width, "follow")


@pytest.mark.parametrize("device", WIDTHS)
def test_spending_report_readable_on_each_screen(page, live_demo, device):
    width = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_demo.url}/reports/financial-years/")
    assert "PCD 1406" in page.inner_text("#not-split")
    look(page, width, "spending")
    chart, hint = page.locator(".dr-chart"), page.locator(".dr-scroll-hint")
    if width < 641:
        assert not chart.is_visible() and hint.first.is_visible()
        # The summary table scrolls inside its region, under the cue.
        region = page.get_by_role("region", name="Allocations by financial year and decision type")
        assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    else:
        assert chart.is_visible() and not hint.first.is_visible()
        font = chart.locator("text").first.evaluate("t => getComputedStyle(t).fontFamily")
        assert "arial" in font.lower() and "serif" not in font.lower().replace("sans-serif", "")
        svg = chart.locator("svg").bounding_box()
        for box in chart.locator("text").evaluate_all(
            "ts => ts.map(t => t.getBoundingClientRect().right)"
        ):
            assert box <= svg["x"] + svg["width"] + 0.5
        # Readable: the labels are drawn at 16 px or more.
        size = chart.locator("text").first.evaluate("t => t.getBoundingClientRect().height")
        assert size >= 16
    page.get_by_label("Show one budget by financial year").fill("PCD 1406")
    page.get_by_role("button", name="Show this budget").click()
    assert "£15,400,000 of this budget is not split" in page.inner_text("main")
    look(page, width, "spending-budget")
    page.get_by_role("link", name="Budget lines, commitments and headroom of PCD 1406").click()
    look(page, width, "envelope")
    page.get_by_role("link", name=re.compile("^PCD 1406: ")).first.click()
    assert page.url.endswith("/decisions/pcd-1406/")
