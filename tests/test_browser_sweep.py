"""Every internal page, as the people who use it see it, at 1280 px and 390 px wide,
as it opens and with its form sent empty or wrong: axe-core finds no WCAG 2.2 A/AA
violation, no page is wider than the window, no table caption runs off it, and
every link in an error summary leads to a box on the page.

One live server, one demo load and one signed-in browser tab per person for the
whole module (the `demo` fixture alone costs seconds a test): the data is written
once, committed, and flushed at the end, as a transactional test would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import override_settings

from tests.accessibility import axe_violations
from tests.helpers import browser_second_factor

# `django_db` (not transactional) opens the database to the test and its live server
# thread; the module's data is committed before the first test's transaction begins,
# and nothing the tests do on the main thread is kept.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = (1280, 390)
PASSWORDS = {
    name: f"{name}-demo-2026" for name in ("officer", "head", "ceo", "dmpc", "records", "useradmin")
}


@dataclass(frozen=True)
class Case:
    name: str
    user: str | None  # demo username, or None for someone not signed in
    path: Callable[[dict], str]  # from the ids the fixture made
    form: str | None = None  # CSS selector of the form to send empty (the error state)
    fill: str = ""  # what every text box of that form gets ("" empties it)
    status: int = 200
    # A form posted from the page that the page itself does not offer (a step taken
    # twice, a stale token): how people reach the refusal and CSRF pages.
    post: Callable[[dict], str] | None = None
    csrf: bool = True


MAIN_FORM = "main form[method=post][novalidate]:not(.dr-item-actions)"
FIRST_ACTION = "main form[action*='/act/']"


def _work(ids, name, rest=""):
    return f"/work/decisions/{ids[name]}/{rest}"


def _draft_step(name: str, rest: str, *, form: str | None = MAIN_FORM) -> Case:
    """A page of the officer's draft; `rest` may name other ids: "paragraphs/{paragraph}/"."""
    return Case(name, "officer", lambda ids: _work(ids, "draft", rest.format(**ids)), form=form)


CASES = [
    Case("login", None, lambda ids: "/accounts/login/", form=MAIN_FORM),
    # Forgotten password: the request form (and its errors), what it says next, and a
    # link that does not work (made up: the real one is only in the email).
    Case("password-reset", None, lambda ids: "/accounts/password-reset/", form=MAIN_FORM),
    Case("password-reset-sent", None, lambda ids: "/accounts/password-reset/sent/"),
    Case("password-reset-bad-link", None, lambda ids: "/accounts/password-reset/MQ/made-up/"),
    Case("password-reset-done", None, lambda ids: "/accounts/password-reset/done/"),
    Case("home-officer", "officer", lambda ids: "/work/"),
    Case("home-head", "head", lambda ids: "/work/"),
    Case("home-records", "records", lambda ids: "/work/"),
    Case("new", "officer", lambda ids: "/work/new/", form=MAIN_FORM),
    # Starting from the Word form: the upload page (sent without a file) and a report
    # with text that could not be placed.
    Case("word-import", "officer", lambda ids: "/work/decisions/import/", form=MAIN_FORM),
    Case("word-import-report", "officer", lambda ids: _work(ids, "word_draft", "import-report/")),
    Case("archive-new", "records", lambda ids: "/work/archive/new/", form=MAIN_FORM),
    Case("task-list", "officer", lambda ids: _work(ids, "draft")),
    _draft_step("summary", "summary/"),
    # The add form, not the lead-in choice above it (a radio always has a valid answer).
    _draft_step(
        "recommendations", "recommendations/", form=MAIN_FORM + ":not([action*='lead-in'])"
    ),
    _draft_step("recommendation", "recommendations/{recommendation}/"),
    _draft_step("section", "sections/1/"),
    _draft_step("section-financial", "sections/3/", form=None),
    _draft_step("section-paste", "sections/1/paste/"),
    _draft_step("recommendations-paste", "recommendations/paste/"),
    _draft_step("paragraph", "paragraphs/{paragraph}/"),
    _draft_step("links", "links/"),
    _draft_step("appendices", "appendices/"),
    _draft_step("public-access", "public-access/"),
    _draft_step("part-2", "part-2/"),
    _draft_step("declarations", "declarations/"),
    _draft_step("sharing", "sharing/"),
    _draft_step("preview", "preview/", form=None),
    Case(
        "budget",
        "officer",
        lambda ids: _work(ids, "draft", "budget/"),
        form="main form.dr-budget-form",
        fill="not a sum",
    ),
    Case("commitments", "records", lambda ids: _work(ids, "pcd_1406", "commitments/"), MAIN_FORM),
    Case("review-head", "head", lambda ids: _work(ids, "submitted", "review/"), FIRST_ACTION),
    Case("review-ceo", "ceo", lambda ids: _work(ids, "cleared", "review/"), FIRST_ACTION),
    Case("review-dmpc", "dmpc", lambda ids: _work(ids, "awaiting", "review/"), FIRST_ACTION),
    Case("review-approved", "records", lambda ids: _work(ids, "ceod", "review/")),
    Case("history-in-review", "dmpc", lambda ids: _work(ids, "awaiting", "history/")),
    Case("history-approved", "records", lambda ids: _work(ids, "ceod", "history/")),
    Case(
        "withdraw-publication",
        "records",
        lambda ids: _work(ids, "pcd_1620", "withdraw-publication/"),
        form=MAIN_FORM,
    ),
    Case(
        "403",
        "officer",
        lambda ids: _work(ids, "pcd_1620", "withdraw-publication/"),
        status=403,
    ),
    Case("404", "officer", lambda ids: "/work/decisions/999999999/", status=404),
    Case(
        "refused",
        "officer",
        lambda ids: _work(ids, "submitted"),
        post=lambda ids: _work(ids, "submitted", "act/submit/"),
        status=409,
    ),
    Case(
        "403-csrf",
        "officer",
        lambda ids: _work(ids, "draft", "summary/"),
        post=lambda ids: _work(ids, "draft", "summary/"),
        csrf=False,
        status=403,
    ),
    # Helper B's confirmation pages for the destructive steps (issue 10 point 3).
    Case(
        "confirm-withdraw",
        "officer",
        lambda ids: _work(ids, "draft", "confirm/withdraw/"),
        MAIN_FORM,
    ),
    Case(
        "confirm-reject", "dmpc", lambda ids: _work(ids, "awaiting", "confirm/reject/"), MAIN_FORM
    ),
    Case("admin", "records", lambda ids: "/admin/"),
    # Django's own admin pages, with this product's stylesheet (issue 10).
    Case("admin-decisions", "records", lambda ids: "/admin/decisions/decision/"),
    Case(
        "admin-decision",
        "records",
        lambda ids: f"/admin/decisions/decision/{ids['pcd_1406']}/change/",
    ),
    Case("admin-events", "records", lambda ids: "/admin/decisions/decisionevent/"),
    # Who can grant power (issue 11 point 1): the user administrators' pages.
    Case("governance-home", "useradmin", lambda ids: "/work/"),
    Case("governance-people", "useradmin", lambda ids: "/work/people/"),
    Case(
        "governance-person", "useradmin", lambda ids: f"/work/people/{ids['dmpc_user']}/", MAIN_FORM
    ),
    Case("governance-requests", "useradmin", lambda ids: "/work/people/requests/"),
    Case("governance-request", "useradmin", lambda ids: f"/work/people/requests/{ids['change']}/"),
    Case(
        "governance-office-holders",
        "useradmin",
        lambda ids: "/work/people/office-holders/",
        MAIN_FORM,
    ),
    Case(
        "governance-office-holder-end",
        "useradmin",
        lambda ids: f"/work/people/office-holders/{ids['holder']}/end/",
        MAIN_FORM,
    ),
    Case("governance-types", "useradmin", lambda ids: "/work/people/decision-types/"),
    Case("governance-type", "useradmin", lambda ids: "/work/people/decision-types/PCD/", MAIN_FORM),
    Case("governance-audit", "records", lambda ids: "/work/people/audit/"),
    # The security log (issue 11): its sign-ins fill the table with real rows.
    Case("integrity", "records", lambda ids: "/work/integrity/"),
]


def _params():
    for case in CASES:
        states = ("page", "errors") if case.form else ("page",)
        for state in states:
            for width in WIDTHS:
                name = case.name if state == "page" else f"{case.name}-errors"
                yield pytest.param(case, state, width, id=f"{name}-{width}")


@dataclass
class Sweep:
    base: str
    ids: dict
    tabs: dict


def _join_request_threads() -> None:
    """Wait for the server's request threads, which close their database connections
    as they end (the test database cannot be dropped while one is open)."""
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=5)


def _sign_in(browser, base, username):
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(10000)
    if username is None:
        return tab
    tab.goto(f"{base}/accounts/login/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(PASSWORDS[username])
    tab.get_by_role("button", name="Sign in").click()
    browser_second_factor(tab, username)
    tab.wait_for_url(f"{base}/work/")
    return tab


def _decisions(users) -> dict:
    """The demo's records, and one decision in each state the demo lacks."""
    from accounts.roles import Role
    from decisions.models import Decision
    from decisions.services import (
        appendix_add,
        decision_create,
        decision_link_create,
        decision_public_access_set,
        paragraph_add,
        part2_save,
        recommendation_add,
    )
    from tests.factories import (
        Reviewers,
        awaiting_approval_decision,
        cleared_decision,
        submitted_decision,
    )

    officer = users[Role.OFFICER]
    team = Reviewers(
        head=users[Role.HEAD_OF_SERVICE],
        chief_executive=users[Role.CHIEF_EXECUTIVE],
        dmpc=users[Role.DMPC],
    )
    confidential = decision_create(user=officer, type_code="PCD", title="With the Head of Service")
    decision_public_access_set(user=officer, decision=confidential, deferred=False, has_part2=True)
    part2_save(
        user=officer,
        decision=confidential,
        content="Bidders' prices:\n- A: £1\n- B: £2",
        legal_rationale="Commercially sensitive.",
    )
    draft = decision_create(user=officer, type_code="PCD", title="Youth diversion scheme")
    recommendation = recommendation_add(user=officer, decision=draft, text="Agree the scheme.")
    recommendation_add(user=officer, decision=draft, text="Delegate the contract award.")
    paragraph = paragraph_add(user=officer, decision=draft, section_kind=1, text="Background.")
    paragraph_add(user=officer, decision=draft, section_kind=1, text="(a) one\n(b) two")
    decision_link_create(user=officer, decision=draft, target_reference="PCD 1406", kind="amends")
    appendix_add(user=officer, decision=draft, title="Appendix 1: evaluation")
    word_draft = _word_draft(officer)
    approved = Decision.objects.approved()
    from accounts.models import User
    from governance.services import role_change_request

    pending = role_change_request(
        user=User.objects.get(username="useradmin2"),
        subject=officer,
        role=Role.HEAD_OF_SERVICE,
        grant=True,
        reason="Acting Head of Service while the post is vacant",
    )
    return {
        "dmpc_user": team.dmpc.pk,
        "holder": team.dmpc.offices_held.get().pk,
        "change": pending.pk,
        "draft": draft.pk,
        "word_draft": word_draft.pk,
        "recommendation": recommendation.pk,
        "paragraph": paragraph.pk,
        "submitted": submitted_decision(user=officer, decision=confidential).pk,
        "cleared": cleared_decision(user=officer, reviewers=team, title="With the CEO").pk,
        "awaiting": awaiting_approval_decision(
            user=officer, reviewers=team, title="Awaiting the Deputy Mayor"
        ).pk,
        "pcd_1406": approved.by_reference("PCD", 1406).get().pk,
        "pcd_1620": approved.by_reference("PCD", 1620).get().pk,
        "ceod": approved.filter(decision_type__code="CEOD").first().pk,
    }


def _word_draft(officer):
    """A draft from the seed's Word form, with a line the form has no place for."""
    import io

    import docx

    from decisions.services.word_import import decision_start_from_word
    from tests.docx_forms import pcd_1620_form, saved

    document = docx.Document(io.BytesIO(pcd_1620_form()))
    document.paragraphs[0].insert_paragraph_before("Draft 3 – for comment by Friday")
    return decision_start_from_word(
        user=officer, data=saved(document), file_name="PCD 1620 form.docx"
    ).decision


@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker, browser, tmp_path_factory, demo_signing_identity):
    from pytest_django.live_server_helper import LiveServer

    from decisions import pdf
    from demo.loader import demo_load
    from tests.conftest import pdf_rendered_once, signing_settings

    real_render = pdf.html_to_pdf

    def render_once(html: str) -> bytes:
        return pdf_rendered_once(real_render, html)

    # The function-scoped autouse fixtures of conftest, for the whole module.
    plain = override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        **signing_settings(demo_signing_identity),
    )
    with django_db_blocker.unblock(), plain, pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "html_to_pdf", render_once)
        server = None
        try:
            with override_settings(DEBUG=True):
                users = demo_load()
            ids = _decisions(users)
            server = LiveServer("localhost")
            with server._live_server_modified_settings:
                base = server.url
                tabs = {name: _sign_in(browser, base, name) for name in (None, *PASSWORDS)}
                yield Sweep(base=base, ids=ids, tabs=tabs)
                for tab in tabs.values():
                    tab.context.close()
        finally:
            if server is not None:
                server.stop()
                _join_request_threads()
            # As a transactional test leaves it: empty, roles re-made by post_migrate.
            call_command("flush", verbosity=0, interactive=False)
            # Django keeps a connection per context, and Playwright's sync API runs this
            # module in another context than the one that created the test database,
            # which cannot be dropped at the end of the run while this one is open.
            connections[DEFAULT_DB_ALIAS].close()


def _post_from(page, action: str, *, csrf: bool) -> None:
    """Post a form from the page as it stands, with its CSRF token or without."""
    page.evaluate(
        """([action, csrf]) => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = action;
            const token = document.querySelector('input[name=csrfmiddlewaretoken]');
            if (csrf && token) form.appendChild(token.cloneNode());
            document.body.appendChild(form);
            form.submit();
        }""",
        [action, csrf],
    )


def _send_empty(page, selector: str, fill: str) -> None:
    """Send the page's form with every text box set to `fill` (emptied by default)
    and the first option of each radio group chosen, so that conditional questions
    open and ask for their answers."""
    form = page.locator(selector).first
    form.evaluate(
        """(form, fill) => {
            for (const box of form.querySelectorAll(
                'input[type=text], input:not([type]), input[type=password], textarea')) {
                box.value = fill;
            }
            const seen = new Set();
            for (const radio of form.querySelectorAll('input[type=radio]')) {
                if (!seen.has(radio.name)) { seen.add(radio.name); radio.checked = true; }
            }
        }""",
        fill,
    )
    with page.expect_navigation():
        form.locator("button[type=submit]:not([name])").first.click()


@pytest.mark.parametrize(("case", "state", "width"), list(_params()))
def test_internal_page_is_accessible_and_fits(sweep, case, state, width):
    page = sweep.tabs[case.user]
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(sweep.base + case.path(sweep.ids))
    if case.post:
        with page.expect_navigation() as navigation:
            _post_from(page, case.post(sweep.ids), csrf=case.csrf)
        response = navigation.value
    assert response.status == case.status, page.url
    if case.user is not None:
        assert "/accounts/login/" not in page.url
    if state == "errors":
        _send_empty(page, case.form, case.fill)
        assert page.locator(".govuk-error-message, .govuk-error-summary").count(), (
            f"{case.name}: no error shown after sending the form empty"
        )
        # Each link in the error summary takes you to the box to put right.
        dead = page.evaluate(
            """() => [...document.querySelectorAll('.govuk-error-summary a[href^="#"]')]
                .filter(link => !document.getElementById(link.hash.slice(1)))
                .map(link => link.textContent.trim() + ' ' + link.hash)"""
        )
        assert dead == [], f"{case.name}: error summary links to nothing"
    assert axe_violations(page) == []
    width_used = page.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width, f"{case.name} is {width_used} px wide in a {width} px window"
    # A table may scroll inside its region, but its caption must stay readable.
    cut_off = page.evaluate(
        """width => [...document.querySelectorAll('caption')]
            .filter(caption => caption.getBoundingClientRect().right > width)
            .map(caption => caption.textContent.trim())""",
        width,
    )
    assert cut_off == [], f"{case.name}: captions run off the window"
