"""In-process parts of `make bench` (Django set up on the bench database with the
production settings): the values the URLs need, the static copies, PDF rendering,
and an approval timed with the decision row's lock watched from another connection.

Import only after django.setup()."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import math
import multiprocessing
import queue
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import zlib
from dataclasses import dataclass

import psycopg
from django.db import connection
from django.db.models import Count, Max, Min
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.run_urls import PAGE_SLUG, PDF_RUNS, DataParams
from core.errors import DomainError
from core.financial_years import format_financial_year
from decisions import policy
from decisions.models import Decision, Paragraph, PublishedDocument
from decisions.pdf import render_decision_pdf
from decisions.selectors import decision_page, decision_public_links, full_decision
from decisions.selectors.public import published_decisions
from decisions.services.workflow import decision_approve
from decisions.views.public import PAGE_SIZE
from decisions.workflow import State
from funding.models import Allocation

# A word counts as rare when at most this many decisions hold it.
RARE = 10


# Where the stored search vector is: its own table now, decisions_decision before.
VECTOR_COLUMNS = [("decisions_decisionsearch", "vector"), ("decisions_decision", "search_vector")]


def _vector_column() -> tuple[str, str] | None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table, column in VECTOR_COLUMNS:
            if table in tables and any(
                c.name == column
                for c in connection.introspection.get_table_description(cursor, table)
            ):
                return table, column
    return None


def _rare_word(text: str) -> str:
    """The longest word of PCD 1620 that at most RARE decisions hold (GIN index,
    each count stopped at RARE + 1 rows)."""
    words = sorted(
        {w.lower() for w in re.findall(r"[A-Za-z]{6,}", text)}, key=lambda w: (-len(w), w)
    )
    found = _vector_column()
    if found is None:
        return words[0] if words else "hounslow"
    with connection.cursor() as cursor:
        for word in words[:300]:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {found[0]} WHERE {found[1]}"  # noqa: S608 (names of ours)
                " @@ plainto_tsquery('english', %s) LIMIT %s) AS hits",
                [word, RARE + 1],
            )
            if 1 <= cursor.fetchone()[0] <= RARE:
                return word
    return words[0] if words else "hounslow"


def data_params() -> DataParams:
    published = published_decisions()
    count = published.count()
    latest = published.order_by().aggregate(latest=Max("approved_at"))["latest"]
    common_year = (
        Allocation.objects.values("financial_year")
        .annotate(n=Count("pk"))
        .order_by("-n", "-financial_year")
        .first()
    )
    earliest = Allocation.objects.aggregate(first=Min("financial_year"))["first"]
    text = "\n".join(
        Paragraph.objects.filter(
            section__decision__in=Decision.objects.by_slug(PAGE_SLUG)
        ).values_list("text", flat=True)
    )
    return DataParams(
        last_page=max(1, math.ceil(count / PAGE_SIZE)),
        year=timezone.localtime(latest).year if latest else timezone.localdate().year,
        financial_year=format_financial_year(
            common_year["financial_year"] if common_year else timezone.localdate().year
        ),
        type_code="PCD",
        rare_word=_rare_word(text or ""),
        earliest_financial_year=format_financial_year(earliest) if earliest else "",
    )


def published_count() -> int:
    return published_decisions().count()


def static_copies() -> dict[str, bytes]:
    """PCD 1620's page and PDF exactly as the site serves them, to be served again
    as static files (the baseline of the throughput ratios)."""
    client = Client(HTTP_HOST="127.0.0.1")
    copies = {}
    for name, url in (
        ("page.html", f"/decisions/{PAGE_SLUG}/"),
        ("page.pdf", f"/decisions/{PAGE_SLUG}/pdf/"),
    ):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: no static copy to compare")
        copies[name] = (
            b"".join(response.streaming_content) if response.streaming else response.content
        )
    return copies


def pdf_pages(content: bytes) -> int:
    """Pages of a PDF, by poppler's pdfinfo (object streams hide them from a regex)."""
    if shutil.which("pdfinfo"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(content)
            file.flush()
            info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True)  # noqa: S603, S607
            found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
            if found:
                return int(found.group(1))
    return len(re.findall(rb"/Type\s*/Page\b", content))


def pdf_text_lines(content: bytes) -> int:
    """Lines of text drawn in a PDF: WeasyPrint draws each line of a box as one text
    object (`BT` ... `ET`) of a page's content stream."""
    lines = 0
    for start in re.finditer(rb"(?<!end)stream\r?\n", content):
        with contextlib.suppress(zlib.error):
            lines += len(
                re.findall(rb"^BT$", zlib.decompressobj().decompress(content[start.end() :]), re.M)
            )
    return lines


def _page_of_pcd_1620(times: int = 1):
    """PCD 1620's page; with `times` > 1 every Part 1 paragraph repeated that many
    times, in memory only: a long decision of the same mix of content (its budget
    table once, after the paragraph it follows)."""
    decision = full_decision(Decision.objects.by_slug(PAGE_SLUG)).get()
    for section in decision.sections.all():
        paragraphs = section._prefetched_objects_cache.get("paragraphs")
        if paragraphs is not None and times > 1:
            originals = list(paragraphs)
            copies = []
            for round_ in range(times):
                for paragraph in originals:
                    copied = copy.copy(paragraph)
                    # Numbered on, as a long section would be (anchors stay unique).
                    copied.position = round_ * len(originals) + paragraph.position
                    if round_:
                        # A new paragraph, not the original again: the budget table
                        # shown after the original is shown once, as in a real
                        # decision, not after every copy.
                        copied.pk = copied.id = None
                    copies.append(copied)
            paragraphs._result_cache = copies
    return decision_page(decision, links=decision_public_links(decision))


def _render(page) -> tuple[float, bytes]:
    started = time.perf_counter()
    content = render_decision_pdf(page, draft=False)
    return time.perf_counter() - started, content


@dataclass
class PdfFigures:
    seconds: float
    pages: int
    long_seconds: float
    long_pages: int
    times: int
    # The same at twice the length: whether the cost of a page grows with the length.
    longer_seconds: float = 0.0
    longer_pages: int = 0
    # Lines of text drawn (pdf_text_lines): how full the pages are.
    lines: int = 0
    long_lines: int = 0

    @property
    def longer_per_page(self) -> float:
        return self.longer_seconds / self.longer_pages if self.longer_pages else 0.0

    @property
    def per_page(self) -> float:
        return self.seconds / self.pages

    @property
    def long_per_page(self) -> float:
        return self.long_seconds / self.long_pages


def pdf_renders(runs: int = PDF_RUNS, long_pages: int = 20) -> PdfFigures:
    """Median render times of PCD 1620's PDF and of a ~20-page version of it, after a
    warm-up render of each, the two rendered in turn `runs` times: a machine's load
    moves both alike (one after the other, medians of 3 and 2 differed by up to 10%
    from one bench to the next)."""
    page = _page_of_pcd_1620()
    _, content = _render(page)
    pages = pdf_pages(content)
    times = max(2, round(long_pages / max(pages - 1, 1)))
    _, long_content = _render(_page_of_pcd_1620(times))
    if abs(pdf_pages(long_content) - long_pages) > 3:  # one correction of the guess
        times = max(2, round(times * long_pages / pdf_pages(long_content)))
    long_page = _page_of_pcd_1620(times)
    _, long_content = _render(long_page)
    longer_page = _page_of_pcd_1620(2 * times)
    _, longer_content = _render(longer_page)
    short_runs, long_runs, longer_runs = [], [], []
    for _ in range(runs):
        short_runs.append(_render(page)[0])
        long_runs.append(_render(long_page)[0])
        longer_runs.append(_render(longer_page)[0])
    return PdfFigures(
        statistics.median(short_runs),
        pages,
        statistics.median(long_runs),
        pdf_pages(long_content),
        times,
        statistics.median(longer_runs),
        pdf_pages(longer_content),
        pdf_text_lines(content),
        pdf_text_lines(long_content),
    )


def _watch(dsn: str, pk: int, stop, ready, results) -> None:
    """LockWatch's loop, in the watching process: (first refused poll, first granted
    poll after the last refusal, polls) put on `results` when told to stop."""
    first_locked = last_locked = released = None
    polls = 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        ready.set()
        while True:
            stopping = stop.is_set()  # the approval has returned: one last poll
            at = time.perf_counter()
            try:
                conn.execute(
                    "SELECT 1 FROM decisions_decision WHERE id = %s FOR UPDATE NOWAIT", (pk,)
                )
                if last_locked is not None and released is None:
                    released = at
            except psycopg.errors.LockNotAvailable:
                first_locked = first_locked or at
                last_locked, released = at, None
            polls += 1
            if stopping:
                break
            time.sleep(0.001)
    results.put((first_locked, released, polls))


class LockWatch:
    """Polls `SELECT … FOR UPDATE NOWAIT` on one decision row every ~1 ms from its
    own connection, in its own process; the lock time is from the first refused poll
    to the first granted one after the last refusal.

    A process, not a thread: a thread of the approving process would take the GIL
    from the approval at every poll, and the approval's own work, in Python, would
    take longer while it timed it (as other requests, in other processes, do not).
    perf_counter is the system's monotonic clock, the same in both processes."""

    def __init__(self, dsn: str, pk: int) -> None:
        context = multiprocessing.get_context("fork")
        self.stop = context.Event()
        self.ready = context.Event()
        self._results = context.Queue()
        self._process = context.Process(
            target=_watch, args=(dsn, pk, self.stop, self.ready, self._results), daemon=True
        )
        self.first_locked: float | None = None
        self.released: float | None = None
        self.polls = 0

    def start(self) -> None:
        self._process.start()

    def join(self, timeout: float) -> None:
        with contextlib.suppress(queue.Empty):
            self.first_locked, self.released, self.polls = self._results.get(timeout=timeout)
        self._process.join(timeout)

    @property
    def lock_ms(self) -> float | None:
        if self.first_locked is None or self.released is None:
            return None
        return (self.released - self.first_locked) * 1000


@dataclass
class ApprovalFigures:
    reference: str
    lock_ms: float | None
    total_s: float
    queries: int
    pdf_after_s: float
    polls: int
    # Every run's row lock (ms) when this is the median of several approvals.
    locks_ms: tuple = ()


def approval_median(runs: list) -> ApprovalFigures | str:
    """The run with the median row lock of several approvals (each on its own decision:
    the first in a process pays first-use costs a serving process has paid), naming
    every run's lock; a failure's message if any run failed."""
    failed = next((run for run in runs if isinstance(run, str)), None)
    if failed is not None:
        return failed
    ordered = sorted(runs, key=lambda run: (run.lock_ms is None, run.lock_ms or 0))
    middle = ordered[(len(ordered) - 1) // 2]
    return dataclasses.replace(middle, locks_ms=tuple(run.lock_ms for run in runs))


def _approval_pair():
    """A decision awaiting approval and a user the policy lets approve it."""
    from accounts.models import User

    decisions = Decision.objects.filter(state=State.AWAITING_APPROVAL).with_type().order_by("pk")
    users = list(User.objects.filter(is_active=True).order_by("pk")[:300])
    for decision in decisions[:50]:
        for user in users:
            if policy.refusal(user, decision, "approve") is None:
                yield decision, user


def approval(dsn: str) -> ApprovalFigures | str:
    """Approve one decision awaiting approval (it stays approved: each run uses one)."""
    for decision, user in _approval_pair():
        watch = LockWatch(dsn, decision.pk)
        watch.start()
        watch.ready.wait(10)
        time.sleep(0.02)
        started = time.perf_counter()
        try:
            with CaptureQueriesContext(connection) as queries:
                decision_approve(user=user, decision=decision)
        except DomainError:
            watch.stop.set()
            watch.join(5)
            continue  # e.g. not in office that day: the next pair
        except Exception as error:  # reported in RESULTS.md, not hidden
            watch.stop.set()
            watch.join(5)
            first_line = str(error).splitlines()[0] if str(error) else ""
            return f"approval of {decision.reference} failed: {type(error).__name__}: {first_line}"
        total = time.perf_counter() - started
        # The page never shows without its PDF: wait for it if it is made after commit.
        deadline = time.monotonic() + 120
        while not PublishedDocument.objects.filter(decision_id=decision.pk).exists():
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        pdf_after = time.perf_counter() - started
        time.sleep(0.05)
        watch.stop.set()
        watch.join(10)
        return ApprovalFigures(
            decision.reference or f"#{decision.pk}",
            watch.lock_ms,
            total,
            len(queries.captured_queries),
            pdf_after,
            watch.polls,
        )
    return "no decision awaiting approval that a user may approve"


# The search query is the one that tests the words (`@@`) and finds the page's keys.
EXPLAIN_RUNS = 3


@dataclass(frozen=True)
class PlanFigure:
    url: str
    execution_ms: list[float]
    queries: int
    status: int = 200


def search_plans(urls: list[str]) -> list[PlanFigure]:
    """Each URL requested through Django's test client; the queries that test the
    words (`@@`) of its last request run again under EXPLAIN ANALYZE, EXPLAIN_RUNS
    times each after one run to warm the cache; the figure is the sum over those
    queries of their median execution time (a search has one)."""
    client = Client(HTTP_HOST="127.0.0.1")
    figures = []
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        if status != 200:
            figures.append(PlanFigure(url, [], 0, status))
            continue
        searching = [q["sql"] for q in captured.captured_queries if "@@" in q["sql"]]
        medians = []
        with connection.cursor() as cursor:
            for sql in searching:
                times = []
                for _ in range(EXPLAIN_RUNS + 1):
                    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                    plan = cursor.fetchone()[0]
                    plan = plan[0] if isinstance(plan, list) else plan
                    times.append(plan["Execution Time"])
                medians.append(statistics.median(times[1:]))
        figures.append(PlanFigure(url, medians, len(searching)))
    return figures
