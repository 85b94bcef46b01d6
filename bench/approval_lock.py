"""How long an approval holds the decision row locked, seen from outside (issue 12).

While `decision_approve` runs in this process, a thread on its own database
connection asks for the decision row every millisecond or so with
`SELECT 1 FROM decisions_decision WHERE id = %s FOR UPDATE NOWAIT` (and for the
event chain's advisory lock with `pg_try_advisory_xact_lock`): the span of
refused tries is the time each lock was held. Also prints the approval's wall
time and query count.

In-process, DEBUG off, PostgreSQL with the demo loaded (`DEBUG=1 ... manage.py
load_demo` first). Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dr_pdf SECRET_KEY=x \
        AUDIT_HMAC_KEY=x ALLOWED_HOSTS=localhost SECURE_SSL_REDIRECT=0 \
        .venv/bin/python bench/approval_lock.py [--runs 5]

Each run drafts a decision through the officers' services and takes it to the
Deputy Mayor as the demo people (demo/stages.py), then approves it: the database
keeps them. They are deferred for a year, so no public page lists them. Not a test.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The approval's emails go out after commit, outside the locks: kept in memory here.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from decisions.models import Decision  # noqa: E402
from decisions.services import decision_approve  # noqa: E402
from decisions.services.events import EVENT_CHAIN  # noqa: E402
from demo.stage_data import STAGE_DECISIONS  # noqa: E402
from demo.stages import _move, _write  # noqa: E402

DEMO_USERNAMES = {
    Role.OFFICER: "officer",
    Role.HEAD_OF_SERVICE: "head",
    Role.CHIEF_EXECUTIVE: "ceo",
    Role.DMPC: "dmpc",
}


def _chain_key(name: str) -> int:
    # The key core.seals.chain_lock takes for this chain.
    return int.from_bytes(hashlib.sha256(f"chain:{name}".encode()).digest()[:8], "big", signed=True)


class Poller(threading.Thread):
    """Tries both locks about every millisecond on its own connection (autocommit:
    each try is its own transaction, so it takes nothing for longer than the try)."""

    def __init__(self, decision_id: int) -> None:
        super().__init__(daemon=True)
        self.decision_id = decision_id
        self.stop = threading.Event()
        self.row_refused: list[float] = []
        self.chain_refused: list[float] = []
        self.tries = 0
        settings = connection.settings_dict
        self.conn = psycopg.connect(
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            dbname=settings["NAME"],
            autocommit=True,
        )

    def run(self) -> None:
        key = _chain_key(EVENT_CHAIN)
        with self.conn.cursor() as cursor:
            while not self.stop.is_set():
                now = time.perf_counter()
                try:
                    cursor.execute(
                        "SELECT 1 FROM decisions_decision WHERE id = %s FOR UPDATE NOWAIT",
                        [self.decision_id],
                    )
                except psycopg.errors.LockNotAvailable:
                    self.row_refused.append(now)
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
                if not cursor.fetchone()[0]:
                    self.chain_refused.append(now)
                self.tries += 1
                time.sleep(0.001)
        self.conn.close()


def _span_ms(times: list[float]) -> float:
    return (times[-1] - times[0]) * 1000 if times else 0.0


def _awaiting_approval(users: dict[Role, User], number: int) -> Decision:
    spec = next(s for s in STAGE_DECISIONS if s.stage == "awaiting_approval")
    spec = dataclasses.replace(
        spec,
        title=f"Bench approval {timezone.now():%Y-%m-%d %H:%M:%S} #{number}",
        deferral_reason="Benchmark record (bench/approval_lock.py), not for publication",
        deferred_for_days=365,
    )
    return _move(spec, _write(spec, users[Role.OFFICER]), users)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Needs PostgreSQL (row locks and advisory locks).")
    users = {
        role: User.objects.filter(username=name).first() for role, name in DEMO_USERNAMES.items()
    }
    if not all(users.values()):
        sys.exit("No demo people: load the demo first (DEBUG=1 manage.py load_demo).")
    sys.setswitchinterval(0.0005)  # let the poller thread in often while the approval runs
    rows = []
    for number in range(args.runs):
        decision = _awaiting_approval(users, number)
        poller = Poller(decision.pk)
        poller.start()
        time.sleep(0.05)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            decision_approve(user=users[Role.DMPC], decision=decision)
        elapsed = time.perf_counter() - started
        time.sleep(0.05)
        poller.stop.set()
        poller.join()
        rows.append(
            (elapsed, _span_ms(poller.row_refused), _span_ms(poller.chain_refused), len(queries))
        )
        print(
            f"{decision.title}: approval {elapsed * 1000:7.1f} ms, {len(queries)} queries; "
            f"row locked {rows[-1][1]:6.1f} ms, event chain locked {rows[-1][2]:6.1f} ms "
            f"(seen by {poller.tries} tries, about "
            f"{(elapsed + 0.1) * 1000 / max(poller.tries, 1):.1f} ms apart)"
        )
    print(
        f"median of {args.runs}: approval {statistics.median(r[0] for r in rows) * 1000:.1f} ms, "
        f"row locked {statistics.median(r[1] for r in rows):.1f} ms "
        f"(max {max(r[1] for r in rows):.1f}), event chain locked "
        f"{statistics.median(r[2] for r in rows):.1f} ms, "
        f"queries {statistics.median(r[3] for r in rows):.0f}; "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )


if __name__ == "__main__":
    main()
