"""Internal reports name only decisions the reader may open: a deferred decision is
in them for the people the policy lets see it, and for nobody else."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from decisions import policy
from funding.services import LineSpec, envelope_create
from tests.factories import approved_decision, deferred_decision
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

TITLE = "Deferred grant to a named provider"
YEAR, AMOUNT = 2031, 123_456_00


@pytest.fixture
def deferred(other_officer):
    draft = deferred_decision(
        user=other_officer, until=timezone.localdate() + dt.timedelta(days=60), title=TITLE
    )
    envelope_create(
        user=other_officer, decision=draft, description="Grant", funding_source="Core",
        total_pence=AMOUNT, lines=[LineSpec("grant", AMOUNT, allocations={YEAR: AMOUNT})],
    )  # fmt: skip
    return approved_decision(user=other_officer, decision=draft)


def test_an_officer_who_cannot_open_a_deferred_decision_does_not_see_it_in_reports(
    client, officer, other_officer, deferred
):
    assert not policy.can_see(officer, deferred)
    client.force_login(officer)
    for address in ("/work/reports/financial-years/", "/work/reports/financial-years.csv"):
        response = client.get(address)
        assert response.status_code == 200
        text = page_text(response)
        # The reference as a whole word ("PCD 1" is in the page's "like PCD 1406").
        assert TITLE not in text and not re.search(rf"\b{deferred.reference}\b", text)
    assert client.get(f"/work/reports/envelopes/{deferred.slug}/").status_code == 404
    # Its drafter may open it, so it is in their report.
    assert policy.can_see(other_officer, deferred)
    client.force_login(other_officer)
    text = page_text(client.get("/work/reports/financial-years/"))
    assert re.search(rf"\b{deferred.reference}\b", text)
    assert client.get(f"/work/reports/envelopes/{deferred.slug}/").status_code == 200
