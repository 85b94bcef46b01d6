"""What a checkpoint costs on a database as it is (issue 16): taking one (every
event's seal recomputed, both trees built, signed), the consistency proof between
the first and the latest (what /transparency/proof.json builds per request) and one
decision's inclusion proof. It writes checkpoints: run it on a benchmark database,
with that database's AUDIT_HMAC_KEY and a signing identity (DEBUG=1 uses the demo's,
made by `manage.py signing_demo_ca`).

    PYTHONPATH=. DEBUG=1 AUDIT_HMAC_KEY=... DATABASE_URL=postgres://.../dr_bench \\
        .venv/bin/python bench/checkpoints.py
"""

import os
import time

import django


def timed(label, function):
    started = time.perf_counter()
    result = function()
    print(f"{label}: {time.perf_counter() - started:.2f} s")
    return result


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from decisions.models import DecisionEvent
    from transparency.models import Checkpoint, DecisionLeaf
    from transparency.selectors import (
        consistency_document,
        inclusion_document,
        latest_checkpoint,
    )
    from transparency.services import checkpoint_publish
    from transparency.trees import event_leaves

    print(f"{DecisionEvent.objects.count():,} events")
    timed("event leaves (every seal recomputed)", lambda: event_leaves(10**12))
    if not Checkpoint.objects.exists():
        timed("first checkpoint (log of decisions filled)", checkpoint_publish)
    latest = timed("checkpoint", checkpoint_publish)
    print(f"{latest.decisions_size:,} published decisions in the log")
    first = Checkpoint.objects.get(sequence=1)
    timed("proof.json's document", lambda: consistency_document(first, latest))
    leaf = DecisionLeaf.objects.order_by("index").first()
    timed("inclusion.json's document", lambda: inclusion_document(leaf, latest_checkpoint()))


if __name__ == "__main__":
    main()
