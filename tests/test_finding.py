"""Finding a published decision (issue 14): what each result says, the orders, a
reference typed into the search box, "did you mean", the page when nothing
matches, page titles, the feed of any search, and the metadata of a shared page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from lxml import html as lxml_html

from decisions.selectors.finding import similarity
from decisions.selectors.search import SEARCH_LIMIT
from decisions.services import (
    decision_public_access_set,
    decision_publication_withdraw,
    reference_reserve,
)
from funding.selectors import decision_value_pence
from tests.factories import complete_draft, imported_decision
from tests.helpers import page_text, squash

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm and the plans are PostgreSQL's"
)


def cls(name: str) -> str:
    """XPath: the element has this class."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def tree(response):
    return lxml_html.fromstring(response.content.decode())


def result_rows(response) -> list[dict[str, str]]:
    """Each result: its heading, and its details by label ("Type", "Value"...)."""
    rows = []
    for item in tree(response).xpath(f"//li[{cls('dr-result')}]"):
        row = {"heading": squash(item.xpath(".//h2")[0].text_content())}
        for pair in item.xpath(f".//dl[{cls('dr-result-meta')}]/div"):
            label = squash(pair.xpath("dt")[0].text_content()).rstrip(":")
            row[label] = squash(pair.xpath("dd")[0].text_content())
        rows.append(row)
    return rows


def references(response) -> list[str]:
    return [row["Reference"] for row in result_rows(response)]


def title_of(response) -> str:
    """The page title without the organisation's name that ends every title."""
    from django.conf import settings

    title = squash(tree(response).findtext(".//title"))
    suffix = f" – {settings.ORGANISATION_NAME}"
    assert title.endswith(suffix), title
    return title.removesuffix(suffix)


@pytest.fixture
def archive(officer, records_manager):
    """Five published decisions whose numbers, dates and series disagree in order."""
    made = {}
    for code, number, year in [
        ("PCD", 40, 2021),
        ("PCD", 7, 2023),
        ("CEOD", 3, 2022),
        ("PCD", 25, 2019),
        ("CEOD", 9, 2020),
    ]:
        made[f"{code} {number}"] = imported_decision(
            user=officer,
            records_manager=records_manager,
            number=number,
            approved_at=timezone.make_aware(dt.datetime(year, 6, 1, 12)),
            type_code=code,
            title=f"Lantern scheme {code} {number}",
        )
    return made


# ---- What each result says ----------------------------------------------------------


def test_each_result_says_type_reference_date_maker_and_value(client, demo, pcd_1620, pcd_1406):
    rows = {row["Reference"]: row for row in result_rows(client.get("/decisions/"))}
    for decision in (pcd_1620, pcd_1406):
        row = rows[decision.reference]
        signer = decision.sign_offs.get(role=decision.decision_type.final_approver)
        signed = timezone.localtime(signer.signed_at).date()
        assert row["heading"] == f"{decision.reference}: {decision.title}"
        assert row["Type"] == decision.decision_type.name
        assert row["Signed"] == f"{signed.day} {signed:%B %Y}"
        assert row["Decision by"] == f"{signer.signer_name}, {signer.signer_title}"
        assert row["Value"] == f"£{decision_value_pence(decision) / 100:,.0f}"


def test_a_decision_without_money_says_so(client, archive):
    rows = result_rows(client.get("/decisions/", {"q": "lantern", "sort": "reference"}))
    assert {row["Value"] for row in rows} == {"No budget"}


def test_a_search_result_carries_its_snippet(client, demo):
    response = client.get("/decisions/", {"q": "host borough"})
    snippets = tree(response).xpath(f"//li[{cls('dr-result')}]//*[{cls('dr-snippet')}]//mark")
    assert snippets and {squash(m.text_content()).lower() for m in snippets} <= {"host", "borough"}


# ---- Orders ----------------------------------------------------------------------------


def test_the_list_is_newest_first_and_sorts_by_oldest_and_reference(client, archive):
    by_date = sorted(archive, key=lambda ref: archive[ref].approved_at, reverse=True)
    by_reference = sorted(
        archive, key=lambda ref: (archive[ref].decision_type_id, archive[ref].reference_number)
    )
    assert references(client.get("/decisions/")) == by_date
    assert references(client.get("/decisions/", {"sort": "newest"})) == by_date
    assert references(client.get("/decisions/", {"sort": "oldest"})) == by_date[::-1]
    assert references(client.get("/decisions/", {"sort": "reference"})) == by_reference
    # Each order also on a search, and with a filter.
    searched = client.get("/decisions/", {"q": "lantern", "sort": "oldest"})
    assert references(searched) == by_date[::-1]
    ceod = [ref for ref in by_reference if ref.startswith("CEOD")]
    assert references(client.get("/decisions/", {"sort": "reference", "type": "CEOD"})) == ceod


def test_relevance_is_offered_and_the_default_only_when_searching(client, archive):
    def sort_select(response):
        select = tree(response).xpath("//select[@id='sort']")[0]
        options = [option.get("value") for option in select.xpath("option")]
        chosen = [option.get("value") for option in select.xpath("option[@selected]")]
        return options, chosen

    assert sort_select(client.get("/decisions/")) == (["newest", "oldest", "reference"], ["newest"])
    # Asked for without words (a link that dropped them): the newest, not an error.
    response = client.get("/decisions/", {"sort": "relevance"})
    assert sort_select(response)[1] == ["newest"] and "Error" not in title_of(response)
    options, chosen = sort_select(client.get("/decisions/", {"q": "lantern"}))
    assert options == ["relevance", "newest", "oldest", "reference"] and chosen == ["relevance"]


def test_a_made_up_order_is_an_error_beside_the_field_not_a_500(client, archive):
    response = client.get("/decisions/", {"sort": "price"})
    assert response.status_code == 200
    assert title_of(response).startswith("Error: ")
    assert "Choose an order from the list" in page_text(response)


def test_relevance_ranks_the_best_match_first(client, officer, records_manager):
    when = timezone.make_aware(dt.datetime(2024, 1, 1, 12))
    weak = imported_decision(
        user=officer, records_manager=records_manager, number=11,
        approved_at=when, title="Annual report", summary="Mentions a heron once.",
    )  # fmt: skip
    strong = imported_decision(
        user=officer, records_manager=records_manager, number=12,
        approved_at=when - dt.timedelta(days=400), title="Heron heron heron",
        summary="Heron habitat, heron counts and heron nesting.",
    )  # fmt: skip
    assert references(client.get("/decisions/", {"q": "heron"})) == [
        strong.reference,
        weak.reference,
    ]
    assert references(client.get("/decisions/", {"q": "heron", "sort": "newest"})) == [
        weak.reference,
        strong.reference,
    ]


@postgresql_only
@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("newest", "decision_published_order"),
        ("oldest", "decision_published_order"),
        ("reference", "decision_published_reference"),
    ],
)
def test_every_order_reads_an_index(archive, sort, index):
    """At 100,000 decisions a page is 20 index entries, not a sort of every row: the
    plan of the list's query in each order (the planner would scan a tiny table)."""
    from decisions.selectors import published_decisions
    from decisions.selectors.search import Filters, filter_published

    queryset = filter_published(published_decisions(), Filters(sort=sort)).values("pk")[20:40]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan and "Sort" not in plan, plan


@postgresql_only
def test_a_search_in_any_order_stops_at_its_limit(client, archive, monkeypatch):
    """However it is sorted, a search ranks or orders at most SEARCH_LIMIT + 1
    matches: with a limit of 2, five matches say "more than 2"."""
    import decisions.selectors.search as search

    assert SEARCH_LIMIT == 1_000
    monkeypatch.setattr(search, "SEARCH_LIMIT", 2)
    for sort, note in [
        ("relevance", "the newest 2, most relevant first"),
        ("newest", "the newest 2"),
        ("oldest", "the oldest 2"),
        ("reference", "the first 2 by reference"),
    ]:
        response = client.get("/decisions/", {"q": "lantern", "sort": sort})
        assert f"of more than 2 results: {note}." in page_text(response), sort


# ---- A reference typed into the search box -----------------------------------------------


@pytest.mark.parametrize("typed", ["PCD 1620", "pcd1620", "pcd-1620", "1620", " Pcd 1620 "])
def test_a_public_reference_goes_straight_to_its_decision(client, demo, pcd_1620, typed):
    response = client.get("/decisions/", {"q": typed, "type": "CEOD"})
    assert response.status_code == 302
    assert response["Location"] == pcd_1620.get_absolute_url()


def test_a_number_in_two_series_shows_results(client, archive, officer, records_manager):
    imported_decision(
        user=officer, records_manager=records_manager, number=40,
        approved_at=timezone.now(), type_code="CEOD",
    )  # fmt: skip
    assert client.get("/decisions/", {"q": "40"}).status_code == 200
    assert client.get("/decisions/", {"q": "ceod 40"})["Location"] == "/decisions/ceod-40/"


def test_a_reference_that_is_not_public_is_searched_like_any_words(
    client, demo, officer, records_manager
):
    """A deferred decision's reference: the page a reference nobody has gets, nothing
    more, until the deferral ends; then the reference opens it."""
    deferred = complete_draft(user=officer, title="Deferred title")
    decision_public_access_set(
        user=officer, decision=deferred, deferred=True, reason="Contract not signed",
        until=timezone.localdate() + dt.timedelta(days=10), has_part2=False,
    )  # fmt: skip
    deferred = reference_reserve(user=records_manager, decision=deferred, number=8001)
    from decisions.services import decision_import_approved

    decision_import_approved(
        user=records_manager, decision=deferred, reference_number=8001, approved_at=timezone.now()
    )
    draft = reference_reserve(
        user=records_manager, decision=complete_draft(user=officer, title="Draft"), number=8002
    )
    nobody = page_text(client.get("/decisions/", {"q": "PCD 8999"}))
    for decision in (deferred, draft):
        response = client.get("/decisions/", {"q": decision.reference})
        assert response.status_code == 200
        assert page_text(response).replace(decision.reference, "PCD 8999") == nobody
    import time_machine

    with time_machine.travel(timezone.now() + dt.timedelta(days=11)):
        opened = client.get("/decisions/", {"q": "pcd8001"})
        assert opened["Location"] == "/decisions/pcd-8001/"


def test_a_bare_year_or_a_number_nobody_has_is_a_search_not_a_redirect(client, archive):
    """A year such as "2019" is a year here (PCD 25 was signed in it), not a reference: the list
    answers, with the decisions whose text has it. So does a number no decision has,
    and a reference with other words ("40 budget")."""
    for typed in ["2019", "2023", "999", "40 budget", "budget 40", "PCD 40 2021", "12345678"]:
        response = client.get("/decisions/", {"q": typed})
        assert response.status_code == 200, typed
        assert "Location" not in response, typed
    assert client.get("/decisions/", {"q": "40"})["Location"] == "/decisions/pcd-40/"


def test_a_year_that_is_also_one_published_reference_opens_that_decision(
    client, archive, officer, records_manager
):
    """The rule is the reference, not the look of the number: once exactly one
    published decision is numbered 2019, "2019" opens it; a second series with 2019
    makes it a search again, and its series names the one meant."""
    imported_decision(
        user=officer, records_manager=records_manager, number=2019,
        approved_at=timezone.now(), type_code="PCD",
    )  # fmt: skip
    assert client.get("/decisions/", {"q": "2019"})["Location"] == "/decisions/pcd-2019/"
    imported_decision(
        user=officer, records_manager=records_manager, number=2019,
        approved_at=timezone.now(), type_code="CEOD",
    )  # fmt: skip
    assert client.get("/decisions/", {"q": "2019"}).status_code == 200
    assert client.get("/decisions/", {"q": "CEOD 2019"})["Location"] == "/decisions/ceod-2019/"


def test_a_number_held_by_a_withdrawn_decision_and_a_public_one_opens_the_public_one(
    client, archive, officer, records_manager
):
    """Only published decisions count: a withdrawn CEOD 40 neither opens nor stops
    "40" opening PCD 40, and "CEOD 40" is a search that says nothing of it."""
    withdrawn = imported_decision(
        user=officer, records_manager=records_manager, number=40,
        approved_at=timezone.now(), type_code="CEOD", title="Withdrawn lantern scheme",
    )  # fmt: skip
    assert client.get("/decisions/", {"q": "40"}).status_code == 200  # two public, a search
    decision_publication_withdraw(user=records_manager, decision=withdrawn, reason="Sent in error")
    assert client.get("/decisions/", {"q": "40"})["Location"] == "/decisions/pcd-40/"
    response = client.get("/decisions/", {"q": "CEOD 40"})
    assert response.status_code == 200
    assert "Withdrawn lantern" not in response.content.decode()


def test_the_open_data_links_say_which_decisions_they_hold(client, archive):
    """Searching, the feed is the search's (same query string) and says so; the JSON
    and CSV, of every decision, say that instead; the plain list offers all three."""

    def open_data(params):
        box = tree(client.get("/decisions/", params)).xpath(f"//*[{cls('dr-open-data')}]")[0]
        return squash(box.text_content()), {
            squash(a.text_content()): a.get("href") for a in box.xpath(".//a")
        }

    text, links = open_data({"q": "lantern", "type": "PCD", "sort": "oldest"})
    assert text == "Open data: Atom feed of this search; every published decision as JSON or CSV."
    assert "all decisions" not in text
    feed = urlsplit(links["Atom feed of this search"])
    assert feed.path == "/decisions/feed/"
    assert parse_qs(feed.query) == {"q": ["lantern"], "type": ["PCD"]}
    assert (links["JSON"], links["CSV"]) == ("/api/decisions/", "/decisions/export/decisions.csv")
    text, links = open_data({})
    assert text == "Open data: Atom feed of all decisions, JSON, CSV."
    assert links["Atom feed of all decisions"] == "/decisions/feed/"
    assert links["Open data"] == "/open-data/"


# ---- Nothing found ------------------------------------------------------------------------


def test_no_results_suggests_checking_spelling_and_removing_each_filter(client, demo):
    params = {"q": "zzzunlikelyword", "year": "2024", "type": "PCD", "sort": "oldest"}
    response = client.get("/decisions/", params)
    box = tree(response).xpath(f"//*[{cls('dr-no-results')}]")[0]
    text = squash(box.text_content())
    assert "checking your spelling" in text
    removals = {
        squash(link.text_content()): parse_qs(urlsplit(link.get("href")).query)
        for link in box.xpath(".//a")
        if squash(link.text_content()).startswith("Remove")
    }
    assert removals == {
        "Remove filter Year signed: 2024": {
            "q": ["zzzunlikelyword"], "type": ["PCD"], "sort": ["oldest"]
        },
        "Remove filter Decision type: DMPC Decisions (PCD)": {
            "q": ["zzzunlikelyword"], "year": ["2024"], "sort": ["oldest"]
        },
    }  # fmt: skip
    all_decisions = [a for a in box.xpath(".//a") if "all decisions" in a.text_content()]
    assert [a.get("href") for a in all_decisions] == ["/decisions/"]


def test_no_results_from_filters_alone_does_not_ask_about_spelling(client, demo):
    response = client.get("/decisions/", {"type": "CEOD", "year": "2023"})
    text = squash(tree(response).xpath(f"//*[{cls('dr-no-results')}]")[0].text_content())
    assert "spelling" not in text and "Remove filter Year signed: 2023" in text


@postgresql_only
def test_did_you_mean_offers_the_title_word_nearest_a_misspelt_one(client, demo):
    response = client.get("/decisions/", {"q": "violense", "type": "PCD"})
    link = tree(response).xpath("//*[@id='did-you-mean']//a")[0]
    assert squash(link.text_content()) == "violence"
    assert parse_qs(urlsplit(link.get("href")).query) == {"q": ["violence"], "type": ["PCD"]}
    assert "PCD 1620" in page_text(client.get("/decisions/" + link.get("href")))
    # Only the misspelt word changes; a word spelt right offers nothing.
    two = tree(client.get("/decisions/", {"q": "exploitasion zzzqqq"}))
    suggested = two.xpath("//*[@id='did-you-mean']//a")[0]
    assert squash(suggested.text_content()) == "exploitation zzzqqq"
    assert not tree(client.get("/decisions/", {"q": "zzzqqq"})).xpath("//*[@id='did-you-mean']")


@postgresql_only
def test_did_you_mean_never_offers_a_word_only_in_a_title_that_is_not_public(
    client, demo, officer, records_manager
):
    deferred = complete_draft(user=officer, title="Pangolin sanctuary")
    decision_public_access_set(
        user=officer, decision=deferred, deferred=True, reason="Not yet",
        until=timezone.localdate() + dt.timedelta(days=10), has_part2=False,
    )  # fmt: skip
    deferred = reference_reserve(user=records_manager, decision=deferred, number=8101)
    from decisions.services import decision_import_approved

    decision_import_approved(
        user=records_manager, decision=deferred, reference_number=8101, approved_at=timezone.now()
    )
    complete_draft(user=officer, title="Pangolin draft")
    response = client.get("/decisions/", {"q": "pangolim"})
    assert not tree(response).xpath("//*[@id='did-you-mean']")
    assert "pangolin" not in response.content.decode().lower()


def test_similarity_is_pg_trgm_s():
    # As pg_trgm counts: "word" and "words" share 4 of their 7 distinct trigrams.
    assert similarity("violence", "violence") == 1.0
    assert round(similarity("word", "words"), 4) == round(4 / 7, 4)


# ---- Page titles ---------------------------------------------------------------------------


def test_page_titles_carry_the_search(client, archive):
    assert title_of(client.get("/decisions/")) == "Decisions – Decision records"
    assert title_of(client.get("/decisions/", {"q": "lantern"})) == (
        "Search: lantern – Decisions – Decision records"
    )
    response = client.get("/decisions/", {"q": "lantern", "financial_year": "nonsense"})
    assert title_of(response) == "Error: Search: lantern – Decisions – Decision records"


def test_a_later_page_says_which_in_its_title(client, archive, monkeypatch):
    from decisions.views import public

    monkeypatch.setattr(public, "PAGE_SIZE", 2)
    assert title_of(client.get("/decisions/", {"page": 2})) == (
        "Decisions (page 2 of 3) – Decision records"
    )


# ---- Following by feed ----------------------------------------------------------------------


def feed_entries(response) -> list[str]:
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
    return [entry.findtext(f"{atom}title") for entry in root.iter(f"{atom}entry")]


def test_a_search_has_its_own_feed_with_the_same_query(client, archive):
    response = client.get("/decisions/", {"q": "lantern", "type": "CEOD", "sort": "reference"})
    head = tree(response).xpath("//head/link[@rel='alternate'][@type='application/atom+xml']")
    body = [a for a in tree(response).xpath("//main//a") if "feed reader" in a.text_content()]
    assert [link.get("href") for link in head] == [body[0].get("href")]
    address = head[0].get("href")
    assert urlsplit(address).path == "/decisions/feed/"
    assert parse_qs(urlsplit(address).query) == {"q": ["lantern"], "type": ["CEOD"]}
    feed = client.get(address)
    assert feed["Content-Type"].startswith("application/atom+xml")
    ceod = sorted(
        (d for d in archive.values() if d.decision_type.code == "CEOD"),
        key=lambda d: d.approved_at,
        reverse=True,
    )
    assert feed_entries(feed) == [f"{d.reference}: {d.title}" for d in ceod]
    assert "Decision type: Chief Executive Decisions (CEOD)" in feed.content.decode()


def test_the_plain_feed_and_the_list_without_a_search(client, archive):
    response = client.get("/decisions/")
    head = tree(response).xpath("//head/link[@rel='alternate']")
    assert [link.get("href") for link in head] == ["/decisions/feed/"]
    newest = sorted(archive.values(), key=lambda d: d.approved_at, reverse=True)
    assert feed_entries(client.get("/decisions/feed/")) == [
        f"{d.reference}: {d.title}" for d in newest
    ]


def test_a_feed_with_a_bad_filter_leaves_it_out(client, archive):
    response = client.get("/decisions/feed/", {"financial_year": "never", "type": "CEOD"})
    assert response.status_code == 200
    assert len(feed_entries(response)) == 2


# ---- Sharing a decision's page --------------------------------------------------------------


def test_a_decision_page_has_description_and_open_graph_metadata(client, demo, pcd_1620):
    page = tree(client.get(pcd_1620.get_absolute_url()))

    def meta(attribute, name):
        return [m.get("content") for m in page.xpath(f"//head/meta[@{attribute}='{name}']")]

    summary = squash(pcd_1620.executive_summary)
    (description,) = meta("name", "description")
    assert description.endswith("…") and summary.startswith(description[:-1].rstrip())
    assert len(description) <= 200
    assert meta("property", "og:description") == [description]
    assert meta("property", "og:title") == [f"{pcd_1620.reference}: {pcd_1620.title}"]
    assert meta("property", "og:type") == ["article"]
    assert meta("property", "og:url") == [f"http://testserver{pcd_1620.get_absolute_url()}"]
