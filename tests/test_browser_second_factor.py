"""The second factor's pages in a real browser: accessible (axe, WCAG 2.2 AA) and no
wider than a phone, in normal and error states; signing in with a code works without
JavaScript. The rules themselves are tested in tests/test_second_factor.py."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from accounts.roles import Role
from accounts.second_factor import CODE_FORMAT, CODE_REQUIRED
from tests.factories import UserFactory
from tests.helpers import browser_second_factor

PASSWORD = "correct horse battery staple"

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def _check_page(page, name: str) -> None:
    """No WCAG 2.2 A/AA violation and no sideways scrolling, on a desktop and a phone."""
    from tests.accessibility import axe_violations

    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], f"{name} at {size['width']} px"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} is {width} px wide at {size['width']} px"
    page.set_viewport_size(DESKTOP)


def _browser_password(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_code_pages_are_accessible_and_work(page, live_demo):
    base = live_demo.url
    page.set_default_timeout(10000)
    UserFactory(role=Role.CHIEF_EXECUTIVE, username="newchief")
    _browser_password(page, base, "newchief", PASSWORD)
    assert "/accounts/two-factor/set-up/" in page.url
    _check_page(page, "set-up page")
    page.get_by_role("button", name="Finish setting up").click()
    assert CODE_REQUIRED in page.inner_text("main")
    _check_page(page, "set-up page with an error")
    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    app = TOTP(b32decode(secret + "=" * (-len(secret) % 8)))
    app.time = time.time()
    page.get_by_label("Code from the app").fill(f"{app.token():06d}")
    page.get_by_role("button", name="Finish setting up").click()
    page.wait_for_url(f"{base}/work/")
    assert "Your authenticator app is set up" in page.inner_text("main")

    page.context.clear_cookies()
    _browser_password(page, base, "dmpc", "dmpc-demo-2026")
    assert "/accounts/two-factor/" in page.url
    _check_page(page, "code page")
    page.get_by_label("Code", exact=True).fill("000000x")
    page.get_by_role("button", name="Continue").click()
    assert CODE_FORMAT in page.inner_text("main")
    _check_page(page, "code page with an error")
    # Following the error summary's link puts the cursor in the box.
    page.locator(".govuk-error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_code"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signing_in_with_a_code_works_without_javascript(page_without_javascript, live_demo):
    page = page_without_javascript
    base = live_demo.url
    page.set_default_timeout(10000)
    _browser_password(page, base, "records", "records-demo-2026")
    assert "/accounts/two-factor/" in page.url
    browser_second_factor(page, "records")
    assert page.url == f"{base}/work/"
    page.goto(f"{base}/admin/")
    assert page.url == f"{base}/admin/"
