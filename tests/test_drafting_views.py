"""Drafting in the browser, through the test client: access, bad input, conflicts."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from decisions.models import Appendix, Decision, DecisionEvent, Recommendation
from decisions.services import recommendation_add
from tests.factories import UserFactory, draft_decision
from tests.helpers import page_text

STEPS = [
    "overview",
    "summary",
    "recommendations",
    "links",
    "appendices",
    "public_access",
    "part2",
    "declarations",
    "sharing",
    "preview",
]


def url(name, decision, **kwargs):
    return reverse(f"drafting:{name}", kwargs={"pk": decision.pk, **kwargs})


def shown(client, page_url) -> dict:
    """The hidden fields of the form on a page as it was shown: the version of what it
    edits, or an add form's one-time token."""
    form = client.get(page_url).context["form"]
    return {name: form[name].value() for name in ("version", "token") if name in form.fields}


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def draft(officer):
    return draft_decision(user=officer, title="Youth violence services")


def test_officer_creates_a_draft_and_sees_the_task_list(officer_client, officer):
    response = officer_client.post("/work/new/", {"type_code": "PCD", "title": "New services"})
    decision = Decision.objects.get(title="New services")
    assert response.status_code == 302
    assert response["Location"] == url("overview", decision)
    text = page_text(officer_client.get(response["Location"]))
    assert "Before you can submit" in text
    assert "Enter an executive summary" in text
    assert "Add a paragraph to section 1: Introduction and background" in text
    assert "Confirm the Financial Advice declaration" in text
    assert "1. Introduction and background Not started" in text
    assert "Budget The money this decision approves" in text
    assert decision.drafted_by == officer


@pytest.mark.parametrize("step", STEPS)
def test_every_step_renders_for_the_owner(officer_client, draft, step):
    response = officer_client.get(url(step, draft))
    assert response.status_code == 200
    assert "Youth violence services" in response.content.decode()


def test_every_section_renders(officer_client, draft):
    for kind in range(1, 10):
        assert officer_client.get(url("section", draft, kind=kind)).status_code == 200
    assert officer_client.get(url("section", draft, kind=10)).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, draft):
    for step in STEPS:
        response = client.get(url(step, draft))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert client.get("/work/").status_code == 302


def test_another_officer_cannot_read_or_change_an_unshared_draft(client, draft, other_officer):
    client.force_login(other_officer)
    for step in STEPS:
        assert client.get(url(step, draft)).status_code == 404, step
    response = client.post(url("summary", draft), {"version": 1, "title": "Hijacked"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Youth violence services"


def test_sharing_lets_a_colleague_edit(officer_client, client, draft, other_officer):
    response = officer_client.post(url("sharing", draft), {"username": other_officer.username})
    assert response.status_code == 302
    client.force_login(other_officer)
    assert client.get(url("summary", draft)).status_code == 200
    response = officer_client.post(url("sharing", draft), {"username": "nobody-here"})
    assert "There is no user called nobody-here." in page_text(response)


def test_users_without_the_officer_role_are_refused(client, draft):
    client.force_login(UserFactory(role=Role.DMPC))
    assert client.get(url("overview", draft)).status_code == 403
    assert client.get("/work/new/").status_code == 403


def test_part2_needs_its_permission(client, draft, officer):
    from django.contrib.auth.models import Permission

    drafter = UserFactory()
    drafter.user_permissions.add(Permission.objects.get(codename="draft_decision"))
    draft.shared_with.add(drafter)
    client.force_login(drafter)
    assert client.get(url("summary", draft)).status_code == 200
    assert client.get(url("part2", draft)).status_code == 403


def test_an_approved_decision_cannot_be_edited(client, pcd_1620, demo):
    client.force_login(demo[Role.OFFICER])
    assert client.get(url("overview", pcd_1620)).status_code == 200
    assert client.get(url("summary", pcd_1620)).status_code == 403
    response = client.post(url("summary", pcd_1620), {"version": 99, "title": "Changed"})
    assert response.status_code == 403
    assert "approved: only drafts can be changed" in response.content.decode()


def test_empty_title_is_an_error_next_to_the_field_and_keeps_the_summary(officer_client, draft):
    response = officer_client.post(
        url("summary", draft),
        {
            **shown(officer_client, url("summary", draft)),
            "title": "  ",
            "executive_summary": "My careful summary",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a title" in body
    assert 'href="#id_title"' in body  # the error summary links to the field
    assert "My careful summary" in body


def test_over_long_title_is_refused_and_kept(officer_client, draft):
    long_title = "Long " * 70
    response = officer_client.post(
        url("summary", draft),
        {
            **shown(officer_client, url("summary", draft)),
            "title": long_title,
            "executive_summary": "",
        },
    )
    assert response.status_code == 200
    assert "A title must be 300 characters or fewer." in page_text(response)
    assert long_title.strip() in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Youth violence services"


def test_deferral_without_a_date_or_in_the_past(officer_client, draft):
    response = officer_client.post(
        url("public_access", draft),
        {
            **shown(officer_client, url("public_access", draft)),
            "deferred": "yes",
            "deferral_reason": "Contract still being negotiated",
            "has_part2": "no",
        },
    )
    text = page_text(response)
    assert "Enter the date until which publication is deferred." in text
    assert "Contract still being negotiated" in response.content.decode()
    yesterday = dt.date.today() - dt.timedelta(days=1)
    response = officer_client.post(
        url("public_access", draft),
        {
            **shown(officer_client, url("public_access", draft)),
            "deferred": "yes",
            "deferral_reason": "Contract still being negotiated",
            "deferred_until_day": yesterday.day,
            "deferred_until_month": yesterday.month,
            "deferred_until_year": yesterday.year,
            "has_part2": "no",
        },
    )
    assert "must be in the future" in page_text(response)
    assert f'value="{yesterday.year}"' in response.content.decode()
    response = officer_client.post(
        url("public_access", draft),
        {
            **shown(officer_client, url("public_access", draft)),
            "deferred": "yes",
            "deferral_reason": "x",
            "deferred_until_day": "31",
            "deferred_until_month": "2",
            "deferred_until_year": "2030",
            "has_part2": "no",
        },
    )
    assert "must be a real date" in page_text(response)
    assert 'value="31"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.deferred is None


def test_unknown_decision_reference(officer_client, draft):
    response = officer_client.post(
        url("links", draft),
        {
            **shown(officer_client, url("links", draft)),
            "reference": "PCD 9999",
            "kind": "amends",
            "description": "x",
        },
    )
    assert "There is no decision with the reference PCD 9999." in page_text(response)
    assert 'value="PCD 9999"' in response.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("paper.pdf", b"GIF89a not a pdf", "application/pdf"), "must be a PDF"),
        (
            SimpleUploadedFile(
                "big.pdf", b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024), "application/pdf"
            ),
            "smaller than 20 MB",
        ),
    ],
)
def test_bad_uploads_are_refused(officer_client, draft, upload, message):
    response = officer_client.post(
        url("appendices", draft),
        {
            **shown(officer_client, url("appendices", draft)),
            "title": "Equality Impact Assessment",
            "published": "yes",
            "file": upload,
        },
    )
    assert message in page_text(response)
    assert "Equality Impact Assessment" in response.content.decode()
    assert not Appendix.objects.exists()


def test_a_real_pdf_is_stored_under_a_generated_name(officer_client, draft):
    upload = SimpleUploadedFile("../../etc/passwd.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")
    response = officer_client.post(
        url("appendices", draft),
        {
            **shown(officer_client, url("appendices", draft)),
            "title": "Appendix 1",
            "published": "no",
            "file": upload,
        },
    )
    assert response.status_code == 302
    appendix = Appendix.objects.get()
    assert appendix.file.name.startswith("appendices/")
    assert "passwd" not in appendix.file.name
    assert appendix.published is False


def test_script_tags_are_a_clear_error_and_the_text_is_kept(officer_client, draft):
    typed = "Context <script>alert('x')</script>matters."
    response = officer_client.post(
        url("section", draft, kind=1),
        {**shown(officer_client, url("section", draft, kind=1)), "text": typed},
    )
    assert response.status_code == 200
    assert "The paragraph cannot contain HTML such as <script>" in page_text(response)
    assert "Context &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;matters." in (
        response.content.decode()
    )  # kept in the box, escaped
    assert not draft.sections.get(kind=1).paragraphs.exists()
    assert "<script>alert" not in response.content.decode()


def test_a_stale_save_gets_the_conflict_page_and_loses_nothing(
    officer_client, client, draft, other_officer
):
    draft.shared_with.add(other_officer)
    stale_version = shown(officer_client, url("summary", draft))["version"]
    # The colleague saves first.
    client.force_login(other_officer)
    client.post(
        url("summary", draft),
        {"version": stale_version, "title": "Their title", "executive_summary": "Their summary"},
    )
    officer_client.force_login(draft.drafted_by)
    response = officer_client.post(
        url("summary", draft),
        {"version": stale_version, "title": "My title", "executive_summary": "My summary"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    text = page_text(response)
    assert "The title and summary changed after you opened this page." in text
    assert f"{other_officer.display_name} saved a different version on" in text
    assert "Their title" in text and "Their summary" in text  # their version shown
    assert "My title" in body and "My summary" in body  # own text kept in the form
    draft.refresh_from_db()
    assert draft.title == "Their title"
    # Saving again from the conflict page (it carries the new version) succeeds.
    new_version = response.context["form"]["version"].value()
    response = officer_client.post(
        url("summary", draft),
        {"version": new_version, "title": "My title", "executive_summary": "My summary"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "My title"


def test_recommendations_add_edit_reorder_remove(officer_client, officer, draft):
    for text in ("First", "Second", "Third"):
        officer_client.post(
            url("recommendations", draft),
            {**shown(officer_client, url("recommendations", draft)), "text": text},
        )
    third = Recommendation.objects.get(text="Third")
    officer_client.post(url("recommendation", draft, item=third.pk), {"action": "up"})
    assert [r.text for r in draft.recommendations.all()] == ["First", "Third", "Second"]
    first = Recommendation.objects.get(text="First")
    officer_client.post(
        url("recommendation", draft, item=first.pk),
        {"version": first.version, "action": "remove"},
    )
    assert [(r.position, r.text) for r in draft.recommendations.all()] == [
        (1, "Third"),
        (2, "Second"),
    ]
    stale = shown(officer_client, url("recommendation", draft, item=third.pk))
    officer_client.post(
        url("recommendation", draft, item=third.pk), {**stale, "text": "Third, edited"}
    )
    assert draft.recommendations.get(position=1).text == "Third, edited"
    reasons = {r.history_change_reason for r in Recommendation.history.all()}
    assert {"Recommendation 3 moved up", "Recommendation 1 removed"} <= reasons
    # A removal built from the text before that edit is refused with a message.
    response = officer_client.post(
        url("recommendation", draft, item=third.pk),
        {**stale, "action": "remove"},
        follow=True,
    )
    assert "Recommendation 1 changed after you opened this page" in page_text(response)
    assert draft.recommendations.get(position=1).text == "Third, edited"


def test_paragraphs_are_numbered_and_reordered(officer_client, draft):
    for text in ("Alpha", "Beta"):
        officer_client.post(
            url("section", draft, kind=2),
            {**shown(officer_client, url("section", draft, kind=2)), "text": text},
        )
    text = page_text(officer_client.get(url("section", draft, kind=2)))
    assert "2.1. Alpha" in text and "2.2. Beta" in text
    beta = draft.sections.get(kind=2).paragraphs.get(text="Beta")
    officer_client.post(url("paragraph", draft, item=beta.pk), {"action": "up"})
    text = page_text(officer_client.get(url("preview", draft)))
    assert "2.1. Beta" in text and "2.2. Alpha" in text


def test_declarations_are_confirmed_with_their_statements(officer_client, officer, draft):
    data = shown(officer_client, url("declarations", draft))
    for declaration in draft.declarations.exclude(kind="head_of_service"):
        data[f"{declaration.kind}-statement"] = declaration.statement
        data[f"{declaration.kind}-confirmed"] = "on"
    data["legal-statement"] = "Legal advice is not required."
    response = officer_client.post(url("declarations", draft), data)
    assert response.status_code == 302
    legal = draft.declarations.get(kind="legal")
    assert (legal.statement, legal.is_confirmed, legal.confirmed_by) == (
        "Legal advice is not required.",
        True,
        officer,
    )
    assert not draft.declarations.get(kind="head_of_service").is_confirmed
    text = page_text(officer_client.get(url("overview", draft)))
    assert "Confirm the" not in text


def test_public_access_no_and_part2_yes_leads_to_the_confidential_page(officer_client, draft):
    response = officer_client.post(
        url("public_access", draft),
        {
            **shown(officer_client, url("public_access", draft)),
            "deferred": "no",
            "has_part2": "yes",
        },
    )
    assert response["Location"] == url("part2", draft)
    page = officer_client.get(response["Location"])
    assert "Confidential" in page_text(page)
    response = officer_client.post(
        url("part2", draft),
        {
            **shown(officer_client, url("part2", draft)),
            "content": "Secret facts",
            "legal_rationale": "",
        },
    )
    assert "Enter the legal rationale for non-publication" in page_text(response)
    assert "Secret facts" in response.content.decode()


def test_draft_pdf_is_watermarked(officer_client, draft):
    response = officer_client.get(url("preview_pdf", draft))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="DRAFT-')
    assert response.content.startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"


def test_creating_writes_an_event(officer_client):
    officer_client.post("/work/new/", {"type_code": "CEOD", "title": "Small grant"})
    decision = Decision.objects.get(title="Small grant")
    assert decision.decision_type.code == "CEOD"
    assert DecisionEvent.objects.filter(decision=decision, action="create").count() == 1


def test_create_form_errors(officer_client):
    response = officer_client.post("/work/new/", {"title": ""})
    assert response.status_code == 200
    text = page_text(response)
    assert "Choose the type of decision" in text and "Enter a title" in text
    response = officer_client.post("/work/new/", {"type_code": "XYZ", "title": "Kept"})
    assert response.status_code == 200  # the form again, not a redirect to a new draft
    assert "Select a valid choice" in page_text(response)
    # What was typed is kept, in the title's own box.
    assert re.search(
        r'<textarea[^>]*name="title"[^>]*>\s*Kept\s*</textarea>', response.content.decode()
    )
    assert not Decision.objects.filter(title="Kept").exists()


def test_home_lists_drafts(officer_client, draft, officer):
    recommendation_add(user=officer, decision=draft, text="x")
    text = page_text(officer_client.get("/work/"))
    assert "Drafting (1)" in text and "Youth violence services" in text


def test_draft_pdf_says_draft_on_every_page(officer_client, draft, tmp_path):
    import shutil
    import subprocess

    assert shutil.which("pdftotext"), "pdftotext not found: install poppler-utils"
    data = officer_client.get(url("preview_pdf", draft)).content
    path = tmp_path / "draft.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    pages = text.stdout.decode().split("\f")
    pages = [page for page in pages if page.strip()]
    assert "DRAFT – not approved and not for publication." in pages[0]
    assert all("Draft – page" in page for page in pages)  # footer on every page


def test_home_page_sorts_work_into_its_lists(client, officer):
    from decisions.services import decision_return, decision_submit
    from tests.factories import complete_draft

    head = UserFactory(role=Role.HEAD_OF_SERVICE)
    mine = draft_decision(user=officer, title="Still drafting")
    returned = decision_submit(
        user=officer, decision=complete_draft(user=officer, title="Sent back")
    )
    decision_return(user=head, decision=returned, comment="Fix it")
    complete = complete_draft(user=officer, title="With the head")
    decision_submit(user=officer, decision=complete)

    client.force_login(officer)
    text = page_text(client.get("/work/"))
    # The headings' last mentions: the first are the page's contents list.
    my_drafts = text[text.rindex("Drafting (1)") : text.rindex("Returned to you (1)")]
    returned_list = text[text.rindex("Returned to you (1)") : text.rindex("With the Head of")]
    with_others = text[text.rindex("With the Head of Service (1)") :]
    assert mine.title in my_drafts and "Sent back" not in my_drafts
    assert "Sent back" in returned_list and "Fix it" in returned_list
    assert "With the head" in with_others
    client.force_login(head)
    text = page_text(client.get("/work/"))
    assert "Waiting for me" in text and "With the head" in text
    assert "Your decisions" not in text  # not an officer
