"""The measurements of `make bench`, each turned into figures of bench/RESULTS.md."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from bench import run_load as load
from bench.run_results import (
    Figure,
    Section,
    Target,
    checked,
    kilobytes,
    latency,
    megabytes,
    number,
    ratio,
    unavailable,
)
from bench.run_urls import (
    LOCK_MS,
    PDF_RENDER_SECONDS,
    PDF_RUNS,
    REPORT_KB,
    SEARCH_QUERY_MS,
    SITEMAP_FILE_SECONDS,
    SITEMAP_URLS_PER_FILE,
    WORKER_RSS_MB,
    DataParams,
    export_probes,
    latency_probes,
    pair_probes,
    report_probe,
    sitemap_url,
)

LOCK_POLL = "`SELECT … FOR UPDATE NOWAIT` polled every ~1 ms from another process and connection"
# More files than this in the sitemap index: the first ones are measured.
SITEMAP_FILES_MEASURED = 20


@dataclass
class Memory:
    """The gunicorn workers' RSS, sampled after every measurement."""

    master: int
    peak_mb: float = 0.0
    pids: set[int] = field(default_factory=set)

    def sample(self) -> dict[int, float]:
        now = load.workers_rss(self.master)
        self.pids |= set(now)
        self.peak_mb = max([self.peak_mb, *now.values()])
        return now


def failed(what: str, status: int | str, target: Target | None, note: str = "") -> Figure:
    """A URL that did not answer 200: a 404 is a part not built (yet); anything else
    is a failure of the target."""
    if status == 404:
        return unavailable(what, "HTTP 404: this URL does not exist in this checkout")
    shown = f"HTTP {status}" if isinstance(status, int) else str(status)
    return Figure(
        what, shown, target.describe() if target else "—", False if target else None, note
    )


def throughput(port: int, static_urls: dict[str, str], *, rounds: int, seconds: int) -> Section:
    section = Section(
        "Throughput against a static copy",
        intro=f"wrk -t1 -c{load.CONNECTIONS} (2 connections per worker), {rounds} rounds of "
        f"{seconds} s, page and static copy interleaved; the static copies are PCD 1620's "
        "page and PDF as served, saved under STATIC_ROOT and served by the same gunicorn "
        "and WhiteNoise.",
    )
    pairs, measured = [], []
    for what, probe, static_name in pair_probes():
        status = load.sequential(port, probe.url(), most=0).status
        if status != 200:
            section.figures.append(failed(what, status, probe.target))
            continue
        pairs.append((probe.url(), static_urls[static_name]))
        measured.append((what, probe))
    results = load.interleaved(port, pairs, rounds=rounds, seconds=seconds)
    for (what, probe), (dynamic, static, problems) in zip(measured, results, strict=True):
        rounds_shown = ", ".join(
            f"{number(d / s)}×" for d, s in zip(dynamic, static, strict=True) if s
        )
        note = f"rounds: {rounds_shown}" + (f"; {problems}" if problems else "")
        section.figures.append(
            ratio(what, statistics.mean(dynamic), statistics.mean(static), probe.target, note)
        )
    return section


def latencies(port: int, data: DataParams, memory: Memory) -> list[Section]:
    sections = []
    for title, probes in latency_probes(data):
        section = Section(title)
        for probe in probes:
            result = load.sequential(port, probe.url())
            memory.sample()
            note = f"`{probe.url()}`" + (f"; {probe.note}" if probe.note else "")
            if result.status != 200:
                section.figures.append(failed(probe.what, result.status, probe.target, note))
            else:
                note += f"; {number(kilobytes(result.size))} KB"
                section.figures.append(latency(probe.what, result.samples_ms, probe.target, note))
        sections.append(section)
    return sections


def _sitemap_file(what: str, port: int, path: str, memory: Memory) -> Figure:
    result, _ = load.once(port, path, memory.master)
    memory.sample()
    if result.status != 200:
        return failed(what, result.status, SITEMAP_FILE_SECONDS, f"`{path}`")
    seconds = result.samples_ms[0] / 1000
    urls = result.body.count(b"<url>") or result.body.count(b"<sitemap>")
    shown = f"{number(seconds)} s, {urls:,} URLs, {number(kilobytes(result.size))} KB"
    met = SITEMAP_FILE_SECONDS.met(seconds) and SITEMAP_URLS_PER_FILE.met(urls)
    target = f"{SITEMAP_FILE_SECONDS.describe()}, {SITEMAP_URLS_PER_FILE.describe()}"
    return Figure(what, shown, target, met, f"`{path}`, one request")


def sitemap(port: int, memory: Memory) -> Section:
    section = Section("Sitemap", intro="One request each; URLs counted in the file.")
    index = sitemap_url()
    result, _ = load.once(port, index, memory.master)
    if result.status != 200:
        section.figures.append(failed("Sitemap", result.status, SITEMAP_FILE_SECONDS))
        return section
    if b"<sitemapindex" not in result.body:
        section.figures.append(_sitemap_file("Sitemap (one file, no index)", port, index, memory))
        return section
    section.figures.append(_sitemap_file("Sitemap index", port, index, memory))
    paths = [
        re.sub(r"^https?://[^/]+", "", loc.decode())
        for loc in re.findall(rb"<loc>\s*(.*?)\s*</loc>", result.body)
    ]
    for path in paths[:SITEMAP_FILES_MEASURED]:
        section.figures.append(_sitemap_file(f"Sitemap file {path}", port, path, memory))
    if len(paths) > SITEMAP_FILES_MEASURED:
        section.figures.append(
            Figure(f"{len(paths) - SITEMAP_FILES_MEASURED} more files", "not measured")
        )
    return section


def exports(port: int, memory: Memory) -> Section:
    section = Section(
        "Exports and the financial-year report",
        intro="One request each (the report: then sequential requests if it is fast); "
        "worker RSS growth is the largest rise of either worker's VmRSS, sampled every "
        "20 ms while the response is served.",
    )
    for probe in export_probes():
        result, growth = load.once(port, probe.url(), memory.master)
        memory.sample()
        if result.status != 200:
            section.figures.append(failed(probe.what, result.status, probe.target))
            continue
        shown = (
            f"{number(result.samples_ms[0] / 1000)} s, "
            f"{number(megabytes(result.size))} MB, worker RSS +{number(growth)} MB"
        )
        section.figures.append(
            checked(
                probe.what,
                growth,
                shown,
                probe.target,
                f"`{probe.url()}`; target on the RSS growth",
            )
        )
    section.figures.append(_report(port, memory))
    return section


def _report(port: int, memory: Memory) -> Figure:
    probe = report_probe()
    first, growth = load.once(port, probe.url(), memory.master)
    memory.sample()
    target = f"{probe.target.describe()}, {REPORT_KB.describe()}"
    if first.status != 200:
        return failed(probe.what, first.status, probe.target)
    samples = first.samples_ms
    if samples[0] < 2000:  # fast enough to sample properly
        samples = load.sequential(port, probe.url(), budget=4).samples_ms or samples
    size_kb = kilobytes(first.size)
    figure = latency(probe.what, samples, probe.target, f"`{probe.url()}`")
    figure.value += f", {number(size_kb)} KB, worker RSS +{number(growth)} MB"
    figure.target = target
    figure.met = bool(figure.met) and REPORT_KB.met(size_kb)
    return figure


def memory_figure(memory: Memory) -> Figure:
    end = memory.sample()
    worst = max([memory.peak_mb, *end.values()])
    shown = (
        ", ".join(f"{number(mb)} MB" for mb in end.values()) + f" at the end; peak sampled "
        f"{number(memory.peak_mb)} MB"
    )
    replaced = max(0, len(memory.pids) - load.WORKERS)
    note = (
        "VmRSS of each worker after every measurement; the target is judged on the "
        f"largest; max_requests off, workers replaced (crash, timeout): {replaced}"
    )
    return checked("Worker RSS", worst, shown, WORKER_RSS_MB, note)


def search_plan_section(probes, plans) -> Section:
    section = Section(
        "In process: the search query in EXPLAIN ANALYZE",
        intro="Each search requested once through Django's test client; its query that "
        "tests the words (`@@`, the one that finds the matches and ranks them) run again "
        "under `EXPLAIN (ANALYZE)`: the median execution time of 3 runs after a warm-up.",
    )
    for probe, plan in zip(probes, plans, strict=True):
        what = probe.what.replace("Search", "Search query", 1).replace(
            "API search", "API search query", 1
        )
        note = f"`{plan.url}`"
        if plan.status != 200:
            section.figures.append(failed(what, plan.status, SEARCH_QUERY_MS, note))
            continue
        if not plan.execution_ms:
            section.figures.append(
                Figure(what, "no query tests the words", SEARCH_QUERY_MS.describe(), False, note)
            )
            continue
        total = sum(plan.execution_ms)
        shown = f"{number(total)} ms" + (f" ({plan.queries} queries)" if plan.queries > 1 else "")
        section.figures.append(checked(what, total, shown, SEARCH_QUERY_MS, note))
    return section


def _lines_note(pdf) -> str:
    """How full the pages of each are, and the cost of a line of text: a page of
    the long decision is all paragraphs, one of PCD 1620 also headings, tables,
    signature boxes and a near-empty last page."""
    if not (pdf.lines and pdf.long_lines):
        return ""
    return (
        f"; lines of text a page: {number(pdf.long_lines / pdf.long_pages)} against "
        f"PCD 1620's {number(pdf.lines / pdf.pages)}; a line: "
        f"{number(pdf.long_seconds / pdf.long_lines * 1000)} ms against "
        f"{number(pdf.seconds / pdf.lines * 1000)} ms"
    )


def pdf_section(pdf, approval) -> Section:
    section = Section(
        "In process: PDF rendering and approval",
        intro="Django in the bench process, production settings, the same database.",
    )
    section.figures.append(
        checked(
            "PDF render, PCD 1620",
            pdf.seconds,
            f"{number(pdf.seconds)} s, {pdf.pages} pages ({number(pdf.per_page)} s a page)",
            PDF_RENDER_SECONDS,
            f"median of {PDF_RUNS} after a warm-up render, in turn with the next row's",
        )
    )
    section.figures.append(
        Figure(
            f"PDF render, a {pdf.long_pages}-page decision",
            f"{number(pdf.long_seconds)} s, {number(pdf.long_per_page)} s a page",
            f"per page ≤ PCD 1620's ({number(pdf.per_page)} s)",
            pdf.long_per_page <= pdf.per_page,
            f"PCD 1620 with each Part 1 paragraph repeated {pdf.times}× (in memory, its "
            f"budget table once); median of {PDF_RUNS}, rendered in turn with PCD 1620; "
            f"repeated {2 * pdf.times}×: {pdf.longer_pages} pages, "
            f"{number(pdf.longer_per_page)} s a page" + _lines_note(pdf),
        )
    )
    if isinstance(approval, str):
        section.figures.append(unavailable("Approval: decision row lock", approval))
        return section
    lock_note = f"{approval.reference}; {LOCK_POLL} ({approval.polls} polls)"
    if len(approval.locks_ms) > 1:
        runs = ", ".join("none" if ms is None else number(ms) for ms in approval.locks_ms)
        lock_note += f"; median of {len(approval.locks_ms)} approvals: {runs} ms"
    if approval.lock_ms is None:
        section.figures.append(
            Figure(
                "Approval: decision row lock", "no lock seen", LOCK_MS.describe(), None, lock_note
            )
        )
    else:
        section.figures.append(
            checked(
                "Approval: decision row lock",
                approval.lock_ms,
                f"{number(approval.lock_ms)} ms",
                LOCK_MS,
                lock_note,
            )
        )
    section.figures.append(
        Figure(
            "Approval: total",
            f"{number(approval.total_s)} s, {approval.queries} queries; "
            f"PDF stored after {number(approval.pdf_after_s)} s",
            note="decision_approve() timed; queries by CaptureQueriesContext",
        )
    )
    return section
