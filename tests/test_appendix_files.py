"""Uploaded appendices: stored under generated names, always served as downloads,
publicly only when both the decision and the appendix are published."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from decisions.services import appendix_add
from tests.factories import approved_decision, draft_decision
from tests.helpers import body_bytes

# Touches stored files or the caches: run on the defaults and on S3 and Redis.
pytestmark = pytest.mark.storage

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name="paper.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def test_published_appendix_is_a_safe_download(client, officer):
    decision = draft_decision(user=officer, title="With papers")
    appendix_add(user=officer, decision=decision, title="Impact assessment", upload=upload())
    appendix_add(user=officer, decision=decision, title="Internal note", published=False,
                 upload=upload())  # fmt: skip
    approved_decision(user=officer, decision=decision, number=881)
    page = client.get("/decisions/pcd-881/").content.decode()
    assert 'href="/decisions/pcd-881/appendices/1/"' in page
    assert "Internal note" not in page
    response = client.get("/decisions/pcd-881/appendices/1/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="PCD-881-appendix-1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body_bytes(response) == PDF
    assert client.get("/decisions/pcd-881/appendices/2/").status_code == 404  # not published


def test_draft_appendices_are_internal_only(client, officer, other_officer):
    decision = draft_decision(user=officer)
    appendix = appendix_add(user=officer, decision=decision, title="Draft paper", upload=upload())
    url = f"/work/decisions/{decision.pk}/appendices/{appendix.pk}/file/"
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    client.logout()
    assert client.get(f"/decisions/{decision.slug}/appendices/1/").status_code == 404


def test_uploaded_files_are_not_served_from_a_media_url(client, officer):
    decision = draft_decision(user=officer)
    appendix = appendix_add(user=officer, decision=decision, title="Paper", upload=upload())
    assert client.get(f"/media/{appendix.file.name}").status_code == 404
