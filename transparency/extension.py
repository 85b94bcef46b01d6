"""Transparency's part of every decision, through decisions/extensions.py."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse

from decisions.extensions import DecisionExtension

if TYPE_CHECKING:
    from accounts.models import User
    from decisions.models import Decision


class TransparencyExtension(DecisionExtension):
    # No name: nothing of ours is signed, so every decision's digest is unchanged.

    def on_approval(self, *, user: User, decision: Decision, at: dt.datetime) -> None:
        """Queue a checkpoint once the approval has committed: nothing of it runs, or
        is written, while the approval holds its locks. (Lost only if the process
        dies between the commit and the queueing: the daily checkpoint covers it.)"""
        from transparency.tasks import checkpoint_after_approval

        transaction.on_commit(checkpoint_after_approval.enqueue)

    def public_page_parts(self, decision: Decision) -> dict[str, Any]:
        # A link only: no query, so the page costs what it did.
        return {
            "inclusion_proof_url": reverse(
                "transparency:inclusion", kwargs={"slug": decision.slug}
            ),
            "checkpoints_url": reverse("transparency:index"),
        }
