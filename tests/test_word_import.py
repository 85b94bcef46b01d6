"""Starting a draft from the officer's Word form (/work/decisions/import/).

The .docx files are made in the tests with python-docx (tests/docx_forms.py): the
seed's PCD 1620 form with typed numbers, with Word's automatic numbering, with other
heading styles and extra blank lines; and files that must be refused. Expectations
come from the demo's transcription of the seed (demo/pcd_1620.py), which
`manage.py load_demo` loads as PCD 1620.
"""

from __future__ import annotations

import dataclasses
import io
import re

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.roles import Role
from core.errors import Messages
from decisions.models import (
    Decision,
    DecisionEvent,
    DeclarationKind,
    DraftImport,
    LeadIn,
    OfficerDeclaration,
    Paragraph,
)
from decisions.selectors import decision_page, full_decision
from decisions.selectors.public import decision_internal_links
from decisions.services import decision_link_create, declaration_confirm
from demo import pcd_1620 as seed
from funding.models import BudgetLine, ProcurementRoute
from funding.services import budget_movement_propose
from tests import docx_forms
from tests.factories import UserFactory
from tests.helpers import page_text

UPLOAD_URL = "/work/decisions/import/"


def upload(client, data: bytes, *, name: str = "PCD 1620 form.docx", type_code: str = ""):
    file = SimpleUploadedFile(name, data, content_type=docx_forms.DOCX_TYPE)
    post = {"file": file}
    if type_code:
        post["type_code"] = type_code
    return client.post(UPLOAD_URL, post)


def imported_draft(client, officer, data: bytes, **kwargs) -> Decision:
    client.force_login(officer)
    response = upload(client, data, **kwargs)
    assert response.status_code == 302, page_text(response)[:2000]
    decision = Decision.objects.filter(drafted_by=officer).order_by("-pk").first()
    assert response["Location"] == reverse("drafting:word_import_report", args=[decision.pk])
    return decision


def section_texts(decision: Decision) -> dict[int, list[str]]:
    return {
        section.kind: [p.text for p in section.paragraphs.order_by("position")]
        for section in decision.sections.order_by("kind")
    }


def assert_whole_form(decision: Decision) -> None:
    """Everything of the seed form that a draft holds, as the demo holds it."""
    assert decision.title == seed.TITLE
    assert decision.executive_summary == seed.EXECUTIVE_SUMMARY
    assert decision.decision_type.code == "PCD"
    assert decision.recommendations_preamble == seed.RECOMMENDATION_PREAMBLE
    assert [r.text for r in decision.recommendations.order_by("position")] == (seed.RECOMMENDATIONS)
    assert section_texts(decision) == seed.SECTIONS
    flagged = Paragraph.objects.filter(section__decision=decision, budget_table_follows=True)
    assert [(p.section.kind, p.position) for p in flagged] == [seed.BUDGET_TABLE_AFTER]
    assert [a.title for a in decision.appendices.order_by("position")] == seed.APPENDICES
    assert (decision.deferred, decision.has_part2) == (seed.DEFERRED, seed.HAS_PART2)
    statements = dict(decision.declarations.values_list("kind", "statement"))
    assert statements == {kind: statement for kind, _heading, statement in seed.DECLARATIONS}


# --- The seed's form, three ways ----------------------------------------------------------


def body(decision: Decision) -> str:
    """The decision body as the preview, the public page and the PDF render it, less the
    signature blocks (a draft is not signed yet; the demo record is)."""
    decision = full_decision(Decision.objects.filter(pk=decision.pk)).get()
    page = decision_page(decision, links=decision_internal_links(decision, user=None))
    page = dataclasses.replace(page, signature_blocks=[])
    return render_to_string("decisions/_decision_body.html", {"page": page})


def test_pcd_1620_form_gives_a_draft_whose_body_is_the_demo_pcd_1620s(client, demo, pcd_1620):
    officer = demo[Role.OFFICER]
    draft = imported_draft(client, officer, docx_forms.pcd_1620_form())
    assert_whole_form(draft)
    # The link and the budget, as the demo enters them: it amends PCD 1406, moving
    # £1.8m from its open-procurement line with the form's allocations (the body's
    # budget table is made from these, never from the form's typed table).
    decision_link_create(
        user=officer,
        decision=draft,
        target_reference="PCD 1406",
        kind=seed.LINK_KIND,
        description=seed.LINK_DESCRIPTION,
    )
    source = BudgetLine.objects.get(
        envelope__decision__reference_number=1406, route=ProcurementRoute.OPEN_PROCUREMENT
    )
    budget_movement_propose(
        user=officer,
        decision=draft,
        source_line=source,
        amount_pence=seed.TOTAL_PENCE,
        route=ProcurementRoute.DIRECT_AWARD_REG_12_7,
        description=(
            "Direct award to a host local authority acting on behalf of all 32 London local "
            "authorities: access and coordination support"
        ),
        allocations=seed.ALLOCATIONS,
        over_commitment_reason="As the demo records it.",
    )
    # The Head of Service's row, as the demo confirms it (a records manager recording
    # the signed form); on a real draft the Head of Service confirms it by clearing.
    declaration_confirm(
        user=demo[Role.RECORDS_MANAGER], decision=draft, kind=DeclarationKind.HEAD_OF_SERVICE
    )
    draft_body, demo_body = body(draft), body(pcd_1620)
    assert "Budget allocations are set out below:" in draft_body
    assert "£450,000" in draft_body  # the table made from the budget, after 3.2
    assert draft_body == demo_body
    # The preview shows that same body (with "Not yet signed." blocks between its parts).
    preview = page_text(client.get(reverse("drafting:preview", args=[draft.pk])))
    part1 = draft_body.split('<div class="dr-part1">')[1].split('<div class="dr-public-access">')[0]
    assert page_text(part1) in preview
    summary = draft_body.split('<h2 class="govuk-heading-l" id="recommendations"')[0]
    assert page_text(summary) in preview


def test_word_automatic_numbering_gives_the_same_paragraphs(client, officer):
    data = docx_forms.pcd_1620_form(auto_numbers=True)
    words = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert not any(re.match(r"^\d+\.\d+", text) for text in words), "no typed numbers"
    assert "Agree to the direct award" in " ".join(words)
    draft = imported_draft(client, officer, data)
    assert_whole_form(draft)
    assert "(a) the contract establishes" in section_texts(draft)[5][1]


def test_other_heading_styles_and_extra_blank_lines_give_the_same_draft(client, officer):
    data = docx_forms.pcd_1620_form(
        word_headings=False, blank_lines=True, summary_heading="Executive summary"
    )
    styles = {p.style.name for p in docx.Document(io.BytesIO(data)).paragraphs}
    assert not any(style.startswith("Heading") for style in styles)
    draft = imported_draft(client, officer, data)
    assert_whole_form(draft)
    assert draft.word_import.report["unplaced"] == []


# --- What is recorded -----------------------------------------------------------------------


def test_the_draft_has_its_history_event_and_report(client, officer):
    draft = imported_draft(client, officer, docx_forms.pcd_1620_form(), name="my form.docx")
    event = DecisionEvent.objects.get(decision=draft)
    assert (event.action, event.actor_id, event.to_state) == ("create", officer.pk, "draft")
    assert "my form.docx" in event.comment
    rows = Paragraph.history.filter(id__in=Paragraph.objects.filter(section__decision=draft))
    assert rows.count() == sum(len(texts) for texts in seed.SECTIONS.values())
    assert {row.history_user_id for row in rows} == {officer.pk}
    imported = DraftImport.objects.get(decision=draft)
    assert (imported.uploaded_by, imported.file_name) == (officer, "my form.docx")
    page = client.get(reverse("drafting:word_import_report", args=[draft.pk]))
    text = page_text(page)
    assert "What we took from your Word form" in text
    assert "2. Issues for consideration 8 paragraphs" in text
    assert "9. Background/supporting papers 4 papers" in text
    # The budget table's figures, for the budget step (never typed into the text).
    for year, pence in seed.ALLOCATIONS.items():
        assert f"{year}/{str(year + 1)[2:]} £{pence // 100:,}" in text
    assert "after paragraph 3.2" in text
    assert "Text we could not place None" in text


def test_only_the_officers_rows_are_confirmed_and_by_the_uploading_officer(client, officer):
    document = docx.Document(io.BytesIO(docx_forms.pcd_1620_form()))
    # The legal row left unticked on the form.
    legal = next(
        r for r in document.tables[-1].rows if r.cells[0].text == "Legal advice is not required."
    )
    legal.cells[1].text = ""
    draft = imported_draft(client, officer, docx_forms.saved(document))
    rows = {d.kind: d for d in OfficerDeclaration.objects.filter(decision=draft)}
    head = rows.pop(DeclarationKind.HEAD_OF_SERVICE)
    assert not head.is_confirmed  # ticked on the form: the Head of Service confirms it
    assert not rows.pop(DeclarationKind.LEGAL).is_confirmed
    assert all(row.is_confirmed for row in rows.values())
    assert {row.confirmed_by_id for row in rows.values()} == {officer.pk}
    assert {row.confirmed_by_name for row in rows.values()} == {officer.display_name}
    text = page_text(client.get(reverse("drafting:word_import_report", args=[draft.pk])))
    assert "6 rows ticked on your form, recorded as confirmed by you, Violet Alvarez" in text
    assert "the Head of Service confirms that row when they clear the decision" in text


def test_text_that_cannot_be_placed_is_shown_in_full(client, officer):
    document = docx.Document(io.BytesIO(docx_forms.pcd_1620_form()))
    first = document.paragraphs[0]
    first.insert_paragraph_before("Draft 3 – for comment by Friday, please")
    interests = "I declare that my partner works for one of the boroughs."
    approval = next(p for p in document.paragraphs if p.text == seed.DMPC_APPROVAL_LINE)
    approval.insert_paragraph_before(interests)
    draft = imported_draft(client, officer, docx_forms.saved(document))
    unplaced = draft.word_import.report["unplaced"]
    assert [item["text"] for item in unplaced] == [
        "Draft 3 – for comment by Friday, please",
        interests,
    ]
    text = page_text(client.get(reverse("drafting:word_import_report", args=[draft.pk])))
    assert interests in text and "Draft 3 – for comment by Friday, please" in text
    assert "Some text could not be placed in the draft" in text


def test_a_deferral_with_reason_and_date_is_answered(client, officer):
    document = docx.Document(io.BytesIO(docx_forms.pcd_1620_form()))
    answers = {
        "Is the publication of Part 1 of this approval to be deferred? NO": (
            "Is the publication of Part 1 of this approval to be deferred? YES"
        ),
        "If yes, for what reason:": "If yes, for what reason: The contract is not yet signed.",
        "Until what date:": "Until what date: 31/12/2099",
    }
    for paragraph in document.paragraphs:
        if paragraph.text in answers:
            paragraph.text = answers[paragraph.text]
    draft = imported_draft(client, officer, docx_forms.saved(document))
    assert draft.deferred is True
    assert draft.deferral_reason == "The contract is not yet signed."
    assert draft.deferred_until.isoformat() == "2099-12-31"


def test_tables_and_bullets_in_the_text_are_kept(client, officer):
    document = docx.Document(io.BytesIO(docx_forms.pcd_1620_form()))
    anchor = next(p for p in document.paragraphs if p.text.startswith("1.3."))
    bullet = anchor.insert_paragraph_before("London Gang Exit", style="List Bullet")
    bullet.insert_paragraph_before("Empower", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ["Service", "Ends", "LGE", "June 2024"], strict=True):
        cell.text = text
    anchor._p.addprevious(table._tbl)
    draft = imported_draft(client, officer, docx_forms.saved(document))
    paragraph = section_texts(draft)[1][1]
    assert paragraph.startswith(seed.SECTIONS[1][1])
    assert "- Empower\n- London Gang Exit" in paragraph
    assert "| Service | Ends |\n| --- | --- |\n| LGE | June 2024 |" in paragraph
    assert len(section_texts(draft)[1]) == len(seed.SECTIONS[1])


# --- The type ---------------------------------------------------------------------------------


def test_without_a_type_heading_the_type_is_asked(client, officer):
    data = docx_forms.pcd_1620_form(type_heading=None)
    client.force_login(officer)
    response = upload(client, data)
    assert response.status_code == 200
    assert Messages.WORD_FORM_TYPE_NEEDED in page_text(response)
    assert not Decision.objects.exists()
    draft = imported_draft(client, officer, data, type_code="CEOD")
    assert draft.decision_type.code == "CEOD"


def test_a_chosen_type_that_differs_from_the_forms_is_refused(client, officer):
    client.force_login(officer)
    response = upload(client, docx_forms.pcd_1620_form(), type_code="CEOD")
    assert "Your form says it is a DMPC Decision, but you chose Chief Executive" in page_text(
        response
    )
    assert not Decision.objects.exists()


# --- Refusals: a clear message beside the field, nothing stored -------------------------------

REFUSALS = {
    "not a decision form": (docx_forms.not_a_decision_form, Messages.WORD_FORM_NOT_DECISION),
    "corrupt": (docx_forms.corrupt_docx, Messages.WORD_FORM_CORRUPT),
    "docm": (docx_forms.macro_enabled, Messages.WORD_FORM_MACROS),
    "docm content type only": (
        lambda: docx_forms.macro_enabled(project=False),
        Messages.WORD_FORM_MACROS,
    ),
    "vba project only": (
        lambda: docx_forms.macro_enabled(content_type=False),
        Messages.WORD_FORM_MACROS,
    ),
    "20 MB": (
        lambda: docx_forms.padded(docx_forms.pcd_1620_form(), 20 * 1024 * 1024),
        Messages.WORD_FORM_TOO_LARGE.format(limit="10 MB"),
    ),
    "a PDF": (lambda: b"%PDF-1.7\n" + b"0" * 2000, Messages.WORD_FORM_NOT_DOCX),
    "old Word": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000,
        Messages.WORD_FORM_OLD_DOC,
    ),
}


def _stored() -> tuple:
    return (
        Decision.objects.count(),
        DraftImport.objects.count(),
        DecisionEvent.objects.count(),
        Decision.history.count(),
        Paragraph.history.count(),
    )


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refused_files_say_why_beside_the_field_and_store_nothing(client, officer, case):
    make, message = REFUSALS[case]
    client.force_login(officer)
    before = _stored()
    response = upload(client, make(), name="form.docx")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_file-error"' in html
    error = re.search(r'id="id_file-error"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert message in page_text(error)
    assert "There is a problem" in page_text(response)
    assert _stored() == before


def test_no_file_is_a_clear_message(client, officer):
    client.force_login(officer)
    response = client.post(UPLOAD_URL, {})
    assert response.status_code == 200
    assert Messages.WORD_FORM_REQUIRED in page_text(response)


# --- Who may use it -------------------------------------------------------------------------


def test_only_officers_may_upload_and_only_the_drafts_officers_see_the_report(
    client, officer, other_officer
):
    draft = imported_draft(client, officer, docx_forms.pcd_1620_form())
    report_url = reverse("drafting:word_import_report", args=[draft.pk])
    client.force_login(other_officer)
    assert client.get(report_url).status_code == 404
    head = UserFactory(role=Role.HEAD_OF_SERVICE)
    client.force_login(head)
    assert client.get(UPLOAD_URL).status_code == 403
    before = _stored()
    assert upload(client, docx_forms.pcd_1620_form()).status_code == 403
    assert _stored() == before
    client.logout()
    assert client.get(UPLOAD_URL).status_code == 302


def test_a_ceo_decision_heading_and_an_approving_lead_in_are_taken(client, officer):
    document = docx.Document(io.BytesIO(docx_forms.pcd_1620_form(type_heading="CEO Decision")))
    for paragraph in document.paragraphs:
        if paragraph.text == seed.RECOMMENDATION_PREAMBLE:
            paragraph.text = "The Chief Executive Officer approves:"
    draft = imported_draft(client, officer, docx_forms.saved(document))
    assert draft.decision_type.code == "CEOD"
    assert draft.recommendations_lead_in == LeadIn.APPROVES
    assert draft.recommendations_preamble == "The Chief Executive Officer approves:"


def test_answers_a_drafting_rule_refuses_are_kept_for_the_officer(client, officer):
    """A deferral date already past cannot be saved: the answers wait for the officer,
    said on the report, and the rest of the draft is made."""
    document = docx.Document(io.BytesIO(docx_forms.pcd_1620_form()))
    for paragraph in document.paragraphs:
        if paragraph.text.startswith("Is the publication of Part 1"):
            paragraph.text = paragraph.text.replace("NO", "YES")
        elif paragraph.text == "If yes, for what reason:":
            paragraph.text = "If yes, for what reason: Contract negotiations"
        elif paragraph.text == "Until what date:":
            paragraph.text = "Until what date: 1 January 2020"
    draft = imported_draft(client, officer, docx_forms.saved(document))
    assert draft.deferred is None and draft.has_part2 is None
    assert section_texts(draft) == seed.SECTIONS
    [item] = draft.word_import.report["unplaced"]
    assert item["reason"] == Messages.DEFERRAL_DATE_PAST
    assert "Reason: Contract negotiations. Until: 1 January 2020" in item["text"]


def test_text_in_content_controls_is_read(client, officer):
    """A form's fill-in boxes (Word content controls) around a paragraph, and around
    words inside one, are read like the rest."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document(io.BytesIO(docx_forms.pcd_1620_form()))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("1.3."))
    box = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
    paragraph._p.addprevious(box)
    box[1].append(paragraph._p)  # 1.3 now sits in a content control
    inline = parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr/><w:sdtContent><w:r><w:t xml:space="preserve">'
        " (a later note)</w:t></w:r></w:sdtContent></w:sdt>"
    )
    paragraph._p.append(inline)
    draft = imported_draft(client, officer, docx_forms.saved(document))
    assert section_texts(draft)[1][2] == seed.SECTIONS[1][2] + " (a later note)"
    assert len(section_texts(draft)[1]) == len(seed.SECTIONS[1])


def test_a_document_the_reader_does_not_expect_is_a_message_not_a_server_error(
    client, officer, monkeypatch
):
    from decisions.services import word_import

    def unexpected(blocks):
        raise RuntimeError("a part of Word this reader has never seen")

    monkeypatch.setattr(word_import, "word_form_read", unexpected)
    client.force_login(officer)
    before = _stored()
    response = upload(client, docx_forms.pcd_1620_form())
    assert response.status_code == 200
    assert Messages.WORD_FORM_CORRUPT in page_text(response)
    assert _stored() == before
