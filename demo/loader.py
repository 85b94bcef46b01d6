"""Load the demo users and the demo decisions: PCD 1406, PCD 1620, one Chief
Executive decision (CEOD) under the delegation limit, and one decision at each
stage of the workflow (demo/stages.py) so that every demo login has work.

Idempotent: users and decisions that already exist are left as they are. The
decisions are built through the same services officers use. The two PCDs are then
imported as approved with their real references, dates and signatures; the CEOD
is taken through the real workflow (submitted, cleared, approved), so its
reference comes from its series and its sign-off from the stored wording.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import ModuleType
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import User
from accounts.roles import Role
from decisions.models import Decision, SignOffRole
from decisions.services import (
    appendix_add,
    decision_approve,
    decision_clear,
    decision_import_approved,
    decision_link_create,
    decision_public_access_set,
    decision_submit,
    declaration_confirm,
    reference_reserve,
    sign_off_import,
)
from demo import ceod_mentoring, pcd_1406, pcd_1620
from demo.drafts import draft_write, envelope_write
from demo.second_factor import demo_second_factors_enrol
from demo.stages import stage_decisions_load
from funding.models import BudgetLine, ProcurementRoute
from funding.services import budget_movement_propose, commitment_create
from governance.models import OfficeHolder
from governance.services import change_request_confirm, office_holder_add_request

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class DemoUser:
    role: Role
    username: str
    first_name: str
    last_name: str
    job_title: str
    password: str  # demo only: these users can be created only when DEBUG is on


DEMO_USERS = [
    DemoUser(Role.OFFICER, "officer", "Violet", "Alvarez", "Commissioning Officer", "officer-demo-2026"),
    DemoUser(
        Role.HEAD_OF_SERVICE, "head", "Harper", "Singh", "Head of Policy and Commissioning",
        "head-demo-2026",
    ),
    DemoUser(
        Role.CHIEF_EXECUTIVE, "ceo", "Chidi", "Evans", "Chief Executive Officer", "ceo-demo-2026"
    ),
    DemoUser(
        Role.DMPC, "dmpc", "Dee", "Morgan", "Deputy Mayor for Policing and Crime", "dmpc-demo-2026"
    ),
    DemoUser(
        Role.RECORDS_MANAGER, "records", "Rory", "Mann", "Governance Manager", "records-demo-2026"
    ),
    # Two, because every change of roles, rules or office holders needs a second one
    # to confirm it.
    DemoUser(
        Role.USER_ADMIN, "useradmin", "Uma", "Adeyemi", "IT Service Manager",
        "useradmin-demo-2026",
    ),
    DemoUser(
        Role.USER_ADMIN, "useradmin2", "Ugo", "Brennan", "Information Governance Lead",
        "useradmin2-demo-2026",
    ),
]  # fmt: skip

# The demo DMPC and Chief Executive are in office since before the first demo record
# (PCD 1406, signed in March 2023), under the names and titles the demo always showed.
OFFICE_HOLDERS_SINCE = dt.date(2023, 1, 1)


def demo_users_ensure() -> dict[Role, User]:
    users = {}
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "job_title": spec.job_title,
                "email": f"{spec.username}@example.org",
                "team": "Commissioning & Partnerships",
                "is_staff": spec.role == Role.RECORDS_MANAGER,
            },
        )
        if created:
            user.set_password(spec.password)
            user._change_reason = "Demo user created"
            user.save()
        user.groups.add(Group.objects.get(name=spec.role.label))
        users.setdefault(spec.role, user)
    return users


def demo_user_admins() -> list[User]:
    names = [spec.username for spec in DEMO_USERS if spec.role == Role.USER_ADMIN]
    return list(User.objects.filter(username__in=names).order_by("username"))


def demo_office_holders_ensure(users: dict[Role, User]) -> None:
    """The demo DMPC and Chief Executive recorded in office, as a user administrator
    asks and the second confirms."""
    asker, confirmer = demo_user_admins()
    for role in (Role.CHIEF_EXECUTIVE, Role.DMPC):
        user = users[role]
        if OfficeHolder.objects.filter(role=role, user=user).exists():
            continue
        change = office_holder_add_request(
            user=asker,
            subject=user,
            role=role,
            name=user.display_name,
            title=user.job_title,
            from_date=OFFICE_HOLDERS_SINCE,
            reason="Demo data: the office holders the demo records are signed by",
        )
        change_request_confirm(user=confirmer, change=change)


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def _draft(*, data: ModuleType, officer: User) -> Decision:
    """A new draft with the data's title, summary, recommendations and Part 1."""
    return draft_write(
        officer=officer,
        type_code=data.REFERENCE_PREFIX,
        title=data.TITLE,
        summary=data.EXECUTIVE_SUMMARY,
        recommendations=data.RECOMMENDATIONS,
        sections=data.SECTIONS,
        budget_table_after=data.BUDGET_TABLE_AFTER,
    )


def _envelope(
    *, data: ModuleType, officer: User, decision: Decision, route: str, line_description: str
) -> None:
    """The draft's budget: one line holding the whole envelope, with its allocations."""
    envelope_write(
        officer=officer,
        decision=decision,
        description=data.ENVELOPE_DESCRIPTION,
        funding_source=data.FUNDING_SOURCE,
        total_pence=data.TOTAL_PENCE,
        route=route,
        line_description=line_description,
        allocations=data.ALLOCATIONS,
    )


def _build_content(*, data: ModuleType, users: dict[Role, User]) -> Decision:
    officer, head = users[Role.OFFICER], users[Role.HEAD_OF_SERVICE]
    records_manager = users[Role.RECORDS_MANAGER]
    decision = _draft(data=data, officer=officer)
    decision_public_access_set(
        user=officer,
        decision=decision,
        deferred=data.DEFERRED,
        reason=data.DEFERRAL_REASON,
        until=data.DEFERRED_UNTIL,
        has_part2=data.HAS_PART2,
    )
    for title in data.APPENDICES:
        appendix_add(user=officer, decision=decision, title=title, published=True)
    confirmed_at = _at(data.CHIEF_EXECUTIVE_SIGNED_ON, 9)
    for kind, _heading, statement in data.DECLARATIONS:
        declaration_confirm(
            user=records_manager if kind == "head_of_service" else officer,
            decision=decision,
            kind=kind,
            statement=statement,
            confirmed_by_name=(
                head.display_name if kind == "head_of_service" else data.DRAFTING_OFFICER_NAME
            ),
            confirmed_at=confirmed_at,
        )
    return decision


def _sign_and_import(
    *, data: ModuleType, decision: Decision, users: dict[Role, User], actor: User
) -> Decision:
    # The reference is part of the signed content, so it comes first.
    decision = reference_reserve(user=actor, decision=decision, number=data.REFERENCE_NUMBER)
    sign_off_import(
        user=actor,
        decision=decision,
        role=SignOffRole.CHIEF_EXECUTIVE,
        signer=users[Role.CHIEF_EXECUTIVE],
        signed_at=_at(data.CHIEF_EXECUTIVE_SIGNED_ON),
        statement=data.CHIEF_EXECUTIVE_STATEMENT,
    )
    sign_off_import(
        user=actor,
        decision=decision,
        role=SignOffRole.DMPC,
        signer=users[Role.DMPC],
        signed_at=_at(data.DMPC_SIGNED_ON),
        statement=data.DMPC_STATEMENT,
        approval_line=data.DMPC_APPROVAL_LINE,
        interests=data.DMPC_INTERESTS,
    )
    return decision_import_approved(
        user=actor,
        decision=decision,
        reference_number=data.REFERENCE_NUMBER,
        approved_at=_at(data.DMPC_SIGNED_ON),
        comment="Demo data: historical decision imported",
    )


def _load_pcd_1406(users: dict[Role, User]) -> Decision:
    data = pcd_1406
    officer, actor = users[Role.OFFICER], users[Role.RECORDS_MANAGER]
    decision = _build_content(data=data, users=users)
    _envelope(
        data=data,
        officer=officer,
        decision=decision,
        route=ProcurementRoute.OPEN_PROCUREMENT,
        line_description="New service(s) procured through an open and competitive process",
    )
    decision = _sign_and_import(data=data, decision=decision, users=users, actor=actor)
    commitment = data.ALLIANCE_COMMITMENT
    commitment_create(
        user=actor,
        line=decision.budget_envelope.lines.get(route=commitment["route"]),
        kind=commitment["kind"],
        counterparty=commitment["counterparty"],
        max_value_pence=commitment["max_value_pence"],
        awarded_on=commitment["awarded_on"],
        authorised_by=decision,
        description=commitment["description"],
    )
    return decision


def _load_pcd_1620(users: dict[Role, User], amended: Decision) -> Decision:
    data = pcd_1620
    officer, actor = users[Role.OFFICER], users[Role.RECORDS_MANAGER]
    decision = _build_content(data=data, users=users)
    decision_link_create(
        user=officer,
        decision=decision,
        target_reference=amended.reference,
        kind=data.LINK_KIND,
        description=data.LINK_DESCRIPTION,
    )
    source: BudgetLine = amended.budget_envelope.lines.get(route=ProcurementRoute.OPEN_PROCUREMENT)
    budget_movement_propose(
        user=officer,
        decision=decision,
        source_line=source,
        amount_pence=data.TOTAL_PENCE,
        route=ProcurementRoute.DIRECT_AWARD_REG_12_7,
        description=(
            "Direct award to a host local authority acting on behalf of all 32 London local "
            "authorities: access and coordination support"
        ),
        allocations=data.ALLOCATIONS,
        over_commitment_reason=(
            "The Alliance contract is let at up to £16m; the £1.8m is re-routed from the "
            "open-procurement line as the decision records."
        ),
    )
    return _sign_and_import(data=data, decision=decision, users=users, actor=actor)


def _load_ceod(users: dict[Role, User]) -> Decision:
    """Drafted by the demo officer, then submitted, cleared and approved by the demo
    people through the workflow services, as on the site."""
    data = ceod_mentoring
    officer = users[Role.OFFICER]
    decision = _draft(data=data, officer=officer)
    _envelope(
        data=data,
        officer=officer,
        decision=decision,
        route=ProcurementRoute.GRANT,
        line_description=data.LINE_DESCRIPTION,
    )
    decision_public_access_set(user=officer, decision=decision, deferred=False, has_part2=False)
    for kind, statement in data.DECLARATIONS:
        declaration_confirm(user=officer, decision=decision, kind=kind, statement=statement)
    decision = decision_submit(user=officer, decision=decision)
    decision = decision_clear(user=users[Role.HEAD_OF_SERVICE], decision=decision)
    return decision_approve(user=users[Role.CHIEF_EXECUTIVE], decision=decision)


def demo_load(*, stages: bool = True) -> dict[Role, User]:
    """Create the demo users and decisions that do not exist yet; return the users.

    ``stages=False`` leaves out the decisions at each workflow stage: most tests need
    only the published records, and the stages cost seconds per test."""
    # The CEOD's workflow emails its next actors: the demo sends none (with DEBUG
    # on they would be printed by the console backend).
    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    with quiet, transaction.atomic():
        users = demo_users_ensure()
        demo_office_holders_ensure(users)
        pcd_1406_decision = Decision.objects.with_type().by_reference("PCD", 1406).first()
        if pcd_1406_decision is None:
            pcd_1406_decision = _load_pcd_1406(users)
        if not Decision.objects.by_reference("PCD", 1620).exists():
            _load_pcd_1620(users, pcd_1406_decision)
        ceod = Decision.objects.filter(
            decision_type__code=ceod_mentoring.REFERENCE_PREFIX, title=ceod_mentoring.TITLE
        )
        if not ceod.exists():
            _load_ceod(users)
        if stages:
            stage_decisions_load(users)
        demo_second_factors_enrol()
    return users
