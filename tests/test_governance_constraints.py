"""Every database constraint of governance refuses bad data (one case each, and the
list of cases is checked against the constraints the models declare)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.models import ChangeRequest, GovernanceAuditEntry
from tests.factories import UserFactory

MINUTE = dt.timedelta(minutes=1)


def _request_row(w, **fields):
    now = timezone.now()
    values = {"kind": "role_grant", "state": "pending", "requested_by": w["a"], "reason": "R",
              "requested_at": now, "expires_at": now + dt.timedelta(days=7),
              "subject": w["x"], "role": "dmpc", **fields}  # fmt: skip
    return ChangeRequest.objects.create(**values)


def _decided(w, state, by, at=None):
    # A minute on: the request row is stamped after this is built.
    return {"state": state, "decided_by": w[by], "decided_at": at or timezone.now() + MINUTE}


def _audit_row(w, **fields):
    now = timezone.now()
    values = {"change": _request_row(w), "kind": "role_grant", "requested_by_name": "A",
              "requested_at": now, "confirmed_by_name": "B", "confirmed_at": now,
              "reason": "R", "subject": "X", "before": "", "after": "DMPC", **fields}  # fmt: skip
    return GovernanceAuditEntry.objects.create(**values)


def _holder_row(w, **fields):
    from governance.models import OfficeHolder

    values = {"role": "dmpc", "name": "N", "title": "T", "user": w["x"],
              "from_date": dt.date(2026, 1, 1), **fields}  # fmt: skip
    return OfficeHolder.objects.create(**values)


LATER = dt.timedelta(days=8)  # beyond a request's 7 days
CONSTRAINT_CASES = {
    "officeholder_role_valid": lambda w: _holder_row(w, role="officer"),
    "officeholder_dates_in_order": lambda w: _holder_row(w, to_date=dt.date(2025, 12, 31)),
    "officeholder_name_title_required": lambda w: _holder_row(w, title=""),
    "changerequest_kind_valid": lambda w: _request_row(w, kind="bogus"),
    "changerequest_state_valid": lambda w: _request_row(w, **_decided(w, "bogus", "b")),
    "changerequest_reason_required": lambda w: _request_row(w, reason=""),
    "changerequest_expires_after_request": lambda w: _request_row(
        w, expires_at=timezone.now() - dt.timedelta(days=1)
    ),
    "changerequest_decision_matches_state": lambda w: _request_row(
        w, decided_by=w["b"], decided_at=timezone.now() + MINUTE
    ),
    "changerequest_confirmer_not_requester": lambda w: _request_row(
        w, **_decided(w, "confirmed", "a")
    ),
    "changerequest_cancelled_by_requester": lambda w: _request_row(
        w, **_decided(w, "cancelled", "b")
    ),
    "changerequest_confirmed_before_expiry": lambda w: _request_row(
        w, **_decided(w, "confirmed", "b", timezone.now() + LATER)
    ),
    "changerequest_not_about_requester": lambda w: _request_row(w, subject=w["a"]),
    "changerequest_role_change_complete": lambda w: _request_row(w, role=""),
    "changerequest_rule_change_complete": lambda w: _request_row(w, kind="rule_change"),
    "changerequest_office_holder_add_complete": lambda w: _request_row(w, kind="office_holder_add"),
    "changerequest_office_holder_end_complete": lambda w: _request_row(w, kind="office_holder_end"),
    "changerequest_second_factor_reset_complete": lambda w: _request_row(
        w, kind="second_factor_reset", subject=None, role=""
    ),
    "governanceaudit_confirmed_after_request": lambda w: _audit_row(
        w, confirmed_at=timezone.now() - dt.timedelta(days=1)
    ),
    "governanceaudit_who_and_why_required": lambda w: _audit_row(w, reason=""),
}


@pytest.fixture
def world(db):
    return {"a": UserFactory(), "b": UserFactory(), "x": UserFactory()}


@pytest.mark.parametrize("name", sorted(CONSTRAINT_CASES))
def test_governance_constraint_refuses_bad_data(world, name):
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        CONSTRAINT_CASES[name](world)


def test_every_governance_constraint_has_a_case(world):
    from django.apps import apps

    declared = {
        constraint.name
        for model in apps.get_app_config("governance").get_models()
        for constraint in model._meta.constraints
    }
    assert declared == set(CONSTRAINT_CASES)
    # and the good rows of each table are accepted
    assert _request_row(world).pk and _audit_row(world).pk and _holder_row(world).pk
    assert _request_row(world, kind="second_factor_reset", role="").pk
