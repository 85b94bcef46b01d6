"""Benchmark: time the public pages and the PDF renderer on the demo data.

Run on demand (not part of the test suite):

    DEBUG=1 .venv/bin/python bench/pages.py          # SQLite, as `make run`
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/decision_bench \
        .venv/bin/python bench/pages.py              # PostgreSQL (database must exist)

Prints the median and 95th percentile per page over N requests (query counts are
held by the test suite's django_assert_num_queries tests, not here).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "50"))
PAGES = [
    "/decisions/",
    "/decisions/?q=host+borough",
    "/decisions/pcd-1620/",
    "/decisions/pcd-1406/",
    "/reports/financial-years/",
    "/reports/envelopes/pcd-1406/",
]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    print(f"database: {connection.vendor}, requests per page: {N}")
    for url in PAGES:
        client.get(url)  # warm up (template loading, first connection)
        timings = []
        for _ in range(N):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{url:36} median {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms")
    from decisions.models import Decision
    from decisions.pdf import render_decision_pdf
    from decisions.selectors import decision_page, decision_public_links, full_decision

    decision = full_decision(Decision.objects.by_reference("PCD", 1620)).get()
    page = decision_page(decision, links=decision_public_links(decision))
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        data = render_decision_pdf(page, draft=False)
        runs.append(time.perf_counter() - start)
    print(
        f"PCD 1620 PDF: {len(data) / 1024:.0f} KiB, render median {statistics.median(runs):.2f} s"
    )


if __name__ == "__main__":
    main()
