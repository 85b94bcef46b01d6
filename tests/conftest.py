import hashlib
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM
# calls from such a thread unless told this is fine (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from accounts.roles import Role
from tests.backends import (  # noqa: F401 (fixtures, and the hook marking both modes)
    _suite_backends,
    backends_mode,
    pytest_generate_tests,
    redis_caches,
    redis_server,
    s3_server,
    s3_storage,
)
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Production uses the hashed-manifest storage, which needs collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


_PDF_CACHE: dict[str, bytes] = {}
# Set once per run (below): where every xdist worker of this run keeps its renderings.
_PDF_CACHE_DIR: Path | None = None


@pytest.fixture(scope="session", autouse=True)
def _pdf_cache_dir(tmp_path_factory):
    """A directory shared by the workers of this run only: under pytest-xdist each
    worker's base temporary directory sits in the run's own one (``popen-gwN``), so
    its parent is shared by this run's workers and by no other run."""
    global _PDF_CACHE_DIR
    base = tmp_path_factory.getbasetemp()
    run = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    _PDF_CACHE_DIR = run / "pdf-cache"
    _PDF_CACHE_DIR.mkdir(exist_ok=True)


@pytest.fixture(scope="session")
def demo_signing_identity(tmp_path_factory):
    """This worker's demo CA and signing certificate (core/signing_demo.py), made once;
    exported to the environment too, for the servers tests start as subprocesses."""
    from core.signing_demo import demo_identity_create

    identity = demo_identity_create(
        tmp_path_factory.mktemp("signing"), organisation="Test organisation"
    )
    os.environ["SIGNING_PKCS12"] = str(identity.pkcs12)
    os.environ["SIGNING_TRUST_ROOTS"] = str(identity.ca_certificate)
    return identity


def signing_settings(identity) -> dict[str, str]:
    """The settings that make `identity` the organisation's (for override_settings in
    module-scoped fixtures, which the function-scoped one below does not reach)."""
    return {
        "SIGNING_PKCS12": str(identity.pkcs12),
        "SIGNING_PKCS12_PASSPHRASE": "",
        "SIGNING_KEY": "",
        "SIGNING_TRUST_ROOTS": str(identity.ca_certificate),
    }


@pytest.fixture(autouse=True)
def _signing_identity(demo_signing_identity, settings):
    for name, value in signing_settings(demo_signing_identity).items():
        setattr(settings, name, value)


def pdf_rendered_once(real, html: str) -> bytes:
    """``real(html)``, or the bytes an earlier call (in this process, or in another
    worker of this run) got for exactly this HTML."""
    if html in _PDF_CACHE:
        return _PDF_CACHE[html]
    stored = _PDF_CACHE_DIR / hashlib.sha256(html.encode()).hexdigest() if _PDF_CACHE_DIR else None
    if stored is not None and stored.exists():
        data = stored.read_bytes()
    else:
        data = real(html)
        if stored is not None:
            # Written whole, then renamed: another worker never reads half a file.
            partial = stored.with_name(f"{stored.name}.{os.getpid()}")
            partial.write_bytes(data)
            os.replace(partial, stored)
    _PDF_CACHE[html] = data
    return data


@pytest.fixture(autouse=True)
def _render_each_distinct_pdf_once(monkeypatch):
    """WeasyPrint takes about a second a document and most tests load the same demo
    decisions: render each distinct HTML once per run, whichever worker asks first
    (still a real rendering)."""
    from decisions import pdf

    real = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: pdf_rendered_once(real, html))


@pytest.fixture
def one_pdf_for_all(monkeypatch):
    """For tests that approve many decisions to test lists, not documents: every
    approval stores the same small, real PDF instead of rendering its own (about
    a second each)."""
    from decisions import pdf

    render = pdf.html_to_pdf
    placeholder = "<html lang='en'><body><p>Decision</p></body></html>"
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: render(placeholder))


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    # Argon2 is deliberately slow; tests of hashing itself opt out with a marker.
    if "real_password_hashing" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """`client.force_login(user)` stands for a whole sign-in: for users who need a
    second factor, the session has given its code too (a device is set up for them
    if they have none). tests/test_second_factor.py signs in through the pages."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.helpers import second_factor_device

    real = Client.force_login

    def force_login(self, user, backend=None):
        real(self, user, backend)
        device = second_factor_device(user)
        if device is not None:
            # What django_otp.login does when the code is accepted.
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


def _commits(request) -> bool:
    """Whether the test's writes are committed: it asks for a live server or a
    transactional database by fixture or by ``django_db(transaction=True)``."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(autouse=True)
def _no_cached_pages(request):
    """Every test starts with no cached page and no remembered file check. Inside a
    test's transaction the cache tables roll back by themselves; tests that commit
    (live servers) leave them behind, since flushing the database skips them, so
    they clear the cache before and after: a page they cached must not reach the
    next test, whose settings (the footer's contact, say) may differ."""
    from decisions.selectors.published_files import verified_forget

    verified_forget()
    if not _commits(request):
        yield
        return
    from django.core.cache import caches

    request.getfixturevalue("transactional_db")
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.OFFICER, first_name="Violet", last_name="Alvarez")


@pytest.fixture
def other_officer(db):
    return UserFactory(role=Role.OFFICER, first_name="Oscar", last_name="Other")


@pytest.fixture
def records_manager(db):
    return UserFactory(role=Role.RECORDS_MANAGER, first_name="Rory", last_name="Mann")


@pytest.fixture
def reviewers(db):
    """A Head of Service, a Chief Executive and a DMPC: three people, one per review step."""
    from tests.factories import reviewers_create

    return reviewers_create()


@pytest.fixture
def demo(db, settings):
    """The demo users and decisions, loaded as `make run` loads them, less the
    decisions at each workflow stage (``demo_stages``): for real in the first test
    of a process, then from a snapshot (tests/demo_snapshot.py)."""
    from demo.loader import demo_load
    from tests.demo_snapshot import demo_load_snapshotted

    settings.DEBUG = True
    users = demo_load_snapshotted(lambda: demo_load(stages=False))
    settings.DEBUG = False
    return users


@pytest.fixture
def demo_stages(demo, settings):
    """The whole demo as `make run` loads it: also a decision at each workflow stage."""
    from demo.stages import stage_decisions_load

    settings.DEBUG = True
    stage_decisions_load(demo)
    settings.DEBUG = False
    return demo


@pytest.fixture
def pcd_1620(demo):
    from decisions.models import Decision

    return Decision.objects.with_type().by_reference("PCD", 1620).get()


@pytest.fixture
def pcd_1406(demo):
    from decisions.models import Decision

    return Decision.objects.with_type().by_reference("PCD", 1406).get()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _close_idle_connections() -> None:
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


@pytest.fixture(scope="session")
def browser():
    """Chromium for the whole run. Playwright's sync API runs the tests after it starts
    in another context, where Django keeps connections of its own: the connection of
    the context left behind is closed first, and the new context's at the end, before
    the test database is dropped (an open one stops the drop: "being accessed by other
    users")."""
    from playwright.sync_api import sync_playwright

    _close_idle_connections()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        _close_idle_connections()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def _live_demo_load(settings, *, stages: bool) -> None:
    """The demo, committed so the live server's thread can see it: from a snapshot
    (tests/demo_snapshot.py) after the first time in a process. The database a live
    test starts from holds the rows migrations make (groups, decision types), made
    again after each test's flush under new keys and times: it is emptied, key
    sequences restarted, so that every live test starts from the same (no) rows, and
    those rows are made again as part of the load, so the snapshot holds them too."""
    from django.core.management import call_command
    from django.core.management.sql import emit_post_migrate_signal

    from demo.loader import demo_load
    from tests.demo_snapshot import demo_load_snapshotted

    call_command(
        "flush", reset_sequences=True, inhibit_post_migrate=True, interactive=False, verbosity=0
    )

    def load() -> None:
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        demo_load(stages=stages)

    settings.DEBUG = True
    demo_load_snapshotted(load, kind=f"live stages={stages}", everything=True)
    settings.DEBUG = False


@pytest.fixture
def live_demo(transactional_db, live_server, settings):
    """The demo data, as the ``demo`` fixture loads it, for the live server."""
    _live_demo_load(settings, stages=False)
    return live_server


@pytest.fixture
def live_demo_stages(transactional_db, live_server, settings):
    """The whole demo as `make run` loads it, stages included, for the live server."""
    _live_demo_load(settings, stages=True)
    return live_server
