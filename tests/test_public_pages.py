"""Public pages show published Part 1 records, and nothing else."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from decisions.models import Decision
from decisions.services import (
    decision_public_access_set,
    paragraph_add,
    part2_save,
    reference_reserve,
)
from tests.factories import approved_decision, draft_decision
from tests.helpers import page_text


def approve(user, decision, number, *, approved_at=None):
    return approved_decision(user=user, decision=decision, number=number, approved_at=approved_at)


def test_list_counts_and_orders_published_decisions(client, demo):
    response = client.get("/decisions/")
    text = page_text(response)
    assert "Showing 1–3 of 3 results" in text  # PCD 1406, PCD 1620 and the demo CEOD 1
    assert text.index("PCD 1620") < text.index("PCD 1406")


def test_list_pages_by_twenty(client, officer):
    for number in range(1, 23):
        approve(officer, draft_decision(user=officer, title=f"Decision {number}"), number)
    first = page_text(client.get("/decisions/"))
    assert "Showing 1–20 of 22 results" in first
    second = page_text(client.get("/decisions/?page=2"))
    assert "Showing 21–22 of 22 results" in second
    assert "Decision 1 " in second or second.endswith("Decision 1")
    assert client.get("/decisions/?page=99").status_code == 200


def test_unpublished_decisions_are_nowhere_public(client, officer, records_manager, demo):
    marker = "ZEBRA-MARKER-42"
    draft = draft_decision(user=officer, title=f"Draft {marker}")
    reference_reserve(user=records_manager, decision=draft, number=5001)
    deferred = draft_decision(user=officer, title=f"Deferred {marker}")
    decision_public_access_set(
        user=officer,
        decision=deferred,
        deferred=True,
        reason="Contract not signed",
        until=timezone.localdate() + dt.timedelta(days=30),
        has_part2=False,
    )
    secret = draft_decision(user=officer, title="Open title")
    part2_save(
        user=officer,
        decision=secret,
        content=f"Confidential {marker}",
        legal_rationale="s.43 FOIA",
    )
    decision_public_access_set(user=officer, decision=secret, deferred=False, has_part2=True)
    approve(officer, deferred, 5002)
    approve(officer, secret, 5003)
    for url in (
        "/decisions/",
        "/decisions/pcd-5001/",
        "/decisions/pcd-5002/",
        "/decisions/pcd-5003/",
    ):
        response = client.get(url)
        assert marker not in response.content.decode(), url
    assert client.get("/decisions/pcd-5001/").status_code == 404
    assert client.get("/decisions/pcd-5002/").status_code == 404
    assert client.get("/decisions/pcd-5003/").status_code == 200
    assert "Is there a Part 2 form? Yes" in page_text(client.get("/decisions/pcd-5003/"))

    # Once the deferral date comes, the deferred decision is public with no job run.
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        response = client.get("/decisions/pcd-5002/")
        assert response.status_code == 200
        assert marker in response.content.decode()
        assert "Date published" in page_text(response)


@pytest.mark.parametrize("slug", ["pcd-9999", "nonsense", "ceod-1620", "PCD-1620"])
def test_unknown_or_malformed_references_are_404(client, demo, slug):
    assert client.get(f"/decisions/{slug}/").status_code == 404


def test_decision_text_cannot_inject_html(client, officer):
    from decisions.models import Decision, Paragraph

    decision = draft_decision(user=officer, title="Title")
    paragraph = paragraph_add(user=officer, decision=decision, section_kind=1, text="x")
    approve(officer, decision, 77)
    # Even HTML written straight into the database (bypassing the services that
    # refuse it) is escaped or sanitised on render.
    Decision.objects.filter(pk=decision.pk).update(title="<script>alert(1)</script>Title")
    Paragraph.objects.filter(pk=paragraph.pk).update(
        text="Click [here](javascript:alert(1)) <img src=x onerror=alert(1)> **bold**"
    )
    body = client.get("/decisions/pcd-77/").content.decode()
    assert "<script>alert" not in body
    assert 'href="javascript' not in body
    assert "<img" not in body and "onerror=alert" not in body.replace("&lt;", "")
    assert "<strong>bold</strong>" in body


def test_public_pages_send_security_headers(client, demo):
    response = client.get("/decisions/pcd-1620/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_public_page_query_count_does_not_grow_with_content(
    client, demo, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        client.get("/decisions/pcd-1620/")
    with django_assert_max_num_queries(6):
        client.get("/decisions/")


def test_published_queryset_is_the_rule(demo, officer):
    assert set(Decision.objects.published().values_list("reference_number", flat=True)) == {
        1,  # the demo CEOD 1
        1406,
        1620,
    }
