"""Render time of the public list's pagination bar at 5,000 pages (issue 12).

Run from the repository root:

    PYTHONPATH=. DEBUG=0 SECRET_KEY=x AUDIT_HMAC_KEY=x ALLOWED_HOSTS=x \
        DATABASE_URL=sqlite://:memory: .venv/bin/python bench/pagination.py
"""

import os
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(range(100_000), 20).get_page(2_500)
    render_to_string("includes/pagination.html", {"page_obj": page})  # warm the cache
    runs = 20
    started = time.perf_counter()
    for _ in range(runs):
        render_to_string("includes/pagination.html", {"page_obj": page})
    elapsed_ms = (time.perf_counter() - started) / runs * 1000
    print(f"{elapsed_ms:.2f} ms per render (5,000 pages)")


if __name__ == "__main__":
    main()
