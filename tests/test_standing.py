"""Where a decision stands, as its officers read it: the preview's banner, the task
list once it is no longer a draft, a returned draft's reason first, and the review
summary. Expectations come from the decisions each test makes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    approved_decision,
    complete_draft,
    deferred_decision,
    returned_decision,
    reviewers_create,
    submitted_decision,
    withdrawn_decision,
)
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def url(name, decision):
    return reverse(f"drafting:{name}", kwargs={"pk": decision.pk})


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_the_preview_of_a_draft_says_the_public_cannot_see_it_yet(officer_client, officer):
    draft = complete_draft(user=officer)
    text = page_text(officer_client.get(url("preview", draft)))
    assert "Draft, with the officer: the public cannot see it yet." in text
    assert "not public" not in text


def test_the_preview_of_a_published_decision_links_to_it(officer_client, officer):
    decision = approved_decision(user=officer)
    response = officer_client.get(url("preview", decision))
    text = page_text(response)
    assert "This decision is published." in text
    assert "the public cannot see it" not in text
    assert f'href="/decisions/{decision.slug}/"' in response.content.decode()


def test_the_preview_of_a_withdrawn_draft_says_it_will_not_be_published(officer_client, officer):
    decision = withdrawn_decision(user=officer)
    text = page_text(officer_client.get(url("preview", decision)))
    assert "This decision will not be published. Withdrawn by the officer" in text
    assert "how the decision will look when it is published" not in text


def test_a_deferred_decision_says_when_it_will_be_published(officer_client, officer):
    until = timezone.localdate() + dt.timedelta(days=40)
    decision = approved_decision(
        user=officer, decision=deferred_decision(user=officer, until=until)
    )
    text = page_text(officer_client.get(url("preview", decision)))
    assert f"Approved; to be published on {until.day} {until:%B %Y}" in text


def test_past_the_draft_the_task_list_offers_no_steps(officer_client, officer):
    decision = submitted_decision(user=officer)
    response = officer_client.get(url("overview", decision))
    html = response.content.decode()
    assert "Where it stands: With the Head of Service." in page_text(response)
    for step in ("summary", "recommendations", "public_access", "declarations"):
        assert f'href="{url(step, decision)}"' not in html, step
    assert f'href="{url("review", decision)}"' in html
    # A draft still has them.
    draft = complete_draft(user=officer, title="Another")
    assert (
        f'href="{url("summary", draft)}"'
        in officer_client.get(url("overview", draft)).content.decode()
    )


def test_a_returned_draft_opens_with_who_returned_it_and_why(officer_client, officer):
    reviewers = reviewers_create()
    comment = "Add the equality impact assessment to section 8."
    decision = returned_decision(user=officer, reviewers=reviewers, comment=comment)
    text = page_text(officer_client.get(url("overview", decision)))
    banner = text[text.index("Returned to you") :]
    assert banner.startswith(f"Returned to you {reviewers.head.display_name} (Head of Service)")
    assert comment in banner
    # Before the task list, not below it.
    assert text.index(comment) < text.index("required tasks done")


def test_a_comment_after_the_return_keeps_the_banner(officer_client, officer):
    from decisions.services import comment_add

    decision = returned_decision(user=officer, comment="Fix 8.1.")
    comment_add(decision=decision, user=officer, text="On it.")
    assert "Returned to you" in page_text(officer_client.get(url("overview", decision)))


def test_a_fresh_draft_has_no_returned_banner(officer_client, officer):
    draft = complete_draft(user=officer)
    assert "Returned to you" not in page_text(officer_client.get(url("overview", draft)))


def test_the_review_summary_says_published_and_no_budget_plainly(client, officer):
    reviewers = reviewers_create()
    decision = approved_decision(user=officer, reviewers=reviewers)
    client.force_login(reviewers.dmpc)
    text = page_text(client.get(url("review", decision)))
    assert "Where it is Approved and published" in text
    assert "Value No budget entered" in text
    assert "No money is approved" not in text
