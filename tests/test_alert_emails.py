"""Alert emails as HTML and in the browser (issue 14): every alert email (the
confirmation, a search's digest, a followed decision's news) is text with an HTML
alternative in the same words, and carries a "View this email in your browser" link
to a page that needs no account, shows only public content and never the address,
answers 404 for a wrong link and is gone once the alert is cancelled."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from alerts.models import EmailView
from decisions.services import decision_publication_withdraw
from tests.factories import approved_decision
from tests.helpers import page_text, squash
from tests.test_alerts import ADDRESS, _amending, alerts_sent, link_in, publish, sent_to, subscribe

pytestmark = pytest.mark.django_db
URL = re.compile(r"^https?://\S+$")


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://decisions.example.org"


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_same_words(message) -> None:
    """Each line of the text email is in the HTML one's text, and each address in
    the text is a link in the HTML (the HTML words its links; the text shows them)."""
    html = html_of(message)
    text = page_text(html)
    hrefs = set(re.findall(r'href="([^"]+)"', html))
    for line in message.body.splitlines():
        line = line.strip().rstrip(":")
        if not line or line == "--":
            continue
        if line.startswith("View this email in your browser: "):
            line, url = line.split(": ", 1)
            assert url in hrefs
        if URL.match(line):
            assert line in hrefs, line
            continue
        # "Unsubscribe (one click...): <url>": words and a link in the HTML.
        words = squash(re.sub(r":\s*https?://\S+$", "", line))
        assert words in text, words
    assert ADDRESS not in html
    assert '<html lang="en">' in html and "<title>" in html


def view_path(message) -> str:
    site = re.escape(settings.SITE_URL)
    match = re.search(
        rf"^View this email in your browser: {site}(/alerts/email/[\w-]+/)$", message.body, re.M
    )
    assert match, message.body
    return match[1]


def web_view(client: Client, message) -> str:
    response = client.get(view_path(message))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert ADDRESS not in html
    # Whoever has the link can read the email, not confirm or cancel the alert.
    assert "/alerts/confirm/" not in html and "/alerts/unsubscribe/" not in html
    assert '<meta name="robots" content="noindex">' in html
    return page_text(html[html.index("<main") : html.index("</main>")])


def test_a_search_alert_s_emails_are_html_too_and_readable_in_the_browser(officer, records_manager):
    client = Client()
    subscribe(client, "q=lighthouse")
    [confirmation] = sent_to()
    assert_same_words(confirmation)
    page = web_view(client, confirmation)
    asked = "Someone, probably you, asked for email alerts about new decisions"
    assert f"{asked} (matching ‘lighthouse’)" in page
    assert "opening the confirmation link in the email" in page

    matching = publish(officer, records_manager, 5102, "Lighthouse keepers programme")
    publish(officer, records_manager, 5103, "Harbour dredging")
    call_command("send_alerts")
    [digest] = alerts_sent()
    assert_same_words(digest)
    html = html_of(digest)
    assert f'href="{settings.SITE_URL}{matching.get_absolute_url()}"' in html
    assert "View this email in your browser" in html
    page = web_view(client, digest)
    assert "1 new decision" in page and "PCD 5102: Lighthouse keepers programme" in page
    assert "PCD 5103" not in page
    assert f'href="{matching.get_absolute_url()}"' in client.get(view_path(digest)).text

    # Taken off the site since: the web view no longer lists it.
    decision_publication_withdraw(user=records_manager, decision=matching, reason="In error.")
    page = web_view(client, digest)
    assert "PCD 5102" not in page and "Lighthouse keepers" not in page
    assert "The decisions this email listed are no longer published." in page

    # A wrong link, or one cut short: 404, saying what may have happened.
    good = view_path(digest)
    cut, changed = good[:-6] + "/", good.replace("/alerts/email/", "/alerts/email/x")
    for wrong in ("/alerts/email/not-a-real-link/", cut, changed):
        response = client.get(wrong)
        assert response.status_code == 404 and "Email not found" in response.text, wrong
    # Only a hash of each link is stored.
    token = good.rstrip("/").rsplit("/", 1)[1]
    assert not EmailView.objects.filter(token_sha256=token).exists()
    assert EmailView.objects.count() == 2

    # Unsubscribing deletes the emails' web views with the address.
    unsubscribe = link_in(digest, "unsubscribe")
    assert client.post(unsubscribe).status_code == 200
    assert not EmailView.objects.exists()
    for message in (confirmation, digest):
        assert client.get(view_path(message)).status_code == 404


def test_a_followed_decision_s_news_is_html_too_and_readable_in_the_browser(
    officer, records_manager
):
    client = Client()
    followed = publish(officer, records_manager, 5110, "Youth violence fund")
    subscribe(client, decision=followed)
    amendment = approved_decision(user=officer, decision=_amending(officer, followed))
    call_command("send_alerts")
    [amended] = alerts_sent()
    assert_same_words(amended)
    page = web_view(client, amended)
    assert "PCD 5110 has changed" in page
    assert f"Amended by {amendment.reference}: {amendment.title}" in page
    assert "moves £10,000 to a grant" in page

    decision_publication_withdraw(user=records_manager, decision=followed, reason="In error.")
    call_command("send_alerts")
    [_, withdrawn] = alerts_sent()
    assert_same_words(withdrawn)
    page = web_view(client, withdrawn)
    assert "PCD 5110 has been withdrawn from publication" in page and "Reason: In error." in page
    # Withdrawn, its page shows its reference alone, and so does every email since.
    assert "Youth violence fund" not in page and "Youth violence fund" not in withdrawn.body
    assert "Youth violence fund" not in web_view(client, amended)
