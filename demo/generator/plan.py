"""One generated decision: its path through the workflow and every row the
services would have written on that path (decision, sections, paragraphs,
recommendations, declarations, Part 2, budget, links, sign-offs, events, history).

Times follow the path: created, then each step a few days later. Events carry
those times too, as if each service had run then (the demo stamps its imports
with the time of loading instead).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from decisions.models import (
    DECLARATION_ORDER,
    DEFAULT_DECLARATION_STATEMENTS,
    Decision,
    DecisionEvent,
    DecisionLink,
    DeclarationKind,
    OfficerDeclaration,
    Paragraph,
    Part2,
    Recommendation,
    Section,
    SectionKind,
)
from decisions.models.types import DecisionType
from decisions.workflow import TRANSITIONS, State
from demo.generator import words
from demo.generator.batch import Batch
from demo.generator.content import Content, content_digest
from demo.generator.context import TYPE_SHARES, Person, TypeInfo
from demo.generator.money import budget_write
from demo.generator.signing import approval_write, sign_write

# (path, share): the steps each decision has been through. Most are approved.
PATHS = (
    (("create",), 0.02),
    (("create", "submit", "return"), 0.02),
    (("create", "submit"), 0.02),
    (("create", "submit", "clear"), 0.02),
    (("create", "submit", "clear", "sign"), 0.02),
    (("create", "submit", "clear", "sign", "reject"), 0.02),
    (("create", "withdraw"), 0.01),
    (("create", "submit", "return", "withdraw"), 0.01),
    (("create", "submit", "clear", "sign", "approve"), 0.86),
)
_SHARE_DEFERRED, _SHARE_PART2, _SHARE_TAKEN_DOWN, _SHARE_AMENDS = 0.05, 0.08, 0.005, 0.06
_SHARE_BUDGET = 0.4
# The first decisions take each path in turn (PCDs, so that every state occurs), then
# the next ones each have one feature: any count from 16 has every case to test.
_FEATURES = ("deferred_past", "deferred_future", "part2", "taken_down", "amends", "budget",
             "ceod")  # fmt: skip
# A fixed span, so a seed always gives the same data; future deferrals end in 2027-28.
TIMELINE_END = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
FUTURE_DEFERRALS = (dt.date(2027, 3, 1), dt.date(2028, 12, 31))

# Ends every generated summary: says what it is on its page, and finds generated ones.
GENERATED_MARK = "Generated for benchmarking."

COMMENTS = {
    "return": "Please add the findings of the equality impact assessment and confirm the "
    "budget with Finance before you resubmit.",
    "reject": "The case for funding is not made: the evaluation of the previous phase is "
    "not yet available.",
    "withdraw": "The partner has withdrawn its bid; the programme will be proposed again "
    "under a new decision.",
}


@dataclass
class Step:
    action: str
    at: dt.datetime
    actor: Person
    role: str


@dataclass
class Plan:
    """What is known about a decision while its rows are written."""

    index: int
    type: TypeInfo
    decision: dict
    content: Content
    feature: str = ""
    steps: list[Step] = field(default_factory=list)
    sign_offs: list[dict] = field(default_factory=list)


def _pick(rng: random.Random, options):
    point, total = rng.random(), 0.0
    for value, share in options:
        total += share
        if point < total:
            return value
    return options[-1][0]


def _steps(rng: random.Random, path: tuple[str, ...], plan: Plan, batch: Batch) -> list[Step]:
    context, type_info = batch.context, plan.type
    at = plan.decision["created_at"]
    steps = []
    for action in path:
        if action != "create":
            at += dt.timedelta(days=rng.randint(1, 6), minutes=rng.randint(1, 600))
        if action in ("create", "submit", "withdraw"):
            actor, role = context.officer, ("officer" if action != "create" else "")
        elif action == "clear" or (action == "return" and steps[-1].action == "submit"):
            actor, role = context.head, "head_of_service"
        else:
            role = type_info.final_approver if action != "sign" else "chief_executive"
            actor = context.signers[role].user
        if action == "sign" and type_info.final_approver == "chief_executive":
            continue  # the Chief Executive approves a CEOD straight from cleared
        steps.append(Step(action, at, actor, role))
    return steps


def _text_rows(rng: random.Random, plan: Plan, batch: Batch, *, has_budget: bool) -> None:
    """Sections (all nine, as decision_create makes them), paragraphs, recommendations."""
    officer, at = batch.context.officer.id, plan.decision["created_at"]
    decision_id = plan.decision["id"]
    for kind in SectionKind:
        batch.add(Section, reason="Draft created", user=officer, at=at,
                  decision_id=decision_id, kind=kind.value)  # fmt: skip
    for _ in range(rng.randint(1, 5)):
        text = words.recommendation(rng)
        plan.content.recommendations.append(text)
    sections_ids = {row["kind"]: row["id"] for row in batch.live[Section][-9:]}
    for kind in SectionKind:
        wanted = kind in (SectionKind.INTRODUCTION, SectionKind.ISSUES) or rng.random() < 0.5
        if kind == SectionKind.FINANCIAL and has_budget:
            wanted = True
        count = rng.randint(2, 8) if wanted else 0
        follows_at = rng.randint(1, count) if kind == SectionKind.FINANCIAL and has_budget else 0
        plan.content.sections[kind.value] = [
            (words.paragraph(rng), position == follows_at) for position in range(1, count + 1)
        ]
    # Written in the order an officer adds them: recommendations, then paragraphs.
    for position, text in enumerate(plan.content.recommendations, start=1):
        at += dt.timedelta(seconds=rng.randint(20, 600))
        batch.add(Recommendation, reason=f"Recommendation {position} added", user=officer,
                  at=at, decision_id=decision_id, position=position, text=text)  # fmt: skip
    for kind, paragraphs in plan.content.sections.items():
        for position, (text, follows) in enumerate(paragraphs, start=1):
            at += dt.timedelta(seconds=rng.randint(20, 600))
            batch.add(Paragraph, reason=f"Paragraph {kind}.{position} added", user=officer,
                      at=at, section_id=sections_ids[kind], position=position, text=text,
                      budget_table_follows=follows)  # fmt: skip


def _declarations(plan: Plan, batch: Batch) -> dict[str, dict]:
    officer = batch.context.officer
    rows = {}
    for kind in DeclarationKind:
        statement = DEFAULT_DECLARATION_STATEMENTS[kind].format(officer=officer.name)
        rows[kind.value] = batch.add(
            OfficerDeclaration, reason="Draft created", user=officer.id,
            at=plan.decision["created_at"], decision_id=plan.decision["id"], kind=kind.value,
            position=DECLARATION_ORDER[kind], statement=statement,
        )  # fmt: skip
        plan.content.declarations.append((kind.value, statement))
    return rows


def _confirm(batch: Batch, row: dict, *, person: Person, at: dt.datetime) -> None:
    row.update(confirmed_by_id=person.id, confirmed_by_name=person.name, confirmed_at=at)
    label = DeclarationKind(row["kind"]).label
    batch.record(OfficerDeclaration, row, kind="~", reason=f"{label} confirmed",
                 user=person.id, at=at)  # fmt: skip


def _public_access(rng: random.Random, plan: Plan, batch: Batch, path, at) -> None:
    decision, officer = plan.decision, batch.context.officer.id
    deferred = "approve" in path and rng.random() < _SHARE_DEFERRED
    deferred = deferred or plan.feature.startswith("deferred")
    if deferred:
        approved_on = (decision["created_at"] + dt.timedelta(days=30)).date()
        past = rng.random() < 0.5
        if plan.feature == "deferred_past" or (past and plan.feature != "deferred_future"):
            until = approved_on + dt.timedelta(days=rng.randint(30, 200))
        else:
            first, last = FUTURE_DEFERRALS
            until = first + dt.timedelta(days=rng.randint(0, (last - first).days))
        decision.update(deferred=True, deferred_until=until, deferral_reason=(
            "Publication would prejudice a procurement that is still running."))  # fmt: skip
    else:
        decision["deferred"] = False
    decision["has_part2"] = rng.random() < _SHARE_PART2 or plan.feature == "part2"
    decision["version"] += 1
    batch.record(Decision, decision, kind="~", reason="Public access answers set",
                 user=officer, at=at)  # fmt: skip
    if decision["has_part2"]:
        part2 = batch.add(Part2, reason="Part 2 saved", user=officer, at=at,
                          decision_id=decision["id"], content=words.paragraph(rng),
                          legal_rationale="Exempt under section 43 of the Freedom of "
                          "Information Act 2000: commercial interests.")  # fmt: skip
        plan.content.part2 = (part2["content"], part2["legal_rationale"])
    plan.content.deferral = (decision["deferred"], decision["deferral_reason"],
                             until.isoformat() if deferred else None)  # fmt: skip


def _reference(plan: Plan, batch: Batch, step: Step) -> None:
    type_info, decision = plan.type, plan.decision
    type_info.last_number += 1
    number = type_info.last_number
    series = {**type_info.row, "last_number": number}
    reason = f"Reference {type_info.code} {number} issued"
    batch.record(DecisionType, series, kind="~", reason=reason, user=step.actor.id, at=step.at)
    batch.series[type_info.id] = number
    decision["reference_number"] = number
    plan.content.reference = f"{type_info.code} {number}"
    batch.record(Decision, decision, kind="~", reason=f"Reference {plan.content.reference} "
                 "assigned", user=step.actor.id, at=step.at)  # fmt: skip


def _event(batch: Batch, plan: Plan, step: Step, *, digest: str, source: str, target: str,
           action: str | None = None, comment: str = "") -> None:  # fmt: skip
    event = DecisionEvent(
        id=batch.context.take_id(DecisionEvent._meta.db_table), decision_id=plan.decision["id"],
        action=action or step.action, from_state=source, to_state=target,
        actor_id=step.actor.id, actor_name=step.actor.name, actor_role=step.role,
        comment=comment, content_digest=digest, created_at=step.at,
    )  # fmt: skip
    batch.events.append(event)


def decision_write(rng: random.Random, batch: Batch, index: int, count: int) -> Plan:
    context = batch.context
    type_code = _pick(rng, TYPE_SHARES)
    path = _pick(rng, PATHS)
    feature = ""
    if index < len(PATHS):
        type_code, path = "PCD", PATHS[index][0]
    elif index < len(PATHS) + len(_FEATURES):
        feature, path = _FEATURES[index - len(PATHS)], PATHS[-1][0]
        type_code = "CEOD" if feature == "ceod" else "PCD"
    type_info = context.types[type_code]
    span = (TIMELINE_END - context.start).total_seconds()
    created = context.start + dt.timedelta(seconds=span * index / max(count, 1))
    created += dt.timedelta(seconds=rng.randint(0, 3600))
    title = words.title(rng, created.year)
    decision = batch.new(
        Decision, decision_type_id=type_info.id, reference_number=None, title=title,
        executive_summary=f"{words.summary(rng, title)} {GENERATED_MARK}", state=State.DRAFT,
        drafted_by_id=context.officer.id, created_at=created, updated_at=created,
        version=1, search_text="", search_vector=None,
    )  # fmt: skip
    plan = Plan(
        index, type_info, decision, Content(type_info.code, title, decision["executive_summary"])
    )
    plan.feature = feature
    plan.steps = _steps(rng, path, plan, batch)
    batch.record(Decision, decision, kind="+", reason="Draft created", user=context.officer.id,
                 at=created)  # fmt: skip
    declarations = _declarations(plan, batch)
    plan.content.sections = {kind.value: [] for kind in SectionKind}
    _event(batch, plan, plan.steps[0], digest=content_digest(plan.content), source="",
           target=State.DRAFT)  # fmt: skip
    has_budget = rng.random() < _SHARE_BUDGET or feature == "budget"
    _text_rows(rng, plan, batch, has_budget=has_budget)
    decision["version"] += len(plan.content.recommendations) + sum(
        len(p) for p in plan.content.sections.values())  # fmt: skip
    if has_budget:
        budget_write(rng, plan, batch)
    submitted = len(plan.steps) > 1 and plan.steps[1].action == "submit"
    answer_at = plan.steps[1].at - dt.timedelta(hours=1) if len(plan.steps) > 1 else created
    if submitted or rng.random() < 0.5:
        _public_access(rng, plan, batch, path, answer_at)
    if submitted:
        for kind, row in declarations.items():
            if kind != DeclarationKind.HEAD_OF_SERVICE:
                _confirm(batch, row, person=context.officer, at=answer_at)
    amends = rng.random() < _SHARE_AMENDS or feature == "amends"
    if "approve" in path and amends and batch.context.approved:
        target_id, target_ref = rng.choice(batch.context.approved[-500:])
        description = "Amends the funding and the delivery timetable."
        batch.add(DecisionLink, reason="Link added", user=context.officer.id, at=answer_at,
                  source_id=decision["id"], target_id=target_id, kind="amends",
                  description=description)  # fmt: skip
        plan.content.links.append(("amends", target_ref, description))
    _workflow(rng, plan, batch, declarations)
    return plan


def _workflow(rng: random.Random, plan: Plan, batch: Batch, declarations) -> None:
    decision, state = plan.decision, State.DRAFT
    digest = None
    for step in plan.steps[1:]:
        transition = TRANSITIONS[step.action]
        if step.action == "submit" and decision["reference_number"] is None:
            _reference(plan, batch, step)
        if digest is None:
            digest = content_digest(plan.content)
        if step.action == "clear":
            _confirm(batch, declarations[DeclarationKind.HEAD_OF_SERVICE], person=step.actor,
                     at=step.at)  # fmt: skip
        elif step.action == "sign":
            sign_write(plan, batch, step, digest=digest)
        elif step.action == "approve":
            sign_write(plan, batch, step, digest=digest)
            decision["approved_at"] = step.at
        elif step.action == "return":
            decision["version"] += 1
        source, state = state, transition.target
        decision["state"] = state
        label = transition.label.format(approver=plan.type.approver_title)
        batch.record(Decision, decision, kind="~", reason=f"{label}: {source} → {state}",
                     user=step.actor.id, at=step.at)  # fmt: skip
        _event(batch, plan, step, digest=digest, source=source, target=state,
               comment=COMMENTS.get(step.action, ""))  # fmt: skip
        decision["updated_at"] = step.at
    if state == State.APPROVED:
        approval_write(
            rng,
            plan,
            batch,
            digest=digest,
            taken_down=1.0 if plan.feature == "taken_down" else _SHARE_TAKEN_DOWN,
        )
