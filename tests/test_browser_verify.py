"""/verify/ in a real browser at 1280 px and 390 px: the form and each kind of answer
(published and amended, withdrawn, signed but not published, not published, an
error beside the field) pass axe and fit the width; the upload works without
JavaScript."""

from __future__ import annotations

import pytest

from accounts.models import User
from decisions.models import Decision
from decisions.services import decision_publication_withdraw
from tests.accessibility import axe_violations
from tests.archive_folder import pdf_bytes
from tests.test_verify import sign_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDER_THAN_THE_WINDOW = "document.documentElement.scrollWidth > window.innerWidth"


def _stored(reference: str) -> bytes:
    document = Decision.objects.by_reference(*reference.split()).get().published_document
    with document.file.open("rb") as opened:
        return opened.read()


@pytest.fixture
def files(live_demo, tmp_path):
    """The PDFs to upload: PCD 1406 (amended by PCD 1620), CEOD 1 once withdrawn, a copy
    signed for PCD 1620 that is not its published PDF, and one nobody published."""
    ceod = Decision.objects.by_reference("CEOD", 1).get()
    decision_publication_withdraw(
        user=User.objects.get(username="records"), decision=ceod, reason="Published in error."
    )
    made = {
        "published": _stored("PCD 1406"),
        "withdrawn": _stored("CEOD 1"),
        "signed": sign_pdf(pdf_bytes("Earlier"), reason="PCD 1620 approved"),
        "unknown": pdf_bytes("Nobody published this."),
        "not_a_pdf": b"Plain text.",
    }
    paths = {}
    for name, content in made.items():
        paths[name] = tmp_path / f"{name}.pdf"
        paths[name].write_bytes(content)
    return paths


ANSWERS = [
    ("published", "This is the published record of PCD 1406"),
    ("withdrawn", "This is CEOD 1, which has been withdrawn"),
    ("signed", "Validly signed, but not the published version of any decision"),
    ("unknown", "This is not a document we published"),
    ("not_a_pdf", "Verify a document"),
]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_form_and_every_answer_are_accessible_and_fit(page, live_demo, files, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_demo.url}/verify/")
    assert axe_violations(page) == []
    assert not page.evaluate(WIDER_THAN_THE_WINDOW)
    for name, heading in ANSWERS:
        page.goto(f"{live_demo.url}/verify/")
        page.get_by_label("Upload a PDF").set_input_files(str(files[name]))
        page.get_by_role("button", name="Check the file").click()
        assert page.get_by_role("heading", level=1).inner_text() == heading, name
        assert axe_violations(page) == [], name
        assert not page.evaluate(WIDER_THAN_THE_WINDOW), name
    # The error is beside the field, and the summary leads to it.
    assert page.locator("#id_file-error").inner_text().endswith("The selected file must be a PDF.")
    page.locator(".govuk-error-summary").get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_file"
    # A fingerprint with capitals and spaces, typed.
    page.goto(f"{live_demo.url}/verify/")
    fingerprint = Decision.objects.by_reference("PCD", 1620).get().published_document.sha256
    page.get_by_label("Or paste its SHA-256 fingerprint").fill(
        f" {fingerprint.upper()[:32]} {fingerprint[32:]} "
    )
    page.get_by_role("button", name="Check the fingerprint").click()
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "This is the published record of PCD 1620"
    )
    assert axe_violations(page) == []
    assert not page.evaluate(WIDER_THAN_THE_WINDOW)


def test_the_upload_works_without_javascript(page_without_javascript, live_demo, files):
    page = page_without_javascript
    page.goto(f"{live_demo.url}/decisions/pcd-1406/")
    page.get_by_text("Check this document").click()
    page.locator(".dr-check").get_by_role("link", name="verify a document").click()
    page.get_by_label("Upload a PDF").set_input_files(str(files["published"]))
    page.get_by_role("button", name="Check the file").click()
    main = page.locator("main").inner_text()
    assert "This is the published record of PCD 1406" in main
    assert "Amended by PCD 1620 on 1 March 2024." in main
    page.locator("main").get_by_role("link", name="PCD 1620").click()
    assert page.url.endswith("/decisions/pcd-1620/")
