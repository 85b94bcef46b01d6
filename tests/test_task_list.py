"""The draft's task list: statuses, the neutral "X of Y required tasks done", and
submitting from it (refused with the problems in an error summary, nothing lost).

DESIGN.md section 2 and 3: a decision needs a title, summary, at least one
recommendation, sections 1 to 8 (9, background papers, is optional), the public
access answers, Part 2 when there is one, and the officer's declarations. So a
PCD draft has 12 required tasks (13 with a Part 2): title and summary,
recommendations, eight sections, public access, the officer declaration.
"""

import re

import pytest
from django.urls import reverse

from decisions.models import Decision, DecisionEvent
from decisions.services import (
    decision_public_access_set,
    paragraph_add,
    recommendation_add,
)
from tests.factories import UserFactory, complete_draft, draft_decision, submitted_decision
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

REQUIRED_TASKS = 12  # see the module docstring


def overview(decision):
    return reverse("drafting:overview", kwargs={"pk": decision.pk})


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _status(text: str, task: str) -> str:
    """The status words after a task's title on the page."""
    statuses = "Completed|In progress|Not started|Optional|Cannot start yet"
    match = re.search(rf"{re.escape(task)} (?:.*? )??({statuses})", text)
    assert match, f"{task!r} not on the page"
    return match[1]


def test_a_new_draft_opens_without_an_error_summary(officer_client):
    response = officer_client.post("/work/new/", {"type_code": "PCD", "title": "New services"})
    page = officer_client.get(response["Location"])
    html = page.content.decode()
    text = page_text(page)
    assert page.status_code == 200
    assert "govuk-error-summary" not in html
    assert not re.search(r"<title>\s*Error:", html)
    # Only the title is written: a neutral count, no task yet completed.
    assert f"0 of {REQUIRED_TASKS} required tasks done. Optional tasks are not counted." in text
    assert _status(text, "Title and executive summary") == "In progress"
    assert _status(text, "Recommendations") == "Not started"
    assert _status(text, "1. Introduction and background") == "Not started"
    assert _status(text, "9. Background/supporting papers") == "Optional"
    assert _status(text, "Part 2 (confidential)") == "Cannot start yet"
    # The submit button is there so the officer can ask; what blocks it is a plain
    # list (a GOV.UK details), not an error.
    assert f'action="{overview(Decision.objects.get())}"' in html
    assert "Before you can submit: 18 things to do" in text


def test_the_count_follows_what_the_officer_has_done(officer_client, officer):
    draft = draft_decision(user=officer, title="Youth services", summary="Why.")
    recommendation_add(user=officer, decision=draft, text="Agree it.")
    for kind in (1, 2):
        paragraph_add(user=officer, decision=draft, section_kind=kind, text=f"Text {kind}.")
    paragraph_add(user=officer, decision=draft, section_kind=9, text="Papers.")  # optional
    text = page_text(officer_client.get(overview(draft)))
    # Title and summary, recommendations, sections 1 and 2; section 9 is not counted.
    assert f"4 of {REQUIRED_TASKS} required tasks done." in text
    assert _status(text, "2. Issues for consideration") == "Completed"
    assert _status(text, "3. Financial Comments") == "Not started"
    assert _status(text, "9. Background/supporting papers") == "Completed"


def test_a_part2_is_one_more_required_task(officer_client, officer):
    draft = draft_decision(user=officer)
    decision_public_access_set(user=officer, decision=draft, deferred=False, has_part2=True)
    text = page_text(officer_client.get(overview(draft)))
    # Title and summary, public access; of 12 + Part 2.
    assert f"2 of {REQUIRED_TASKS + 1} required tasks done." in text
    assert _status(text, "Part 2 (confidential)") == "Not started"


def test_a_complete_draft_says_so(officer_client, officer):
    draft = complete_draft(user=officer)
    text = page_text(officer_client.get(overview(draft)))
    assert f"{REQUIRED_TASKS} of {REQUIRED_TASKS} required tasks done." in text
    assert "Everything the form needs is complete" in text
    assert "Before you can submit" not in text


def test_submitting_too_soon_lists_each_problem_with_a_link(officer_client, officer):
    draft = draft_decision(user=officer, summary="")
    response = officer_client.post(overview(draft), {"comment": "Over to you, Sam."})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error:", html)
    start = html.index('class="govuk-error-summary"')
    summary = html[start : html.index("</ul>", start)]
    links = {text: href for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary)}
    base = f"/work/decisions/{draft.pk}"
    assert links["Enter an executive summary"] == f"{base}/summary/#id_executive_summary"
    assert links["Add at least one recommendation"] == f"{base}/recommendations/#id_text"
    assert links["Add a paragraph to section 8: Equality Comments"] == f"{base}/sections/8/#id_text"
    assert links["Confirm the Financial Advice declaration"].startswith(f"{base}/declarations/#")
    assert len(links) == 18  # summary, recommendation, 8 sections, public access, 7 rows
    # The comment is kept, nothing was submitted.
    assert "Over to you, Sam.</textarea>" in html
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.reference_number is None
    assert not DecisionEvent.objects.filter(decision=draft, action="submit").exists()


def test_submitting_a_complete_draft_sends_it_on(officer_client, officer):
    draft = complete_draft(user=officer)
    response = officer_client.post(overview(draft), {"comment": "Ready."})
    assert response.status_code == 302 and response["Location"] == overview(draft)
    draft.refresh_from_db()
    assert draft.state == "submitted" and draft.reference_number
    event = DecisionEvent.objects.get(decision=draft, action="submit")
    assert (event.comment, event.actor) == ("Ready.", officer)


def test_submitting_twice_says_why_not_the_second_time(officer_client, officer):
    decision = submitted_decision(user=officer)
    response = officer_client.post(overview(decision), {"comment": ""})
    text = page_text(response)
    assert response.status_code == 200
    assert f"There is a problem {decision.reference} is with the head of service" in text
    assert DecisionEvent.objects.filter(decision=decision, action="submit").count() == 1


def test_another_officer_cannot_submit_a_draft_not_shared_with_them(client, officer):
    draft = complete_draft(user=officer)
    client.force_login(UserFactory(role="officer"))
    assert client.post(overview(draft), {"comment": ""}).status_code == 404
    draft.refresh_from_db()
    assert draft.state == "draft"
