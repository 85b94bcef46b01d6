"""What a checkpoint costs on a database as it is (issue 16): a record check (every
event's seal recomputed and compared with the stored leaves; the first one stores
them all), taking a checkpoint (a check, then signed), and what a request costs:
/transparency/proof.json between the first and the latest checkpoint and a
decision's inclusion.json, each over HTTP through the test client (median of 20,
with their query counts). It writes checkpoints: run it on a benchmark database,
with that database's AUDIT_HMAC_KEY and a signing identity (DEBUG=1 uses the demo's,
made by `manage.py signing_demo_ca`).

    PYTHONPATH=. DEBUG=1 AUDIT_HMAC_KEY=... DATABASE_URL=postgres://.../dr_bench \\
        .venv/bin/python bench/checkpoints.py [--requests-only]

With --requests-only it times the two requests alone, on the checkpoints there are.
The requests go through the test client: the database needs its cache table
(`manage.py createcachetable`) unless REDIS_URL is set.
"""

import os
import sys
import time

import django


def timed(label, function):
    started = time.perf_counter()
    result = function()
    print(f"{label}: {time.perf_counter() - started:.2f} s")
    return result


def median_request(client, url: str, rounds: int = 20) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for round_number in range(rounds):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            # A new address each time: the proofs' per-address count never refuses.
            address = f"10.9.{round_number // 250}.{round_number % 250}"
            response = client.get(url, REMOTE_ADDR=address)
        times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 2], len(queries), response.status_code


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.test import Client

    from decisions.models import DecisionEvent
    from transparency.models import Checkpoint, DecisionLeaf, TreeNode
    from transparency.services import checkpoint_publish, record_check
    from transparency.trees import event_leaves

    print(f"{DecisionEvent.objects.count():,} events")
    if "--requests-only" in sys.argv:
        latest = Checkpoint.objects.order_by("-sequence").first()
    else:
        timed("event leaves (every seal recomputed)", lambda: event_leaves(10**12))
        if not Checkpoint.objects.exists():
            timed("first checkpoint (log of decisions filled, trees stored)", checkpoint_publish)
        elif not TreeNode.objects.exists():
            timed("first record check (trees stored)", record_check)
        timed("record check", record_check)
        latest = timed("checkpoint", checkpoint_publish)
    print(f"{latest.decisions_size:,} published decisions in the log")
    print(f"{TreeNode.objects.count():,} stored tree nodes")
    client = Client()
    leaf = DecisionLeaf.objects.order_by("index")[latest.decisions_size // 2]
    slug = leaf.decision.slug
    for label, url in (
        ("proof.json from checkpoint 1", "/transparency/proof.json?from=1"),
        (f"inclusion.json of leaf {leaf.index}", f"/decisions/{slug}/inclusion.json"),
    ):
        seconds, queries, status = median_request(client, url)
        print(f"{label}: median {seconds * 1000:.1f} ms, {queries} queries, HTTP {status}")


if __name__ == "__main__":
    main()
