"""Issue 12 at scale: the sitemap index, the streamed CSVs, the summarised
financial-year report and the envelope report cost the same number of queries at 3
published decisions as at 30, and say what the data they are given says."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from core.csv_export import ROWS_PER_CHUNK, csv_chunks, csv_response
from core.financial_years import format_financial_year
from core.money import format_money
from decisions.models import Decision, DecisionType
from decisions.workflow import State
from funding.models import Allocation, BudgetEnvelope, BudgetLine
from funding.year_report import TOP_PER_YEAR, financial_year_report
from opendata.selectors import published_on_expression
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://testserver"
FIRST_NUMBER = 9000


def published_rows(officer, count: int, *, start: int = FIRST_NUMBER) -> list[Decision]:
    """`count` approved, published PCDs with an envelope of one or two lines and a few
    years each: rows as the services leave them, made directly (the workflow would
    make 30 decisions take minutes); the amounts differ so that rankings are strict."""
    pcd = DecisionType.objects.get(code="PCD")
    made = []
    for index in range(count):
        number = start + index
        approved_at = timezone.now() - dt.timedelta(days=400 - index)
        decision = Decision.objects.create(
            decision_type=pcd, reference_number=number, title=f"Scale decision {number}",
            state=State.APPROVED, deferred=False, has_part2=False, drafted_by=officer,
            approved_at=approved_at,
        )  # fmt: skip
        lines = 1 + index % 2
        amount = (index + 1) * 1_000_00
        envelope = BudgetEnvelope.objects.create(
            decision=decision, description="Scale", funding_source="Core",
            total_pence=amount * lines,
        )  # fmt: skip
        for position in range(lines):
            line = BudgetLine.objects.create(
                envelope=envelope, position=position, route="grant", amount_pence=amount,
                set_by=decision,
            )  # fmt: skip
            years = 1 + index % 3
            for offset in range(years):
                share = amount // years + (amount % years if offset == 0 else 0)
                Allocation.objects.create(
                    line=line, financial_year=2030 + (index + offset) % 4, amount_pence=share
                )
        made.append(decision)
    return made


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


def xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own response, in a test


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# --- Query counts: 3 decisions against 30 ----------------------------------------------

URLS = [
    "/sitemap.xml",
    "/sitemap-decisions.xml",
    "/decisions/export/decisions.csv",
    "/decisions/export/allocations.csv",
    "/reports/financial-years/",
    "/reports/financial-years.csv",
    "/reports/envelopes/pcd-1406/",
    "/decisions/pcd-1406/",
]


@pytest.mark.parametrize("internal", [False, True])
def test_query_counts_do_not_grow_with_the_number_of_decisions(client, demo, officer, internal):
    if internal:
        client.force_login(demo[Role.OFFICER])
    urls = [
        url.replace("/reports/", "/work/reports/") if internal else url
        for url in URLS
        if not internal or "/reports/" in url
    ]
    published_rows(officer, 3)
    # Counted as computed, not as kept: the financial-year report and the page cache.
    cache.clear()
    caches["pages"].clear()
    small = {url: queries(client, url) for url in urls}
    published_rows(officer, 27, start=FIRST_NUMBER + 3)
    cache.clear()
    caches["pages"].clear()
    large = {url: queries(client, url) for url in urls}
    assert large == small


def test_the_financial_year_report_is_kept_until_the_data_changes(client, demo, officer):
    published_rows(officer, 3)
    cache.clear()
    computed = queries(client, "/reports/financial-years/")
    kept = queries(client, "/reports/financial-years/")
    assert kept < computed  # the second request read the cached summary
    (added,) = published_rows(officer, 1, start=FIRST_NUMBER + 50)
    text = page_text(client.get("/reports/financial-years/"))
    assert added.reference in text  # a change to the data is seen at once


# --- Sitemap ---------------------------------------------------------------------------


def test_the_sitemap_index_pages_each_section_at_the_limit(client, demo, officer, settings):
    settings.SITEMAP_LIMIT = 2
    published_rows(officer, 3)
    index = xml(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    files = [each.findtext(f"{SITEMAP}loc") for each in index.findall(f"{SITEMAP}sitemap")]
    published = list(Decision.objects.published().order_by("pk").select_related("decision_type"))
    pages = -(-len(published) // 2)  # 6 decisions (3 of the demo's): 3 files of 2
    from opendata.sitemaps import SITEMAPS

    static_pages = -(-len(SITEMAPS["pages"].items()) // 2)
    assert files == [
        f"{BASE}/sitemap-list.xml",
        f"{BASE}/sitemap-decisions.xml",
        *[f"{BASE}/sitemap-decisions.xml?p={page}" for page in range(2, pages + 1)],
        f"{BASE}/sitemap-pages.xml",
        *[f"{BASE}/sitemap-pages.xml?p={page}" for page in range(2, static_pages + 1)],
    ]
    listed = []
    for file in files:
        response = client.get(file.removeprefix(BASE))
        urls = xml(response.content).findall(f"{SITEMAP}url")
        assert 1 <= len(urls) <= settings.SITEMAP_LIMIT, file
        if "decisions" in file:
            listed += [(u.findtext(f"{SITEMAP}loc"), u.findtext(f"{SITEMAP}lastmod")) for u in urls]
    assert listed == [
        (f"{BASE}{d.get_absolute_url()}", d.published_on.isoformat()) for d in published
    ]
    assert client.get(f"/sitemap-decisions.xml?p={pages + 1}").status_code == 404
    assert client.get("/sitemap-decisions.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_the_sitemap_limit_never_passes_the_protocols(client, settings):
    from opendata.sitemaps import PublishedDecisionsSitemap

    settings.SITEMAP_LIMIT = 60_000
    assert PublishedDecisionsSitemap().limit == 50_000


@pytest.mark.parametrize(
    ("approved", "deferred_until"),
    [
        # Approved late in the evening in summer: the day is London's, not UTC's.
        (dt.datetime(2024, 6, 30, 23, 30, tzinfo=dt.UTC), None),
        (dt.datetime(2024, 1, 10, 12, 0, tzinfo=dt.UTC), dt.date(2024, 3, 1)),
        # Deferred until a day before approval: published the day approved.
        (dt.datetime(2024, 1, 10, 12, 0, tzinfo=dt.UTC), dt.date(2024, 1, 1)),
    ],
)
def test_published_on_in_sql_agrees_with_the_model(officer, approved, deferred_until):
    (decision,) = published_rows(officer, 1)
    decision.approved_at = approved
    decision.deferred = deferred_until is not None
    decision.deferred_until = deferred_until
    decision.deferral_reason = "Contract" if deferred_until else ""
    decision.save()
    annotated = Decision.objects.annotate(on=published_on_expression()).get(pk=decision.pk)
    assert annotated.on == decision.published_on


# --- CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/decisions/export/decisions.csv", "/decisions/export/allocations.csv"]
)
def test_open_data_csvs_are_streamed(client, demo, url):
    response = client.get(url)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_a_streamed_csv_is_the_same_file_as_a_whole_one():
    header = ["Reference", "Title"]
    rows = [[f"PCD {n}", "=1+1" if n % 7 else f'Title "{n}", with, commas'] for n in range(1234)]
    streamed = b"".join(csv_chunks(header, iter(rows)))
    assert streamed == csv_response("x.csv", header, rows).content
    assert len(list(csv_chunks(header, iter(rows)))) == -(-len(rows) // ROWS_PER_CHUNK)
    assert b"".join(csv_chunks(header, [])) == b"Reference,Title\r\n"


def test_the_csvs_list_every_published_decision_and_allocation(client, demo, officer):
    made = published_rows(officer, 4)
    rows = list(csv.reader(io.StringIO(text_of(client.get("/decisions/export/decisions.csv")))))
    by_reference = {row[0]: row for row in rows[1:]}
    for decision in made:
        row = by_reference[decision.reference]
        total = decision.budget_envelope.total_pence
        assert row[4] == decision.published_on.isoformat()
        assert row[5] == f"{total // 100}.{total % 100:02d}"
        assert row[6] == f"{BASE}{decision.get_absolute_url()}"
    rows = list(csv.reader(io.StringIO(text_of(client.get("/decisions/export/allocations.csv")))))
    references = {d.reference for d in made}
    expected = sorted(
        (a.line.set_by.reference, format_financial_year(a.financial_year), a.amount_pence)
        for a in Allocation.objects.filter(line__set_by__in=made).select_related("line__set_by")
    )
    listed = sorted(
        (row[0], row[2], round(float(row[3]) * 100)) for row in rows[1:] if row[0] in references
    )
    assert listed == expected


# --- Financial-year report -------------------------------------------------------------


def test_the_financial_year_report_sums_by_year_and_type(demo, officer):
    made = published_rows(officer, 12)
    ours = Decision.objects.filter(pk__in=[d.pk for d in made])
    report = financial_year_report(ours)
    allocations = list(Allocation.objects.filter(line__set_by__in=made).select_related("line"))
    by_year: dict[int, dict[int, int]] = {}
    for allocation in allocations:
        amounts = by_year.setdefault(allocation.financial_year, {})
        amounts[allocation.line.set_by_id] = (
            amounts.get(allocation.line.set_by_id, 0) + allocation.amount_pence
        )
    assert [row.year for row in report.rows] == sorted(by_year)
    for row in report.rows:
        amounts = by_year[row.year]
        assert row.total_pence == sum(amounts.values())
        assert row.by_type == (row.total_pence,)  # every one is a PCD
        assert row.decisions == len(amounts)
        top = sorted(amounts.items(), key=lambda item: (-item[1], item[0]))[:TOP_PER_YEAR]
        assert [(each.pk, each.amount_pence) for each in row.largest] == top
    assert [each.code for each in report.types] == ["PCD"]
    assert report.types[0].total_pence == sum(a.amount_pence for a in allocations)
    assert report.decisions == len(made)


def test_the_financial_year_page_is_a_summary_with_links(client, demo, officer):
    made = published_rows(officer, 30)
    response = client.get("/reports/financial-years/")
    body = response.content.decode()
    report = financial_year_report(Decision.objects.published())
    for row in report.rows:
        assert len(row.largest) == min(TOP_PER_YEAR, row.decisions)
        for top in row.largest:
            assert f'href="/decisions/{top.slug}/"' in body
    # Not a column (or a link) per decision: most of the 30 are in no top list.
    listed = {top.pk for row in report.rows for top in row.largest}
    assert sum(f'href="{d.get_absolute_url()}"' in body for d in made) == len(
        listed & {d.pk for d in made}
    )
    assert len(listed) < len(made)
    text = page_text(response)
    assert f"All years {format_money(report.types[0].total_pence)}" in text
