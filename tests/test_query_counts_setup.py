"""What the query-count tests (tests/test_query_counts_*.py) share: two datasets,
and the counting of every page on each.

Each area's module lists its pages (``Page``: a URL name, who opens it, which object
fills its parameters). The ``counts`` fixture loads the demo,
adds a "small" set of decisions (one in every state, each with one paragraph per
section, one link, appendix, budget line, commitment, comment ...), counts the
queries of every page on it, then adds a "larger" set (the same states with two of
everything, so one more decision in every state, and more users, requests, office
holders and security events) and counts every page again, on the larger set's
objects. All of it in one transaction, rolled back, so the other tests never see
it; the counts are kept for the other modules of the same run. A page reading a
fixed number of queries whatever the data reads the same count on both: a difference
is an N+1 (one query per row shown).

The test here checks that the modules together count every page the access matrix
(tests/test_access_matrix.py) says someone may open.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import importlib
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.roles import Role
from decisions.models import Decision, SectionKind
from decisions.services import (
    appendix_add,
    comment_add,
    decision_approve,
    decision_clear,
    decision_link_create,
    decision_public_access_set,
    decision_publication_withdraw,
    decision_reject,
    decision_return,
    decision_share,
    decision_sign,
    decision_submit,
    decision_withdraw,
    declaration_confirm,
    part2_save,
)
from demo.drafts import draft_write
from demo.stage_data import DECLARATIONS

ROLE_USERNAMES = {
    "officer": "officer",
    "head": "head",
    "ceo": "ceo",
    "dmpc": "dmpc",
    "records": "records",
    "user_admin": "useradmin",
}


@dataclasses.dataclass(frozen=True)
class Page:
    """One page to count: ``name`` reversed with the parameters of object ``on``."""

    name: str
    role: str = "anonymous"
    on: str = ""
    query: str = ""
    status: int = 200
    label: str = ""

    @property
    def id(self) -> str:
        extra = f"[{self.label}]" if self.label else ""
        return f"{self.name}{extra}@{self.role}"


# ---- The two datasets ---------------------------------------------------------------


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("paper.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


_ROUTES = ("open_procurement", "grant", "framework", "direct_award")


def _budget(officer: User, decision: Decision, size: int) -> None:
    from funding.services import LineSpec, envelope_create

    years = range(2026, 2026 + size)
    lines = [
        LineSpec(
            route=_ROUTES[number % len(_ROUTES)],
            amount_pence=100_000_00 * size,
            description=f"Line {number}",
            allocations=dict.fromkeys(years, 100_000_00),
        )
        for number in range(size)
    ]
    envelope_create(
        user=officer,
        decision=decision,
        description="The programme",
        funding_source="MOPAC budget",
        total_pence=sum(line.amount_pence for line in lines),
        lines=lines,
    )


def _draft(
    users: dict, *, size: int, title: str, links: list[str], deferred=False, rich=True
) -> Decision:
    """A complete draft with ``size`` of everything a page lists (``rich``), or with
    only the paragraphs and recommendations a decision needs."""
    officer = users[Role.OFFICER]
    decision = draft_write(
        officer=officer,
        type_code="PCD",
        title=title,
        summary=f"Summary of {title}.",
        recommendations=[f"Recommendation {n} of {title}." for n in range(size)],
        sections={
            kind: [f"Paragraph {n} on {kind.label} of {title}." for n in range(size)]
            for kind in SectionKind
        },
        budget_table_after=(3, 1) if rich else None,
    )
    if rich:
        _rich(users, decision, size=size, links=links)
    today = timezone.localdate()
    decision_public_access_set(
        user=officer,
        decision=decision,
        deferred=deferred,
        reason="Not yet announced." if deferred else "",
        until=today + dt.timedelta(days=14) if deferred else None,
        has_part2=False,
    )
    if rich:
        part2_save(
            user=officer, decision=decision, content="Confidential.", legal_rationale="S. 43."
        )
    for kind, statement in DECLARATIONS:
        declaration_confirm(user=officer, decision=decision, kind=kind, statement=statement)
    return decision


def _rich(users: dict, decision: Decision, *, size: int, links: list[str]) -> None:
    officer = users[Role.OFFICER]
    _budget(officer, decision, size)
    for reference in links[:size]:
        decision_link_create(
            user=officer, decision=decision, target_reference=reference, kind="related"
        )
    for number in range(size):
        appendix_add(user=officer, decision=decision, title=f"Paper {number}", upload=_pdf())
    for colleague in users["officers"][:size]:
        decision_share(user=officer, decision=decision, colleague=colleague)


# States no counted page opens (they fill the lists and homes): without budget, links,
# appendices, sharing or Part 2, which cost seconds to write and show only on their
# own pages.
_PLAIN = ("withdrawn", "returned", "cleared", "rejected")

# How far each state goes along the workflow.
_STEPS = {
    "draft": (),
    "withdrawn": ("withdraw",),
    "returned": ("submit", "return"),
    "submitted": ("submit",),
    "cleared": ("submit", "clear"),
    "awaiting_approval": ("submit", "clear", "sign"),
    "rejected": ("submit", "clear", "sign", "reject"),
    "published": ("submit", "clear", "sign", "approve"),
    "deferred": ("submit", "clear", "sign", "approve"),
    "taken_down": ("submit", "clear", "sign", "approve", "take_down"),
}


# Where the conversation is shown on the pages counted (each comment is an event with
# the digest of the content: about 0.1 s each, so not on every decision).
_TALKED_ABOUT = ("submitted", "published")


def _move(users: dict, decision: Decision, state: str, size: int) -> Decision:
    officer, head = users[Role.OFFICER], users[Role.HEAD_OF_SERVICE]
    for step in _STEPS[state]:
        if step == "submit":
            decision = decision_submit(user=officer, decision=decision)
            # The conversation: the officer and the Head of Service it has reached.
            for number in range(size if state in _TALKED_ABOUT else 0):
                comment_add(decision=decision, user=officer, text=f"Note {number}.")
                comment_add(decision=decision, user=head, text=f"Reply {number}.")
        elif step == "clear":
            decision = decision_clear(user=head, decision=decision)
        elif step == "sign":
            decision = decision_sign(user=users[Role.CHIEF_EXECUTIVE], decision=decision)
        elif step == "approve":
            decision = decision_approve(user=users[Role.DMPC], decision=decision)
        elif step == "reject":
            decision = decision_reject(user=users[Role.DMPC], decision=decision, comment="No.")
        elif step == "return":
            decision = decision_return(user=head, decision=decision, comment="Revise.")
        elif step == "withdraw":
            decision = decision_withdraw(user=officer, decision=decision, comment="Not needed.")
        elif step == "take_down":
            decision = decision_publication_withdraw(
                user=users[Role.RECORDS_MANAGER], decision=decision, reason="In error."
            )
    return decision


def _commitments(users: dict, decision: Decision, size: int) -> None:
    from funding.services import commitment_create

    for line in decision.budget_envelope.lines.order_by("position")[:size]:
        commitment_create(
            user=users[Role.RECORDS_MANAGER],
            line=line,
            kind="grant",
            counterparty=f"Charity {line.position}",
            max_value_pence=50_000_00,
            authorised_by=decision,
        )


def _amending(users: dict, *, size: int, amended: Decision, tag: str) -> Decision:
    """Published, amending ``amended`` and moving money from each of its lines."""
    from funding.services import budget_movement_propose

    officer = users[Role.OFFICER]
    decision = _draft(users, size=size, title=f"Amendment {tag}", links=[])
    decision_link_create(
        user=officer, decision=decision, target_reference=amended.reference, kind="amends"
    )
    for line in amended.budget_envelope.lines.order_by("position")[:size]:
        budget_movement_propose(
            user=officer,
            decision=decision,
            source_line=line,
            amount_pence=10_000_00,
            route="direct_award",
            allocations={2026: 10_000_00},
            over_commitment_reason="Re-routed as the decision records.",
        )
    return _move(users, decision, "published", size)


def dataset(users: dict, *, size: int, tag: str) -> dict[str, dict]:
    """Decisions in every state with ``size`` of everything; the URL parameters of each
    by the names pages use in ``on``."""
    published = list(Decision.objects.filter(state="approved", deferred=False))
    targets = [decision.reference for decision in published if decision.reference]
    made = {}
    for state in _STEPS:
        draft = _draft(
            users,
            size=size,
            title=f"{state} {tag}",
            links=targets,
            deferred=state == "deferred",
            rich=state not in _PLAIN,
        )
        made[state] = _move(users, draft, state, size)
    _commitments(users, made["published"], size)
    made["amending"] = _amending(users, size=size, amended=made["published"], tag=tag)
    draft = made["draft"]
    # The draft amends it too: its budget page lists the lines money may move from.
    decision_link_create(
        user=users[Role.OFFICER],
        decision=draft,
        target_reference=made["published"].reference,
        kind="amends",
    )
    paragraph = draft.sections.get(kind=SectionKind.ISSUES).paragraphs.first()
    appendix = made["published"].appendices.order_by("position").first()
    return {
        **{state: {"pk": decision.pk} for state, decision in made.items()},
        **{f"{state}_slug": {"slug": d.slug} for state, d in made.items() if d.reference},
        "draft_recommendation": {"pk": draft.pk, "item": draft.recommendations.first().pk},
        "draft_section": {"pk": draft.pk, "kind": int(SectionKind.ISSUES)},
        "draft_paragraph": {"pk": draft.pk, "item": paragraph.pk},
        "draft_appendix": {"pk": draft.pk, "item": draft.appendices.first().pk},
        "published_appendix": {"slug": made["published"].slug, "position": appendix.position},
        "reject": {"pk": made["awaiting_approval"].pk, "action": "reject"},
        **_people(users, size=size, tag=tag),
    }


def _people(users: dict, *, size: int, tag: str) -> dict[str, dict]:
    """Users, change requests (pending and confirmed), office holders and security
    events: what the people pages and the security log list."""
    from governance.models import OfficeHolder
    from governance.services import change_request_confirm, role_change_request
    from security.models import SecurityEvent
    from tests.factories import UserFactory

    asker, confirmer = users["user_admins"]
    person = UserFactory(username=f"person-{tag}", role=Role.OFFICER)
    for role in (Role.HEAD_OF_SERVICE, Role.RECORDS_MANAGER)[: max(size - 2, 1)]:
        change = role_change_request(
            user=asker, subject=person, role=role, grant=True, reason="Cover"
        )
        change_request_confirm(user=confirmer, change=change)
    pending = None
    for number in range(size):
        pending = role_change_request(
            user=asker, subject=UserFactory(role=Role.OFFICER), role=Role.HEAD_OF_SERVICE,
            grant=True, reason=f"Leave cover {tag} {number}",
        )  # fmt: skip
        # A signer is recorded in office by two user administrators (the factory).
        UserFactory(role=Role.DMPC)
    now = timezone.now()
    SecurityEvent.objects.bulk_create(
        SecurityEvent(
            time=now - dt.timedelta(minutes=number),
            action=action,
            outcome="failure",
            user=f"someone-{tag}",
            address="192.0.2.1",
            request_id=f"{tag}-{number}",
            detail={"reason": "test"},
        )
        for number in range(size * 3)
        for action in ("sign_in", "refused", "second_factor")
    )
    holder = OfficeHolder.objects.filter(to_date__isnull=True).order_by("-pk").first()
    return {
        "person": {"pk": person.pk},
        "change_request": {"pk": pending.pk},
        "office_holder": {"pk": holder.pk},
        "decision_type": {"code": "PCD"},
        "reset_link": {"uidb64": urlsafe_base64_encode(str(person.pk).encode()), "token": "x-y"},
    }


def users_grow(users: dict, count: int) -> None:
    from tests.factories import UserFactory

    roles = (Role.OFFICER, Role.HEAD_OF_SERVICE, Role.RECORDS_MANAGER)
    users["officers"] += [UserFactory(role=Role.OFFICER) for _ in range(count)]
    for number in range(count):
        UserFactory(role=roles[number % len(roles)])


# ---- Counting -----------------------------------------------------------------------


def client_for(role: str) -> Client:
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.helpers import second_factor_device

    client = Client()
    if role != "anonymous":
        user = User.objects.get(username=ROLE_USERNAMES[role])
        client.force_login(user)
        # As a whole sign-in would: the second factor given (tests/conftest.py).
        device = second_factor_device(user)
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client


def url(page: Page, objects: dict[str, dict]) -> str:
    address = reverse(page.name, kwargs=objects[page.on] if page.on else None)
    return f"{address}?{page.query}" if page.query else address


def _get(client: Client, address: str):
    response = client.get(address)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def page_queries(page: Page, client: Client, objects: dict, *, warm: bool) -> list[str]:
    """The SQL of one request, with the cache emptied (a cached page would hide its
    queries). ``warm``: after a first request, so that the session and per-process
    caches are warm (the small set's pass; they stay warm for the larger set's)."""
    address = url(page, objects)
    if warm:
        _get(client, address)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, address)
    assert response.status_code == page.status, f"{page.id} {address}: {response.status_code}"
    return [query["sql"] for query in captured.captured_queries]


def count_all(pages: list[Page], objects: dict, clients: dict, *, warm: bool) -> dict:
    return {page.id: page_queries(page, clients[page.role], objects, warm=warm) for page in pages}


@contextlib.contextmanager
def environment() -> Iterator[None]:
    """What tests/conftest.py's function-scoped fixtures give each test, for a module:
    plain static files, fast hashing, media in a temporary folder, one small real PDF
    for every approval (documents are not what is counted here)."""
    from decisions import pdf

    placeholder = pdf.html_to_pdf("<html lang='en'><body><p>Decision</p></body></html>")
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=media,
            DEBUG=False,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(pdf, "html_to_pdf", lambda html: placeholder)
        yield


def demo_users() -> dict:
    from demo.loader import demo_load
    from tests.demo_snapshot import demo_load_snapshotted

    with override_settings(DEBUG=True):
        by_role = demo_load_snapshotted(lambda: demo_load(stages=False))
    users = dict(by_role)
    users["user_admins"] = list(
        User.objects.filter(groups__name=Role.USER_ADMIN.label).order_by("username")[:2]
    )
    users["officers"] = list(
        User.objects.filter(groups=Group.objects.get(name=Role.OFFICER.label)).exclude(
            username="officer"
        )
    )
    return users


Counts = dict[str, tuple[list[str], list[str]]]

# The modules with pages to count; each has a PAGES list.
AREAS = ("public", "work", "people")
_measured: Counts = {}


def all_pages(*, collected_only: bool = False) -> list[Page]:
    """Every area's pages; only those of the modules this run collected, if asked."""
    modules = [f"tests.test_query_counts_{area}" for area in AREAS]
    if collected_only:
        modules = [name for name in modules if name in sys.modules]
    return [page for name in modules for page in importlib.import_module(name).PAGES]


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker) -> Counts:
    """Page id -> (its SQL on the small set, on the larger). Every area's pages are
    counted at the first use in a process, so the datasets are built once however
    many of the modules run."""
    if not _measured:
        pages = all_pages(collected_only=True)
        with django_db_blocker.unblock(), environment(), transaction.atomic():
            users = demo_users()
            users_grow(users, 3)
            clients = {role: client_for(role) for role in {page.role for page in pages}}
            small = count_all(pages, dataset(users, size=1, tag="small"), clients, warm=True)
            # More of everything: users, a second decision in every state (two of
            # each thing on the pages' own objects), requests, office holders, events.
            users_grow(users, 4)
            large = count_all(pages, dataset(users, size=2, tag="large"), clients, warm=False)
            transaction.set_rollback(True)
        _measured.update({page.id: (small[page.id], large[page.id]) for page in pages})
    return _measured


def _shape(sql: str) -> str:
    """A query without its values (ids, names, times differ between the two sets)."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r'"s\d+_x\d+"', "?", sql)  # savepoint names
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"\s+", " ", sql)[:400]


def assert_same_count(counts: Counts, page: Page) -> None:
    small, large = counts[page.id]
    if len(small) != len(large):
        more = Counter(map(_shape, large)) - Counter(map(_shape, small))
        shown = "\n  ".join(f"{n} x {sql}" for sql, n in more.most_common(8))
        pytest.fail(
            f"{page.id}: {len(small)} queries on the small set, {len(large)} on the larger"
            f" (an N+1?). Queries the larger set repeats more often:\n  {shown}"
        )


def params(pages: list[Page], xfails: dict[str, str] | None = None) -> list:
    """pytest parameters, one per page; ``xfails``: page id -> why it fails today."""
    xfails = xfails or {}
    return [
        pytest.param(
            page,
            id=page.id,
            marks=[pytest.mark.xfail(reason=xfails[page.id], strict=True)]
            if page.id in xfails
            else [],
        )
        for page in pages
    ]


# Pages of the access matrix counted nowhere, and why.
NOT_COUNTED = {
    "": "a redirect to the list",
    "accounts:two_factor": "sends a signed-in client on (a redirect)",
    "accounts:two_factor_set_up": "sends a signed-in client on (a redirect)",
    "admin:login": "the back office's own sign-in form (Django's)",
}


def test_every_page_is_counted_once():
    ids = [page.id for page in all_pages()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_every_page_someone_may_open_is_counted():
    from tests.test_access_matrix import EXPECTED

    counted = {page.name for page in all_pages()}
    openable = {
        name
        for name, expect in EXPECTED.items()
        # The back office's model pages are Django's admin; its index (the records
        # manager's work) is counted.
        if "ok" in expect.get and (not name.startswith("admin") or name == "admin:index")
    }
    missing = openable - counted - set(NOT_COUNTED)
    assert not missing, f"Pages with no query count test: {sorted(missing)}"
