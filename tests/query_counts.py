"""What the query-count tests (tests/test_query_counts.py) rest on: the counting of
every page on two datasets (tests/query_counts_data.py builds them).

Each area's module lists its pages (``Page``: a URL name, who opens it, which object
fills its parameters). The ``counts`` fixture loads the demo, adds a "small" set of
decisions (one in every state, each with one paragraph per
section, one link, appendix, budget line, commitment, comment ...), counts the
queries of every page on it, then adds a "larger" set (the same states with two of
everything, so one more decision in every state, and more users, requests, office
holders and security events) and counts every page again, on the larger set's
objects. All of it in one transaction, rolled back, so the other tests never see
it; the counts are kept for the other modules of the same run. A page reading a
fixed number of queries whatever the data reads the same count on both: a difference
is an N+1 (one query per row shown).

"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import re
import tempfile
from collections import Counter
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from decisions.selectors.published_files import verified_forget
from tests.query_counts_data import dataset, demo_users, users_grow

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
    """The page's address; its query may name the dataset's values ({published_pdf[sha256]})."""
    address = reverse(page.name, kwargs=objects[page.on] if page.on else None)
    query = page.query.format_map(objects) if "{" in page.query else page.query
    return f"{address}?{query}" if query else address


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
    for alias in ("default", "pages"):  # the rendered-page cache has its own
        caches[alias].clear()
    # And the PDF's remembered integrity check: counted as done, on both sets.
    verified_forget()
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, address)
    assert response.status_code == page.status, f"{page.id} {address}: {response.status_code}"
    return [query["sql"] for query in captured.captured_queries]


def count_all(pages: list[Page], objects: dict, clients: dict, *, warm: bool) -> dict:
    return {page.id: page_queries(page, clients[page.role], objects, warm=warm) for page in pages}


@contextlib.contextmanager
def environment(signing_identity) -> Iterator[pytest.MonkeyPatch]:
    """What tests/conftest.py's function-scoped fixtures give each test, for a module:
    plain static files, fast hashing, media in a temporary folder, each distinct PDF
    rendered once (the demo's are real: its snapshot serves later tests)."""
    from decisions import pdf
    from tests.conftest import _PDF_CACHE, signing_settings

    real = pdf.html_to_pdf

    def render_once(html: str) -> bytes:
        if html not in _PDF_CACHE:
            _PDF_CACHE[html] = real(html)
        return _PDF_CACHE[html]

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
            **signing_settings(signing_identity),
        ),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(pdf, "html_to_pdf", render_once)
        yield patch


def one_pdf_for_all(patch: pytest.MonkeyPatch) -> None:
    """Every approval from now on stores the same small, real PDF (as the fixture of
    that name in tests/conftest.py): documents are not what is counted here."""
    from decisions import pdf

    placeholder = pdf.html_to_pdf("<html lang='en'><body><p>Decision</p></body></html>")
    patch.setattr(pdf, "html_to_pdf", lambda html: placeholder)


Counts = dict[str, tuple[list[str], list[str]]]

# The modules with pages to count; each has a PAGES list.
AREAS = ("public", "work", "people")


def all_pages() -> list[Page]:
    """Every area's pages."""
    modules = [f"tests.query_counts_{area}" for area in AREAS]
    return [page for name in modules for page in importlib.import_module(name).PAGES]


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker, demo_signing_identity) -> Counts:
    """Page id -> (its SQL on the small set, on the larger). Every area's pages are
    counted together (tests/test_query_counts.py), so the datasets are built once."""
    pages = all_pages()
    with (
        django_db_blocker.unblock(),
        environment(demo_signing_identity) as patch,
        transaction.atomic(),
    ):
        users = demo_users()
        one_pdf_for_all(patch)
        users_grow(users, 3)
        clients = {role: client_for(role) for role in {page.role for page in pages}}
        small = count_all(pages, dataset(users, size=1, tag="small"), clients, warm=True)
        # More of everything: users, a second decision in every state (two of
        # each thing on the pages' own objects), requests, office holders, events.
        users_grow(users, 4)
        large = count_all(pages, dataset(users, size=2, tag="large"), clients, warm=False)
        transaction.set_rollback(True)
    return {page.id: (small[page.id], large[page.id]) for page in pages}


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
