"""Users and decisions for tests, made only through the product's own services.

Every decision a factory returns is in a state the product can reach: a draft is
written with the drafting services, and anything beyond a draft has been taken
through the real workflow (submit, clear, sign, approve, reject, return, withdraw)
by users holding the right roles, so it carries its events, history rows,
declarations and sign-offs. Nothing here writes to the database directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    job_title = "Officer"
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            roles = extracted if isinstance(extracted, list | tuple) else [extracted]
            for role in roles:
                self.groups.add(Group.objects.get(name=Role(role).label))
            # Signers sign as office holders: a test DMPC or Chief Executive is also
            # recorded in office (by two user administrators), under their own name.
            for role in roles:
                if Role(role) in (Role.DMPC, Role.CHIEF_EXECUTIVE):
                    office_holder_appoint(self, Role(role))


OFFICE_HOLDERS_SINCE = dt.date(2000, 1, 1)


def user_admins() -> tuple[User, User]:
    """Two user administrators (one asks, the other confirms), made once per test."""
    found = []
    for username in ("useradmin-one", "useradmin-two"):
        admin = User.objects.filter(username=username).first()
        found.append(admin or UserFactory(username=username, role=Role.USER_ADMIN))
    return found[0], found[1]


def office_holder_appoint(user, role, *, name=None, title=None, since=OFFICE_HOLDERS_SINCE):
    """Record ``user`` in the office of ``role`` through the two-person flow."""
    from decisions.models import SignOffRole
    from governance.services import change_request_confirm, office_holder_add_request

    asker, confirmer = user_admins()
    change = office_holder_add_request(
        user=asker,
        subject=user,
        role=role,
        name=name or user.display_name,
        title=title or user.job_title or SignOffRole(role).label,
        from_date=since,
        reason="Test appointment",
    )
    return change_request_confirm(user=confirmer, change=change)


@dataclass(frozen=True)
class Reviewers:
    """One person per review step: clearing, signing and approving need three people."""

    head: User
    chief_executive: User
    dmpc: User


def reviewers_create() -> Reviewers:
    return Reviewers(
        head=UserFactory(role=Role.HEAD_OF_SERVICE, job_title="Director of Commissioning"),
        chief_executive=UserFactory(role=Role.CHIEF_EXECUTIVE, job_title="Chief Executive Officer"),
        dmpc=UserFactory(role=Role.DMPC, job_title="Deputy Mayor for Policing and Crime"),
    )


# --- Drafts ----------------------------------------------------------------------------

PARAGRAPH_TEXT = "Text {kind}."
RECOMMENDATION_TEXT = "Agree the plan."


def draft_decision(*, user, type_code="PCD", title="A test decision", summary="Summary."):
    """A draft created the way officers create one (not yet complete)."""
    from decisions.services import decision_create

    return decision_create(user=user, type_code=type_code, title=title, executive_summary=summary)


def complete_draft(*, user, type_code="PCD", title="Complete decision", decision=None):
    """A draft with everything submission needs, written with the drafting services.

    Given a ``decision`` (a draft by ``user``), only what it still lacks is added:
    a summary, one recommendation, a paragraph ("Text 2." in section 2) in each
    required section, the officer's declarations and the public access answers
    (not deferred, no Part 2). What the draft already has is left as it is.
    """
    from decisions.models import REVIEWER_DECLARATIONS
    from decisions.selectors.drafting import REQUIRED_SECTIONS
    from decisions.services import (
        decision_public_access_set,
        decision_update,
        declaration_confirm,
        paragraph_add,
        recommendation_add,
    )

    if decision is None:
        decision = draft_decision(user=user, type_code=type_code, title=title, summary="Summary.")
    decision.refresh_from_db()
    if not decision.executive_summary:
        decision = decision_update(
            user=user,
            decision=decision,
            title=decision.title,
            executive_summary="Summary.",
        )
    if not decision.recommendations.exists():
        recommendation_add(user=user, decision=decision, text=RECOMMENDATION_TEXT)
    filled = set(decision.sections.filter(paragraphs__isnull=False).values_list("kind", flat=True))
    for kind in REQUIRED_SECTIONS:
        if kind not in filled:
            paragraph_add(
                user=user,
                decision=decision,
                section_kind=kind,
                text=PARAGRAPH_TEXT.format(kind=int(kind)),
            )
    for declaration in decision.declarations.exclude(kind__in=REVIEWER_DECLARATIONS):
        if not declaration.is_confirmed:
            declaration_confirm(user=user, decision=decision, kind=declaration.kind)
    decision.refresh_from_db()
    if decision.deferred is None or decision.has_part2 is None:
        decision = decision_public_access_set(
            user=user,
            decision=decision,
            deferred=bool(decision.deferred),
            has_part2=bool(decision.has_part2),
        )
    decision.refresh_from_db()
    return decision


# --- Through the workflow --------------------------------------------------------------


def submitted_decision(*, user, decision=None, number=None, **draft):
    """Complete, then submitted by its drafter (optionally as reference ``number``)."""
    from decisions.services import decision_submit, reference_reserve

    decision = complete_draft(user=user, decision=decision, **draft)
    if number is not None and decision.reference_number != number:
        # Only a records manager gives a number of its own (officers get the next).
        records_manager = UserFactory(role=Role.RECORDS_MANAGER)
        decision = reference_reserve(user=records_manager, decision=decision, number=number)
    return decision_submit(user=user, decision=decision)


def cleared_decision(*, user, reviewers=None, **kwargs):
    """Submitted, then cleared by a Head of Service (who confirms their declaration)."""
    from decisions.services import decision_clear

    reviewers = reviewers or reviewers_create()
    decision = submitted_decision(user=user, **kwargs)
    return decision_clear(user=reviewers.head, decision=decision)


def awaiting_approval_decision(*, user, reviewers=None, **kwargs):
    """A PCD cleared, then signed by the Chief Executive and sent to the DMPC."""
    from decisions.services import decision_sign

    reviewers = reviewers or reviewers_create()
    decision = cleared_decision(user=user, reviewers=reviewers, **kwargs)
    return decision_sign(user=reviewers.chief_executive, decision=decision)


def _with_final_approver(*, user, reviewers, **kwargs):
    """The decision where its final approver acts, and that approver: the DMPC for a
    PCD (after the Chief Executive's signature), the Chief Executive for a CEOD."""
    decision = cleared_decision(user=user, reviewers=reviewers, **kwargs)
    if decision.decision_type.final_approver == Role.DMPC:
        from decisions.services import decision_sign

        decision = decision_sign(user=reviewers.chief_executive, decision=decision)
        return decision, reviewers.dmpc
    return decision, reviewers.chief_executive


def approved_decision(
    *, user, decision=None, number=None, approved_at=None, reviewers=None, interests="", **draft
):
    """Approved through the whole workflow, with its sign-offs, events and PDF.

    ``user`` drafts and submits; factory-made reviewers clear, sign (PCD) and approve.
    ``number`` gives it that reference; ``approved_at`` is when the final approver
    signs (the clock is moved there for the approve step only).
    """
    import time_machine

    from decisions.services import decision_approve

    reviewers = reviewers or reviewers_create()
    decision, approver = _with_final_approver(
        user=user, reviewers=reviewers, decision=decision, number=number, **draft
    )
    if approved_at is None:
        return decision_approve(user=approver, decision=decision, interests=interests)
    with time_machine.travel(approved_at, tick=False):
        return decision_approve(user=approver, decision=decision, interests=interests)


def imported_decision(*, user, records_manager, number, approved_at, **draft):
    """A historical decision as a records manager imports it: a draft by ``user``
    (public, no Part 2) given reference ``number`` and approved at ``approved_at`` in one step (an
    ``import`` event; its PDF rendered and search index written at approval, as for
    any approval). Published like an approved decision, in a fraction of a full
    workflow's queries: for tests of lists, which need many published records; the
    workflow's own tests and the query-count tests use ``approved_decision``."""
    from decisions.services import (
        decision_import_approved,
        decision_public_access_set,
        reference_reserve,
    )

    decision = draft_decision(user=user, **draft)
    decision_public_access_set(user=user, decision=decision, deferred=False, has_part2=False)
    decision = reference_reserve(user=records_manager, decision=decision, number=number)
    return decision_import_approved(
        user=records_manager, decision=decision, reference_number=number, approved_at=approved_at
    )


def rejected_decision(*, user, reviewers=None, comment="Not this year.", **kwargs):
    """Rejected by its final approver (a final state)."""
    from decisions.services import decision_reject

    reviewers = reviewers or reviewers_create()
    decision, approver = _with_final_approver(user=user, reviewers=reviewers, **kwargs)
    return decision_reject(user=approver, decision=decision, comment=comment)


def returned_decision(*, user, reviewers=None, comment="Please revise.", **kwargs):
    """Submitted and returned to the officer by the Head of Service: a draft again,
    keeping its reference."""
    from decisions.services import decision_return

    reviewers = reviewers or reviewers_create()
    decision = submitted_decision(user=user, **kwargs)
    return decision_return(user=reviewers.head, decision=decision, comment=comment)


def withdrawn_decision(*, user, decision=None, comment="No longer needed.", **draft):
    """A draft withdrawn by its officer (a final state)."""
    from decisions.services import decision_withdraw

    if decision is None:
        decision = draft_decision(user=user, **draft)
    return decision_withdraw(user=user, decision=decision, comment=comment)


def publication_withdrawn_decision(
    *, user, records_manager, reason="Published in error.", **kwargs
):
    """Approved and published, then taken down by a records manager."""
    from decisions.services import decision_publication_withdraw

    decision = approved_decision(user=user, **kwargs)
    return decision_publication_withdraw(user=records_manager, decision=decision, reason=reason)


def deferred_decision(*, user, until: dt.date, reason="Contract not yet signed.", **draft):
    """A complete draft whose Part 1 publication is deferred until ``until``."""
    from decisions.services import decision_public_access_set

    decision = draft_decision(user=user, **draft)
    decision_public_access_set(
        user=user, decision=decision, deferred=True, reason=reason, until=until, has_part2=False
    )
    return complete_draft(user=user, decision=decision)
