"""How an app built on decisions adds to every decision without decisions importing it.

`funding` depends on `decisions`, never the other way round. Where a decision
needs money (what a signer signs, the scheme of delegation, what blocks
submission, what happens at approval, the task list, the value filter, the
budget on its page), decisions asks the extensions registered here; funding
registers one in ``FundingConfig.ready()``. With none registered, a decision has
no money: value 0, nothing to sign or move.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.urls import URLPattern

    from accounts.models import User
    from decisions.models import Decision
    from decisions.selectors.drafting import Problem, Task
    from decisions.selectors.home_lists import HomeGroup


class DecisionExtension:
    """One app's part of every decision. The defaults add nothing."""

    #: The key under which ``content`` is signed in the decision's digest; an
    #: extension without one adds nothing to what is signed (every digest taken
    #: before it was registered stays as it was).
    name = ""

    def content(self, decision: Decision) -> Any:
        """What a signer signs, as JSON-serialisable data (part of the digest)."""
        return None

    def value_pence(self, decision: Decision) -> int:
        """The decision's value for the scheme of delegation."""
        return 0

    def financial_years(self, decision: Decision) -> set[int]:
        """The financial years (start years) the decision spends in, for the public
        list's financial-year filter (stored at approval with the search row)."""
        return set()

    def submission_problems(self, decision: Decision) -> list[Problem]:
        return []

    def tasks(self, decision: Decision) -> list[Task]:
        """Steps of the draft's task list, in the "Money, links and papers" group."""
        return []

    def on_approval(self, *, user: User, decision: Decision, at: dt.datetime) -> None:
        """Called inside the approval's transaction, with the decision row locked."""

    def page_parts(self, decision: Decision) -> dict[str, Any]:
        """Parts of the decision's page, preview and PDF (e.g. its budget table)."""
        return {}

    def public_page_parts(self, decision: Decision) -> dict[str, Any]:
        """Parts of the public page only, built from published records only."""
        return {}

    def amendment_notes(self, decision: Decision, amending: list[Decision]) -> dict[int, str]:
        """What each of ``amending`` (published decisions that amend or supersede
        ``decision``) changed, in a few words for the lifecycle on the public page
        ("£1,800,000 moved to a direct award"), by the amending decision's pk."""
        return {}

    def drafting_urls(self) -> list[URLPattern]:
        """Pages of the work area, under /work/ in the ``drafting`` namespace."""
        return []

    def records_work(self, user: User) -> list[HomeGroup]:
        """Lists of a records manager's work this app adds to their home pages (the
        work area and the back office), read in a fixed number of queries."""
        return []


_registry: list[DecisionExtension] = []


def register(extension: DecisionExtension) -> None:
    if all(type(existing) is not type(extension) for existing in _registry):
        _registry.append(extension)


def registered() -> tuple[DecisionExtension, ...]:
    return tuple(_registry)


def decision_content(decision: Decision) -> dict[str, Any]:
    return {ext.name: ext.content(decision) for ext in _registry if ext.name}


def decision_value_pence(decision: Decision) -> int:
    return sum(extension.value_pence(decision) for extension in _registry)


def decision_financial_years(decision: Decision) -> set[int]:
    return {year for extension in _registry for year in extension.financial_years(decision)}


def submission_problems(decision: Decision) -> list[Problem]:
    return [problem for ext in _registry for problem in ext.submission_problems(decision)]


def tasks(decision: Decision) -> list[Task]:
    return [task for extension in _registry for task in extension.tasks(decision)]


def on_approval(*, user: User, decision: Decision, at: dt.datetime) -> None:
    for extension in _registry:
        extension.on_approval(user=user, decision=decision, at=at)


def page_parts(decision: Decision) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    for extension in _registry:
        parts.update(extension.page_parts(decision))
    return parts


def public_page_parts(decision: Decision) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    for extension in _registry:
        parts.update(extension.public_page_parts(decision))
    return parts


def amendment_notes(decision: Decision, amending: list[Decision]) -> dict[int, str]:
    notes: dict[int, list[str]] = {}
    for extension in _registry:
        for pk, note in extension.amendment_notes(decision, amending).items():
            notes.setdefault(pk, []).append(note)
    return {pk: "; ".join(parts) for pk, parts in notes.items()}


def drafting_urls() -> list[URLPattern]:
    return [pattern for extension in _registry for pattern in extension.drafting_urls()]


def records_work(user: User) -> list[HomeGroup]:
    return [group for extension in _registry for group in extension.records_work(user)]
