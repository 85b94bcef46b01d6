"""Headers and request checks applied once, for every page (issue 11, point 6)."""

import pytest

from accounts.roles import Role
from decisions.models import Decision
from tests.factories import UserFactory, approved_decision, draft_decision

pytestmark = pytest.mark.django_db

NO_STORE = {"private", "no-store"}


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def records_manager(db):
    """A records manager who can use the admin, as in the demo."""
    return UserFactory(role=Role.RECORDS_MANAGER, is_staff=True)


@pytest.fixture
def published(officer):
    return approved_decision(user=officer, title="Published for headers")


def test_internal_pages_and_sign_in_are_never_stored(client, officer, records_manager, published):
    draft = draft_decision(user=officer, title="Confidential draft")
    client.force_login(officer)
    work = client.get(f"/work/decisions/{draft.pk}/")
    assert work.status_code == 200
    assert cache_directives(work) >= NO_STORE
    client.force_login(records_manager)
    admin = client.get("/admin/decisions/decision/")
    assert admin.status_code == 200
    assert cache_directives(admin) >= NO_STORE
    client.logout()
    sign_in = client.get("/accounts/login/")
    assert sign_in.status_code == 200
    assert cache_directives(sign_in) >= NO_STORE


def test_public_pages_keep_their_caching(client, published):
    listing = client.get("/decisions/")
    page = client.get(f"/decisions/{published.slug}/")
    for response in (listing, page):
        assert response.status_code == 200
        assert "no-store" not in cache_directives(response)


def test_every_response_denies_powerful_browser_features(client, officer, published):
    responses = [client.get("/decisions/"), client.get("/decisions/no-such-thing/")]
    client.force_login(officer)
    responses.append(client.get("/work/"))
    for response in responses:
        policy = {part.strip() for part in response["Permissions-Policy"].split(",")}
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy


def assert_bad_request(response):
    assert response.status_code == 400
    assert "Sorry, there is a problem with that request" in response.content.decode()


def test_a_nul_byte_in_a_query_is_a_bad_request_not_a_server_error(client, records_manager):
    assert_bad_request(client.get("/decisions/?q=%00"))
    assert_bad_request(client.get("/decisions/?q=a%00b"))
    client.force_login(records_manager)
    assert_bad_request(client.get("/admin/decisions/decision/?state__exact=%00"))
    # The same list with an ordinary filter value still works.
    assert client.get("/admin/decisions/decision/?state__exact=draft").status_code == 200


def test_a_nul_byte_in_a_posted_form_is_a_bad_request_and_nothing_changes(client, officer):
    draft = draft_decision(user=officer, title="Before the post")
    client.force_login(officer)
    response = client.post(
        f"/work/decisions/{draft.pk}/summary/",
        {"title": "After\x00the post", "executive_summary": "Summary."},
    )
    assert_bad_request(response)
    assert Decision.objects.get(pk=draft.pk).title == "Before the post"
