"""The history page, for people: a timeline in words, changes with field labels and
word-level differences, the digest check in plain words, no database words."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import Paragraph
from decisions.services import paragraph_add, paragraph_update, part2_save
from decisions.services.events import event_record
from tests.factories import (
    approved_decision,
    awaiting_approval_decision,
    complete_draft,
    draft_decision,
)
from tests.helpers import page_text, signing_data

# What the page must never show: raw field names, state values, role codes, digests.
RAW_WORDS = [
    "signer_id", "content_digest", "awaiting_approval", "Head_of_service", "head_of_service",
    "(Dmpc)", "Dmpc", "Draft · Draft", "drafted_by", "form_token", "None",
]  # fmt: skip
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


def history_url(decision):
    return reverse("drafting:history", kwargs={"pk": decision.pk})


def uk(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y, %H:%M}"


def assert_in_words(text: str) -> None:
    for word in RAW_WORDS:
        assert word not in text, word
    assert not ISO_TIMESTAMP.search(text), ISO_TIMESTAMP.search(text)
    assert not SHA256.search(text)


@pytest.fixture
def approved(officer, reviewers):
    return approved_decision(user=officer, reviewers=reviewers, title="Approved one")


def test_the_timeline_says_who_did_what_and_when_in_words(client, officer, reviewers, approved):
    client.force_login(reviewers.dmpc)
    text = page_text(client.get(history_url(approved)))
    assert_in_words(text)
    assert f"{approved.reference} · Approved" in text
    events = {event.action: event for event in approved.events.all()}
    dmpc = "Deputy Mayor for Policing and Crime"
    for action, line in {
        "create": f"{officer.display_name} started the draft",
        "submit": f"{officer.display_name}, Officer, submitted it to the Head of Service",
        "clear": f"{reviewers.head.display_name}, Head of Service, cleared it and sent it to "
        "the Chief Executive",
        "sign": f"{reviewers.chief_executive.display_name}, Chief Executive Officer, signed it "
        f"and sent it to the {dmpc}",
        "approve": f"{reviewers.dmpc.display_name}, {dmpc}, approved it",
    }.items():
        assert f"{line} {uk(events[action].created_at)}" in text, line
    assert f"Now: Awaiting approval by the {dmpc}" in text
    assert "The content has not changed since it was approved." in text
    sign_off = approved.sign_offs.get(role="dmpc")
    assert (
        f"The signed content has not changed since {sign_off.signer_name}, {dmpc}, signed it "
        f"on {uk(sign_off.signed_at)}." in text
    )


def test_a_comment_is_in_the_timeline_with_its_text(client, officer):
    decision = draft_decision(user=officer)
    event_record(
        decision=decision,
        user=officer,
        action="comment",
        from_state="draft",
        to_state="draft",
        actor_role="officer",
        comment="Finance have agreed the figures.",
    )
    client.force_login(officer)
    text = page_text(client.get(history_url(decision)))
    assert f"{officer.display_name}, Officer, commented" in text
    assert "Finance have agreed the figures." in text
    assert text.count("Now: Draft") == 1  # the draft's start; a comment moves nothing


def test_a_new_draft_has_a_plain_caption_and_no_database_words(client, officer):
    decision = complete_draft(user=officer)
    client.force_login(officer)
    text = page_text(client.get(history_url(decision)))
    assert_in_words(text)
    assert "Draft History" in text  # the caption is the stage, once
    assert "Nobody has signed this decision yet." in text
    assert "Declaration: Financial Advice changed" in text
    assert f"Confirmed by {officer.display_name}" in text


def test_awaiting_the_dmpc_names_the_stage_from_the_decision_type(client, officer, reviewers):
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    client.force_login(reviewers.dmpc)
    text = page_text(client.get(history_url(decision)))
    assert_in_words(text)
    assert (
        f"{decision.reference} · Awaiting approval by the Deputy Mayor for Policing and Crime"
        in text
    )
    sign_off = decision.sign_offs.get()
    assert (
        f"The signed content has not changed since {sign_off.signer_name}, Chief Executive "
        f"Officer, signed it on {uk(sign_off.signed_at)}." in text
    )
    assert "Signed by" in text and "Signed on" in text


def test_a_text_edit_is_shown_word_by_word(client, officer):
    decision = draft_decision(user=officer)
    paragraph = paragraph_add(
        user=officer, decision=decision, section_kind=2, text="The grant runs for one year."
    )
    paragraph_update(
        user=officer,
        paragraph=paragraph,
        text="The grant runs for two years from April.",
        expected_version=1,
    )
    client.force_login(officer)
    body = client.get(history_url(decision)).content.decode()
    assert "The grant runs for" in body
    deleted = re.findall(r'<del class="dr-del">(.*?)</del>', body)
    inserted = re.findall(r'<ins class="dr-ins">(.*?)</ins>', body)
    hidden = '<span class="govuk-visually-hidden">{} </span>'
    assert hidden.format("taken out:") + "one year." in deleted
    assert hidden.format("put in:") + "two years from April." in inserted
    text = page_text(body)
    assert "Paragraph 2.1 changed" in text and "Paragraph 2.1 edited" in text


def test_tampered_content_is_a_warning_in_plain_words(client, reviewers, approved):
    paragraph = Paragraph.objects.filter(section__decision=approved).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_paragraph SET text = %s WHERE id = %s", ["Tampered", paragraph.pk]
        )
    client.force_login(reviewers.dmpc)
    text = page_text(client.get(history_url(approved)))
    assert "The content stored now is not the content that was approved." in text
    sign_off = approved.sign_offs.get(role="dmpc")
    assert f"The content has changed since {sign_off.signer_name}, Deputy Mayor" in text
    assert "No change since then was made through this service" in text


def test_part2_is_in_the_signed_content(client, officer, reviewers):
    """Part 2 is signed with the rest: a Part 2 altered after approval shows on the
    history page as content that changed."""
    decision = complete_draft(user=officer, title="With a Part 2")
    part2_save(user=officer, decision=decision, content="Terms A", legal_rationale="s.43")
    decision = approved_decision(user=officer, decision=decision, reviewers=reviewers)
    client.force_login(reviewers.dmpc)
    text = page_text(client.get(history_url(decision)))
    assert "The content has not changed since it was approved." in text
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_part2 SET content = %s WHERE decision_id = %s",
            ["Terms rewritten", decision.pk],
        )
    text = page_text(client.get(history_url(decision)))
    assert "The content stored now is not the content that was approved." in text


def _queries(client, decision) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(history_url(decision)).status_code == 200
    return len(queries)


def test_the_page_reads_the_same_number_of_rows_whatever_its_length(client, officer):
    small, large = draft_decision(user=officer), draft_decision(user=officer)
    for decision, count in ((small, 1), (large, 4)):
        for number in range(count):
            paragraph = paragraph_add(
                user=officer, decision=decision, section_kind=2, text=f"Text {number}"
            )
            paragraph_update(
                user=officer, paragraph=paragraph, text=f"Text {number}, edited", expected_version=1
            )
            event_record(
                decision=decision,
                user=officer,
                action="comment",
                from_state="draft",
                to_state="draft",
                actor_role="officer",
                comment=f"Comment {number}",
            )
    client.force_login(officer)
    _queries(client, small)  # warm the session and the decision types
    assert _queries(client, large) == _queries(client, small)


def test_the_final_approver_is_named_by_the_decision_types_own_title(client, officer, reviewers):
    """The scheme of delegation is data: a type whose approver has another title is
    shown with that title in the timeline and the stage."""
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    decision_type = decision.decision_type
    decision_type.approver_title = "Deputy Mayor for Policing and Crime (acting)"
    decision_type.save()
    client.force_login(reviewers.dmpc)
    client.post(
        reverse("drafting:act", kwargs={"pk": decision.pk, "action": "approve"}),
        signing_data(
            reviewers.dmpc, {"has_interests": "no", "password": "correct horse battery staple"}
        ),
    )
    text = page_text(client.get(history_url(decision)))
    acting = "Deputy Mayor for Policing and Crime (acting)"
    assert f"{reviewers.dmpc.display_name}, {acting}, approved it" in text
    assert f"signed it and sent it to the {acting}" in text
