"""Reads for officers: the drafts they may see, the task list, what blocks submission.
(Their home page's lists are in decisions/selectors/homes.py.)"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.text import slugify

from accounts.models import User
from decisions import extensions, policy
from decisions.models import REVIEWER_DECLARATIONS, Decision, Part2, SectionKind

# Part 1 sections that must have at least one paragraph before submission.
REQUIRED_SECTIONS = tuple(kind for kind in SectionKind if kind != SectionKind.BACKGROUND)

COMPLETED, IN_PROGRESS, NOT_STARTED = "Completed", "In progress", "Not started"
CANNOT_START, OPTIONAL = "Cannot start yet", "Optional"


def decisions_for_officer(user: User) -> QuerySet[Decision]:
    """Decisions the officer drafted or that were shared with them."""
    return Decision.objects.filter(Q(drafted_by=user) | Q(shared_with=user)).distinct().with_type()


def decision_for_officer(user: User, pk: int) -> Decision | None:
    if not policy.is_officer(user):
        return None
    return decisions_for_officer(user).filter(pk=pk).first()


@dataclass(frozen=True)
class Problem:
    """Something that stops a draft being submitted, with a link to where to fix it."""

    text: str
    href: str


def _step(decision: Decision, name: str, anchor: str = "", **kwargs) -> str:
    url = reverse(f"drafting:{name}", kwargs={"pk": decision.pk, **kwargs})
    return f"{url}#{anchor}" if anchor else url


def submission_problems(decision: Decision) -> list[Problem]:
    """Everything the officer must still do before the draft can be submitted."""
    problems = []
    if not decision.title:
        problems.append(Problem("Enter a title", _step(decision, "summary", "id_title")))
    if not decision.executive_summary:
        problems.append(
            Problem(
                "Enter an executive summary",
                _step(decision, "summary", "id_executive_summary"),
            )
        )
    if not decision.recommendations.exists():
        problems.append(
            Problem(
                "Add at least one recommendation", _step(decision, "recommendations", "id_text")
            )
        )
    filled = set(decision.sections.filter(paragraphs__isnull=False).values_list("kind", flat=True))
    for kind in REQUIRED_SECTIONS:
        if kind not in filled:
            problems.append(
                Problem(
                    f"Add a paragraph to section {kind}: {kind.label}",
                    _step(decision, "section", "id_text", kind=int(kind)),
                )
            )
    if decision.deferred is None or decision.has_part2 is None:
        problems.append(
            Problem(
                "Answer the public access questions (Part 1 deferral and Part 2)",
                _step(decision, "public_access", "id_deferred"),
            )
        )
    if decision.has_part2 and not Part2.objects.filter(decision=decision).exists():
        problems.append(Problem("Write the Part 2 content", _step(decision, "part2", "id_content")))
    problems += extensions.submission_problems(decision)
    for declaration in decision.declarations.all():
        if declaration.kind in REVIEWER_DECLARATIONS or declaration.is_confirmed:
            continue
        problems.append(
            Problem(
                f"Confirm the {declaration.heading} declaration",
                _step(decision, "declarations", f"id_{declaration.kind}-confirmed"),
            )
        )
    return problems


@dataclass(frozen=True)
class Task:
    title: str
    href: str | None
    status: str
    hint: str = ""
    # Counted in "X of Y required tasks done". Optional steps (and steps an
    # extension adds, unless it says otherwise) are not.
    required: bool = False

    @property
    def status_classes(self) -> str:
        return "govuk-tag--grey" if self.status in (OPTIONAL, NOT_STARTED) else ""


@dataclass(frozen=True)
class TaskGroup:
    title: str
    tasks: list[Task]

    @property
    def slug(self) -> str:
        return slugify(self.title)


@dataclass(frozen=True)
class TaskProgress:
    """How many of the draft's required tasks are completed."""

    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done == self.total


def task_progress(groups: list[TaskGroup]) -> TaskProgress:
    required = [task for group in groups for task in group.tasks if task.required]
    return TaskProgress(sum(task.status == COMPLETED for task in required), len(required))


def decision_tasks(decision: Decision) -> list[TaskGroup]:
    """The draft's steps in the form's order, with their status (GOV.UK task list)."""
    paragraphs = {
        section.kind: len(section.paragraphs.all())
        for section in decision.sections.prefetch_related("paragraphs")
    }
    recommendations = decision.recommendations.count()
    links = decision.links_out.count()
    appendices = decision.appendices.count()
    declarations = [d for d in decision.declarations.all() if d.kind not in REVIEWER_DECLARATIONS]
    confirmed = sum(d.is_confirmed for d in declarations)

    def status(done: bool, started: bool) -> str:
        return COMPLETED if done else IN_PROGRESS if started else NOT_STARTED

    def count(number: int, noun: str) -> str:
        return f"{number} {noun}{'' if number == 1 else 's'}" if number else ""

    def section_task(kind: SectionKind) -> Task:
        number = paragraphs.get(kind, 0)
        required = kind in REQUIRED_SECTIONS
        return Task(
            f"{kind}. {kind.label}",
            _step(decision, "section", kind=int(kind)),
            status(number > 0, False) if required else (COMPLETED if number else OPTIONAL),
            count(number, "paragraph"),
            required=required,
        )

    groups = [
        TaskGroup(
            "About the decision",
            [
                Task(
                    "Title and executive summary",
                    _step(decision, "summary"),
                    status(bool(decision.title and decision.executive_summary), True),
                    required=True,
                ),
                Task(
                    "Recommendations",
                    _step(decision, "recommendations"),
                    status(recommendations > 0, False),
                    count(recommendations, "recommendation"),
                    required=True,
                ),
            ],
        ),
        TaskGroup("Part 1: facts and advice", [section_task(kind) for kind in SectionKind]),
        TaskGroup(
            "Money, links and papers",
            [
                *extensions.tasks(decision),
                Task(
                    "Related decisions",
                    _step(decision, "links"),
                    COMPLETED if links else OPTIONAL,
                    count(links, "link"),
                ),
                Task(
                    "Appendices and background papers",
                    _step(decision, "appendices"),
                    COMPLETED if appendices else OPTIONAL,
                    count(appendices, "appendix").replace("appendixs", "appendices"),
                ),
            ],
        ),
        TaskGroup("Publication", _publication_tasks(decision, status)),
        TaskGroup(
            "Declarations",
            [
                Task(
                    "Originating officer declaration",
                    _step(decision, "declarations"),
                    status(confirmed == len(declarations), confirmed > 0),
                    f"{confirmed} of {len(declarations)} confirmed",
                    required=True,
                )
            ],
        ),
    ]
    return groups


def _publication_tasks(decision: Decision, status) -> list[Task]:
    """Public access, then Part 2: needed only once the officer has answered that there
    is one, and it cannot be written before that question is answered."""
    tasks = [
        Task(
            "Public access to information",
            _step(decision, "public_access"),
            status(decision.deferred is not None and decision.has_part2 is not None, False),
            required=True,
        )
    ]
    if decision.has_part2 is None:
        tasks.append(
            Task(
                "Part 2 (confidential)",
                None,
                CANNOT_START,
                "Answer the public access questions first: is there a Part 2 form?",
            )
        )
    elif decision.has_part2:
        tasks.append(
            Task(
                "Part 2 (confidential)",
                _step(decision, "part2"),
                status(Part2.objects.filter(decision=decision).exists(), False),
                required=True,
            )
        )
    return tasks


def decision_for_internal_user(user: User, pk: int) -> Decision | None:
    """Officers see their own and shared decisions; reviewers what reached them."""
    decision = Decision.objects.with_type().filter(pk=pk).first()
    return decision if decision is not None and policy.can_see(user, decision) else None
