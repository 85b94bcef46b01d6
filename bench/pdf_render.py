"""Render time of the decision PDF (issue 12): PCD 1620, and a generated decision of
about 20 pages, each as the median of several renders, in seconds and seconds a page.

In-process, DEBUG off, on a database holding the demo (load it first, with DEBUG on:
`DEBUG=1 ... manage.py load_demo`). Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dr_pdf SECRET_KEY=x \
        AUDIT_HMAC_KEY=x ALLOWED_HOSTS=localhost SECURE_SSL_REDIRECT=0 \
        .venv/bin/python bench/pdf_render.py [--runs 5] [--repeat 4] [--keep DIR]

The long decision is PCD 1620's Part 1 with each section's paragraphs written
`--repeat` times, drafted through the officers' own services inside a transaction
that is rolled back: the database is left as it was. `--keep DIR` writes both PDFs
there (to compare their look with `pdftoppm -r 60 -png`). Not a test: timings on a
shared machine are noisy, so compare runs made one after the other.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from decisions.models import Decision  # noqa: E402
from decisions.pdf import render_decision_pdf  # noqa: E402
from decisions.selectors import decision_page, decision_public_links, full_decision  # noqa: E402
from demo import pcd_1620  # noqa: E402
from demo.drafts import draft_write  # noqa: E402


def _page(decision: Decision):
    full = full_decision(Decision.objects.filter(pk=decision.pk)).get()
    return decision_page(full, links=decision_public_links(full))


def _pages(pdf: bytes) -> int:
    """Page objects in the PDF, most of them inside compressed object streams."""
    unpacked = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            unpacked.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            continue
    return len(re.findall(rb"/Type /Page(?![s\w])", b"\n".join(unpacked)))


def _measure(name: str, page, runs: int, keep: Path | None) -> float:
    render_decision_pdf(page, draft=False)  # warm up: templates, fonts, first layout
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = render_decision_pdf(page, draft=False)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    pages = _pages(pdf)
    median = statistics.median(timings)
    # CPU time too: on a shared machine it moves less with the other load than wall time.
    print(
        f"{name:22} {pages:3} pages  median {median:.3f} s  {median / pages:.4f} s/page  "
        f"CPU {statistics.median(cpu):.3f} s  (min {min(timings):.3f}, max {max(timings):.3f}, "
        f"{runs} runs, {len(pdf) // 1024} KiB)"
    )
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / f"{name.split()[0].lower()}.pdf").write_bytes(pdf)
    return median / pages


def _long_decision(repeat: int) -> Decision:
    officer = User.objects.filter(username="officer").first()
    if officer is None:
        sys.exit("No demo officer: load the demo first (DEBUG=1 manage.py load_demo).")

    def copies(texts: list[str]) -> list[str]:
        # The services refuse a paragraph added twice: each copy is told apart.
        return [
            text if k == 0 else f"{text} (Copy {k + 1}.)" for k in range(repeat) for text in texts
        ]

    return draft_write(
        officer=officer,
        type_code="PCD",
        title=f"Bench: {pcd_1620.TITLE}",
        summary=pcd_1620.EXECUTIVE_SUMMARY,
        recommendations=copies(pcd_1620.RECOMMENDATIONS),
        sections={kind: copies(texts) for kind, texts in pcd_1620.SECTIONS.items()},
        budget_table_after=None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    pcd = Decision.objects.by_reference("PCD", 1620).first()
    if pcd is None:
        sys.exit("PCD 1620 is not in this database: load the demo first.")
    short = _measure("PCD 1620", _page(pcd), args.runs, args.keep)
    with transaction.atomic():
        long = _measure(
            f"Generated (x{args.repeat})", _page(_long_decision(args.repeat)), args.runs, args.keep
        )
        transaction.set_rollback(True)
    print(f"per-page cost, generated / PCD 1620: {long / short:.2f}")


if __name__ == "__main__":
    main()
