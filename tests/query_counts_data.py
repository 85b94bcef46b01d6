"""The two datasets of the query-count tests (tests/query_counts.py):
decisions in every state with ``size`` of everything a page lists, written through
the services and the workflow by the demo's people, and the people, requests,
office holders and security events the people pages and the security log list."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.roles import Role
from decisions.models import Decision, SectionKind
from decisions.services import (
    appendix_add,
    comment_add,
    decision_approve,
    decision_clear,
    decision_link_create,
    decision_public_access_set,
    decision_publication_withdraw,
    decision_reject,
    decision_return,
    decision_share,
    decision_sign,
    decision_submit,
    decision_withdraw,
    declaration_confirm,
    part2_save,
)
from demo.drafts import draft_write
from demo.stage_data import DECLARATIONS
from tests.alert_links import alert_links
from transparency.services import checkpoint_publish


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("paper.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


_ROUTES = ("open_procurement", "grant", "framework", "direct_award")


def _budget(officer: User, decision: Decision, size: int) -> None:
    from funding.services import LineSpec, envelope_create

    years = range(2026, 2026 + size)
    lines = [
        LineSpec(
            route=_ROUTES[number % len(_ROUTES)],
            amount_pence=100_000_00 * size,
            description=f"Line {number}",
            allocations=dict.fromkeys(years, 100_000_00),
        )
        for number in range(size)
    ]
    envelope_create(
        user=officer,
        decision=decision,
        description="The programme",
        funding_source="MOPAC budget",
        total_pence=sum(line.amount_pence for line in lines),
        lines=lines,
    )


def _draft(
    users: dict, *, size: int, title: str, links: list[str], deferred=False, rich=True
) -> Decision:
    """A complete draft with ``size`` of everything a page lists (``rich``), or with
    only the paragraphs and recommendations a decision needs."""
    officer = users[Role.OFFICER]
    decision = draft_write(
        officer=officer,
        type_code="PCD",
        title=title,
        summary=f"Summary of {title}.",
        recommendations=[f"Recommendation {n} of {title}." for n in range(size)],
        sections={
            kind: [f"Paragraph {n} on {kind.label} of {title}." for n in range(size)]
            for kind in SectionKind
        },
        budget_table_after=(3, 1) if rich else None,
    )
    if rich:
        _rich(users, decision, size=size, links=links)
    today = timezone.localdate()
    decision_public_access_set(
        user=officer,
        decision=decision,
        deferred=deferred,
        reason="Not yet announced." if deferred else "",
        until=today + dt.timedelta(days=14) if deferred else None,
        has_part2=False,
    )
    if rich:
        part2_save(
            user=officer, decision=decision, content="Confidential.", legal_rationale="S. 43."
        )
    for kind, statement in DECLARATIONS:
        declaration_confirm(user=officer, decision=decision, kind=kind, statement=statement)
    return decision


def _rich(users: dict, decision: Decision, *, size: int, links: list[str]) -> None:
    officer = users[Role.OFFICER]
    _budget(officer, decision, size)
    for reference in links[:size]:
        decision_link_create(
            user=officer, decision=decision, target_reference=reference, kind="related"
        )
    for number in range(size):
        appendix_add(user=officer, decision=decision, title=f"Paper {number}", upload=_pdf())
    for colleague in users["officers"][:size]:
        decision_share(user=officer, decision=decision, colleague=colleague)


# States no counted page opens (they fill the lists and homes): without budget, links,
# appendices, sharing or Part 2, which cost seconds to write and show only on their
# own pages.
_PLAIN = ("withdrawn", "returned", "cleared", "rejected")

# How far each state goes along the workflow.
_STEPS = {
    "draft": (),
    "withdrawn": ("withdraw",),
    "returned": ("submit", "return"),
    "submitted": ("submit",),
    "cleared": ("submit", "clear"),
    "awaiting_approval": ("submit", "clear", "sign"),
    "rejected": ("submit", "clear", "sign", "reject"),
    "published": ("submit", "clear", "sign", "approve"),
    "deferred": ("submit", "clear", "sign", "approve"),
    "taken_down": ("submit", "clear", "sign", "approve", "take_down"),
}


# Where the conversation is shown on the pages counted (each comment is an event with
# the digest of the content: about 0.1 s each, so not on every decision).
_TALKED_ABOUT = ("submitted", "published")


def _move(users: dict, decision: Decision, state: str, size: int) -> Decision:
    officer, head = users[Role.OFFICER], users[Role.HEAD_OF_SERVICE]
    for step in _STEPS[state]:
        if step == "submit":
            decision = decision_submit(user=officer, decision=decision)
            # The conversation: the officer and the Head of Service it has reached.
            for number in range(size if state in _TALKED_ABOUT else 0):
                comment_add(decision=decision, user=officer, text=f"Note {number}.")
                comment_add(decision=decision, user=head, text=f"Reply {number}.")
        elif step == "clear":
            decision = decision_clear(user=head, decision=decision)
        elif step == "sign":
            decision = decision_sign(user=users[Role.CHIEF_EXECUTIVE], decision=decision)
        elif step == "approve":
            decision = decision_approve(user=users[Role.DMPC], decision=decision)
        elif step == "reject":
            decision = decision_reject(user=users[Role.DMPC], decision=decision, comment="No.")
        elif step == "return":
            decision = decision_return(user=head, decision=decision, comment="Revise.")
        elif step == "withdraw":
            decision = decision_withdraw(user=officer, decision=decision, comment="Not needed.")
        elif step == "take_down":
            decision = decision_publication_withdraw(
                user=users[Role.RECORDS_MANAGER], decision=decision, reason="In error."
            )
    return decision


def _commitments(users: dict, decision: Decision, size: int) -> None:
    from funding.services import commitment_create

    for line in decision.budget_envelope.lines.order_by("position")[:size]:
        commitment_create(
            user=users[Role.RECORDS_MANAGER],
            line=line,
            kind="grant",
            counterparty=f"Charity {line.position}",
            max_value_pence=50_000_00,
            authorised_by=decision,
        )


def _amending(users: dict, *, size: int, amended: Decision, tag: str) -> Decision:
    """Published, amending ``amended`` and moving money from each of its lines."""
    from funding.services import budget_movement_propose

    officer = users[Role.OFFICER]
    decision = _draft(users, size=size, title=f"Amendment {tag}", links=[])
    decision_link_create(
        user=officer, decision=decision, target_reference=amended.reference, kind="amends"
    )
    for line in amended.budget_envelope.lines.order_by("position")[:size]:
        budget_movement_propose(
            user=officer,
            decision=decision,
            source_line=line,
            amount_pence=10_000_00,
            route="direct_award",
            allocations={2026: 10_000_00},
            over_commitment_reason="Re-routed as the decision records.",
        )
    return _move(users, decision, "published", size)


def dataset(users: dict, *, size: int, tag: str) -> dict[str, dict]:
    """Decisions in every state with ``size`` of everything; the URL parameters of each
    by the names pages use in ``on``."""
    published = list(Decision.objects.filter(state="approved", deferred=False))
    targets = [decision.reference for decision in published if decision.reference]
    # A checkpoint before and one after the set: the proof pages read between them,
    # which on either set holds new events and decisions (proofs of the same shape).
    checkpoint_publish()
    made = {}
    for state in _STEPS:
        draft = _draft(
            users,
            size=size,
            title=f"{state} {tag}",
            links=targets,
            deferred=state == "deferred",
            rich=state not in _PLAIN,
        )
        made[state] = _move(users, draft, state, size)
    _commitments(users, made["published"], size)
    made["amending"] = _amending(users, size=size, amended=made["published"], tag=tag)
    draft = made["draft"]
    # The draft amends it too: its budget page lists the lines money may move from.
    decision_link_create(
        user=users[Role.OFFICER],
        decision=draft,
        target_reference=made["published"].reference,
        kind="amends",
    )
    paragraph = draft.sections.get(kind=SectionKind.ISSUES).paragraphs.first()
    appendix = made["published"].appendices.order_by("position").first()
    word_draft = _word_draft(users, tag=tag)
    checkpoint = checkpoint_publish()
    return {
        "word_draft": {"pk": word_draft.pk},
        "checkpoint": {"sequence": checkpoint.sequence},
        **{state: {"pk": decision.pk} for state, decision in made.items()},
        **{f"{state}_slug": {"slug": d.slug} for state, d in made.items() if d.reference},
        "draft_recommendation": {"pk": draft.pk, "item": draft.recommendations.first().pk},
        "draft_section": {"pk": draft.pk, "kind": int(SectionKind.ISSUES)},
        "draft_paragraph": {"pk": draft.pk, "item": paragraph.pk},
        "draft_appendix": {"pk": draft.pk, "item": draft.appendices.first().pk},
        "published_appendix": {"slug": made["published"].slug, "position": appendix.position},
        "reject": {"pk": made["awaiting_approval"].pk, "action": "reject"},
        # The published PDFs' SHA-256 the document check is asked about (/verify/).
        **{
            f"{state}_pdf": {"sha256": made[state].published_document.sha256}
            for state in ("published", "taken_down", "deferred")
        },
        **_archived(users, size=size),
        **_people(users, size=size, tag=tag),
        **alert_links(made["published"], size=size),
    }


def _word_draft(users: dict, *, tag: str) -> Decision:
    """A draft started from the officer's Word form (the seed's PCD 1620 form)."""
    from decisions.services.word_import import decision_start_from_word
    from tests.docx_forms import pcd_1620_form

    return decision_start_from_word(
        user=users[Role.OFFICER], data=pcd_1620_form(), file_name=f"form {tag}.docx"
    ).decision


def _archived(users: dict, *, size: int) -> dict[str, dict]:
    """A decision taken before the system, with ``size`` recommendations and a PDF;
    ``size`` more records sent for import (queued), and that decision sent again
    (found already there by its task)."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from decisions.services.archive import archived_decision_import
    from decisions.services.archive_queue import archive_import_enqueue, archive_import_run
    from tests.archive_folder import pdf_bytes

    fields = {
        # Below the numbers the series gives (it is at PCD 1620 and more): never taken.
        "reference": f"PCD {500 + size}",
        "title": f"Archived {size}",
        "date_signed": dt.date(2019, 5, size),
        "date_published": dt.date(2019, 6, size),
        "decision_by": "A. Person, Deputy Mayor for Policing and Crime",
        "summary": "Taken before the system.",
        "recommendations": "\n\n".join(f"Recommendation {n}." for n in range(size)),
        "document_name": "original.pdf",
        "source_url": "",
    }
    content = pdf_bytes(f"Archived {size}")
    user = users[Role.RECORDS_MANAGER]
    decision = archived_decision_import(user=user, **fields, document_bytes=content).decision
    for n in range(size):
        queued = {**fields, "reference": f"PCD {400 + 10 * size + n}", "title": f"Sent {n}"}
        archive_import_enqueue(user=user, upload=None, **queued | {"document_name": ""},
                               document_bytes=None)  # fmt: skip
    upload = SimpleUploadedFile("original.pdf", content, "application/pdf")
    again = archive_import_enqueue(user=user, upload=upload, **fields, document_bytes=None)
    archive_import_run.call(import_id=again.pk)
    return {
        "archived": {"pk": decision.pk},
        "archived_slug": {"slug": decision.slug},
        "archived_pdf": {"sha256": decision.archived_record.document_sha256},
        "archive_sent": {"pk": again.pk},
    }


def _people(users: dict, *, size: int, tag: str) -> dict[str, dict]:
    """Users, change requests (pending and confirmed), office holders and security
    events: what the people pages and the security log list."""
    from governance.models import OfficeHolder
    from governance.services import change_request_confirm, role_change_request
    from security.models import SecurityEvent
    from tests.factories import UserFactory

    asker, confirmer = users["user_admins"]
    person = UserFactory(username=f"person-{tag}", role=Role.OFFICER)
    for role in (Role.HEAD_OF_SERVICE, Role.RECORDS_MANAGER)[: max(size - 2, 1)]:
        change = role_change_request(
            user=asker, subject=person, role=role, grant=True, reason="Cover"
        )
        change_request_confirm(user=confirmer, change=change)
    pending = None
    for number in range(size):
        pending = role_change_request(
            user=asker, subject=UserFactory(role=Role.OFFICER), role=Role.HEAD_OF_SERVICE,
            grant=True, reason=f"Leave cover {tag} {number}",
        )  # fmt: skip
        # A signer is recorded in office by two user administrators (the factory).
        UserFactory(role=Role.DMPC)
    now = timezone.now()
    SecurityEvent.objects.bulk_create(
        SecurityEvent(
            time=now - dt.timedelta(minutes=number),
            action=action,
            outcome="failure",
            user=f"someone-{tag}",
            address="192.0.2.1",
            request_id=f"{tag}-{number}",
            detail={"reason": "test"},
        )
        for number in range(size * 3)
        for action in ("sign_in", "refused", "second_factor")
    )
    holder = OfficeHolder.objects.filter(to_date__isnull=True).order_by("-pk").first()
    return {
        "person": {"pk": person.pk},
        "change_request": {"pk": pending.pk},
        "office_holder": {"pk": holder.pk},
        "decision_type": {"code": "PCD"},
        "sitemap_section": {"section": "decisions"},
        "reset_link": {"uidb64": urlsafe_base64_encode(str(person.pk).encode()), "token": "x-y"},
    }


def users_grow(users: dict, count: int) -> None:
    from tests.factories import UserFactory

    roles = (Role.OFFICER, Role.HEAD_OF_SERVICE, Role.RECORDS_MANAGER)
    users["officers"] += [UserFactory(role=Role.OFFICER) for _ in range(count)]
    for number in range(count):
        UserFactory(role=roles[number % len(roles)])


def demo_users() -> dict:
    from demo.loader import demo_load
    from tests.demo_snapshot import demo_load_snapshotted

    with override_settings(DEBUG=True):
        by_role = demo_load_snapshotted(lambda: demo_load(stages=False))
    users = dict(by_role)
    users["user_admins"] = list(
        User.objects.filter(groups__name=Role.USER_ADMIN.label).order_by("username")[:2]
    )
    users["officers"] = list(
        User.objects.filter(groups=Group.objects.get(name=Role.OFFICER.label)).exclude(
            username="officer"
        )
    )
    return users
