"""Open data: the Atom feed, the JSON API and its OpenAPI document, the CSV downloads,
the sitemap and the accessibility statement. Published Part 1 content only, ever."""

import csv
import datetime as dt
import hashlib
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.http import Http404
from django.test import Client
from django.urls import resolve
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from rest_framework import exceptions

from core.csv_export import csv_safe
from decisions.services import (
    appendix_add,
    decision_public_access_set,
    part2_save,
    reference_reserve,
)
from demo import ceod_mentoring, pcd_1406, pcd_1620
from opendata.api import api_exception_handler
from opendata.serializers import DecisionFilters
from tests.accessibility import axe_violations
from tests.factories import approved_decision, draft_decision
from tests.helpers import body_bytes, page_text

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://testserver"


def approve(user, decision, number, *, approved_at=None):
    return approved_decision(user=user, decision=decision, number=number, approved_at=approved_at)


def money(pence, display):
    return {"pence": pence, "display": display}


def demo_ceod_signed_on() -> str:
    """The demo CEOD (CEOD 1) is approved through the workflow when the demo loads."""
    from decisions.models import Decision

    ceod = Decision.objects.get(decision_type__code="CEOD", title=ceod_mentoring.TITLE)
    return timezone.localtime(ceod.approved_at).date().isoformat()


def references(response):
    assert response.status_code == 200, response.content
    return [result["reference"] for result in response.json()["results"]]


def xml(response):
    return ET.fromstring(response.content)  # noqa: S314 - our own response, in a test


def response_text(response) -> str:
    # The open data CSVs are streamed (tests/test_reports_scale.py checks that).
    content = body_bytes(response)
    return content.decode("utf-8")


def csv_rows(response):
    return list(csv.reader(io.StringIO(response_text(response))))


# --- Responses against the served OpenAPI document, with jsonschema -------------------

# OpenAPI 3.1 schema objects are JSON Schema 2020-12. Every address the API gives is
# an absolute URL on this server.
FORMATS = FormatChecker()
FORMATS.checks("uri")(lambda value: not isinstance(value, str) or value.startswith(f"{BASE}/"))


@pytest.fixture(scope="session")
def openapi_document():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def assert_matches(document, value, path, status, method="get"):
    """Validate `value` against the schema the document gives for `method` `path` →
    `status`."""
    registry = Registry().with_resource(
        "urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    pointer = "/".join(
        part.replace("~", "~0").replace("/", "~1")
        for part in ("paths", path, method, "responses", str(status), "content")
    )
    schema = {"$ref": f"urn:openapi#/{pointer}/application~1json/schema"}
    Draft202012Validator(schema, registry=registry, format_checker=FORMATS).validate(value)


# --- Atom feed -------------------------------------------------------------------------


def test_feed_lists_published_decisions_newest_first(client, demo):
    response = client.get("/decisions/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = xml(response).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"CEOD 1: {ceod_mentoring.TITLE}",
        f"PCD 1620: {pcd_1620.TITLE}",
        f"PCD 1406: {pcd_1406.TITLE}",
    ]
    entry = entries[1]
    assert entry.find(f"{ATOM}link").get("href") == f"{BASE}/decisions/pcd-1620/"
    assert entry.findtext(f"{ATOM}updated") == "2024-03-01T12:00:00+00:00"
    assert entry.findtext(f"{ATOM}summary").startswith(
        "This decision seeks approval to amend the procurement route for £1.8million"
    )


def test_feed_summary_is_plain_text_escaped_for_its_html_type(client, officer):
    approve(officer, draft_decision(user=officer, summary="Costs < £5 & *rising*"), 501)
    entry = xml(client.get("/decisions/feed/")).find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # Markdown emphasis gone; "<" reaches a feed reader as text, not as a tag.
    assert summary.text == "Costs &lt; £5 &amp; rising"


def test_feed_is_limited_to_the_newest(client, demo, monkeypatch):
    monkeypatch.setattr("opendata.views.FEED_SIZE", 1)
    entries = xml(client.get("/decisions/feed/")).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title").split(":")[0] for e in entries] == ["CEOD 1"]


# --- JSON list -------------------------------------------------------------------------


def test_api_list_shows_published_decisions_newest_first(client, demo):
    body = client.get("/api/decisions/").json()
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    assert body["results"][0]["reference"] == "CEOD 1"  # the demo CEOD, approved on loading
    assert body["results"][1:] == [
        {
            "reference": "PCD 1620",
            "slug": "pcd-1620",
            "title": pcd_1620.TITLE,
            "type": {"code": "PCD", "name": "DMPC Decision"},
            "url": f"{BASE}/decisions/pcd-1620/",
            "api_url": f"{BASE}/api/decisions/pcd-1620/",
            "date_signed": "2024-03-01",
            "date_published": "2024-03-01",
            "archived": False,
            "value": money(180_000_000, "£1,800,000"),
        },
        {
            "reference": "PCD 1406",
            "slug": "pcd-1406",
            "title": pcd_1406.TITLE,
            "type": {"code": "PCD", "name": "DMPC Decision"},
            "url": f"{BASE}/decisions/pcd-1406/",
            "api_url": f"{BASE}/api/decisions/pcd-1406/",
            "date_signed": "2023-03-09",
            "date_published": "2023-03-09",
            "archived": False,
            "value": money(1_720_000_000, "£17,200,000"),
        },
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2024", ["PCD 1620"]),
        ("year=2023", ["PCD 1406"]),
        ("year=2025", []),
        ("type=CEOD", ["CEOD 1"]),
        ("type=pcd", ["PCD 1620", "PCD 1406"]),
        ("financial_year=2024/25", ["PCD 1620"]),
        ("financial_year=2027/28", ["PCD 1620"]),
        ("financial_year=2030/31", []),
        ("q=codesign", ["PCD 1620"]),
        ("q=violence", ["PCD 1620", "PCD 1406"]),
        ("q=zzyzx", []),
        ("min_value=%C2%A32m", ["PCD 1406"]),
        ("max_value=2,000,000", ["CEOD 1", "PCD 1620"]),
        ("min_value=1800000&max_value=1800000", ["PCD 1620"]),
        ("year=2024&type=PCD&financial_year=2024/25&q=codesign", ["PCD 1620"]),
        ("unknown=ignored&year=", ["CEOD 1", "PCD 1620", "PCD 1406"]),
    ],
)
def test_api_list_filters(client, demo, query, expected):
    assert references(client.get(f"/api/decisions/?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=abc", "year"),
        ("year=20245", "year"),
        ("year=2024%00", "year"),
        ("type=XYZ", "type"),
        ("financial_year=2024/26", "financial_year"),
        ("financial_year=banana", "financial_year"),
        ("min_value=lots", "min_value"),
        ("min_value=-5", "min_value"),
        ("max_value=1e400", "max_value"),
        ("min_value=3m&max_value=1m", "max_value"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=2", "page"),
        ("q=" + "x" * 201, "q"),
        ("q=a%00b", "q"),
    ],
)
def test_api_list_rejects_bad_parameters_with_400(client, db, openapi_document, query, field):
    response = client.get(f"/api/decisions/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert all(isinstance(message, str) and message for message in errors[field])
    assert_matches(openapi_document, response.json(), "/api/decisions/", 400)


@pytest.mark.parametrize(
    ("error", "errors"),
    [
        (Http404(), {"detail": ["Not found."]}),
        (exceptions.NotFound({"slug": ["Unknown."]}), {"slug": ["Unknown."]}),
        (exceptions.ValidationError(["Bad."]), {"detail": ["Bad."]}),
        (exceptions.Throttled(), {"detail": ["Request was throttled."]}),
    ],
)
def test_every_api_error_has_the_one_errors_shape(error, errors):
    assert api_exception_handler(error, {}).data == {"errors": errors}
    assert api_exception_handler(ValueError("a bug"), {}) is None  # a plain 500


@pytest.mark.parametrize("q", ['"', "&|!", "(", "'", "-violence", "a:*", "\\", "%", "_"])
def test_api_list_keywords_with_search_syntax_never_fail(client, demo, q):
    response = client.get("/api/decisions/", {"q": q})
    assert response.status_code == 200
    # Only the demo CEOD does not mention violence.
    assert response.json()["count"] == (1 if q == "-violence" else 0)


def test_api_list_pages_by_twenty_without_a_query_per_decision(
    client, officer, reviewers, django_assert_max_num_queries, one_pdf_for_all
):
    # Full approvals (sign-offs and all: what the API shows), by one set of reviewers.
    for number in range(1, 24):
        decision = draft_decision(user=officer, title=f"Decision {number}")
        approved_decision(user=officer, decision=decision, number=number, reviewers=reviewers)
    # Type check, count, page: the same whatever the page holds.
    with django_assert_max_num_queries(3):
        first = client.get("/api/decisions/?type=PCD").json()
    assert first["count"] == 23 and len(first["results"]) == 20
    assert first["next"] == f"{BASE}/api/decisions/?type=PCD&page=2"
    assert first["previous"] is None
    assert first["results"][0]["value"] == money(0, "£0")
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 3
    assert second["next"] is None
    assert second["previous"] == f"{BASE}/api/decisions/?type=PCD&page=1"
    assert {r["reference"] for r in first["results"] + second["results"]} == {
        f"PCD {number}" for number in range(1, 24)
    }


# --- JSON detail -----------------------------------------------------------------------


def test_api_detail_of_pcd_1620(client, demo):
    response = client.get("/api/decisions/pcd-1620/")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == "PCD 1620"
    assert body["url"] == f"{BASE}/decisions/pcd-1620/"
    assert (body["date_signed"], body["date_published"]) == ("2024-03-01", "2024-03-01")
    assert body["decision_by"] == {
        "name": "Dee Morgan",
        "title": "Deputy Mayor for Policing and Crime",
        "as_published": None,
    }
    assert body["executive_summary"].startswith("This decision seeks approval to amend")
    assert [r["number"] for r in body["recommendations"]] == [1, 2]
    assert body["recommendations"][0]["text"].startswith("Agree to the direct award")
    assert [s["number"] for s in body["sections"]] == list(range(1, 10))
    assert body["sections"][2]["heading"] == "Financial Comments"
    assert body["sections"][1]["paragraphs"][0] == {
        "number": "2.1",
        "text": pcd_1620.SECTIONS[2][0],
    }
    assert body["sections"][8]["paragraphs"] == []
    assert body["budget"] == {
        "lines": [
            {
                "route": "direct_award_reg_12_7",
                "route_label": "Direct award under Regulation 12(7) PCR 2015",
                "amount": money(180_000_000, "£1,800,000"),
                "allocations": [
                    {"financial_year": "2024/25", "amount": money(45_000_000, "£450,000")},
                    {"financial_year": "2025/26", "amount": money(60_000_000, "£600,000")},
                    {"financial_year": "2026/27", "amount": money(60_000_000, "£600,000")},
                    {"financial_year": "2027/28", "amount": money(15_000_000, "£150,000")},
                ],
            }
        ],
        "total": money(180_000_000, "£1,800,000"),
    }
    assert body["value"] == money(180_000_000, "£1,800,000")
    assert body["links"] == [
        {
            "relation": "Amends",
            "reference": "PCD 1406",
            "url": f"{BASE}/decisions/pcd-1406/",
            "api_url": f"{BASE}/api/decisions/pcd-1406/",
            "description": pcd_1620.LINK_DESCRIPTION,
        }
    ]
    assert body["appendices"] == [{"title": title} for title in pcd_1620.APPENDICES]
    served = body_bytes(client.get("/decisions/pcd-1620/pdf/"))
    assert body["pdf"] == {
        "url": f"{BASE}/decisions/pcd-1620/pdf/",
        "size_bytes": len(served),
        "sha256": hashlib.sha256(served).hexdigest(),
    }
    assert "has_part2" not in body and "part2" not in body


def test_api_detail_query_count_does_not_grow_with_content(
    client, demo, django_assert_max_num_queries
):
    # PCD 1620 has dozens of paragraphs, 4 appendices and 4 allocations: none costs a
    # query (22: with the fixed queries of the check that it is what was signed).
    with django_assert_max_num_queries(22):
        assert client.get("/api/decisions/pcd-1620/").status_code == 200


def test_api_detail_of_pcd_1406_shows_its_budget_as_approved(client, demo):
    body = client.get("/api/decisions/pcd-1406/").json()
    # PCD 1620 later moved £1.8m out of this line; PCD 1406 signed for £17.2m.
    assert body["budget"]["lines"] == [
        {
            "route": "open_procurement",
            "route_label": "Open competitive procurement",
            "amount": money(1_720_000_000, "£17,200,000"),
            "allocations": [],
        }
    ]
    assert body["budget"]["total"] == body["value"] == money(1_720_000_000, "£17,200,000")
    assert [(link["relation"], link["reference"]) for link in body["links"]] == [
        ("Amended by", "PCD 1620")
    ]


def test_api_detail_lists_only_published_appendices(client, officer):
    decision = draft_decision(user=officer)
    appendix_add(user=officer, decision=decision, title="Public appendix", published=True)
    appendix_add(user=officer, decision=decision, title="Withheld appendix", published=False)
    approve(officer, decision, 88)
    body = client.get("/api/decisions/pcd-88/").json()
    assert body["appendices"] == [{"title": "Public appendix"}]
    assert body["budget"] == {"lines": [], "total": money(0, "£0")}


@pytest.mark.parametrize("slug", ["pcd-9999", "nonsense", "ceod-1620", "PCD-1620"])
def test_api_detail_of_unknown_reference_is_json_404(client, demo, slug):
    response = client.get(f"/api/decisions/{slug}/")
    assert response.status_code == 404
    assert response.json() == {"errors": {"slug": ["No published decision has this reference."]}}


# --- OpenAPI ---------------------------------------------------------------------------


def test_openapi_document_is_served_and_lists_the_parameters(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/api/decisions/",
        "/api/decisions/{slug}/",
        "/api/verify/",
    }
    parameters = document["paths"]["/api/decisions/"]["get"]["parameters"]
    assert {p["name"] for p in parameters} == set(DecisionFilters().fields)


def test_api_responses_match_the_openapi_schemas(client, demo, openapi_document):
    assert_matches(openapi_document, client.get("/api/decisions/").json(), "/api/decisions/", 200)
    for slug in ("pcd-1620", "pcd-1406"):
        body = client.get(f"/api/decisions/{slug}/").json()
        assert_matches(openapi_document, body, "/api/decisions/{slug}/", 200)
    missing = client.get("/api/decisions/pcd-9999/").json()
    assert_matches(openapi_document, missing, "/api/decisions/{slug}/", 404)


def test_openapi_document_is_valid_openapi_3_1(openapi_document):
    validate_schema(openapi_document)  # jsonschema, with the OpenAPI 3.1 metaschema
    broken = {**openapi_document, "paths": {"api/decisions/": {}}}  # paths start with /
    with pytest.raises(ValidationError):
        validate_schema(broken)


def test_the_document_is_generated_without_warnings(tmp_path):
    # drf-spectacular warns where it has to guess a type; any warning fails here.
    out = tmp_path / "openapi.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", out
    )
    assert '"openapi": "3.1.0"' in out.read_text()


def test_every_documented_path_answers_as_documented(client, pcd_1620, openapi_document):
    # The document check is asked about PCD 1620's PDF.
    queries = {"/api/verify/": {"sha256": pcd_1620.published_document.sha256}}
    for path in openapi_document["paths"]:
        response = client.get(path.replace("{slug}", "pcd-1620"), queries.get(path, {}))
        assert response.status_code == 200, path
        assert_matches(openapi_document, response.json(), path, 200)


def test_the_schemas_reject_what_the_api_must_not_send(client, demo, openapi_document):
    body = client.get("/api/decisions/pcd-1406/").json()
    for changed in (
        {**body, "part2": "secret"},  # no key the document does not list
        {**body, "pdf": {**body["pdf"], "sha256": "not hex"}},
        {**body, "date_published": "9 March 2023"},
        {**body, "url": "/decisions/pcd-1406/"},  # addresses are absolute
        {key: value for key, value in body.items() if key != "budget"},
    ):
        with pytest.raises(ValidationError):
            assert_matches(openapi_document, changed, "/api/decisions/{slug}/", 200)


@pytest.mark.parametrize("url", ["/api/decisions/", "/api/decisions/x-1/", "/api/openapi.json"])
@pytest.mark.parametrize("accept", ["text/html", "application/xml", "*/*", ""])
def test_the_api_answers_json_to_any_accept_header(client, db, url, accept):
    response = client.get(url, HTTP_ACCEPT=accept)
    assert response.status_code in (200, 404)
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers
    response.json()


def test_the_api_shows_a_signed_in_user_only_published_decisions(client, officer, records_manager):
    draft = draft_decision(user=officer, title="Draft in progress")
    reference_reserve(user=records_manager, decision=draft, number=7001)
    client.force_login(officer)
    assert client.get("/api/decisions/").json()["count"] == 0
    assert client.get("/api/decisions/pcd-7001/").status_code == 404


# --- CSV -------------------------------------------------------------------------------


def test_decisions_csv(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/decisions/export/decisions.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="decisions.csv"'
    assert csv_rows(response) == [
        [
            "Reference",
            "Title",
            "Type",
            "Date signed",
            "Date published",
            "Value (GBP)",
            "URL",
            "Archived",
        ],
        [
            "CEOD 1",
            ceod_mentoring.TITLE,
            "CEOD",
            demo_ceod_signed_on(),
            demo_ceod_signed_on(),
            "38000.00",
            f"{BASE}/decisions/ceod-1/",
            "false",
        ],
        [
            "PCD 1620",
            pcd_1620.TITLE,
            "PCD",
            "2024-03-01",
            "2024-03-01",
            "1800000.00",
            f"{BASE}/decisions/pcd-1620/",
            "false",
        ],
        [
            "PCD 1406",
            pcd_1406.TITLE,
            "PCD",
            "2023-03-09",
            "2023-03-09",
            "17200000.00",
            f"{BASE}/decisions/pcd-1406/",
            "false",
        ],
    ]


def test_allocations_csv(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/decisions/export/allocations.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="allocations.csv"'
    route = "Direct award under Regulation 12(7) PCR 2015"
    assert csv_rows(response) == [
        ["Reference", "Route", "Financial year", "Amount (GBP)"],
        ["CEOD 1", "Grant", "2026/27", "38000.00"],
        ["PCD 1620", route, "2024/25", "450000.00"],
        ["PCD 1620", route, "2025/26", "600000.00"],
        ["PCD 1620", route, "2026/27", "600000.00"],
        ["PCD 1620", route, "2027/28", "150000.00"],
    ]


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_that_look_like_formulas_are_quoted(cell):
    assert csv_safe(cell) == f"'{cell}"


@pytest.mark.parametrize("cell", ["PCD 1620", "a=b", "", "450000.00", 7, None])
def test_csv_cells_that_are_not_formulas_are_kept(cell):
    assert csv_safe(cell) == cell


def test_decisions_csv_defuses_a_formula_in_a_title(client, officer):
    title = '=HYPERLINK("http://evil.example","Click")'
    approve(officer, draft_decision(user=officer, title=title), 61)
    rows = csv_rows(client.get("/decisions/export/decisions.csv"))
    assert rows[1][:2] == ["PCD 61", f"'{title}"]


# --- Sitemap and pages -----------------------------------------------------------------


def test_sitemap_lists_the_public_pages(client, demo):
    """/sitemap.xml is an index of the section files; they list every public page."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    index = xml(response)
    assert index.tag == f"{SITEMAP}sitemapindex"
    files = [each.findtext(f"{SITEMAP}loc") for each in index.findall(f"{SITEMAP}sitemap")]
    assert files == [
        f"{BASE}/sitemap-list.xml",
        f"{BASE}/sitemap-decisions.xml",
        f"{BASE}/sitemap-pages.xml",
    ]
    urls = []
    for file in files:
        section = client.get(file.removeprefix(BASE))
        assert section.status_code == 200
        assert section["Content-Type"] == "application/xml; charset=utf-8"
        urls += xml(section).findall(f"{SITEMAP}url")
    # Decisions in the order they were added (new ones at the end of the last file).
    assert [u.findtext(f"{SITEMAP}loc") for u in urls] == [
        f"{BASE}/decisions/",
        f"{BASE}/decisions/pcd-1406/",
        f"{BASE}/decisions/pcd-1620/",
        f"{BASE}/decisions/ceod-1/",
        f"{BASE}/reports/financial-years/",
        f"{BASE}/transparency/",
        f"{BASE}/verify/",
        f"{BASE}/open-data/",
        f"{BASE}/accessibility/",
        f"{BASE}/privacy/",
    ]
    assert urls[2].findtext(f"{SITEMAP}lastmod") == "2024-03-01"


def test_accessibility_statement(client, settings):
    settings.ACCESSIBILITY_CONTACT = "access@mopac.test"
    response = client.get("/accessibility/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Accessibility statement for Decision records" in text
    assert "WCAG) version 2.2 at level AA" in text
    assert "We do not know of any part of this website that fails to meet it" in text
    assert "axe-core" in text and "keyboard only" in text and "JavaScript switched off" in text
    assert "last reviewed on 26 November 2026" in text
    assert 'href="mailto:access@mopac.test"' in response.content.decode()
    assert "example.org" not in response.content.decode()


def test_open_data_page_links_every_download(client):
    body = client.get("/open-data/").content.decode()
    for href in (
        "/decisions/feed/",
        "/decisions/export/decisions.csv",
        "/decisions/export/allocations.csv",
        "/api/decisions/",
        "/api/openapi.json",
    ):
        assert f'href="{href}"' in body


# --- Rules every endpoint keeps --------------------------------------------------------

ENDPOINTS = [
    "/decisions/feed/",
    "/api/decisions/",
    "/api/decisions/pcd-1620/",
    "/api/openapi.json",
    "/decisions/export/decisions.csv",
    "/decisions/export/allocations.csv",
    "/sitemap.xml",
    "/sitemap-decisions.xml",
    "/open-data/",
    "/accessibility/",
    "/privacy/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_endpoints_are_read_only_and_public(client, demo, url):
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_unpublished_decisions_and_part2_appear_nowhere(client, officer, records_manager, demo):
    marker = "QUOKKA-MARKER-77"
    draft = draft_decision(user=officer, title=f"Draft {marker}", summary=marker)
    reference_reserve(user=records_manager, decision=draft, number=5001)
    deferred = draft_decision(user=officer, title=f"Deferred {marker}")
    decision_public_access_set(
        user=officer,
        decision=deferred,
        deferred=True,
        reason="Contract not signed",
        until=timezone.localdate() + dt.timedelta(days=30),
        has_part2=False,
    )
    approve(officer, deferred, 5002)
    secret = draft_decision(user=officer, title="Open title")
    part2_save(user=officer, decision=secret, content=f"Secret {marker}", legal_rationale="s.43")
    decision_public_access_set(user=officer, decision=secret, deferred=False, has_part2=True)
    approve(officer, secret, 5003)

    for url in [*ENDPOINTS, f"/api/decisions/?q={marker}", "/api/decisions/pcd-5003/"]:
        text = response_text(client.get(url))
        assert marker not in text, url
        assert "pcd-5001" not in text and "pcd-5002" not in text, url
    assert client.get("/api/decisions/pcd-5001/").status_code == 404
    assert client.get("/api/decisions/pcd-5002/").status_code == 404
    assert client.get(f"/api/decisions/?q={marker}").json()["count"] == 0
    assert client.get("/api/decisions/").json()["count"] == 4  # with the demo CEOD


def test_config_urls_send_the_feed_to_open_data_once_wired():
    """/decisions/feed/ must not be taken by the decision page (`decisions/<slug>/`)."""
    assert resolve("/decisions/feed/", urlconf="config.urls").view_name == "open_data:feed"


# --- In a real browser -----------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accessibility/", "Accessibility statement for Decision records"),
        ("/open-data/", "Open data"),
        ("/privacy/", "Privacy notice"),
    ],
)
def test_open_data_pages_have_no_wcag_violations(page, live_demo, path, heading):
    page.goto(f"{live_demo.url}{path}")
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert axe_violations(page) == []
