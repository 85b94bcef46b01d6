"""The 400/403/404 pages: signed-in people keep their way back to their work; the
public sees the public site's navigation and nothing of the work area."""

import pytest
from django.urls import reverse

from tests.factories import draft_decision
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

WORK_LINKS = ("Your work", "Sign out")


def _missing_decision():
    return reverse("drafting:overview", kwargs={"pk": 987654321})


def test_a_signed_in_officer_keeps_the_work_navigation_on_page_not_found(client, officer):
    client.force_login(officer)
    response = client.get(_missing_decision())
    assert response.status_code == 404
    text = page_text(response)
    assert "Page not found" in text
    for link in WORK_LINKS:
        assert link in text
    assert 'href="/work/"' in response.content.decode()


def test_a_signed_in_officer_keeps_the_work_navigation_on_you_cannot_do_this(client, officer):
    # Only records managers take a record off the public site: refused, with the
    # reason, and the way back to their work.
    draft = draft_decision(user=officer)
    client.force_login(officer)
    response = client.get(reverse("drafting:withdraw_publication", kwargs={"pk": draft.pk}))
    assert response.status_code == 403
    text = page_text(response)
    assert "You cannot do this" in text and "records managers" in text
    for link in WORK_LINKS:
        assert link in text


def test_an_expired_form_says_so_in_its_title_and_heading(client, officer):
    client.force_login(officer)
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("drafting:create"), {"title": "Lost token"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>This form has expired – Decision records – Mayor&#x27;s Office" in html
    assert "This form has expired" in page_text(response)
    for link in WORK_LINKS:
        assert link in page_text(response)


def test_the_public_page_not_found_shows_no_work_area(client):
    response = client.get("/decisions/no-such-decision/")
    assert response.status_code == 404
    text = page_text(response)
    assert "Page not found" in text and "Browse published decisions" in text
    for link in WORK_LINKS:
        assert link not in text
    assert 'href="/work/"' not in response.content.decode()


def test_a_disallowed_host_is_a_400_page_not_a_500(client, settings):
    # Django refuses the Host header before authentication runs: the page has no
    # signed-in user to show, and must still render.
    settings.ALLOWED_HOSTS = ["decisions.example.org"]
    response = client.get("/decisions/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert b"Sorry, there is a problem with that request" in response.content


def test_a_database_outage_is_a_503_page_to_try_again(db, monkeypatch):
    # While PostgreSQL restarts, queries fail with OperationalError: the visitor is
    # told to try again shortly (503, Retry-After), not that the service is broken.
    from django.db.utils import OperationalError
    from django.test import Client

    from decisions.views import public

    def unavailable(*args, **kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(public, "published_years", unavailable)
    response = Client(raise_request_exception=False).get("/decisions/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"Sorry, the service is unavailable" in response.content


def test_any_other_fault_is_still_the_500_page(db, monkeypatch):
    from django.test import Client

    from decisions.views import public

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(public, "published_years", broken)
    response = Client(raise_request_exception=False).get("/decisions/")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
