"""`make bench` (bench/run.py): the results writer and the URL list. Nothing here is
timed: the figures are computed from given inputs."""

from __future__ import annotations

import pytest
from django.urls import resolve

from bench.run_results import (
    NOT_AVAILABLE,
    Section,
    at_least,
    at_most,
    document,
    latency,
    percentile,
    ratio,
    unavailable,
)
from bench.run_urls import (
    DataParams,
    export_probes,
    latency_probes,
    pair_probes,
    report_probe,
    sitemap_url,
)


def test_percentiles_are_nearest_rank():
    samples = [float(n) for n in range(100, 0, -1)]  # 100 … 1, unordered on purpose
    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 95) == 95.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([1.0, 2.0, 3.0], 95) == 3.0


def test_a_latency_row_shows_p50_p95_its_target_and_verdict():
    samples = [float(n) for n in range(1, 21)]  # p50 10, p95 19
    p95 = percentile(samples, 95)
    met = latency("Search", samples, at_most(p95, "ms", on="p95"), "`/decisions/?q=x`")
    assert met.row() == (
        f"| Search | p50 10 / p95 {p95:.0f} ms (n=20) | p95 ≤ {p95:.0f} ms | met | "
        "`/decisions/?q=x` |"
    )
    missed = latency("Search", samples, at_most(p95 - 1, "ms", on="p95"))
    assert missed.met is False
    assert "| **not met** |" in missed.row()


def test_a_ratio_row_divides_the_throughputs():
    dynamic, static = 40.0, 3_500.0
    figure = ratio("Page", dynamic, static, at_least(0.5, "×"))
    assert figure.value == f"{dynamic / static:.3f}× (40 / 3,500 req/s)"
    assert figure.target == "≥ 0.5×"
    assert figure.met is False
    assert ratio("Page", 2_000.0, static, at_least(0.5, "×")).met is True
    assert ratio("Page", 1.0, 0.0, at_least(0.5, "×")).value == NOT_AVAILABLE


def test_the_document_counts_targets_met_and_names_those_missed():
    section = Section(
        "Search",
        [
            latency("Fast", [5.0, 6.0], at_most(100, "ms", on="p95")),
            latency("Slow", [500.0, 600.0], at_most(100, "ms", on="p95")),
            unavailable("Sitemap index", "HTTP 404"),
        ],
    )
    text = document(header=[("Commit", "abc123")], sections=[section], notes=["noisy"])
    assert "- **Commit:** abc123" in text
    assert "| Sitemap index | not available | — | not available | HTTP 404 |" in text
    assert "Targets met: 1 of 2; not met: Slow." in text


def test_every_bench_url_resolves_to_its_view():
    data = DataParams(
        last_page=5_000,
        year=2025,
        financial_year="2025/26",
        type_code="PCD",
        rare_word="x",
        earliest_financial_year="2022/23",
    )
    probes = [probe for _, probe, _ in pair_probes()]
    probes += [probe for _, section in latency_probes(data) for probe in section]
    probes += [*export_probes(), report_probe()]
    for probe in probes:
        path = probe.url().split("?")[0]
        assert resolve(path).view_name == probe.name, probe.what
    assert resolve(sitemap_url()).view_name == "open_data:sitemap"
    list_pages = [p.url() for _, s in latency_probes(data) for p in s if p.what.startswith("List")]
    assert list_pages == ["/decisions/", "/decisions/?page=100", "/decisions/?page=5000"]
    # The common financial year and the earliest (its decisions at the list's far end).
    years = [p.url() for _, s in latency_probes(data) for p in s if "financial year" in p.what]
    assert years == [
        "/decisions/?financial_year=2025%2F26",
        "/decisions/?financial_year=2022%2F23",
    ]


def test_the_search_query_is_found_and_timed_in_explain_analyze(officer):
    from bench.run_inprocess import search_plans
    from tests.factories import approved_decision, draft_decision

    decision = draft_decision(user=officer, title="Towpath lighting", summary="The towpath.")
    approved_decision(user=officer, decision=decision, number=51)
    searching, listing = search_plans(["/decisions/?q=towpath", "/decisions/"])
    # A search has one query that tests the words; the plain list has none.
    assert searching.queries == 1 and len(searching.execution_ms) == 1
    assert searching.execution_ms[0] > 0
    assert listing.queries == 0 and listing.execution_ms == []


def test_the_search_query_row_is_judged_on_20_ms():
    from bench.run_inprocess import PlanFigure
    from bench.run_sections import search_plan_section
    from bench.run_urls import search_plan_probes

    data = DataParams(
        last_page=5, year=2025, financial_year="2025/26", type_code="PCD", rare_word="x"
    )
    probes = search_plan_probes(data)
    assert all("q" in probe.query for probe in probes)
    assert any(probe.name == "open_data:api_list" for probe in probes)
    plans = [PlanFigure(p.url(), [19.0 + 2 * (n % 2)], 1) for n, p in enumerate(probes)]
    rows = search_plan_section(probes, plans).figures
    assert [row.met for row in rows] == [n % 2 == 0 for n in range(len(probes))]
    assert rows[0].value == "19 ms" and rows[0].target == "≤ 20 ms"
    assert rows[0].what.startswith("Search query")


@pytest.mark.django_db(transaction=True)
def test_the_lock_watch_sees_a_row_locked_from_another_connection(officer):
    # The approval's lock is watched from another process (bench/run_inprocess.py).
    import time

    from django.db import connection, transaction
    from psycopg.conninfo import make_conninfo

    from bench.run_inprocess import LockWatch
    from decisions.models import Decision
    from tests.factories import draft_decision

    decision = draft_decision(user=officer)
    db = connection.settings_dict
    dsn = make_conninfo(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"] or None, port=db["PORT"] or None,
    )  # fmt: skip
    watch = LockWatch(dsn, decision.pk)
    watch.start()
    assert watch.ready.wait(10)
    time.sleep(0.02)
    with transaction.atomic():
        Decision.objects.select_for_update().get(pk=decision.pk)
        time.sleep(0.05)
    time.sleep(0.02)
    watch.stop.set()
    watch.join(10)
    assert watch.polls > 2
    assert watch.lock_ms is not None and watch.lock_ms > 0


@pytest.mark.parametrize("paragraphs", [1, 7])
def test_the_lines_of_text_of_a_pdf_are_counted(paragraphs):
    from bench.run_inprocess import pdf_pages, pdf_text_lines
    from decisions import pdf

    # One line each (short), a heading, and each page's footer (decision.css).
    body = "".join(f"<p>Paragraph {number}.</p>" for number in range(paragraphs))
    html = f"<!doctype html><html lang='en'><head><title>Lines {paragraphs}</title></head>"
    content = pdf.html_to_pdf(f"{html}<body><h1>Heading</h1>{body}</body></html>")
    assert pdf_text_lines(content) == paragraphs + 1 + pdf_pages(content)
