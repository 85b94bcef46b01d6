"""Benchmark: the sitemap, the CSV exports and the spending reports (issue 12), on
whatever database DATABASE_URL names (meant for one with ~100,000 decisions).

Run on demand, with DEBUG off and static files collected (not part of the tests):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dr_reports_big \
    SECRET_KEY=x AUDIT_HMAC_KEY=x ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=0 \
        .venv/bin/python bench/reports.py [-n 5] [URL ...]

Each URL is measured in a process of its own (so one page's memory is not charged to
the next): the median and slowest of n requests, the bytes of the body, the database
queries of one request, and how much the process's peak RSS grew while serving
them (the CSVs must stay within 50 MB). Internal pages are asked as the demo officer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
URLS = [
    "/sitemap.xml",
    "/sitemap-list.xml",
    "/sitemap-decisions.xml",
    "/sitemap-decisions.xml?p=2",
    "/sitemap-pages.xml",
    "/reports/financial-years/",
    "/reports/financial-years.csv",
    "/work/reports/financial-years/",
    "/decisions/pcd-1406/",
    "/reports/envelopes/pcd-1406/",
    "/work/reports/envelopes/pcd-1406/",
    "/decisions/export/decisions.csv",
    "/decisions/export/allocations.csv",
]


def peak_rss_mb() -> float:
    """The process's peak resident set size (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def body_size(response) -> int:
    # Count a streamed body chunk by chunk: joining it would hold it all in memory.
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure(url: str, n: int) -> str:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client()
    if url.startswith("/work/"):
        client.force_login(User.objects.get(username="officer"))
    client.get("/accessibility/")  # warm up: templates, the database connection
    rss_before = peak_rss_mb()
    timings, size = [], 0
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        size = body_size(response)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            return f"{url:40} HTTP {response.status_code}"
    grown = peak_rss_mb() - rss_before
    with CaptureQueriesContext(connection) as queries:
        body_size(client.get(url))
    return (
        f"{url:40} median {statistics.median(timings):8.1f} ms  max {max(timings):8.1f} ms  "
        f"{size / 1024:9.1f} KiB  {len(queries):3d} queries  peak RSS +{grown:6.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=5, help="requests per URL")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("urls", nargs="*", default=URLS)
    args = parser.parse_args()
    if args.child:
        print(measure(args.urls[0], args.n), flush=True)
        return
    for url in args.urls:
        subprocess.run(  # noqa: S603 - this script, with our own arguments
            [sys.executable, __file__, "--child", "-n", str(args.n), url], check=False
        )


if __name__ == "__main__":
    main()
