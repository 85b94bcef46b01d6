"""`make bench`: issue 12's measurements at 100,000 decisions, into bench/RESULTS.md.

    make bench                         # 100,000 generated decisions + the demo
    BENCH_COUNT=2000 make bench        # a smaller dataset (its own database build)
    BENCH_FRESH=1 make bench           # rebuild the database even if it matches

Steps: wrk and PostgreSQL (installed or started if missing); the database
(BENCH_DATABASE, default dr_bench) built with load_demo and `generate_decisions
--count BENCH_COUNT --seed BENCH_SEED`, or reused when it already holds that count
and seed; production settings (DEBUG off, throwaway keys, CONN_MAX_AGE=600, Redis
database BENCH_REDIS_DB for the cache, emptied first); collectstatic; PCD 1620's
page and PDF saved as static files; gunicorn (deploy/gunicorn.conf.py, 2 sync
workers) on 127.0.0.1:BENCH_PORT (8121); then every figure of the issue's table.
BENCH_ROUNDS and BENCH_SECONDS shorten the throughput runs while developing.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run_setup as setup
from bench.loopback import ROOT
from bench.run_results import document, write

RESULTS = ROOT / "bench" / "RESULTS.md"
# Approvals measured (each on its own decision); the row lock reported is their median.
APPROVAL_RUNS = 5
OVERRIDES = (
    "BENCH_COUNT",
    "BENCH_SEED",
    "BENCH_FRESH",
    "BENCH_DATABASE",
    "BENCH_ROUNDS",
    "BENCH_SECONDS",
    "BENCH_PORT",
    "BENCH_REDIS_DB",
    "CONN_MAX_AGE",
)


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
    return result.stdout.strip()


def _machine() -> str:
    memory = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({model}), {memory / 1024 / 1024:.1f} GiB RAM, "
        f"Linux {platform.release()}; load average at the start {load}"
    )


def _command() -> str:
    overrides = [f"{name}={os.environ[name]}" for name in OVERRIDES if name in os.environ]
    # MAKELEVEL is set when make started us.
    command = "make bench" if os.environ.get("MAKELEVEL") else ".venv/bin/python bench/run.py"
    return "`" + " ".join([*overrides, command]) + "`"


def main() -> None:
    started = time.monotonic()

    def step(text: str) -> None:
        print(f"[{time.monotonic() - started:4.0f} s] {text}", flush=True)

    began = datetime.now(UTC)
    machine = _machine()
    step("Set-up: wrk, PostgreSQL, the bench database, static files")
    options = setup.Options.from_environment()
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    seconds = int(os.environ.get("BENCH_SECONDS", "5"))
    env = setup.environment(options)
    setup.system_ready()
    database = setup.database_ready(options, env)
    setup.redis_flushed(options)
    setup.static_collected(options, env)
    prepared = time.monotonic()

    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from bench import run_inprocess as inprocess
    from bench import run_load as load
    from bench import run_sections as sections
    from bench.run_urls import search_plan_probes

    step("Choosing the URLs' values and saving the static copies")
    static_urls = setup.baselines_saved(options, inprocess.static_copies())
    data = inprocess.data_params()
    published = inprocess.published_count()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    connection.close()

    results = []
    with load.gunicorn_on(options.port, env) as process:
        memory = sections.Memory(process.pid)
        memory.sample()
        step("Throughput, interleaved with the static copies")
        results.append(
            sections.throughput(options.port, static_urls, rounds=rounds, seconds=seconds)
        )
        step("Latency of searches, lists, filters, the API and budget pages")
        results += sections.latencies(options.port, data, memory)
        step("Sitemap, exports and the financial-year report")
        results.append(sections.sitemap(options.port, memory))
        results.append(sections.exports(options.port, memory))
        results[-1].figures.append(sections.memory_figure(memory))
    step("The search queries in EXPLAIN ANALYZE, in process")
    probes = search_plan_probes(data)
    results.append(
        sections.search_plan_section(probes, inprocess.search_plans([p.url() for p in probes]))
    )
    step("PDF rendering and approval, in process")
    pdf = inprocess.pdf_renders()
    approval = inprocess.approval_median(
        [inprocess.approval(env["DATABASE_URL"]) for _ in range(APPROVAL_RUNS)]
    )
    results.append(sections.pdf_section(pdf, approval))

    header = [
        ("Date", began.strftime("%Y-%m-%d %H:%M UTC")),
        ("Machine", machine),
        (
            "Commit",
            f"{_git('rev-parse', '--short', 'HEAD')} ({_git('log', '-1', '--format=%s')[:90]})"
            + (
                " with uncommitted changes"
                if _git("status", "--porcelain", "--untracked-files=no")
                else ""
            ),
        ),
        ("Command", _command()),
        (
            "Dataset",
            f"{published:,} published decisions: the demo + `generate_decisions --count "
            f"{options.count} --seed {options.seed}` (database {options.database}, {database})",
        ),
        (
            "Server",
            f"gunicorn (deploy/gunicorn.conf.py) with {load.WORKERS} sync workers on "
            f"127.0.0.1:{options.port} (max_requests off), DEBUG off, "
            f"CONN_MAX_AGE={env['CONN_MAX_AGE']}, "
            f"cache REDIS_URL={env['REDIS_URL']}, PostgreSQL {postgres}",
        ),
        (
            "Duration",
            f"{time.monotonic() - started:.0f} s in all, of which set-up "
            f"{prepared - started:.0f} s",
        ),
    ]
    notes = [
        "Latency figures are sequential GET requests from one Python http.client client "
        "(keep-alive asked for; gunicorn's sync workers close the connection after every "
        "response, so each request opens a new one, as wrk's do): one warm-up request, then "
        "up to 40 requests or about 6 s with at least 3, but stopping at 15 s (warm-up "
        "included) once one is measured; p50 / p95 nearest rank (n says how many).",
        "The approval approves one decision awaiting approval in the bench database: each "
        "run uses one up (BENCH_FRESH=1 rebuilds).",
        "Shared or busy machines make every figure noisy: compare the ratios, which were "
        "measured interleaved.",
    ]
    write(RESULTS, document(header=header, sections=results, notes=notes))
    print(f"Wrote {RESULTS.relative_to(ROOT)} in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
