"""The password-reset path (Django's views and tokens): a link by email for a known
address, the same answer and no email for an unknown one, a link that works once,
sets the password and lifts a sign-in lock-out; throttled per email and per client
address on the shared cache; each request and reset in the security log."""

from __future__ import annotations

import json
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts import throttle
from accounts.roles import Role
from tests.factories import UserFactory
from tests.helpers import page_text

# Touches stored files or the caches: run on the defaults and on S3 and Redis.
pytestmark = pytest.mark.storage

_CAPLOG = None
OLD = "correct horse battery staple"
NEW = "a quite new passphrase 2026"
RESET = "/accounts/password-reset/"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_stores(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://decisions.example.org"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person(db):
    return UserFactory(role=Role.OFFICER)


def _ask(client, email, address="127.0.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def _link(message) -> str:
    [url] = re.findall(r"https?://\S+", message.body)
    return url


class Event(dict):
    """One password_reset line of the security log, fields as attributes."""

    __getattr__ = dict.get

    @property
    def detail(self):
        return self


@pytest.fixture(autouse=True)
def _security_lines(caplog):
    caplog.set_level(logging.INFO, logger="security")
    global _CAPLOG
    _CAPLOG = caplog
    yield


def _events(outcome):
    # The log lines themselves (the security table is written outside the test's
    # transaction, so it holds other tests' rows too).
    lines = [json.loads(r.getMessage()) for r in _CAPLOG.records if r.name == "security"]
    return [
        Event(line)
        for line in lines
        if line["action"] == "password_reset" and line["outcome"] == outcome
    ]


def _sign_in(client, username, password, address="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_path_in_the_lock_out_messages_is_the_reset_page():
    assert reverse("accounts:password_reset") == RESET == throttle.RESET_PATH
    for message in (throttle.TOO_MANY_ATTEMPTS, throttle.TOO_MANY_FROM_ADDRESS):
        assert f"reset it at {RESET}" in message


def test_the_sign_in_page_links_to_the_reset_page(client):
    page = client.get(LOGIN).content.decode()
    assert f'href="{RESET}">Forgotten your password?</a>' in page


def test_a_known_address_gets_a_link_based_on_site_url(client, person):
    response = _ask(client, person.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    assert message.to == [person.email]
    assert message.subject == "Reset your Decision records password"
    link = _link(message)
    assert link.startswith(settings.SITE_URL + RESET)
    assert person.username in message.body
    assert "<" not in message.body and "&#" not in message.body  # plain text, unescaped
    [event] = _events("requested")
    assert event.user == person.email.upper()
    assert event.detail["accounts"] == [person.username]
    assert event.address == "127.0.0.1"


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, person):
    known = _ask(client, person.email)
    known_page = page_text(client.get(known["Location"]))
    mail.outbox.clear()
    unknown = _ask(Client(), "nobody@example.org")
    assert unknown.status_code == 302 and unknown["Location"] == known["Location"]
    assert page_text(Client().get(unknown["Location"])) == known_page
    assert "If the address you entered belongs to an account" in known_page
    assert mail.outbox == []
    assert [e.detail["accounts"] for e in _events("requested")] == [[person.username], []]


def test_an_inactive_person_gets_no_email(client, person):
    person.is_active = False
    person.save()
    _ask(client, person.email)
    assert mail.outbox == []


def test_bad_input_is_explained_beside_the_field(client):
    for email, message in (
        ("", "Enter your email address"),
        ("not an address", "Enter an email address in the correct format, like name@example.com"),
        ("a" * 250 + "@example.org", "Email address must be 254 characters or fewer"),
    ):
        response = _ask(client, email)
        assert response.status_code == 200
        text = page_text(response)
        assert "There is a problem" in text and f"Error: {message}" in text
    assert mail.outbox == []


def test_the_link_sets_a_new_password_and_lifts_a_lock_out(person):
    attacker, owner = Client(), Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _sign_in(attacker, person.username, "wrong guess")
    refused = _sign_in(owner, person.username, OLD)
    assert "Too many failed sign-in attempts" in page_text(refused)
    assert AccessAttempt.objects.filter(username=person.username).exists()

    _ask(owner, person.email)
    page = owner.get(_link(mail.outbox[0]))
    # Django moves the token out of the address before showing the form.
    assert page.status_code == 302 and page["Location"].endswith("/set-password/")
    form = owner.get(page["Location"])
    assert "Set a new password" in page_text(form)
    done = owner.post(page["Location"], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert "Your password has been reset" in page_text(owner.get(done["Location"]))

    person.refresh_from_db()
    assert person.check_password(NEW)
    assert not AccessAttempt.objects.filter(username=person.username).exists()
    assert _sign_in(owner, person.username, NEW)["Location"] == settings.LOGIN_REDIRECT_URL
    [success] = _events("success")
    assert success.user == person.username


def test_the_reset_signs_out_other_sessions(person):
    elsewhere = Client()
    assert _sign_in(elsewhere, person.username, OLD).status_code == 302
    assert elsewhere.get("/work/").status_code == 200
    owner = Client()
    _ask(owner, person.email)
    confirm = owner.get(_link(mail.outbox[0]))["Location"]
    owner.post(confirm, {"new_password1": NEW, "new_password2": NEW})
    assert elsewhere.get("/work/")["Location"].startswith(LOGIN)


def test_the_link_works_once(client, person):
    _ask(client, person.email)
    link = _link(mail.outbox[0])
    confirm = client.get(link)["Location"]
    client.post(confirm, {"new_password1": NEW, "new_password2": NEW})
    again = Client()
    first = again.get(link)
    assert first.status_code == 200
    assert "This link does not work" in page_text(first)
    assert "new_password1" not in first.content.decode()
    [refused] = _events("refused")
    assert refused.detail["reason"] == "invalid_link"
    person.refresh_from_db()
    assert person.check_password(NEW)


def test_an_altered_link_does_not_work(client, person):
    _ask(client, person.email)
    link = _link(mail.outbox[0])
    response = client.get(link[:-3] + "abc/")
    assert "This link does not work" in page_text(response)
    assert len(_events("refused")) == 1


def test_passwords_are_checked_and_never_echoed(client, person):
    _ask(client, person.email)
    confirm = client.get(_link(mail.outbox[0]))["Location"]
    typed = "Zq9-unmatched-secret"
    mismatch = client.post(confirm, {"new_password1": typed, "new_password2": typed + "x"})
    assert "The passwords do not match" in page_text(mismatch)
    weak = client.post(confirm, {"new_password1": "12345678", "new_password2": "12345678"})
    assert "This password is entirely numeric." in page_text(weak)
    empty = client.post(confirm, {})
    assert "Enter a new password" in page_text(empty)
    for response in (mismatch, weak):
        html = response.content.decode()
        assert typed not in html and "12345678" not in html
    person.refresh_from_db()
    assert person.check_password(OLD)
    assert _events("success") == []


def test_requests_are_throttled_per_email(person):
    for number in range(throttle.RESET_LIMIT_PER_EMAIL):
        # From different addresses: the per-email limit holds on its own.
        assert _ask(Client(), person.email, address=f"10.0.0.{number}").status_code == 302
    refused = _ask(Client(), person.email, address="10.0.1.1")
    assert refused.status_code == 200
    assert "Too many requests to reset a password" in page_text(refused)
    assert len(mail.outbox) == throttle.RESET_LIMIT_PER_EMAIL
    [event] = _events("refused")
    assert event.detail["reason"] == "too_many_requests"
    # An unknown address is limited the same way: the refusal tells nothing.
    for _ in range(throttle.RESET_LIMIT_PER_EMAIL):
        _ask(Client(), "nobody@example.org", address="10.0.2.1")
    assert "Too many requests" in page_text(_ask(Client(), "nobody@example.org", "10.0.2.2"))


def test_requests_are_throttled_per_client_address(db):
    people = UserFactory.create_batch(throttle.RESET_LIMIT_PER_ADDRESS + 1)
    for person in people[:-1]:
        assert _ask(Client(), person.email, address="10.9.9.9").status_code == 302
    refused = _ask(Client(), people[-1].email, address="10.9.9.9")
    assert "Too many requests to reset a password" in page_text(refused)
    assert len(mail.outbox) == throttle.RESET_LIMIT_PER_ADDRESS
    # Another client is not held back by this one.
    assert _ask(Client(), people[-1].email, address="10.9.9.10").status_code == 302


def test_a_second_factor_holder_resets_while_signed_out_and_still_gives_a_code(db):
    """A second-factor holder: the reset pages are for people signed out, and
    after a reset the code is still asked for at sign-in."""
    holder = UserFactory(role=Role.DMPC)
    client = Client()
    assert client.get(RESET).status_code == 200
    _ask(client, holder.email)
    confirm = client.get(_link(mail.outbox[0]))["Location"]
    client.post(confirm, {"new_password1": NEW, "new_password2": NEW})
    signed_in = _sign_in(client, holder.username, NEW)
    assert client.get(signed_in["Location"])["Location"].startswith("/accounts/two-factor/")
