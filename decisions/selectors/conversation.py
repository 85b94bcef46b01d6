"""The conversation on a decision, as its internal pages show it: every comment
anyone wrote on it (the officer's note when submitting, a reviewer's reason for
returning or rejecting, and the comments in between), oldest first. Internal only:
no public selector reads comments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.roles import Role
from core.dates import uk_datetime
from decisions.models import Decision, SignOffRole
from decisions.workflow import COMMENT_ACTION, TRANSITIONS

# How each role is named beside what its holder wrote: signers by the title they
# sign with ("Deputy Mayor for Policing and Crime", not "DMPC").
_ROLE_TITLES = {
    **{role.value: role.label for role in Role},
    **{role.value: role.label for role in SignOffRole},
}


def role_title(role: str) -> str:
    return _ROLE_TITLES.get(role, "")


# `1 March 2024, 10:42`, in the office's time zone.
when_format = uk_datetime


@dataclass(frozen=True)
class ConversationEntry:
    who: str
    role: str
    when: dt.datetime
    # What the writer was doing: "Comment", or the step it came with ("Returned").
    kind: str
    text: str

    @property
    def when_text(self) -> str:
        return when_format(self.when)

    @property
    def is_comment(self) -> bool:
        return self.kind == "Comment"


# What a comment that came with a step is, in words.
_KINDS = {
    COMMENT_ACTION: "Comment",
    "submit": "Note for the reviewers",
    "return": "Returned to the officer",
    "reject": "Reason for rejecting",
    "withdraw": "Reason for withdrawing",
}


def _kind(action: str) -> str:
    if action in _KINDS:
        return _KINDS[action]
    transition = TRANSITIONS.get(action)
    if transition is None:
        return action.capitalize()
    return transition.past_participle.capitalize()


def decision_conversation(decision: Decision) -> list[ConversationEntry]:
    """Every event of the decision that carries a comment, oldest first."""
    events = decision.events.exclude(comment="").order_by("created_at", "pk")
    return [
        ConversationEntry(
            who=event.actor_name,
            role=role_title(event.actor_role),
            when=event.created_at,
            kind=_kind(event.action),
            text=event.comment,
        )
        for event in events
    ]
