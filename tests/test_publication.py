"""Publication: the published PDF, search, withdrawal, and the renderer's fetch rule."""

import datetime as dt
import hashlib
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import DomainError, Messages
from decisions.models import DecisionEvent, PublishedDocument
from decisions.pdf import StaticOnlyURLFetcher, html_to_pdf
from decisions.services import decision_publication_withdraw
from demo import pcd_1620 as seed
from tests.helpers import body_bytes, page_text, squash

# Touches stored files or the caches: run on the defaults and on S3 and Redis.
pytestmark = pytest.mark.storage

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext, pdfinfo) not installed"
)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "decision.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def pdf_info(data: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()


def pdf_objects(data: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated."""
    import zlib

    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


@needs_poppler
def test_pcd_1620_pdf_carries_the_whole_form(client, pcd_1620, tmp_path):
    response = client.get("/decisions/pcd-1620/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="PCD-1620.pdf"'
    data = body_bytes(response)
    text = squash(pdf_text(data, tmp_path))
    # Lines wrap after hyphens ("over-" / "represented"): compare with hyphens joined.
    joined = re.sub(r"-\s+", "-", text)
    for paragraphs in seed.SECTIONS.values():
        for paragraph in paragraphs:
            for line in paragraph.split("\n"):
                words = re.sub(r"-\s+", "-", squash(re.sub(r"^\(([a-z])\)\s*", "", line)))
                if words:
                    assert words[:60] in joined and words[-40:] in joined, words[:60]
    for recommendation in seed.RECOMMENDATIONS:
        assert squash(recommendation)[:80] in text
    for figure in ("£450,000", "£600,000", "£150,000", "£1,800,000", "2024/25", "2027/28"):
        assert figure in text
    assert "Is the publication of Part 1 of this approval to be deferred? NO" in text
    assert "Is there a Part 2 form – NO" in text
    for _kind, heading, statement in seed.DECLARATIONS:
        assert f"{heading}:" in text
        assert squash(statement)[:50] in text
    assert text.count("✓") >= 9  # the header's (✓) and one per row
    assert "Date: 27/02/2024" in text and "Date: 01/03/2024" in text
    assert "DMPC Decision – PCD 1620" in text
    pages = int(re.search(r"Pages:\s+(\d+)", pdf_info(data, tmp_path))[1])
    assert f"PCD 1620 – page {pages} of {pages}" in text
    info = pdf_info(data, tmp_path)
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Title:\s+DMPC Decision – PCD 1620", info)
    unpacked = pdf_objects(data)
    assert b"/Lang (en-GB)" in unpacked and b"pdfuaid:part" in unpacked  # language, PDF/UA-1
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True)
    rows = fonts.stdout.decode().splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)  # every font embedded


def test_sha256_on_the_page_matches_the_bytes_served(client, pcd_1620):
    page = client.get("/decisions/pcd-1620/").content.decode()
    shown = re.search(r'class="dr-digest">([0-9a-f]{64})<', page)[1]
    response = client.get("/decisions/pcd-1620/pdf/")
    served = body_bytes(response)
    assert hashlib.sha256(served).hexdigest() == shown
    assert response["ETag"] == f'"{shown}"'
    assert "(PDF, " in page_text(page)


def test_the_pdf_is_rendered_once_and_never_again(pcd_1620):
    from decisions.services import decision_publish_pdf

    document = PublishedDocument.objects.get(decision=pcd_1620)
    again = decision_publish_pdf(decision=pcd_1620)
    assert again.pk == document.pk and again.sha256 == document.sha256
    assert PublishedDocument.objects.count() == 3  # PCD 1406, PCD 1620 and the demo CEOD


@pytest.mark.parametrize("words", ["host borough", "Regulation 12", "exploitation"])
def test_search_finds_pcd_1620_by_words_from_part_1(client, demo, words):
    response = client.get("/decisions/", {"q": words})
    text = page_text(response)
    assert "PCD 1620" in text
    assert "<mark>" in response.content.decode()


def test_search_without_matches_says_so(client, demo):
    text = page_text(client.get("/decisions/", {"q": "zzzunlikelyword"}))
    assert "No decisions match your search." in text


def test_filters(client, demo):
    def refs(**params):
        text = page_text(client.get("/decisions/", params))
        return [ref for ref in ("PCD 1620", "PCD 1406") if f"{ref}:" in text]

    assert refs(year="2024") == ["PCD 1620"]
    assert refs(year="2023") == ["PCD 1406"]
    assert refs(type="CEOD") == []
    assert refs(financial_year="2025/26") == ["PCD 1620"]
    assert refs(value="10m-plus") == ["PCD 1406"]
    assert refs(value="500k-2m") == ["PCD 1620"]
    response = client.get("/decisions/", {"financial_year": "2025-27", "year": "1066"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Enter a financial year as two consecutive years" in text
    # In the visitor's words, beside each field: not Django's "Select a valid choice".
    assert "Select a valid choice" not in text
    assert "Choose a year from the list: it has each year in which a published decision" in text
    text = page_text(client.get("/decisions/", {"type": "XX", "value": "huge"}))
    assert "Choose a decision type from the list" in text
    assert "Choose a value from the list" in text
    assert "Select a valid choice" not in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN is PostgreSQL's")
def test_search_uses_the_gin_index(demo):
    from django.contrib.postgres.search import SearchQuery

    from decisions.models import DecisionSearch
    from decisions.services.publication import SEARCH_CONFIG

    # The match itself (the search's rare-word plan, bench/search.py shows it at
    # 100,000 decisions); for a common word the planner walks the list's order index.
    query = SearchQuery("host borough", config=SEARCH_CONFIG, search_type="websearch")
    queryset = DecisionSearch.objects.filter(vector=query).values("decision_id")
    with connection.cursor() as cursor:
        # A two-row table is cheaper to scan; ask what the planner does at scale
        # (without a full walk of some other index either, which a tiny table's
        # statistics can also make look cheap).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "decisionsearch_vector_gin" in plan, plan


def test_withdrawn_record_answers_410_with_its_reason(client, demo, pcd_1406):
    from accounts.roles import Role

    records = demo[Role.RECORDS_MANAGER]
    officer = demo[Role.OFFICER]
    with pytest.raises(DomainError) as error:
        decision_publication_withdraw(user=officer, decision=pcd_1406, reason="x")
    assert error.value.template == Messages.ROLE_REQUIRED
    client.force_login(records)
    response = client.post(
        f"/work/decisions/{pcd_1406.pk}/withdraw-publication/",
        {"reason": "Published in error: superseded figures."},
    )
    assert response.status_code == 302
    # The records manager's pages of it say where it stands: approved, and withdrawn.
    for address in (response.url, f"/work/decisions/{pcd_1406.pk}/review/"):
        caption = page_text(client.get(address))
        assert "Approved, withdrawn from publication" in caption, address
    client.logout()
    response = client.get("/decisions/pcd-1406/")
    assert response.status_code == 410
    assert "Published in error: superseded figures." in page_text(response)
    assert "PCD 1406" not in page_text(client.get("/decisions/"))
    assert client.get("/decisions/pcd-1406/pdf/").status_code == 404
    event = DecisionEvent.objects.get(decision=pcd_1406, action="withdraw_publication")
    assert event.actor == records and event.comment.startswith("Published in error")


def test_renderer_refuses_urls_outside_static(tmp_path, settings):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    fetcher = StaticOnlyURLFetcher()
    for url in (
        secret.as_uri(),
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.css",
        f"{(settings.BASE_DIR / 'static').as_uri()}/../manage.py",
    ):
        with pytest.raises(ValueError, match="only loads the project's own static files"):
            fetcher.fetch(url)
    allowed = fetcher.fetch((settings.BASE_DIR / "static" / "pdf" / "decision.css").as_uri())
    assert allowed is not None


def test_decision_text_cannot_make_the_renderer_fetch_anything(tmp_path, caplog):
    html = (
        '<html lang="en"><head><title>t</title>'
        f'<link rel="stylesheet" href="{(tmp_path / "x.css").as_uri()}"></head><body>'
        '<img src="http://127.0.0.1:9/tracker.png" alt="x">'
        '<img src="file:///usr/share/pixmaps/debian-logo.png" alt="y"><p>Body</p></body></html>'
    )
    (tmp_path / "x.css").write_text("p { color: red }")
    data = html_to_pdf(html)
    assert data.startswith(b"%PDF-")
    assert b"/Subtype /Image" not in data and b"/Subtype/Image" not in data
    refused = [r for r in caplog.records if "refused to fetch" in r.getMessage()]
    assert len(refused) >= 3


def test_deferred_decision_has_no_pdf_until_its_date(client, officer, records_manager):
    import time_machine

    from decisions.services import (
        decision_import_approved,
        decision_public_access_set,
        reference_reserve,
    )
    from tests.factories import draft_decision

    decision = draft_decision(user=officer, title="Deferred award")
    decision_public_access_set(
        user=officer,
        decision=decision,
        deferred=True,
        reason="Contract not yet signed",
        until=timezone.localdate() + dt.timedelta(days=10),
        has_part2=False,
    )
    decision = reference_reserve(user=records_manager, decision=decision, number=4321)
    decision_import_approved(
        user=records_manager, decision=decision, reference_number=4321, approved_at=timezone.now()
    )
    assert PublishedDocument.objects.filter(decision=decision).exists()  # rendered at approval
    assert client.get("/decisions/pcd-4321/pdf/").status_code == 404
    with time_machine.travel(timezone.now() + dt.timedelta(days=11)):
        assert client.get("/decisions/pcd-4321/pdf/").status_code == 200
