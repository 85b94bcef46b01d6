"""Signatures and what approval makes final: the sign-off rows with their seals,
the search index's parts, the published PDF and its record seal, and for a few
the records manager taking the record down again."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import TYPE_CHECKING

from core import signing
from decisions.models import (
    Decision,
    DecisionFinancialYear,
    PublishedDocument,
    SectionKind,
    SignOff,
    SignOffRole,
)
from decisions.services.publication import WITHDRAW_PUBLICATION_ACTION
from decisions.workflow import State
from demo.generator.batch import Batch
from demo.generator.content import record_seal_for, sign_off_sealed
from demo.generator.pdf import placeholder_signed

if TYPE_CHECKING:
    from demo.generator.plan import Plan, Step

TAKE_DOWN_REASON = "Published in error: the decision names a witness."


def sign_write(plan: Plan, batch: Batch, step: Step, *, digest: str) -> None:
    """``sign_off_write``: the office holder's name and title, the stored wording."""
    role = SignOffRole(step.role)
    wording = plan.type.wordings[role]
    signer = batch.context.signers[role]
    row = {
        "decision_id": plan.decision["id"], "role": role.value, "signer_id": step.actor.id,
        "signer_name": signer.name, "signer_title": signer.title, "signed_at": step.at,
        "statement": wording.statement, "approval_line": wording.approval_line,
        "interests": "", "content_digest": digest,
    }  # fmt: skip
    row["seal"] = sign_off_sealed(row)
    batch.add(SignOff, reason=f"Signed as {role.label}", user=step.actor.id, at=step.at, **row)
    plan.sign_offs.append(row)


def search_parts(plan: Plan) -> tuple[str, str, str]:
    """``_search_parts`` of decisions/services/publication.py. Generated text has no
    Markdown, so its plain text is itself (the test checks with the service)."""
    body = list(plan.content.recommendations)
    for kind in SectionKind:
        body.append(kind.label)
        body += [text for text, _follows in plan.content.sections[kind.value]]
    return plan.content.title, plan.content.summary, "\n".join(body)


def approval_write(rng: random.Random, plan: Plan, batch: Batch, *, digest: str,
                   taken_down: float) -> None:  # fmt: skip
    decision, context = plan.decision, batch.context
    # The value as decision_value_pence gives it: the envelope's total (the generator
    # moves no money between decisions).
    value = plan.content.envelope[2] if plan.content.envelope else 0
    batch.search.append((decision["id"], *search_parts(plan), value))
    # Its financial years, as decision_search_store stores them: its lines' years.
    for year in sorted({year for *_, allocations in plan.content.lines for year, _ in allocations}):
        batch.new(DecisionFinancialYear, decision_id=decision["id"], financial_year=year)
    reference = plan.content.reference
    if context.render_left > 0:
        context.render_left -= 1
        batch.render.append(decision["id"])  # the real service renders it later
    else:
        # One signed placeholder for all (demo/generator/pdf.py), stored once.
        content = placeholder_signed(context.start)
        sha = hashlib.sha256(content).hexdigest()
        name = f"published/generated-{sha[:12]}.pdf"
        document = batch.new(
            PublishedDocument, decision_id=decision["id"], file=name, sha256=sha,
            size_bytes=len(content), created_at=decision["approved_at"],
            signed_by=signing.organisation_signer_name(),
            record_seal=record_seal_for(
                decision_id=decision["id"], reference=reference,
                approved_at=decision["approved_at"], content_digest=digest,
                sign_offs=[(s["role"], s["seal"]) for s in plan.sign_offs], pdf_sha256=sha,
            ),
        )  # fmt: skip
        batch.files.append((document, name, content))
    context.approved.append((decision["id"], reference))
    if rng.random() < taken_down:
        from demo.generator.plan import Step, _event

        at = decision["approved_at"] + dt.timedelta(days=rng.randint(1, 30))
        decision.update(publication_withdrawn_at=at, publication_withdrawal_reason=TAKE_DOWN_REASON,
                        updated_at=at)  # fmt: skip
        batch.record(Decision, decision, kind="~", reason="Publication withdrawn",
                     user=context.records.id, at=at)  # fmt: skip
        step = Step(WITHDRAW_PUBLICATION_ACTION, at, context.records, "records_manager")
        _event(batch, plan, step, digest=digest, source=State.APPROVED, target=State.APPROVED,
               comment=TAKE_DOWN_REASON)  # fmt: skip
