"""``manage.py generate_decisions``: generated decisions on top of the demo carry
exactly what the services would have written (search index, digests, seals,
event and history chains), cover every workflow state, and are seeded."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from decisions.digest import decision_content_digest
from decisions.models import (
    Decision,
    DecisionEvent,
    DecisionFinancialYear,
    DecisionSearch,
    DecisionType,
    PublishedDocument,
)
from decisions.services.publication import decision_search_index
from decisions.workflow import State
from demo.generator.plan import GENERATED_MARK
from demo.generator.run import decisions_generate

COUNT = 40


def _generated():
    return Decision.objects.filter(executive_summary__endswith=GENERATED_MARK).with_type()


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch):
    # Several batches even for a few decisions: the chains and the search index sent
    # for one batch while the next is planned must carry on across batches.
    monkeypatch.setattr("demo.generator.run.BATCH", 16)


@pytest.fixture
def generated(demo):
    last = dict(DecisionType.objects.values_list("code", "last_number"))
    out = io.StringIO()
    call_command("generate_decisions", count=COUNT, seed=7, rendered_pdfs=2, stdout=out)
    assert f"{COUNT} decisions generated (2 PDFs rendered)" in out.getvalue()
    return last


def test_generated_records_pass_verify_audit(generated):
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("Audit intact"), out.getvalue()
    approved = _generated().filter(state=State.APPROVED)
    # Each approved decision's digest is what its signers signed (verify_audit checks
    # the same; said here so a change in either shows).
    for decision in approved:
        digests = set(decision.sign_offs.values_list("content_digest", flat=True))
        assert digests == {decision_content_digest(decision)}


def test_search_index_is_what_the_service_writes(generated):
    approved = list(_generated().filter(state=State.APPROVED).order_by("pk"))
    assert approved
    rows = DecisionSearch.objects.values_list("text", "vector", "value_pence")

    def years(decision):
        return sorted(decision.financial_years.values_list("financial_year", flat=True))

    for decision in approved:
        stored = rows.get(decision=decision), years(decision)
        with transaction.atomic():
            decision_search_index(decision=decision)
            recomputed = rows.get(decision=decision), years(decision)
            transaction.set_rollback(True)
        assert stored == recomputed, decision.reference
    assert any(years(decision) for decision in approved)
    # Only approval indexes a decision.
    unapproved = _generated().exclude(state=State.APPROVED)
    assert not DecisionSearch.objects.filter(decision__in=unapproved).exists()
    assert not DecisionFinancialYear.objects.filter(decision__in=unapproved).exists()


def test_every_state_and_case_occurs(generated):
    decisions = _generated()
    assert decisions.count() == COUNT
    assert set(decisions.values_list("state", flat=True)) == set(State.values)
    approved = decisions.filter(state=State.APPROVED)
    assert approved.filter(deferred=True, deferred_until__lt="2026-01-01").exists()
    assert approved.filter(deferred=True, deferred_until__gt="2027-01-01").exists()
    assert decisions.filter(has_part2=True, part2__isnull=False).exists()
    assert approved.filter(publication_withdrawn_at__isnull=False).exists()
    assert approved.filter(links_out__kind="amends").exists()
    assert approved.filter(budget_envelope__lines__allocations__isnull=False).exists()
    assert approved.filter(decision_type__code="CEOD").exists()
    assert decisions.filter(state=State.DRAFT, reference_number__isnull=False).exists()
    events = DecisionEvent.objects.filter(decision__in=decisions)
    assert set(events.values_list("action", flat=True)) >= {
        "create", "submit", "clear", "sign", "approve", "reject", "return", "withdraw",
        "withdraw_publication",
    }  # fmt: skip


def test_references_continue_each_series(generated):
    for code, last in generated.items():
        numbers = sorted(
            _generated()
            .filter(decision_type__code=code, reference_number__isnull=False)
            .values_list("reference_number", flat=True)
        )
        assert numbers, code
        assert numbers[0] == last + 1
        assert len(numbers) == len(set(numbers))
        assert DecisionType.objects.get(code=code).last_number == numbers[-1]
    # The demo's records are as they were.
    assert Decision.objects.by_reference("PCD", 1406).get().state == State.APPROVED
    assert Decision.objects.by_reference("PCD", 1620).get().state == State.APPROVED


def test_public_surfaces(generated, client):
    published = _generated().published().order_by("pk")
    assert published.exists()
    for decision in published[:3]:
        assert client.get(decision.get_absolute_url()).status_code == 200
        response = client.get(f"{decision.get_absolute_url()}pdf/")
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert hashlib.sha256(body).hexdigest() == decision.published_document.sha256
    listing = client.get("/decisions/")
    assert listing.status_code == 200
    assert published.first().title.encode() in listing.content or b"decision" in listing.content
    hidden = [
        _generated().filter(state=State.DRAFT, reference_number__isnull=False).first(),
        _generated().filter(deferred=True, deferred_until__gt="2027-01-01").first(),
        _generated().filter(state=State.AWAITING_APPROVAL).first(),
    ]
    for decision in hidden:
        assert client.get(decision.get_absolute_url()).status_code == 404, decision
        assert client.get(f"{decision.get_absolute_url()}pdf/").status_code == 404
    taken_down = _generated().filter(publication_withdrawn_at__isnull=False).first()
    assert client.get(taken_down.get_absolute_url()).status_code == 410


def test_placeholder_and_rendered_pdfs(generated):
    documents = PublishedDocument.objects.filter(decision__in=_generated())
    assert documents.count() == _generated().filter(state=State.APPROVED).count()
    rendered = [d for d in documents if b"Generated for benchmarking" not in d.file.read()]
    assert len(rendered) == 2


def _fingerprint() -> list[tuple]:
    return list(
        _generated()
        .order_by("pk")
        .values_list(
            "pk", "reference_number", "title", "state", "search_index__text", "approved_at",
            "published_document__sha256", "published_document__record_seal",
        )
    ) + list(
        DecisionEvent.objects.filter(decision__in=_generated()).order_by("pk")
        .values_list("row_hash", flat=True)
    )  # fmt: skip


def test_same_seed_same_data_and_no_second_run_without_force(demo):
    fingerprints = []
    for _ in range(2):
        with transaction.atomic():
            decisions_generate(count=20, seed=3, rendered_pdfs=0, force=False)
            fingerprints.append(_fingerprint())
            transaction.set_rollback(True)
    assert fingerprints[0] == fingerprints[1]
    assert len(fingerprints[0]) > 20
    with transaction.atomic():
        decisions_generate(count=20, seed=4, rendered_pdfs=0, force=False)
        assert _fingerprint() != fingerprints[0]
        transaction.set_rollback(True)
    call_command("generate_decisions", count=16, rendered_pdfs=0, stdout=io.StringIO())
    with pytest.raises(CommandError, match="already holds 16 generated decisions"):
        call_command("generate_decisions", count=16, rendered_pdfs=0)
    call_command("generate_decisions", count=16, rendered_pdfs=0, force=True, stdout=io.StringIO())
    assert _generated().count() == 32
