"""Nothing of a draft (its title, its links' descriptions), a deferred decision, a Part 2
or an internal conversation reaches any public surface, until a deferral date comes,
when the deferred decision appears everywhere; and nothing of them reaches the
internal pages of an officer who may not open them (their home, the reports, the
pages of the decision a draft links to)."""

import datetime as dt
import re
import shutil
import subprocess

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Subscription
from decisions import policy
from decisions.models import Decision
from decisions.services import (
    decision_import_approved,
    decision_link_create,
    decision_public_access_set,
    part2_save,
    reference_reserve,
)
from funding.services import LineSpec, envelope_create
from tests.factories import complete_draft, draft_decision
from tests.helpers import body_bytes, run_tasks
from transparency.services import checkpoint_publish

MARKER = "QUOKKA7431"
DEFERRED_MARKER = "WOMBAT5512"
# In the internal conversation of a decision that is then approved and published.
COMMENT_MARKER = "NUMBAT9043"
# In the description of a draft's link to a published decision.
LINK_MARKER = "BILBY2687"
MARKERS = (MARKER, DEFERRED_MARKER, COMMENT_MARKER, LINK_MARKER)
YEAR, AMOUNT = 2031, 50_000_00


def public_urls(slugs):
    urls = [
        "/decisions/",
        f"/decisions/?q={MARKER}",
        f"/decisions/?q={DEFERRED_MARKER}",
        "/decisions/feed/",
        "/api/decisions/",
        f"/api/decisions/?q={DEFERRED_MARKER}",
        f"/decisions/?q={COMMENT_MARKER}",
        f"/api/decisions/?q={COMMENT_MARKER}",
        f"/decisions/?q={LINK_MARKER}",
        f"/api/decisions/?q={LINK_MARKER}",
        # The feed of a search (and a filter), and searches for the references of
        # the draft and the deferred decision: never a redirect to them.
        f"/decisions/feed/?q={MARKER}",
        f"/decisions/feed/?q={DEFERRED_MARKER}&type=PCD",
        f"/decisions/feed/?q={COMMENT_MARKER}",
        f"/decisions/feed/?q={LINK_MARKER}",
        "/decisions/feed/?type=PCD&sort=reference",
        "/decisions/?q=pcd-7001",
        "/decisions/?q=pcd7003",
        "/decisions/?q=7003",
        "/decisions/?sort=reference",
        "/decisions/?sort=oldest",
        "/api/openapi.json",
        "/decisions/export/decisions.csv",
        "/decisions/export/allocations.csv",
        "/sitemap.xml",
        "/sitemap-decisions.xml",
        "/reports/financial-years/",
        "/reports/financial-years.csv",
        "/reports/envelopes/pcd-1406/",
        "/open-data/",
        "/accessibility/",
        "/privacy/",
        "/decisions/no-such-decision/",
        # Checkpoints: hashes and counts, and the published decisions' leaves only.
        "/transparency/",
        "/transparency.json",
        "/transparency/checkpoints/1.json",
        "/transparency/proof.json?from=1",
    ]
    for slug in slugs:
        urls += [
            f"/decisions/{slug}/",
            f"/api/decisions/{slug}/",
            f"/decisions/{slug}/pdf/",
            f"/reports/envelopes/{slug}/",
            f"/reports/envelopes/{slug}.csv",
            f"/decisions/{slug}/inclusion.json",
        ]
    return urls


def internal_urls(slugs, pks):
    """The pages of someone signed in: their home, the internal reports, and each
    decision's internal pages (which answer 404 to whoever may not open it)."""
    urls = [
        "/work/",
        "/work/reports/financial-years/",
        "/work/reports/financial-years.csv",
    ]
    for slug in slugs:
        urls += [f"/work/reports/envelopes/{slug}/", f"/work/reports/envelopes/{slug}.csv"]
    for pk in pks:
        urls += [
            f"/work/decisions/{pk}/review/",
            f"/work/decisions/{pk}/history/",
            f"/work/decisions/{pk}/preview.pdf",
        ]
    return urls


def body_of(client, url, tmp_path):
    """The response's text, without the visitor's own search words echoed back (in
    the search box, the page title, the links that keep the search, and a search
    feed's title)."""
    status, body = _raw_body(client, url, tmp_path)
    for marker in MARKERS:
        for echo, blank in (
            (f'value="{marker}"', 'value=""'),
            (f"q={marker}", "q="),
            (f"Search: {marker}", "Search: "),
            (f"“{marker}”", "“”"),
        ):
            body = body.replace(echo, blank)
    return status, body


def _raw_body(client, url, tmp_path):
    response = client.get(url)
    if response.get("Content-Type") == "application/pdf":
        data = body_bytes(response)
        path = tmp_path / "leak.pdf"
        path.write_bytes(data)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
        return response.status_code, text.stdout.decode()
    content = body_bytes(response)
    return response.status_code, content.decode()


def _discussed_and_published(officer):
    """A decision talked over at every step (the submit note, comments, the clearing
    and signing comments, a return and its reason), then approved and published."""
    from decisions.services import (
        comment_add,
        decision_approve,
        decision_clear,
        decision_return,
        decision_sign,
        decision_submit,
    )
    from tests.factories import reviewers_create

    reviewers = reviewers_create()
    decision = complete_draft(user=officer, title="Talked over before approval")
    # It amends PCD 1620 in public words: those following PCD 1620 get an email (and
    # its web view) for the sweep to read, next to the draft that also links to it.
    decision_link_create(
        user=officer, decision=decision, target_reference="PCD 1620", kind="amends",
        description="Extends the alliance grant",
    )  # fmt: skip
    decision = decision_submit(user=officer, decision=decision, comment=f"Note {COMMENT_MARKER}")
    comment_add(decision=decision, user=reviewers.head, text=f"Question {COMMENT_MARKER}")
    decision = decision_return(
        user=reviewers.head, decision=decision, comment=f"Why {COMMENT_MARKER}"
    )
    comment_add(decision=decision, user=officer, text=f"Answer {COMMENT_MARKER}")
    decision = decision_submit(user=officer, decision=decision)
    decision = decision_clear(user=reviewers.head, decision=decision, comment=COMMENT_MARKER)
    comment_add(decision=decision, user=reviewers.chief_executive, text=COMMENT_MARKER)
    decision = decision_sign(
        user=reviewers.chief_executive, decision=decision, comment=COMMENT_MARKER
    )
    comment_add(decision=decision, user=reviewers.dmpc, text=f"Last look {COMMENT_MARKER}")
    decision = decision_approve(user=reviewers.dmpc, decision=decision, comment=COMMENT_MARKER)
    assert decision.events.filter(comment__contains=COMMENT_MARKER).count() == 9
    return decision


def assert_no_markers(client, urls, tmp_path) -> None:
    for url in urls:
        status, body = body_of(client, url, tmp_path)
        assert status < 500, url
        for marker in MARKERS:
            assert marker not in body, (marker, url)
        assert "PCD 7001" not in body and "PCD 7003" not in body, url


def test_markers_appear_nowhere_public_until_the_deferral_ends(
    client, demo, officer, other_officer, records_manager, pcd_1620, tmp_path
):
    # PDFs are searched as text: without poppler this test would prove nothing about them.
    assert shutil.which("pdftotext"), (
        "pdftotext not found: install poppler-utils (scripts/system-packages.sh does)"
    )
    # Email alerts confirmed before any of it: every new decision, a search for each
    # marker, and PCD 1620 followed (the draft "amends" it).
    alerts_follow(pcd_1620)
    # A draft (numbered, as if submitted) with the marker in its title.
    draft = draft_decision(user=officer, title=f"Draft {MARKER}")
    draft = reference_reserve(user=records_manager, decision=draft, number=7001)
    # ...which links to a published decision, saying why in words that are the draft's.
    decision_link_create(
        user=officer,
        decision=draft,
        target_reference=pcd_1620.reference,
        kind="amends",
        description=f"Changes the grant {LINK_MARKER}",
    )
    # An approved decision whose Part 2 holds the marker.
    secret = complete_draft(user=officer, title="Open title with a secret Part 2")
    part2_save(
        user=officer,
        decision=secret,
        content=f"Confidential {MARKER}",
        legal_rationale=f"Section 43 {MARKER}",
    )
    secret = reference_reserve(user=records_manager, decision=secret, number=7002)
    decision_import_approved(
        user=records_manager, decision=secret, reference_number=7002, approved_at=timezone.now()
    )
    # An approved decision deferred for 30 days, with a marker in its title.
    deferred = complete_draft(user=officer, title=f"Deferred {DEFERRED_MARKER}")
    decision_public_access_set(
        user=officer,
        decision=deferred,
        deferred=True,
        reason=f"Contract not signed {DEFERRED_MARKER}",
        until=timezone.localdate() + dt.timedelta(days=30),
        has_part2=False,
    )
    # With a budget, so that it is in the reports of those who may see it.
    envelope_create(
        user=officer, decision=deferred, description=f"Grant {DEFERRED_MARKER}",
        funding_source="Core", total_pence=AMOUNT,
        lines=[LineSpec("grant", AMOUNT, allocations={YEAR: AMOUNT})],
    )  # fmt: skip
    deferred = reference_reserve(user=records_manager, decision=deferred, number=7003)
    decision_import_approved(
        user=records_manager, decision=deferred, reference_number=7003, approved_at=timezone.now()
    )

    discussed = _discussed_and_published(officer)
    # A checkpoint of all of it: only what is published becomes a leaf.
    checkpoint = checkpoint_publish()
    assert checkpoint.decisions_size == Decision.objects.published().count()

    slugs = ["pcd-7001", "pcd-7002", "pcd-7003", "pcd-1620", discussed.slug]
    assert_no_markers(client, public_urls(slugs), tmp_path)

    # Inside: an officer who drafted none of them may open none of them, so nothing of
    # them is on their home, in their reports or on the decision the draft links to.
    pks = [draft.pk, secret.pk, deferred.pk, discussed.pk, pcd_1620.pk]
    assert not any(policy.can_see(other_officer, Decision.objects.get(pk=pk)) for pk in pks)
    inside = Client()
    inside.force_login(other_officer)
    assert_no_markers(inside, internal_urls(slugs, pks), tmp_path)
    # A Head of Service may open the decision the draft links to, not the draft.
    head = demo[Role.HEAD_OF_SERVICE]
    assert policy.can_see(head, pcd_1620) and not policy.can_see(head, draft)
    inside.force_login(head)
    for url in ("/work/", f"/work/decisions/{pcd_1620.pk}/review/"):
        body = body_of(inside, url, tmp_path)[1]
        assert LINK_MARKER not in body and MARKER not in body, url
    # The same pages show the markers to people who may see them: the sweep would
    # notice a leak.
    inside.force_login(officer)
    assert DEFERRED_MARKER in body_of(inside, "/work/", tmp_path)[1]
    assert "PCD 7003" in body_of(inside, "/work/reports/financial-years/", tmp_path)[1]
    inside.force_login(records_manager)
    review = body_of(inside, f"/work/decisions/{pcd_1620.pk}/review/", tmp_path)[1]
    assert LINK_MARKER in review

    from tests.helpers import page_text

    assert "Open title with a secret Part 2" in body_of(client, "/decisions/", tmp_path)[1]
    # The discussed decision is public: only its conversation is not.
    assert (
        "Talked over before approval"
        in body_of(client, f"/decisions/{discussed.slug}/", tmp_path)[1]
    )
    detail = page_text(body_of(client, "/decisions/pcd-7002/", tmp_path)[1])
    assert "Is there a Part 2 form? Yes" in detail

    # Alerts: the published decisions, never a marker (each search's own words aside).
    assert "Talked over before approval" in alert_emails_text()
    assert "PCD 1620 has changed" in alert_emails_text()  # the follower's email was swept
    assert_no_markers_in_alerts(MARKERS)

    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        for url in (
            "/decisions/",
            f"/decisions/?q={DEFERRED_MARKER}",
            f"/decisions/feed/?q={DEFERRED_MARKER}&type=PCD",
            "/decisions/pcd-7003/",
            "/decisions/pcd-7003/pdf/",
            "/decisions/feed/",
            "/api/decisions/",
            "/api/decisions/pcd-7003/",
            "/decisions/export/decisions.csv",
            "/sitemap-decisions.xml",
        ):
            status, body = body_of(client, url, tmp_path)
            assert status == 200, url
            assert DEFERRED_MARKER in body or "pcd-7003" in body, url
        # The next checkpoint adds it to the log of published decisions.
        checkpoint_publish()
        inclusion = client.get("/decisions/pcd-7003/inclusion.json").json()
        assert inclusion["leaf"]["reference"] == "PCD 7003"
        # The Part 2, the draft and its link, and the conversation stay hidden for ever.
        for url in public_urls(slugs):
            status, body = body_of(client, url, tmp_path)
            for marker in (MARKER, COMMENT_MARKER, LINK_MARKER):
                assert marker not in body, (marker, url)
        # The deferred decision reaches the alerts now, and nothing else does.
        assert "Deferred" in alert_emails_text(), "the deferred decision is in no alert"
        assert_no_markers_in_alerts((MARKER, COMMENT_MARKER, LINK_MARKER))


def alerts_follow(decision) -> None:
    from alerts.services import subscription_confirm, subscription_request

    searches = ["", *(f"q={marker}" for marker in MARKERS)]
    for number, query in enumerate([*searches, None]):
        email = f"alert{number}@example.org"
        target = {"decision": decision} if query is None else {"query": query}
        subscription_request(user=None, email=email, client_address="192.0.2.7", **target)
    for subscription in Subscription.objects.all():
        subscription_confirm(user=None, subscription=subscription)


def alert_emails_text() -> str:
    """Every alert sent so far (send_alerts run now): subjects, text and HTML bodies,
    and each email's web view as it reads now, without the confirmation emails and
    each search's own words echoed back."""
    call_command("send_alerts")
    run_tasks()
    reader = Client()
    parts = []
    for message in mail.outbox:
        if "alert" not in message.to[0] or "Confirm your email alert" in message.subject:
            continue
        parts += [message.subject, message.body, *(html for html, _ in message.alternatives)]
        view = re.search(r"^View this email in your browser: \S+(/alerts/email/\S+/)$",
                         message.body, re.M)  # fmt: skip
        assert view and message.alternatives, message.body  # the sweep sees all three
        response = reader.get(view[1])
        assert response.status_code == 200, view[1]
        parts.append(response.content.decode())
    text = "\n".join(parts)
    for marker in MARKERS:
        text = text.replace(f"‘{marker}’", "")
    return text


def assert_no_markers_in_alerts(markers) -> None:
    text = alert_emails_text()
    assert text, "no alert was sent: the sweep would prove nothing"
    for marker in markers:
        assert marker not in text, marker
    assert "PCD 7001" not in text
