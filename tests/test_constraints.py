"""Every database constraint, by name, refuses the bad data it exists for."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from decisions.models import (
    Appendix,
    ArchivedRecord,
    Decision,
    DecisionEvent,
    DecisionFinancialYear,
    DecisionLink,
    DecisionType,
    LinkKind,
    OfficerDeclaration,
    Paragraph,
    Part2,
    PublishedCount,
    PublishedDocument,
    Recommendation,
    Section,
    SignOff,
    SignOffWording,
)
from funding.models import (
    Allocation,
    BudgetEnvelope,
    BudgetLine,
    BudgetMovement,
    BudgetMovementYear,
    Commitment,
)
from funding.services import LineSpec, envelope_create
from tests.factories import draft_decision

DIGEST = "a" * 64


@pytest.fixture
def world(officer):
    decision = draft_decision(user=officer)
    other = draft_decision(user=officer, title="Another decision")
    envelope = envelope_create(
        user=officer,
        decision=decision,
        description="Envelope",
        funding_source="Core funding",
        total_pence=100_00,
        lines=[LineSpec(route="grant", amount_pence=100_00, allocations={2024: 100_00})],
    )
    line = envelope.lines.get()
    return SimpleNamespace(
        user=officer,
        decision=decision,
        other=other,
        envelope=envelope,
        line=line,
        section=decision.sections.get(kind=1),
        pcd=DecisionType.objects.get(code="PCD"),
    )


def archived(w, **fields):
    values = {
        "decision": w.decision,
        "decision_by": "A. Person, DMPC",
        "date_signed": dt.date(2018, 1, 1),
        "date_published": dt.date(2018, 2, 1),
    }
    return ArchivedRecord.objects.create(**(values | fields))


def decision(w, **fields):
    values = {
        "decision_type": w.pcd,
        "title": "T",
        "drafted_by": w.user,
        "deferred": False,
        "has_part2": False,
        **fields,
    }
    return Decision.objects.create(**values)


def line(w, **fields):
    values = {
        "envelope": w.envelope,
        "position": 9,
        "route": "grant",
        "amount_pence": 1,
        "set_by": w.decision,
        **fields,
    }
    return BudgetLine.objects.create(**values)


def sign_off(w, **fields):
    values = {
        "decision": w.decision,
        "role": "dmpc",
        "signer": w.user,
        "signer_name": "A",
        "signer_title": "B",
        "signed_at": timezone.now(),
        "statement": "S",
        "content_digest": DIGEST,
        **fields,
    }
    return SignOff.objects.create(**values)


def duplicate_reference(w):
    decision(w, reference_number=7, state="submitted")
    decision(w, reference_number=7, state="submitted")


def duplicate_sign_off(w):
    sign_off(w)
    sign_off(w)


def movement(w, **fields):
    target = line(w, active=False)
    values = {"decision": w.other, "source_line": w.line, "target_line": target, **fields}
    return BudgetMovement.objects.create(**{"amount_pence": 1, **values})


def same_token_twice(model, **rows):
    """Two rows sent with one add form's token: the second is refused."""
    token = uuid.uuid4()

    def create(w):
        for position, values in enumerate(rows["rows"](w), start=90):
            model.objects.create(form_token=token, **{"position": position, **values})

    return create


def same_link_token_twice(w):
    token = uuid.uuid4()
    kind = LinkKind.values[0]
    DecisionLink.objects.create(source=w.decision, target=w.other, kind=kind, form_token=token)
    DecisionLink.objects.create(source=w.other, target=w.decision, kind=kind, form_token=token)


CASES = {
    "recommendation_form_token_unique": same_token_twice(
        Recommendation, rows=lambda w: [{"decision": w.decision, "text": "R"}] * 2
    ),
    "paragraph_form_token_unique": same_token_twice(
        Paragraph, rows=lambda w: [{"section": w.section, "text": "P"}] * 2
    ),
    "appendix_form_token_unique": same_token_twice(
        Appendix, rows=lambda w: [{"decision": w.decision, "title": "A"}] * 2
    ),
    "decisionlink_form_token_unique": same_link_token_twice,
    "decisiontype_code_uppercase": lambda w: DecisionType.objects.create(
        code="pcd2", name="x", final_approver="dmpc", approver_title="x"
    ),
    "decisiontype_delegation_limit_positive": lambda w: DecisionType.objects.create(
        code="XY", name="x", final_approver="dmpc", approver_title="x", delegation_limit_pence=0
    ),
    "decisiontype_approver_valid": lambda w: DecisionType.objects.create(
        code="XZ", name="x", final_approver="mayor", approver_title="x"
    ),
    "decision_unique_reference_per_series": duplicate_reference,
    "decision_reference_number_positive": lambda w: decision(w, reference_number=0),
    "decision_state_valid": lambda w: decision(w, state="published", reference_number=5),
    "decision_reference_after_submission": lambda w: decision(w, state="submitted"),
    "decision_approved_has_date": lambda w: decision(w, state="approved", reference_number=9),
    "decision_deferral_complete": lambda w: decision(w, deferred=True, deferral_reason="x"),
    "decision_title_present": lambda w: decision(w, title=""),
    "decision_recommendations_lead_in_valid": lambda w: decision(
        w, recommendations_lead_in="decrees"
    ),
    "decision_public_access_answered": lambda w: decision(
        w, state="submitted", reference_number=3, has_part2=None
    ),
    "recommendation_unique_position": lambda w: [
        Recommendation.objects.create(decision=w.decision, position=1, text="a"),
        Recommendation.objects.create(decision=w.decision, position=1, text="b"),
    ],
    "recommendation_position_positive": lambda w: Recommendation.objects.create(
        decision=w.decision, position=0, text="a"
    ),
    "recommendation_text_present": lambda w: Recommendation.objects.create(
        decision=w.decision, position=1, text=""
    ),
    "section_one_per_kind": lambda w: Section.objects.create(decision=w.decision, kind=1),
    "section_kind_valid": lambda w: Section.objects.create(decision=w.decision, kind=10),
    "paragraph_unique_position": lambda w: [
        Paragraph.objects.create(section=w.section, position=1, text="a"),
        Paragraph.objects.create(section=w.section, position=1, text="b"),
    ],
    "paragraph_position_positive": lambda w: Paragraph.objects.create(
        section=w.section, position=0, text="a"
    ),
    "paragraph_text_present": lambda w: Paragraph.objects.create(
        section=w.section, position=1, text=""
    ),
    "decisionlink_unique": lambda w: [
        DecisionLink.objects.create(source=w.decision, target=w.other, kind="related"),
        DecisionLink.objects.create(source=w.decision, target=w.other, kind="related"),
    ],
    "decisionlink_not_to_self": lambda w: DecisionLink.objects.create(
        source=w.decision, target=w.decision, kind="related"
    ),
    "decisionlink_kind_valid": lambda w: DecisionLink.objects.create(
        source=w.decision, target=w.other, kind="cites"
    ),
    "part2_complete": lambda w: Part2.objects.create(
        decision=w.decision, content="secret", legal_rationale=""
    ),
    "appendix_unique_position": lambda w: [
        Appendix.objects.create(decision=w.decision, position=1, title="a"),
        Appendix.objects.create(decision=w.decision, position=1, title="b"),
    ],
    "appendix_position_positive": lambda w: Appendix.objects.create(
        decision=w.decision, position=0, title="a"
    ),
    "appendix_title_present": lambda w: Appendix.objects.create(
        decision=w.decision, position=1, title=""
    ),
    "officerdeclaration_one_per_kind": lambda w: OfficerDeclaration.objects.create(
        decision=w.decision, kind="legal", position=2, statement="x"
    ),
    "officerdeclaration_kind_valid": lambda w: OfficerDeclaration.objects.create(
        decision=w.other, kind="astrology", position=9, statement="x"
    ),
    "officerdeclaration_statement_present": lambda w: OfficerDeclaration.objects.create(
        decision=w.decision, kind="legal", position=2, statement=""
    ),
    "officerdeclaration_confirmation_complete": lambda w: OfficerDeclaration.objects.create(
        decision=w.other, kind="astrology", position=9, statement="x", confirmed_by_name="A"
    ),
    "signoffwording_one_per_type_role": lambda w: SignOffWording.objects.create(
        decision_type=DecisionType.objects.get(code="PCD"), role="dmpc", statement="Again."
    ),
    "signoffwording_role_valid": lambda w: SignOffWording.objects.create(
        decision_type=DecisionType.objects.get(code="CEOD"), role="mayor", statement="Signed."
    ),
    "signoffwording_statement_required": lambda w: SignOffWording.objects.create(
        decision_type=DecisionType.objects.get(code="CEOD"), role="dmpc", statement=""
    ),
    "signoff_one_per_role": duplicate_sign_off,
    "signoff_role_valid": lambda w: sign_off(w, role="mayor"),
    "signoff_digest_sha256": lambda w: sign_off(w, content_digest="not-a-digest"),
    "signoff_complete": lambda w: sign_off(w, signer_title=""),
    "decisionevent_digest_sha256": lambda w: DecisionEvent.objects.create(
        decision=w.decision, action="x", to_state="draft", actor_name="A", content_digest="x"
    ),
    "decisionevent_to_state_valid": lambda w: DecisionEvent.objects.create(
        decision=w.decision, action="x", to_state="lost", actor_name="A", content_digest=DIGEST
    ),
    "decision_publication_withdrawal_complete": lambda w: decision(
        w, publication_withdrawn_at=timezone.now(), publication_withdrawal_reason=""
    ),
    "publisheddocument_sha256": lambda w: PublishedDocument.objects.create(
        decision=w.decision, file="published/x.pdf", sha256="not-hex", size_bytes=10
    ),
    "publisheddocument_not_empty": lambda w: PublishedDocument.objects.create(
        decision=w.decision, file="published/x.pdf", sha256=DIGEST, size_bytes=0
    ),
    # The audit seals: 64 hex digits, or blank (not sealed yet: verify_audit says so).
    "signoff_seal_hex": lambda w: sign_off(w, seal="not-a-seal"),
    "decisionevent_chain_hex": lambda w: DecisionEvent.objects.create(
        decision=w.decision,
        action="x",
        to_state="draft",
        actor_name="A",
        content_digest=DIGEST,
        row_hash=DIGEST,
        table_prev_hash="forged",
    ),
    "publisheddocument_record_seal_hex": lambda w: PublishedDocument.objects.create(
        decision=w.decision,
        file="published/x.pdf",
        sha256=DIGEST,
        size_bytes=10,
        record_seal="x",
    ),
    # Archived records (decisions taken before the system).
    "archivedrecord_decision_by_present": lambda w: archived(w, decision_by=""),
    "archivedrecord_a_date": lambda w: archived(w, date_signed=None, date_published=None),
    "archivedrecord_published_after_signed": lambda w: archived(
        w, date_published=dt.date(2017, 12, 31)
    ),
    # A hash needs its size: a missing size is refused too (NULL passes a plain CHECK).
    "archivedrecord_document_complete": lambda w: archived(w, document_sha256=DIGEST),
    "archivedrecord_record_seal_hex": lambda w: archived(w, record_seal="x"),
    # A seal that does not say who made it and when.
    "archivedrecord_document_seal_complete": lambda w: archived(w, document_seal=b"x"),
    # Appendix.save() hashes the file itself: only a write around it can break this.
    "appendix_sha256_hex": lambda w: Appendix.objects.filter(
        pk=Appendix.objects.create(decision=w.decision, position=1, title="a").pk
    ).update(sha256="not-hex"),
    "decisionfinancialyear_unique": lambda w: [
        DecisionFinancialYear.objects.create(decision=w.decision, financial_year=2026)
        for _ in range(2)
    ],
    "decisionfinancialyear_year_valid": lambda w: DecisionFinancialYear.objects.create(
        decision=w.decision, financial_year=1999
    ),
    "publishedcount_unique_group": lambda w: [
        PublishedCount.objects.create(
            decision_type=w.decision.decision_type, visible_from=dt.date(2030, 1, 1)
        )
        for _ in range(2)
    ],
    "budgetenvelope_total_not_negative": lambda w: BudgetEnvelope.objects.create(
        decision=w.other, description="x", funding_source="y", total_pence=-1
    ),
    "budgetenvelope_funding_source_present": lambda w: BudgetEnvelope.objects.create(
        decision=w.other, description="x", funding_source="", total_pence=1
    ),
    "budgetline_amount_not_negative": lambda w: line(w, amount_pence=-100),
    "budgetline_route_valid": lambda w: line(w, route="handshake"),
    "budgetline_unique_position": lambda w: line(w, position=1),
    "allocation_one_per_line_and_year": lambda w: Allocation.objects.create(
        line=w.line, financial_year=2024, amount_pence=1
    ),
    "allocation_financial_year_valid": lambda w: Allocation.objects.create(
        line=w.line, financial_year=1999, amount_pence=1
    ),
    "allocation_amount_not_negative": lambda w: Allocation.objects.create(
        line=w.line, financial_year=2030, amount_pence=-5
    ),
    "budgetmovement_amount_positive": lambda w: movement(w, amount_pence=0),
    "budgetmovement_distinct_lines": lambda w: BudgetMovement.objects.create(
        decision=w.other, source_line=w.line, target_line=w.line, amount_pence=1
    ),
    "budgetmovementyear_one_per_year": lambda w: (
        lambda m: [
            BudgetMovementYear.objects.create(movement=m, financial_year=2030, amount_pence=1)
            for _ in range(2)
        ]
    )(movement(w)),
    "budgetmovementyear_financial_year_valid": lambda w: BudgetMovementYear.objects.create(
        movement=movement(w), financial_year=1999, amount_pence=1
    ),
    "budgetmovementyear_amount_positive": lambda w: BudgetMovementYear.objects.create(
        movement=movement(w), financial_year=2030, amount_pence=0
    ),
    "commitment_value_not_negative": lambda w: Commitment.objects.create(
        line=w.line, kind="contract", route="grant", counterparty="A", max_value_pence=-1
    ),
    "commitment_kind_valid": lambda w: Commitment.objects.create(
        line=w.line, kind="promise", route="grant", counterparty="A", max_value_pence=1
    ),
    "commitment_counterparty_present": lambda w: Commitment.objects.create(
        line=w.line, kind="contract", route="grant", counterparty="", max_value_pence=1
    ),
    "commitment_route_valid": lambda w: Commitment.objects.create(
        line=w.line, kind="contract", route="handshake", counterparty="A", max_value_pence=1
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_constraint_refuses_bad_data(world, name):
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        CASES[name](world)


def test_every_declared_constraint_has_a_case():
    declared = {
        constraint.name
        for app in ("decisions", "funding", "accounts")
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
    }
    assert declared == set(CASES)


@pytest.mark.parametrize(
    "fields",
    [
        {"deferred": None, "deferral_reason": "Why"},
        {"deferred": False, "deferred_until": dt.date(2030, 1, 1)},
        {"deferred": True, "deferral_reason": "", "deferred_until": dt.date(2030, 1, 1)},
    ],
)
def test_deferral_details_only_with_a_deferral(world, fields):
    with pytest.raises(IntegrityError, match="decision_deferral_complete"), transaction.atomic():
        decision(world, **fields)


def test_good_deferral_is_accepted(world):
    deferred = decision(
        world, deferred=True, deferral_reason="Contract not yet signed",
        deferred_until=dt.date(2030, 1, 1),
    )  # fmt: skip
    assert deferred.pk


def test_people_with_the_longest_names_can_draft_sign_and_approve(officer):
    """A name copied onto a record holds whatever display_name can give: first and
    last name at Django's longest, and the space between."""
    from accounts.roles import Role
    from tests.factories import Reviewers, UserFactory, approved_decision

    def longest(role):
        return UserFactory(role=role, first_name="F" * 150, last_name="L" * 150)

    drafter = longest(Role.OFFICER)
    reviewers = Reviewers(
        head=longest(Role.HEAD_OF_SERVICE),
        chief_executive=longest(Role.CHIEF_EXECUTIVE),
        dmpc=longest(Role.DMPC),
    )
    name = f"{'F' * 150} {'L' * 150}"
    decision = approved_decision(user=drafter, reviewers=reviewers)
    assert {e.actor_name for e in decision.events.all()} == {name}
    assert {s.signer_name for s in decision.sign_offs.all()} == {name}
    assert {d.confirmed_by_name for d in decision.declarations.all()} == {name}
