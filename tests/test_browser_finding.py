"""Finding a decision in a real browser, at 1280 px and 390 px: the filters fold
behind "Filter" on a phone (without JavaScript too), sorting, a reference typed
into the box, the page when nothing matches; axe finds nothing and no page is wider
than the screen. Screenshots in /work/shots/finding/ when that folder exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/shots/finding")
WIDTHS = (1280, 390)


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(width: int, *, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=javascript
        )
        context.javascript = javascript
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()


def check(page, name: str) -> None:
    """axe clean, nothing wider than the screen, and a screenshot to look at. (With
    JavaScript off the page can run no script, axe's included: those tests take the
    screenshot, and the same HTML and CSS are checked with JavaScript on.)"""
    width = page.viewport_size["width"]
    if page.context.javascript:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        assert axe_violations(page) == [], name
    if SHOTS.is_dir():
        suffix = "" if page.context.javascript else "-nojs"
        page.screenshot(path=str(SHOTS / f"{name}-{width}{suffix}.png"), full_page=True)


def result_references(page) -> list[str]:
    return [text.split(":")[0] for text in page.locator("li.dr-result h2").all_inner_texts()]


@pytest.mark.parametrize("javascript", [False, True])
def test_on_a_phone_the_filters_fold_behind_filter(open_page, live_demo, javascript):
    page = open_page(390, javascript=javascript)
    page.goto(f"{live_demo.url}/decisions/")
    toggle = page.locator("summary", has_text="Filter")
    year = page.get_by_label("Year signed")
    assert toggle.is_visible() and not year.is_visible()
    # The first result follows the search box and "Filter" closely, not the filters.
    gap = page.locator("li.dr-result").first.bounding_box()["y"] - toggle.bounding_box()["y"]
    assert gap < 600
    check(page, "list-phone-folded")
    toggle.click()
    assert year.is_visible()
    check(page, "list-phone-filters-open")
    page.get_by_label("Decision type").select_option("CEOD")
    page.get_by_role("button", name="Search").click()
    assert result_references(page) == ["CEOD 1"]
    assert " ".join(toggle.inner_text().split()) == "Filter results (1 selected)"


def test_on_a_wide_screen_the_filters_are_always_shown(open_page, live_demo):
    for javascript in (True, False):
        page = open_page(1280, javascript=javascript)
        page.goto(f"{live_demo.url}/decisions/")
        assert page.get_by_label("Year signed").is_visible()
        assert not page.locator("summary", has_text="Filter").is_visible()
    check(page, "list")


@pytest.mark.parametrize("width", WIDTHS)
def test_sorting_and_what_each_result_says(open_page, live_demo, width):
    page = open_page(width)
    page.goto(f"{live_demo.url}/decisions/")
    newest = result_references(page)
    assert newest == ["CEOD 1", "PCD 1620", "PCD 1406"]
    page.get_by_label("Sort by").select_option("oldest")
    page.get_by_role("button", name="Sort").click()
    assert result_references(page) == newest[::-1]
    assert "sort=oldest" in page.url
    item = page.locator("li.dr-result").filter(has_text="PCD 1620")
    text = " ".join(item.inner_text().split())
    for part in ("Type: DMPC Decision", "Reference: PCD 1620", "Signed: 1 March 2024",
                 "Decision by:", "Value: £1,800,000"):  # fmt: skip
        assert part in text
    check(page, "list-oldest")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_search_with_its_snippets_feed_and_title(open_page, live_demo, width):
    page = open_page(width)
    page.goto(f"{live_demo.url}/decisions/")
    page.get_by_label("Search decisions").fill("host borough")
    page.get_by_role("button", name="Search").click()
    # Retried until the results page has replaced the list (read at once, the title
    # can be the page's in between, empty, on a loaded machine).
    expect(page).to_have_title(
        f"Search: host borough – Decisions – Decision records – {settings.ORGANISATION_NAME}"
    )
    assert result_references(page) == ["PCD 1620"]
    assert page.locator("li.dr-result .dr-snippet mark").count() >= 1
    feed = page.locator('head link[rel="alternate"]').get_attribute("href")
    assert feed == "/decisions/feed/?q=host+borough"
    check(page, "search")


@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_found_suggests_a_spelling_and_removing_filters(open_page, live_demo, width):
    page = open_page(width)
    page.goto(f"{live_demo.url}/decisions/?q=violense&year=2023")
    main = page.locator("main")
    assert "Did you mean violence?" in " ".join(main.inner_text().split())
    assert main.get_by_role("link", name="Remove filter Year signed: 2023").is_visible()
    check(page, "no-results")
    page.get_by_role("link", name="violence").click()
    assert result_references(page) == ["PCD 1406"]


@pytest.mark.parametrize("typed", ["pcd1620", "PCD 1620", "1620"])
def test_typing_a_reference_opens_the_decision(open_page, live_demo, typed):
    page = open_page(390, javascript=False)
    page.goto(f"{live_demo.url}/decisions/")
    page.get_by_label("Search decisions").fill(typed)
    page.get_by_role("button", name="Search").click()
    assert page.url == f"{live_demo.url}/decisions/pcd-1620/"
    og = page.locator('head meta[property="og:url"]').get_attribute("content")
    assert og == page.url


@pytest.mark.parametrize("width", WIDTHS)
def test_a_decision_page_is_clean_with_its_metadata(open_page, live_demo, width):
    page = open_page(width)
    page.goto(f"{live_demo.url}/decisions/pcd-1406/")
    assert (
        page.locator('head meta[property="og:title"]')
        .get_attribute("content")
        .startswith("PCD 1406: ")
    )
    check(page, "decision")
