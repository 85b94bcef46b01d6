"""The public site in a real browser at 1280 px and 390 px: the way around it (header,
breadcrumbs, footer), the decision page's reading layout, its tables, its document
check, and what it prints."""

import pytest
from django.utils import timezone

from tests.accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]
PUBLIC_PAGES = [
    "/decisions/",
    "/decisions/pcd-1620/",
    "/decisions/pcd-1406/",
    "/reports/financial-years/",
    "/reports/envelopes/pcd-1406/",
    "/open-data/",
    "/accessibility/",
    "/privacy/",
]
WIDER_THAN_THE_WINDOW = "document.documentElement.scrollWidth > window.innerWidth"


def _at(page, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_is_accessible_fits_and_leads_everywhere(page, live_demo, width):
    page = _at(page, width)
    for path in PUBLIC_PAGES:
        page.goto(f"{live_demo.url}{path}")
        assert axe_violations(page) == [], path
        assert not page.evaluate(WIDER_THAN_THE_WINDOW), path
        assert page.get_by_role("navigation", name="Breadcrumb").is_visible(), path
        footer = page.locator("footer")
        for name in ("Open data", "Accessibility", "Privacy notice", "Staff sign in"):
            assert footer.get_by_role("link", name=name, exact=True).count() == 1, (path, name)
        assert footer.get_by_role("link", name="Open Government Licence v3.0").count() == 1
    # The header reaches each public area (on a phone, through the Menu button).
    page.goto(f"{live_demo.url}/privacy/")
    for name, address, heading in [
        ("Spending", "/reports/financial-years/", "Spending by financial year"),
        ("Open data", "/open-data/", "Open data"),
        ("Decisions", "/decisions/", "Decisions"),
    ]:
        menu = page.get_by_role("button", name="Menu")
        if menu.is_visible():
            menu.click()
        page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()
        assert page.url == f"{live_demo.url}{address}"
        assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.title().endswith(" – Decision records – Mayor's Office for Policing and Crime")
    assert page.evaluate("fetch('/favicon.ico').then(r => r.status)") == 200


@pytest.mark.parametrize("width", WIDTHS)
def test_the_decision_page_reads_well(page, live_demo, width):
    page = _at(page, width)
    page.goto(f"{live_demo.url}/decisions/pcd-1620/")
    main = page.locator("main")
    paragraph = page.locator("#paragraph-2-8")
    number = paragraph.locator(".dr-paragraph__number").bounding_box()
    text = paragraph.locator(".dr-paragraph__text").bounding_box()
    if width == 1280:
        # A reading column of two thirds of the page's 960 px, numbers beside the text.
        assert page.locator(".dr-reading").bounding_box()["width"] < 0.7 * 960
        assert number["x"] + number["width"] <= text["x"]
    else:
        # On a phone the number sits above its text and takes none of its width.
        assert number["y"] + number["height"] <= text["y"] + 1
        assert abs(text["x"] - number["x"]) < 1
        assert text["width"] > 0.9 * main.bounding_box()["width"]
    # The budget table scrolls inside its labelled, focusable region, which says so
    # on a phone; the page itself never scrolls sideways.
    region = page.get_by_role("region", name="Budget allocations by financial year")
    assert region.get_attribute("tabindex") == "0"
    overflows = region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert overflows == (width == 390)
    assert region.locator(".dr-scroll-hint").is_visible() == (width == 390)
    region.focus()
    page.keyboard.press("ArrowRight")
    assert not page.evaluate(WIDER_THAN_THE_WINDOW)
    # The contents list leads to each section.
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="4. Legal Comments").click()
    assert page.url.endswith("#section-4")
    assert page.locator("#section-4").is_visible()
    # The document check is folded away until asked for.
    digest = page.locator(".dr-check .dr-digest")
    assert not digest.is_visible()
    page.get_by_text("Check this document").click()
    assert digest.is_visible() and len(digest.inner_text()) == 64
    assert "sha256sum PCD-1620.pdf" in page.locator(".dr-check").inner_text()
    assert axe_violations(page) == []
    assert not page.evaluate(WIDER_THAN_THE_WINDOW)
    # Related decisions come at the end, each once, with its date and description.
    related = main.inner_text()[main.inner_text().index("Related decisions\n") :]
    assert "Amends\nPCD 1406: Children and Young People Violence" in related
    assert "Signed 9 March 2023" in related
    assert "Amends the procurement route for £1.8m" in related
    assert "Amends PCD 1406: amends" not in main.inner_text()
    assert "(date " not in main.inner_text()


def test_pcd_1406_names_its_amendment_and_words_the_over_commitment_for_the_public(page, live_demo):
    page.goto(f"{live_demo.url}/decisions/pcd-1406/")
    main = page.locator("main").inner_text()
    lifecycle = main[main.index("Lifecycle\n") :]
    assert "Amended by PCD 1620 on 1 March 2024: £1,800,000 moved to a direct award" in lifecycle
    # Said once as a heading (and in the contents); the table's caption is for screen
    # readers only.
    caption = page.locator("caption", has_text="Effective budget after amendments")
    assert caption.bounding_box()["height"] <= 1
    assert page.get_by_role("heading", name="Effective budget after amendments").count() == 1
    assert "£600,000 more has been committed than remains on this line" in main
    assert "-£600,000" not in main
    page.locator(".dr-changed").get_by_role("link", name="PCD 1620").click()
    assert page.url.endswith("/decisions/pcd-1620/")


def test_the_decision_page_prints_the_record_with_its_address_and_date(
    page_without_javascript, live_demo
):
    page = _at(page_without_javascript, 1280)
    page.goto(f"{live_demo.url}/decisions/pcd-1620/")
    printed = page.locator(".dr-print-only")
    assert not printed.is_visible()
    # Without JavaScript the document check still opens (a details element).
    page.get_by_text("Check this document").click()
    assert page.locator(".dr-check .dr-digest").is_visible()
    page.emulate_media(media="print")
    for hidden in ("header", ".govuk-breadcrumbs", "footer", ".dr-contents", ".dr-check"):
        assert not page.locator(hidden).first.is_visible(), hidden
    today = timezone.localdate()
    assert printed.inner_text() == (
        f"Printed from {live_demo.url}/decisions/pcd-1620/ on {today.day} {today:%B} {today.year}."
    )
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator("#section-9").is_visible()
    # Link addresses print after links to other pages, not after links within this one.
    after = "(e) => getComputedStyle(e, '::after').content"
    assert page.locator('.dr-related a[href="/decisions/pcd-1406/"]').evaluate(after) != "none"
    assert page.locator('.dr-changed a[href^="#"], .dr-contents a').first.evaluate(after) in (
        "none",
        "normal",
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_checkpoints_page_is_accessible_and_reached_from_a_decision(page, live_demo, width):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from transparency.services import checkpoint_publish

    def publish():
        try:
            return checkpoint_publish()
        finally:
            connection.close()

    # In a thread of its own: signing runs an asyncio loop, and Playwright's is
    # running in this one.
    with ThreadPoolExecutor(1) as pool:
        checkpoint = pool.submit(publish).result()
    page = _at(page, width)
    page.goto(f"{live_demo.url}/decisions/pcd-1620/")
    page.get_by_text("Check this document").click()
    page.get_by_role("link", name="signed checkpoints of the record").click()
    assert page.url == f"{live_demo.url}/transparency/"
    assert page.get_by_role("heading", level=1).inner_text() == "Checkpoints of the record"
    assert axe_violations(page) == []
    assert not page.evaluate(WIDER_THAN_THE_WINDOW)
    assert page.get_by_role("navigation", name="Breadcrumb").is_visible()
    assert checkpoint.hash in page.locator("main").inner_text()
    # The latest checkpoint's JSON is one link away.
    with page.expect_response(f"**/transparency/checkpoints/{checkpoint.sequence}.json") as r:
        page.get_by_role("link", name=f"Download checkpoint {checkpoint.sequence} (JSON)").click()
    assert r.value.json()["hash"] == checkpoint.hash
