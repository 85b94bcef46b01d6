"""Public pages show published Part 1 records, and nothing else."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from decisions.models import Decision
from decisions.services import (
    appendix_add,
    decision_link_create,
    decision_public_access_set,
    paragraph_add,
    part2_save,
    recommendation_add,
    reference_reserve,
)
from tests.factories import (
    approved_decision,
    awaiting_approval_decision,
    cleared_decision,
    complete_draft,
    deferred_decision,
    draft_decision,
    imported_decision,
    publication_withdrawn_decision,
    rejected_decision,
    returned_decision,
    submitted_decision,
    withdrawn_decision,
)
from tests.helpers import page_text


def approve(user, decision, number, *, approved_at=None):
    return approved_decision(user=user, decision=decision, number=number, approved_at=approved_at)


def test_list_counts_and_orders_published_decisions(client, demo):
    response = client.get("/decisions/")
    text = page_text(response)
    assert "Showing 1–3 of 3 results" in text  # PCD 1406, PCD 1620 and the demo CEOD 1
    assert text.index("PCD 1620") < text.index("PCD 1406")


def test_list_pages_by_twenty(client, officer, records_manager, one_pdf_for_all):
    # The list's paging, not approval, is under test: 22 imported historical records
    # (published as approved ones are, newest first), one a day.
    first_day = timezone.now() - dt.timedelta(days=30)
    for number in range(1, 23):
        imported_decision(
            user=officer,
            records_manager=records_manager,
            number=number,
            approved_at=first_day + dt.timedelta(days=number),
            title=f"Decision {number}",
        )
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


def test_decision_text_cannot_inject_html(client, officer, monkeypatch):
    from decisions.models import Decision, Paragraph
    from decisions.views import public

    decision = draft_decision(user=officer, title="Title")
    paragraph = paragraph_add(user=officer, decision=decision, section_kind=1, text="x")
    approve(officer, decision, 77)
    # Even HTML written straight into the database (bypassing the services that
    # refuse it) is escaped or sanitised on render.
    Decision.objects.filter(pk=decision.pk).update(title="<script>alert(1)</script>Title")
    Paragraph.objects.filter(pk=paragraph.pk).update(
        text="Click [here](javascript:alert(1)) <img src=x onerror=alert(1)> **bold**"
    )
    # Text changed after signing is withheld (tests/test_tamper_evidence.py) ...
    assert client.get("/decisions/pcd-77/").status_code == 503
    # ... and were it shown, it would still be escaped or sanitised.
    monkeypatch.setattr(public, "published_record_alert", lambda *args, **kwargs: None)
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


def _published_with_content(officer, *, title, size, link_targets):
    """A published PCD holding ``size`` of each thing its page lists: recommendations,
    paragraphs in every section, published appendices, links and budget lines."""
    from decisions.models import SectionKind
    from funding.services import LineSpec, envelope_create

    decision = draft_decision(user=officer, title=title)
    for n in range(1, size + 1):
        recommendation_add(user=officer, decision=decision, text=f"{title} recommendation {n}")
        for kind in SectionKind:
            paragraph_add(
                user=officer, decision=decision, section_kind=kind, text=f"{title} paragraph {n}"
            )
        appendix_add(user=officer, decision=decision, title=f"{title} appendix {n}")
        decision_link_create(
            user=officer,
            decision=decision,
            target_reference=link_targets[n - 1].reference,
            kind="related",
            description=f"{title} link {n}",
        )
    routes = ["open_procurement", "direct_award", "framework", "grant", "direct_award_reg_12_7"]
    lines = [
        LineSpec(routes[n], 1_000_00, allocations={2024: 600_00, 2025: 400_00}) for n in range(size)
    ]
    envelope_create(
        user=officer,
        decision=decision,
        description=f"{title} envelope",
        funding_source="Core funding",
        total_pence=size * 1_000_00,
        lines=lines,
    )
    return approved_decision(user=officer, decision=decision)


def _queries_to_get(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), page_text(response)


def test_public_page_query_count_does_not_grow_with_content(client, officer, reviewers, settings):
    # The page's own queries: the page cache's lookups and writes (in the database
    # cache's table by default) are left out by keeping it in memory here.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    targets = [
        approved_decision(user=officer, reviewers=reviewers, title=f"Target {n}")
        for n in range(1, 4)
    ]
    few = _published_with_content(officer, title="Few", size=1, link_targets=targets)
    many = _published_with_content(officer, title="Many", size=3, link_targets=targets)

    few_count, few_text = _queries_to_get(client, few.get_absolute_url())
    many_count, many_text = _queries_to_get(client, many.get_absolute_url())
    # The pages do show everything (so the counts measure pages with content) ...
    for text, title, size in ((few_text, "Few", 1), (many_text, "Many", 3)):
        for thing in ("recommendation", "paragraph", "appendix", "link"):
            assert f"{title} {thing} {size}" in text, (title, thing)
        assert f"£{size * 1_000:,}" in text, title  # the budget total
    assert "Many paragraph 3" in many_text and "Few paragraph 2" not in few_text
    # ... and three times the content costs no extra query.
    assert many_count == few_count
    # 29: the page, and the check that its content is what was signed (digest and
    # seals: the signed money's few fixed queries; everything else is prefetched).
    assert few_count <= 29


def test_list_query_count_does_not_grow_with_the_number_of_results(client, officer, reviewers):
    for n in range(1, 3):
        approved_decision(user=officer, reviewers=reviewers, title=f"Early {n}")
    two_count, two_text = _queries_to_get(client, "/decisions/")
    assert "Showing 1–2 of 2 results" in two_text
    for n in range(1, 5):
        approved_decision(user=officer, reviewers=reviewers, title=f"Later {n}")
    six_count, six_text = _queries_to_get(client, "/decisions/")
    assert "Showing 1–6 of 6 results" in six_text
    assert all(f"Later {n}" in six_text for n in range(1, 5))
    assert six_count == two_count
    assert two_count <= 6


def test_only_published_decisions_are_in_the_published_queryset(
    client, officer, records_manager, reviewers
):
    """Every state a decision can be in, and the three ways an approved one is still
    not public; only the approved, undeferred (or deferral ended), not withdrawn
    decisions are in ``published()``."""
    today = timezone.localdate()
    kinds = {"reviewers": reviewers}
    unpublished = {
        "draft": draft_decision(user=officer, title="Hidden draft"),
        "complete draft": complete_draft(user=officer, title="Hidden complete draft"),
        "returned": returned_decision(user=officer, title="Hidden returned", **kinds),
        "submitted": submitted_decision(user=officer, title="Hidden submitted"),
        "cleared": cleared_decision(user=officer, title="Hidden cleared", **kinds),
        "awaiting approval": awaiting_approval_decision(
            user=officer, title="Hidden awaiting", **kinds
        ),
        "rejected": rejected_decision(user=officer, title="Hidden rejected", **kinds),
        "withdrawn": withdrawn_decision(user=officer, title="Hidden withdrawn"),
        "approved, deferred": approved_decision(
            user=officer,
            decision=deferred_decision(
                user=officer, title="Hidden deferred", until=today + dt.timedelta(days=30)
            ),
            **kinds,
        ),
        "approved, withdrawn from publication": publication_withdrawn_decision(
            user=officer, records_manager=records_manager, title="Hidden taken down", **kinds
        ),
    }
    published = {
        "approved PCD": approved_decision(user=officer, title="Approved PCD", **kinds),
        "approved CEOD": approved_decision(
            user=officer, type_code="CEOD", title="Approved CEOD", **kinds
        ),
        "approved, deferral ended": approved_decision(
            user=officer,
            decision=deferred_decision(
                user=officer, title="Deferred briefly", until=today + dt.timedelta(days=2)
            ),
            **kinds,
        ),
    }
    states = {name: d.state for name, d in unpublished.items()}
    assert states == {
        "draft": "draft", "complete draft": "draft", "returned": "draft",
        "submitted": "submitted", "cleared": "cleared", "awaiting approval": "awaiting_approval",
        "rejected": "rejected", "withdrawn": "withdrawn", "approved, deferred": "approved",
        "approved, withdrawn from publication": "approved",
    }  # fmt: skip

    def published_titles(on):
        return set(Decision.objects.published(today=on).values_list("title", flat=True))

    expected_later = {d.title for d in published.values()}
    assert published_titles(today + dt.timedelta(days=2)) == expected_later
    assert published_titles(today) == expected_later - {"Deferred briefly"}
    # The same rule on the public pages, with no `today` passed in.
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        for name, decision in published.items():
            assert client.get(decision.get_absolute_url()).status_code == 200, name
        for name, decision in unpublished.items():
            if decision.reference_number is not None:
                status = client.get(f"/decisions/{decision.slug}/").status_code
                assert status in (404, 410), name
        listed = page_text(client.get("/decisions/"))
        assert "Showing 1–3 of 3 results" in listed
        assert "Hidden" not in listed
        for name, decision in published.items():
            assert f"{decision.reference}: {decision.title}" in listed, name


def _local_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def test_a_decision_deferred_until_today_is_public_today(client, officer):
    approval_day = timezone.localdate()
    until = approval_day + dt.timedelta(days=5)
    decision = approved_decision(
        user=officer,
        decision=deferred_decision(user=officer, title="Deferred to a day", until=until),
    )
    day_before, the_day = until - dt.timedelta(days=1), until
    assert not Decision.objects.published(today=day_before).filter(pk=decision.pk).exists()
    assert Decision.objects.published(today=the_day).filter(pk=decision.pk).exists()
    with time_machine.travel(_local_noon(day_before)):
        assert client.get(decision.get_absolute_url()).status_code == 404
        assert not Decision.objects.published().filter(pk=decision.pk).exists()
    with time_machine.travel(_local_noon(the_day)):
        assert client.get(decision.get_absolute_url()).status_code == 200
        assert Decision.objects.published().filter(pk=decision.pk).exists()


def test_date_published_is_the_later_of_approval_and_the_deferral_date(client, officer):
    from decisions.selectors.public import date_format

    approved_on = timezone.localdate() - dt.timedelta(days=3)
    until = timezone.localdate() + dt.timedelta(days=4)
    deferred = approved_decision(
        user=officer,
        decision=deferred_decision(user=officer, title="Deferred award", until=until),
        approved_at=_local_noon(approved_on),
    )
    undeferred = approved_decision(
        user=officer, title="Undeferred award", approved_at=_local_noon(approved_on)
    )
    with time_machine.travel(_local_noon(until + dt.timedelta(days=1))):
        text = page_text(client.get(deferred.get_absolute_url()))
        assert f"Date signed {date_format(approved_on)}" in text
        assert f"Date published {date_format(until)}" in text
        detail = client.get(f"/api/decisions/{deferred.slug}/").json()
        assert detail["date_published"] == until.isoformat()
        # Not deferred: published the day it was approved.
        text = page_text(client.get(undeferred.get_absolute_url()))
        assert f"Date published {date_format(approved_on)}" in text
        detail = client.get(f"/api/decisions/{undeferred.slug}/").json()
        assert detail["date_published"] == approved_on.isoformat()
