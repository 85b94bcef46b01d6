"""p50/p95 of the public list, search, filters and API, in-process through Django's
test client (DEBUG off, one persistent database connection), requests interleaved.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dr_search_big SECRET_KEY=x \\
    AUDIT_HMAC_KEY=x ALLOWED_HOSTS=testserver .venv/bin/python bench/search.py [rounds]

With a database made by bench/search_data.py (100,000 decisions). Prints one line a
URL: p50, p95, max in ms, status, and the number of queries of the last request.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CONN_MAX_AGE", "600")

import django

django.setup()

from django.conf import settings  # noqa: E402

# Production serves hashed static files (collectstatic); here only their names matter.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

URLS = [
    "/decisions/",
    "/decisions/?page=100",
    "/decisions/?page=LAST",
    "/decisions/?q=violence",
    "/decisions/?q=violence&page=50",
    "/decisions/?q=%22host+borough%22",
    "/decisions/?q=host+borough",
    "/decisions/?q=zeugmatic",
    "/decisions/?q=xylophonist",
    "/decisions/?q=violence&type=CEOD&year=2022",
    "/decisions/?value=500k-2m",
    "/decisions/?value=10m-plus&page=LAST",
    "/decisions/?financial_year=2023%2F24",
    "/decisions/?financial_year=2023%2F24&page=LAST",
    "/decisions/?year=2021",
    "/decisions/?type=CEOD&page=LAST",
    "/api/decisions/",
    "/api/decisions/?page=LAST",
    "/api/decisions/?q=violence",
    "/api/decisions/?q=zeugmatic",
    "/api/decisions/?financial_year=2023%2F24",
]


def last_page(client: Client, url: str) -> str:
    """Resolve page=LAST from the page count the first page reports."""
    if "page=LAST" not in url:
        return url
    first = url.replace("page=LAST", "page=1")
    response = client.get(first)
    if first.startswith("/api/"):
        count = response.json()["count"]
    else:
        text = response.content.decode()
        count = int(text.split(" of ", 1)[1].split(" result")[0].replace(",", "").split()[-1])
    return url.replace("page=LAST", f"page={max(1, -(-count // 20))}")


def main(rounds: int = 20) -> None:
    client = Client()
    urls = [last_page(client, url) for url in URLS]
    timings: dict[str, list[float]] = {url: [] for url in urls}
    statuses: dict[str, int] = {}
    for url in urls:  # warm up
        client.get(url)
    for _ in range(rounds):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            timings[url].append((time.perf_counter() - started) * 1000)
            statuses[url] = response.status_code
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        values = sorted(timings[url])
        p95 = values[min(len(values) - 1, round(0.95 * len(values)) - 1)]
        print(
            f"{statistics.median(values):8.1f} {p95:8.1f} {values[-1]:8.1f}  "
            f"{statuses[url]} q={len(queries):2d}  {url}"
        )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
