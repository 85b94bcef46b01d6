"""The public access step: the deferral reason and date are asked under "Yes" (GOV.UK
conditional reveal, shown without JavaScript), what is typed under "No" is ignored,
and date errors name the date plainly and mark only the boxes that are wrong."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.urls import reverse

from core.forms import GovukDateField
from decisions.models import Decision
from decisions.services import decision_public_access_set
from tests.factories import draft_decision
from tests.helpers import page_text


class _Elements(HTMLParser):
    """Each element's attributes, and which conditional block (by id) it sits in."""

    def __init__(self, html):
        super().__init__()
        self.elements, self._open = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        inside = next((c for _, c in reversed(self._open) if c), "")
        self.elements.append((tag, attrs, inside))
        if tag == "div":
            classes = attrs.get("class", "").split()
            self._open.append((tag, attrs["id"] if "govuk-radios__conditional" in classes else ""))

    def handle_endtag(self, tag):
        if tag == "div":
            self._open.pop()

    def by_id(self, id_):
        (match,) = [(attrs, inside) for _, attrs, inside in self.elements if attrs.get("id") == id_]
        return match


def url(decision):
    return reverse("drafting:public_access", kwargs={"pk": decision.pk})


@pytest.fixture
def draft(officer):
    return draft_decision(user=officer)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def post(client, decision, **data):
    """Post the step as a person would: with the version of the step as shown."""
    version = client.get(url(decision)).context["form"]["version"].value()
    return client.post(url(decision), {"version": version, **data})


@pytest.mark.django_db
def test_deferral_questions_sit_under_yes_hidden_until_chosen(officer_client, draft):
    page = _Elements(officer_client.get(url(draft)).content.decode())
    yes = page.by_id("id_deferred")[0]
    assert yes["value"] == "yes"
    block, _ = page.by_id(yes["data-reveal"])
    # Hidden with GOV.UK Frontend's JavaScript until "Yes"; the class hides it only
    # when JavaScript runs (govuk-frontend-supported), so without it they show.
    assert block["class"].split() == [
        "govuk-radios__conditional",
        "govuk-radios__conditional--hidden",
    ]
    for field in ("id_deferral_reason", "id_deferred_until", "id_deferred_until_year"):
        assert page.by_id(field)[1] == yes["data-reveal"]
    assert "data-reveal" not in page.by_id("id_deferred-2")[0]  # "No"
    part2_yes = page.by_id("id_has_part2")[0]
    assert part2_yes["value"] == "yes" and "data-reveal" in part2_yes


@pytest.mark.django_db
def test_a_deferred_draft_opens_with_its_answers_showing(officer_client, officer, draft):
    until = dt.date.today() + dt.timedelta(days=30)
    decision_public_access_set(
        user=officer, decision=draft, deferred=True, reason="Talks", until=until, has_part2=False
    )
    page = _Elements(officer_client.get(url(draft)).content.decode())
    yes = page.by_id("id_deferred")[0]
    assert "checked" in yes
    block, _ = page.by_id(yes["data-reveal"])
    assert "govuk-radios__conditional--hidden" not in block["class"]
    assert page.by_id("id_deferred_until_year")[0]["value"] == str(until.year)


@pytest.mark.django_db
def test_a_part_date_marks_only_the_missing_boxes(officer_client, draft):
    response = post(
        officer_client, draft, deferred="yes", deferral_reason="Talks", has_part2="no",
        deferred_until_day="12", deferred_until_month="", deferred_until_year="",
    )  # fmt: skip
    html = response.content.decode()
    assert "Deferral date must include a month and year" in page_text(response)
    assert "Until what date? must" not in html
    page = _Elements(html)
    day, month, year = (
        page.by_id(i)[0]["class"].split()
        for i in ("id_deferred_until", "id_deferred_until_month", "id_deferred_until_year")
    )
    assert "govuk-input--error" not in day
    assert "govuk-input--error" in month and "govuk-input--error" in year
    assert page.by_id("id_deferred_until")[0]["value"] == "12"  # what was typed is kept
    assert re.search(r"<title>\s*Error:", html)


@pytest.mark.django_db
def test_a_past_date_marks_the_whole_date(officer_client, draft):
    response = post(
        officer_client, draft, deferred="yes", deferral_reason="Talks", has_part2="no",
        deferred_until_day="1", deferred_until_month="1", deferred_until_year="2020",
    )  # fmt: skip
    page = _Elements(response.content.decode())
    assert "must be in the future" in page_text(response)
    for box in ("id_deferred_until", "id_deferred_until_month", "id_deferred_until_year"):
        assert "govuk-input--error" in page.by_id(box)[0]["class"]


@pytest.mark.django_db
def test_what_is_typed_under_yes_is_ignored_when_the_answer_is_no(officer_client, draft):
    response = post(
        officer_client, draft, deferred="no", deferral_reason="Typed, then changed my mind",
        has_part2="no", deferred_until_day="31", deferred_until_month="2",
        deferred_until_year="20",
    )  # fmt: skip
    assert response.status_code == 302
    saved = Decision.objects.get(pk=draft.pk)
    assert (saved.deferred, saved.deferral_reason, saved.deferred_until) == (False, "", None)


# --- The date field on its own ---------------------------------------------------------


class DeferralForm(forms.Form):
    until = GovukDateField(label="Until what date?", error_label="Deferral date", required=False)


@pytest.mark.parametrize(
    ("typed", "message", "wrong"),
    [
        (("12", "", ""), "Deferral date must include a month and year", {"month", "year"}),
        (("", "3", "2030"), "Deferral date must include a day", {"day"}),
        (("1", "13", "2030"), "Deferral date must be a real date", {"month"}),
        (("32", "3", "2030"), "Deferral date must be a real date", {"day"}),
        (("1", "March", "2030"), "Deferral date must be a real date", {"month"}),
        (("1", "3", "30"), "Year must include 4 numbers", {"year"}),
        # 31 February: no single box is wrong, so the whole date is (empty set).
        (("31", "2", "2030"), "Deferral date must be a real date", set()),
    ],
)
def test_date_errors_name_the_date_and_the_wrong_boxes(typed, message, wrong):
    parts = ("until_day", "until_month", "until_year")
    form = DeferralForm(data=dict(zip(parts, typed, strict=True)))
    assert not form.is_valid()
    assert form.errors["until"] == [message]
    assert form.fields["until"].error_parts == wrong


def test_a_good_date_leaves_no_wrong_boxes():
    form = DeferralForm(data={"until_day": "1", "until_month": "3", "until_year": "2030"})
    assert form.is_valid()
    assert form.fields["until"].error_parts == set()
