"""The originating officer declaration: eight rows, each a statement and a tick."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.audit import save_audited
from decisions.models import REVIEWER_DECLARATIONS, Decision, DeclarationKind, OfficerDeclaration
from decisions.selectors.versions import declarations_version
from decisions.services.drafting import (
    decision_lock_for_edit,
    decision_lock_for_import,
    decision_touch,
    text_checked,
    version_check,
)


def _apply(
    declaration: OfficerDeclaration,
    *,
    user: User,
    statement: str | None,
    confirmed: bool,
    confirmed_by_name: str | None = None,
    confirmed_at: dt.datetime | None = None,
) -> bool:
    """Set one row; True if anything changed."""
    before = (declaration.statement, declaration.is_confirmed)
    if statement is not None:
        declaration.statement = text_checked(
            statement, field=f"{declaration.kind}-statement", label="the statement", limit=2_000
        )
    if confirmed and not declaration.is_confirmed:
        declaration.confirmed_by = user
        declaration.confirmed_by_name = confirmed_by_name or user.display_name
        declaration.confirmed_at = confirmed_at or timezone.now()
    elif not confirmed:
        declaration.confirmed_by, declaration.confirmed_by_name = None, ""
        declaration.confirmed_at = None
    if (declaration.statement, declaration.is_confirmed) == before:
        return False
    verb = "confirmed" if declaration.is_confirmed else "edited"
    save_audited(declaration, user=user, reason=f"{declaration.heading} {verb}")
    return True


@transaction.atomic
def declarations_set(
    *,
    user: User,
    decision: Decision,
    answers: dict[str, tuple[str, bool]],
    expected_version: str | None = None,
) -> Decision:
    """Save the officer's rows: kind -> (statement, confirmed). Reviewer rows are skipped.

    ``expected_version``: the officer rows' version the form showed."""
    locked = decision_lock_for_edit(decision, user=user)
    version_check(
        expected=expected_version,
        current=declarations_version(locked),
        what="The declaration",
        # Several rows: the newest save of any of them.
        history=OfficerDeclaration.history.filter(decision_id=locked.pk).exclude(
            kind__in=REVIEWER_DECLARATIONS
        ),
    )
    changed = False
    for declaration in locked.declarations.all():
        if declaration.kind in REVIEWER_DECLARATIONS or declaration.kind not in answers:
            continue
        statement, confirmed = answers[declaration.kind]
        changed |= _apply(declaration, user=user, statement=statement, confirmed=confirmed)
    if changed:
        decision_touch(locked, user=user, reason="Originating officer declaration saved")
    return locked


@transaction.atomic
def declaration_confirm(
    *,
    user: User,
    decision: Decision,
    kind: str,
    statement: str | None = None,
    confirmed_by_name: str | None = None,
    confirmed_at: dt.datetime | None = None,
) -> OfficerDeclaration:
    """Tick one row (optionally rewording it). The drafting officers tick their rows;
    the Head of Service's row is ticked by clearing, or by a records manager
    recording a historical decision as it was signed."""
    if DeclarationKind(kind) in REVIEWER_DECLARATIONS:
        locked = decision_lock_for_import(decision, user=user)
    else:
        locked = decision_lock_for_edit(decision, user=user)
    declaration = locked.declarations.get(kind=DeclarationKind(kind))
    _apply(
        declaration,
        user=user,
        statement=statement,
        confirmed=True,
        confirmed_by_name=confirmed_by_name,
        confirmed_at=confirmed_at,
    )
    decision_touch(locked, user=user, reason=f"{declaration.heading} confirmed")
    return declaration
