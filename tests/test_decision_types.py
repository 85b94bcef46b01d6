"""Each decision type as its own data says: the approver, their signature and its
wording, the headings, the delegation limit and the series codes.

Expectations come from the rows the tests read or write (the stored SignOff, the
DecisionType and SignOffWording rows) and from the seed form, never from the code
that renders them.
"""

import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.errors import DomainError
from decisions.forms import DecisionCreateForm
from decisions.forms_public import DecisionFilterForm
from decisions.models import (
    REVIEWER_DECLARATIONS,
    Decision,
    DecisionType,
    DeclarationKind,
    SignOffWording,
)
from decisions.services import (
    decision_approve,
    decision_clear,
    decision_create,
    decision_public_access_set,
    decision_sign,
    decision_submit,
    declaration_confirm,
    paragraph_add,
    recommendation_add,
)
from demo import ceod_mentoring
from tests.factories import UserFactory
from tests.helpers import body_bytes, page_text, squash

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "pcd-1620.txt"


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "decision.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return squash(out.stdout.decode())


def published_pdf_text(client, decision, tmp_path) -> str:
    response = client.get(f"/decisions/{decision.slug}/pdf/")
    assert response.status_code == 200
    return pdf_text(body_bytes(response), tmp_path)


def signed_on(sign_off, fmt: str) -> str:
    return timezone.localtime(sign_off.signed_at).strftime(fmt)


def other_statements(decision_type: DecisionType, role: str) -> list[str]:
    """Every stored statement that is not this type's for this role."""
    return [
        wording.statement
        for wording in SignOffWording.objects.exclude(decision_type=decision_type, role=role)
        if wording.statement
    ]


@pytest.fixture
def ceod(demo):
    return Decision.objects.with_type().get(
        decision_type__code=ceod_mentoring.REFERENCE_PREFIX, title=ceod_mentoring.TITLE
    )


# --- The demo CEOD: approved through the workflow, under the delegation limit ------------


def test_demo_ceod_is_approved_by_the_chief_executive_under_the_limit(ceod):
    assert ceod.state == "approved"
    assert ceod.reference == f"{ceod_mentoring.REFERENCE_PREFIX} {ceod.reference_number}"
    assert ceod.budget_envelope.total_pence == ceod_mentoring.TOTAL_PENCE
    assert ceod.decision_type.delegation_limit_pence > ceod_mentoring.TOTAL_PENCE
    # Signed through the workflow: one sign-off, on the wording stored for the type.
    (sign_off,) = ceod.sign_offs.all()
    wording = SignOffWording.objects.get(decision_type=ceod.decision_type, role=sign_off.role)
    assert sign_off.role == ceod.decision_type.final_approver
    assert (sign_off.statement, sign_off.approval_line) == (
        wording.statement,
        wording.approval_line,
    )
    assert sign_off.signer.username == "ceo"
    assert list(ceod.events.values_list("action", flat=True)) == [
        "create",
        "submit",
        "clear",
        "approve",
    ]


@pytest.mark.django_db
def test_demo_load_adds_the_ceod_once(settings):
    from demo.loader import demo_load

    settings.DEBUG = True
    demo_load(stages=False)
    demo_load(stages=False)
    assert Decision.objects.filter(decision_type__code="CEOD", state="approved").count() == 1


def test_ceod_pdf_carries_the_chief_executives_stored_sign_off_only(client, ceod, tmp_path):
    text = published_pdf_text(client, ceod, tmp_path)
    (sign_off,) = ceod.sign_offs.all()
    decision_type = ceod.decision_type
    assert f"{decision_type.name} – {ceod.reference}" in text
    # The statement exactly as stored, once: no second Chief Executive block.
    assert text.count(squash(sign_off.statement)) == 1
    assert squash(sign_off.approval_line) in text
    assert f"Signature: {sign_off.signer_name}, {sign_off.signer_title}" in text
    assert f"Date: {signed_on(sign_off, '%d/%m/%Y')}" in text
    heading = f"PART I – NON-CONFIDENTIAL FACTS AND ADVICE TO THE {decision_type.approver_title}"
    assert heading.upper() in text
    # The approval follows the recommendations, before Part I.
    assert text.index(squash(sign_off.statement)) < text.index("PART I")
    # No other type's or role's statement, no unsigned block, no interests line.
    for statement in other_statements(decision_type, sign_off.role):
        assert squash(statement) not in text
    for absent in ("Not yet signed", "Interests recorded", "Deputy Mayor", "CHIEF_EXECUTIVE"):
        assert absent not in text


def test_ceod_page_carries_the_chief_executives_stored_sign_off(client, ceod):
    text = page_text(client.get(f"/decisions/{ceod.slug}/"))
    (sign_off,) = ceod.sign_offs.all()
    decision_type = ceod.decision_type
    assert f"Decision by {sign_off.signer_name}, {sign_off.signer_title}" in text
    assert f"Date signed {signed_on(sign_off, '%-d %B %Y')}" in text
    assert text.count(squash(sign_off.statement)) == 1
    assert f"Signature: {sign_off.signer_name}, {sign_off.signer_title}" in text
    assert f"Part I – Non-confidential facts and advice to the {decision_type.approver_title}" in (
        text
    )
    for statement in other_statements(decision_type, sign_off.role):
        assert squash(statement) not in text
    for absent in ("Not yet signed", "Interests recorded", "Deputy Mayor", "CHIEF_EXECUTIVE"):
        assert absent not in text


# --- PCD 1620: the DMPC's block after the recommendations, the CE's at the end -----------


def _seed_part1_heading() -> str:
    match = re.search(
        r"PART I - NON-CONFIDENTIAL FACTS AND ADVICE TO THE ([A-Z ]+)", SEED.read_text()
    )
    return f"PART I – NON-CONFIDENTIAL FACTS AND ADVICE TO THE {match[1].strip()}"


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed is not beside this checkout")
def test_pcd_pdf_carries_both_stored_sign_offs_where_the_form_has_them(client, pcd_1620, tmp_path):
    text = published_pdf_text(client, pcd_1620, tmp_path)
    sign_offs = {s.role: s for s in pcd_1620.sign_offs.all()}
    dmpc, ce = sign_offs["dmpc"], sign_offs["chief_executive"]
    for sign_off in (dmpc, ce):
        assert text.count(squash(sign_off.statement)) == 1
        assert f"Signature: {sign_off.signer_name}, {sign_off.signer_title}" in text
        assert f"Date: {signed_on(sign_off, '%d/%m/%Y')}" in text
    assert f"Interests recorded: {dmpc.interests or 'none'}" in text
    assert squash(dmpc.approval_line) in text
    assert "Not yet signed" not in text
    # The seed form's order: DMPC block, Part I, the declaration table, the CE's block.
    seed_heading = _seed_part1_heading()
    assert (
        text.index(squash(dmpc.statement))
        < text.index(seed_heading)
        < text.index("ORIGINATING OFFICER DECLARATION")
        < text.index(squash(ce.statement))
    )
    # Each block under its signer's heading, as on the form.
    assert f"{pcd_1620.decision_type.approver_title} {squash(dmpc.statement)}" in text
    assert f"Chief Executive Officer {squash(ce.statement)}" in text
    ceod_type = DecisionType.objects.get(code="CEOD")
    for wording in SignOffWording.objects.filter(decision_type=ceod_type):
        assert squash(wording.statement) not in text


def test_pcd_page_is_decided_by_the_dmpc(client, pcd_1620):
    text = page_text(client.get("/decisions/pcd-1620/"))
    sign_offs = {s.role: s for s in pcd_1620.sign_offs.all()}
    dmpc, ce = sign_offs["dmpc"], sign_offs["chief_executive"]
    assert f"Decision by {dmpc.signer_name}, {dmpc.signer_title}" in text
    assert f"Decision by {ce.signer_name}" not in text
    for sign_off in (dmpc, ce):
        assert text.count(squash(sign_off.statement)) == 1
        assert f"Signature: {sign_off.signer_name}, {sign_off.signer_title}" in text
    # The headings in the body (the contents list names them first).
    assert text.index(squash(dmpc.statement)) < text.rindex("Part I –")
    assert text.rindex("Originating officer declaration") < text.index(squash(ce.statement))


def test_pages_print_the_stored_statement_not_todays_wording(client, ceod, officer):
    """Wording changed after signing: the record keeps what was signed; a new draft
    of the type shows the new wording, not yet signed."""
    (sign_off,) = ceod.sign_offs.all()
    wording = SignOffWording.objects.get(decision_type=ceod.decision_type, role=sign_off.role)
    wording.statement = "I approve this decision: reworded after CEOD 1 was signed."
    wording.save()
    text = page_text(client.get(f"/decisions/{ceod.slug}/"))
    assert squash(sign_off.statement) in text and wording.statement not in text

    draft = decision_create(user=officer, type_code="CEOD", title="A later grant")
    client.force_login(officer)
    text = page_text(client.get(reverse("drafting:preview", kwargs={"pk": draft.pk})))
    assert f"{wording.statement} {wording.approval_line} Not yet signed." in text
    assert squash(sign_off.statement) not in text


# --- Before final approval: "Decision by" is the approver, not yet signed ----------------


@pytest.fixture
def people(db):
    return {
        "officer": UserFactory(role=Role.OFFICER, first_name="Olive", last_name="Officer"),
        "head": UserFactory(role=Role.HEAD_OF_SERVICE, first_name="Hana", last_name="Head"),
        "ceo": UserFactory(
            role=Role.CHIEF_EXECUTIVE,
            first_name="Cass",
            last_name="Chief",
            job_title="Chief Executive Officer",
        ),
        "dmpc": UserFactory(
            role=Role.DMPC,
            first_name="Dara",
            last_name="Deputy",
            job_title="Deputy Mayor for Policing and Crime",
        ),
    }


def _complete_draft(officer, *, type_code: str, title: str) -> Decision:
    """A draft with everything submission needs, written through the services."""
    decision = decision_create(
        user=officer, type_code=type_code, title=title, executive_summary="Why."
    )
    recommendation_add(user=officer, decision=decision, text="Agree the plan.")
    for kind in range(1, 9):
        paragraph_add(user=officer, decision=decision, section_kind=kind, text=f"Text {kind}.")
    decision_public_access_set(user=officer, decision=decision, deferred=False, has_part2=False)
    for kind in DeclarationKind:
        if kind not in REVIEWER_DECLARATIONS:
            declaration_confirm(user=officer, decision=decision, kind=kind)
    decision.refresh_from_db()
    return decision


@pytest.fixture
def awaiting_dmpc(people):
    """A PCD the Chief Executive has signed, now with the DMPC."""
    decision = _complete_draft(people["officer"], type_code="PCD", title="Awaiting the DMPC")
    decision = decision_submit(user=people["officer"], decision=decision)
    decision = decision_clear(user=people["head"], decision=decision)
    return decision_sign(user=people["ceo"], decision=decision)


def test_review_page_before_the_dmpc_signs_is_not_decided_by_the_ce(client, people, awaiting_dmpc):
    ce = awaiting_dmpc.sign_offs.get()
    assert ce.role == "chief_executive"
    dmpc_wording = SignOffWording.objects.get(
        decision_type=awaiting_dmpc.decision_type, role="dmpc"
    )
    client.force_login(people["dmpc"])
    text = page_text(client.get(reverse("drafting:review", kwargs={"pk": awaiting_dmpc.pk})))
    approver = awaiting_dmpc.decision_type.approver_title
    key_information = "Date signed Not yet signed Date published Not yet published"
    assert f"{key_information} Decision by {approver}" in text
    assert f"Decision by {ce.signer_name}" not in text
    # The DMPC's block: the wording they are about to sign, not yet signed; the CE's
    # block: what the Chief Executive signed, as stored.
    assert f"{squash(dmpc_wording.statement)} {dmpc_wording.approval_line} Not yet signed." in text
    assert f"{squash(ce.statement)} Signature: {ce.signer_name}, {ce.signer_title}" in text


def test_preview_and_draft_pdf_before_the_dmpc_signs(client, people, awaiting_dmpc, tmp_path):
    ce = awaiting_dmpc.sign_offs.get()
    client.force_login(people["officer"])
    text = page_text(client.get(reverse("drafting:preview", kwargs={"pk": awaiting_dmpc.pk})))
    assert f"Decision by {awaiting_dmpc.decision_type.approver_title}" in text
    assert f"Decision by {ce.signer_name}" not in text
    response = client.get(reverse("drafting:preview_pdf", kwargs={"pk": awaiting_dmpc.pk}))
    text = pdf_text(response.content, tmp_path)
    dmpc_wording = SignOffWording.objects.get(
        decision_type=awaiting_dmpc.decision_type, role="dmpc"
    )
    # The DRAFT watermark's letters fall between lines: compare the parts in order.
    statement_at = text.index(squash(dmpc_wording.statement))
    approval_at = text.index(dmpc_wording.approval_line, statement_at)
    assert approval_at < text.index("Not yet signed.", approval_at) < text.index("PART I")
    assert f"Signature: {ce.signer_name}, {ce.signer_title}" in text
    assert text.count("Signature:") == 1


def test_ceod_approved_through_the_workflow_prints_its_own_wording(client, people, tmp_path):
    """Not only the demo's: any CEOD, with the wording as stored for the type then."""
    ceod_type = DecisionType.objects.get(code="CEOD")
    wording = SignOffWording.objects.get(decision_type=ceod_type, role="chief_executive")
    wording.statement = "I take this decision within my delegated authority."
    wording.save()
    decision = _complete_draft(people["officer"], type_code="CEOD", title="A small grant")
    decision = decision_submit(user=people["officer"], decision=decision)
    decision = decision_clear(user=people["head"], decision=decision)
    decision = decision_approve(user=people["ceo"], decision=decision)
    text = published_pdf_text(client, decision, tmp_path)
    assert decision.sign_offs.get().statement == wording.statement
    assert text.count(wording.statement) == 1
    assert f"Signature: {people['ceo'].display_name}, Chief Executive Officer" in text
    for statement in other_statements(ceod_type, "chief_executive"):
        assert squash(statement) not in text


# --- Forms and messages follow the decision-type rows ------------------------------------


def _labels(field) -> dict[str, str]:
    return {str(value): str(label) for value, label in field.choices}


def test_create_form_follows_the_delegation_limit_and_the_series(db):
    ceod_type = DecisionType.objects.get(code="CEOD")
    ceod_type.delegation_limit_pence = 250_000_00
    ceod_type.save()
    DecisionType.objects.create(
        code="MD",
        name="Mayoral Decision",
        final_approver=Role.DMPC,
        approver_title="Mayor of London",
        recommendation_preamble="The Mayor is recommended to:",
    )
    labels = _labels(DecisionCreateForm().fields["type_code"])
    assert set(labels) == {"PCD", "CEOD", "MD"}
    assert "£250,000" in labels["CEOD"] and "£500,000" not in labels["CEOD"]
    assert labels["CEOD"].startswith(f"{ceod_type.name} (CEOD)")
    assert "Chief Executive Officer" in labels["CEOD"]
    assert labels["MD"] == "Mayoral Decision (MD): approved by the Mayor of London"
    form = DecisionCreateForm({"type_code": "MD", "title": "A mayoral decision"})
    assert form.is_valid(), form.errors


def test_public_type_filter_follows_the_series(client, db):
    DecisionType.objects.create(
        code="MD",
        name="Mayoral Decision",
        final_approver=Role.DMPC,
        approver_title="Mayor of London",
        recommendation_preamble="The Mayor is recommended to:",
    )
    labels = _labels(DecisionFilterForm(years=[]).fields["type"])
    assert labels["MD"] == "Mayoral Decisions (MD)"
    assert {"PCD", "CEOD"} <= set(labels)
    text = page_text(client.get("/decisions/", {"type": "MD"}))
    assert "Mayoral Decisions (MD)" in text and "Select a valid choice" not in text


def test_unknown_type_message_names_the_series_in_the_table(officer):
    DecisionType.objects.create(
        code="MD",
        name="Mayoral Decision",
        final_approver=Role.DMPC,
        approver_title="Mayor of London",
        recommendation_preamble="The Mayor is recommended to:",
    )
    with pytest.raises(DomainError) as error:
        decision_create(user=officer, type_code="XYZ", title="A")
    codes = set(DecisionType.objects.values_list("code", flat=True))
    assert codes == {"PCD", "CEOD", "MD"}
    named = set(re.findall(r"[A-Z]{2,}", error.value.message.split("(", 1)[1]))
    assert named == codes


def test_part1_heading_names_a_new_types_approver(client, officer):
    DecisionType.objects.create(
        code="MD",
        name="Mayoral Decision",
        final_approver=Role.DMPC,
        approver_title="Mayor of London",
        recommendation_preamble="The Mayor is recommended to:",
    )
    draft = decision_create(user=officer, type_code="MD", title="A mayoral decision")
    client.force_login(officer)
    text = page_text(client.get(reverse("drafting:preview", kwargs={"pk": draft.pk})))
    assert "Part I – Non-confidential facts and advice to the Mayor of London" in text
    assert "Decision by Mayor of London" in text
