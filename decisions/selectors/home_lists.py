"""What the home pages list, whoever they are for: groups of rows, each a decision
with where it links, since when, and who has it (or what became of it). Built by
decisions/selectors/homes.py (officers and reviewers), records_work.py (records
managers) and the apps built on decisions (``extensions.records_work``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from accounts.roles import Role
from decisions.models import Decision, SignOffRole

# Bounded lists: a home page never reads every decision.
RECENT_LIMIT = 10
RECORDS_LIMIT = 20


@dataclass(frozen=True)
class HomeRow:
    """One decision in a group: where it links, since when, and who has it (or what
    became of it)."""

    decision: Decision
    title: str
    href: str
    when: dt.date | dt.datetime | None
    detail: str = ""
    # Said before the date instead of the group's own word (e.g. "Publishes on").
    when_label: str = ""
    detail_href: str = ""
    # Said under the title, quoted: e.g. the comment a reviewer returned it with, and
    # who said it.
    note: str = ""
    note_by: str = ""

    @property
    def reference(self) -> str:
        return self.decision.reference


@dataclass(frozen=True)
class HomeGroup:
    slug: str
    heading: str
    rows: list[HomeRow]
    # The words before each row's date ("Submitted 1 March 2024") and its detail
    # ("With Harper Singh (Head of Service)").
    when_heading: str = "Since"
    detail_heading: str = "With"
    # Said above the rows, e.g. what the records manager is asked to do.
    hint: str = ""
    # When the list is cut short: how many there are in all.
    total: int | None = None

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def role_title(role: str) -> str:
    """A role as people name it: the signers by their titles, the others by the role."""
    if role in SignOffRole.values:
        return SignOffRole(role).label
    if role in Role.values:
        return Role(role).label
    return ""


def work_url(name: str, decision: Decision) -> str:
    return reverse(f"drafting:{name}", kwargs={"pk": decision.pk})
