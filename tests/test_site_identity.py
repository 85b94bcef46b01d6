"""The public site's navigation and identity: header sections, breadcrumbs, footer,
page titles, the organisation and contact settings, the favicon, the privacy notice."""

import re

import pytest

from core.checks import contact_settings
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# Every public page with a body, the header section it belongs to, and its trail
# (after Home) as (text, address) with the current page last, without an address.
PAGES = [
    ("/decisions/", "Decisions", [("Decisions", None)]),
    ("/decisions/pcd-1620/", "Decisions", [("Decisions", "/decisions/"), ("PCD 1620", None)]),
    ("/reports/financial-years/", "Spending", [("Spending", None)]),
    (
        "/reports/envelopes/pcd-1406/",
        "Spending",
        [("Spending", "/reports/financial-years/"), ("Budget of PCD 1406", None)],
    ),
    ("/open-data/", "Open data", [("Open data", None)]),
    ("/accessibility/", None, [("Accessibility statement", None)]),
    ("/privacy/", None, [("Privacy notice", None)]),
]
SECTIONS = {
    "Decisions": "/decisions/",
    "Spending": "/reports/financial-years/",
    "Open data": "/open-data/",
}


def _section_links(html: str) -> dict[str, tuple[str, bool]]:
    """The header's section links: text -> (address, marked as the current section)."""
    navigation = html[html.index('aria-label="Menu"') : html.index("</nav>")]
    links = re.findall(r'<a class="govuk-service-navigation__link" href="([^"]+)"([^>]*)>(.*?)</a>',
                       navigation, flags=re.S)  # fmt: skip
    return {page_text(text): (href, "aria-current" in attrs) for href, attrs, text in links}


def _breadcrumbs(html: str) -> list[tuple[str, str | None]]:
    trail = html[
        html.index('aria-label="Breadcrumb"') : html.index("</nav>", html.index("Breadcrumb"))
    ]
    items = re.findall(r'<li class="govuk-breadcrumbs__list-item"([^>]*)>(.*?)</li>', trail, re.S)
    crumbs = []
    for attrs, inner in items:
        link = re.search(r'href="([^"]+)"', inner)
        crumbs.append((page_text(inner), None if "aria-current" in attrs else link[1]))
    return crumbs


def test_every_public_page_has_the_sections_breadcrumbs_and_footer(client, demo, settings):
    settings.CONTACT_URL = ""
    settings.CONTACT_EMAIL = "enquiries@mopac.test"
    for path, section, trail in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        links = _section_links(html)
        assert {text: href for text, (href, _) in links.items()} == SECTIONS, path
        assert [text for text, (_, current) in links.items() if current] == (
            [section] if section else []
        ), path
        assert _breadcrumbs(html) == [("Home", "/"), *trail], path
        footer = html[html.index('<footer class="govuk-template__footer">') :]
        for text, href in [
            ("Open data", "/open-data/"),
            ("Accessibility", "/accessibility/"),
            ("Privacy notice", "/privacy/"),
            ("Contact", "mailto:enquiries@mopac.test"),
            ("Staff sign in", "/accounts/login/"),
            ("Open Government Licence v3.0", OGL),
        ]:
            assert re.search(f'href="{re.escape(href)}"[^>]*>{re.escape(text)}</a>', footer), (
                path,
                text,
            )
        # What the privacy notice says: reading the site sets no cookie.
        assert not response.cookies, (path, list(response.cookies))


def test_the_organisation_name_is_in_every_title_and_the_header(client, settings):
    settings.ORGANISATION_NAME = "Office for Testing and Trials"
    html = client.get("/privacy/").content.decode()
    assert "<title>Privacy notice – Decision records – Office for Testing and Trials</title>" in (
        html
    )
    header = html[: html.index("</header>")]
    assert 'class="govuk-generic-header__homepage-link">Office for Testing and Trials</a>' in header
    assert "Mayor&#x27;s Office" not in html


def test_the_organisation_default_and_its_name_on_error_pages(client, settings):
    assert settings.ORGANISATION_NAME == "Mayor's Office for Policing and Crime"
    html = client.get("/decisions/no-such-decision/").content.decode()
    assert (
        "<title>Page not found – Decision records – Mayor&#x27;s Office for Policing and Crime"
        in (html)
    )


def test_contact_is_a_page_when_one_is_set_and_absent_when_none_is(client, settings):
    settings.CONTACT_URL = "https://www.example.gov.uk/contact-us"
    settings.CONTACT_EMAIL = "enquiries@mopac.test"
    footer = client.get("/open-data/").content.decode().split("<footer")[1]
    assert 'href="https://www.example.gov.uk/contact-us">Contact</a>' in footer
    assert "mailto:" not in footer
    settings.CONTACT_URL = settings.CONTACT_EMAIL = ""
    footer = client.get("/open-data/").content.decode().split("<footer")[1]
    assert ">Contact</a>" not in footer


def test_deploy_check_names_missing_contacts(settings):
    settings.CONTACT_URL = settings.CONTACT_EMAIL = settings.ACCESSIBILITY_CONTACT = ""
    assert [warning.id for warning in contact_settings(None)] == ["core.W001", "core.W002"]
    settings.CONTACT_EMAIL = settings.ACCESSIBILITY_CONTACT = "enquiries@mopac.test"
    assert contact_settings(None) == []


def test_the_accessibility_contact_is_the_setting(client, settings):
    settings.ACCESSIBILITY_CONTACT = "access@mopac.test"
    html = client.get("/accessibility/").content.decode()
    assert 'href="mailto:access@mopac.test">access@mopac.test</a>' in html
    assert "example.org" not in html


def test_staff_who_are_signed_in_see_their_work_in_the_footer(client, officer):
    client.force_login(officer)
    footer = client.get("/privacy/").content.decode().split("<footer")[1]
    assert 'href="/work/">Your work</a>' in footer and "Staff sign in" not in footer


def test_favicon_is_served_at_the_root_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    icon = b"".join(response.streaming_content) if response.streaming else response.content
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get("/privacy/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert re.search(
        r'<link rel="icon" href="/static/favicon[^"]*\.svg" type="image/svg\+xml">', html
    )


def test_privacy_notice_says_what_the_site_stores(client):
    text = page_text(client.get("/privacy/"))
    assert "Reading, searching and downloading decisions sets no cookies" in text
    assert "Server logs" in text and "internet (IP) address" in text
    assert "Email alerts" in text and "delete your address when you unsubscribe" in text
    assert "Verifying a document" in text and "we do not store it, or its fingerprint" in text
    assert "Information Commissioner’s Office" in text
