"""Load the demo once per test process, then restore it from a snapshot.

`demo_load` builds its decisions through the real services and workflow (about
2.5 s); ~150 tests use it. The first test in a process runs it for real and
records every row it added or changed (all models, history and many-to-many
tables included) and the files it wrote; later tests whose database starts from
the same state get exactly those rows and files back in a few bulk inserts.

The snapshot is used only when the database before the demo is the one it was
taken on (same rows in every table): otherwise, e.g. after a transactional
test flushed and re-seeded the database with new keys, or when a test created
rows before asking for the demo, `demo_load` runs for real and the snapshot is
taken again. Foreign keys are checked at commit on PostgreSQL (Django creates
them DEFERRABLE INITIALLY DEFERRED), so the insert order does not matter.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction

# Tables the demo never writes and whose keys other tables reach by natural keys
# or not at all; skipping them keeps the fingerprint cheap. The security log is
# written on its own connection (it outlives a rolled-back action), so its rows stay
# from test to test and would make every starting state look new; sign-in attempts
# likewise say nothing about the demo.
_SKIPPED = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "security.securityevent",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accesslog",
    "axes.accessfailurelog",
}
# Kept by PostgreSQL's triggers from the decisions written, so never in a snapshot:
# restoring its rows as well as the decisions would count each decision twice.
_DERIVED = {"decisions.publishedcount"}


def _models(*, everything: bool = False) -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if (everything or model._meta.label_lower not in _SKIPPED)
        and model._meta.label_lower not in _DERIVED
        and not model._meta.proxy
    ]


def _rows(model: type[models.Model]) -> dict:
    names = [model._meta.pk.attname] + [
        f.attname for f in model._meta.concrete_fields if not f.primary_key
    ]
    rows = model._base_manager.values_list(*names)
    return {row[0]: dict(zip(names, row, strict=True)) for row in rows}


def _state(*, everything: bool = False) -> dict[str, dict]:
    return {model._meta.label_lower: _rows(model) for model in _models(everything=everything)}


def _fingerprint(state: dict[str, dict]) -> str:
    flat = repr(sorted((label, sorted(rows.items())) for label, rows in state.items()))
    return hashlib.sha256(flat.encode()).hexdigest()


@dataclass
class _Snapshot:
    base: str
    added: dict[str, list[dict]] = field(default_factory=dict)
    changed: dict[str, list[dict]] = field(default_factory=dict)
    media: Path | None = None
    # The stored files the rows name, by name (restored into whichever storage the
    # restoring test uses: local disk or its own S3 bucket).
    objects: dict[str, bytes] = field(default_factory=dict)


# One snapshot per starting state (most tests share one; a few create users first).
_snapshots: dict[str, _Snapshot] = {}


def _take(base: str, before: dict[str, dict], *, everything: bool) -> _Snapshot:
    snapshot = _Snapshot(base=base)
    for label, rows in _state(everything=everything).items():
        old = before.get(label, {})
        added = [row for pk, row in rows.items() if pk not in old]
        changed = [row for pk, row in rows.items() if pk in old and old[pk] != row]
        if added:
            snapshot.added[label] = added
        if changed:
            snapshot.changed[label] = changed
    # The stored files the rows name, whichever storage holds them: a test of the
    # other mode (tests/backends.py runs marked tests on both) restores them into its
    # own storage.
    for label, rows in snapshot.added.items():
        files = [f.attname for f in apps.get_model(label)._meta.concrete_fields
                 if isinstance(f, models.FileField)]  # fmt: skip
        for name in (row[attname] for row in rows for attname in files):
            if name:
                with default_storage.open(name, "rb") as stored:
                    snapshot.objects[name] = stored.read()
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        snapshot.media = Path(tempfile.mkdtemp(prefix="demo-media-"))
        shutil.copytree(media, snapshot.media, dirs_exist_ok=True)
    return snapshot


def _instance(model: type[models.Model], row: dict) -> models.Model:
    return model(**row)


def _restore_auto_now(model: type[models.Model], rows: list[dict]) -> None:
    """bulk_create stamps auto_now fields with the time of the insert: put back the
    recorded values (an ``updated_at`` orders lists)."""
    stamped = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    if not stamped:
        return
    pk = model._meta.pk.attname
    for row in rows:
        model._base_manager.filter(pk=row[pk]).update(**{name: row[name] for name in stamped})


def _restore(snapshot: _Snapshot, *, keys_after: bool) -> None:
    """``keys_after``: move each table's key sequence to its last restored key (a
    live test's database has its sequences restarted before the restore, and its
    next insert must not take a restored row's key)."""
    with transaction.atomic():
        for label, rows in snapshot.added.items():
            model = apps.get_model(label)
            model._base_manager.bulk_create([_instance(model, row) for row in rows])
            _restore_auto_now(model, rows)
        if keys_after:
            restored = [apps.get_model(label) for label in snapshot.added]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), restored):
                    cursor.execute(sql)
        for label, rows in snapshot.changed.items():
            model = apps.get_model(label)
            for row in rows:
                pk = model._meta.pk.attname
                values = {k: v for k, v in row.items() if k != pk}
                model._base_manager.filter(pk=row[pk]).update(**values)
    if snapshot.media is not None:
        shutil.copytree(snapshot.media, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
    for name, data in snapshot.objects.items():
        if not default_storage.exists(name):  # each S3 test has a bucket of its own
            default_storage.save(name, ContentFile(data))


def demo_load_snapshotted(load, *, kind: str = "demo", everything: bool = False):
    """Run ``load`` (demo_load) or restore what it did last time it ran on the same
    rows; return the demo users. ``kind`` names what ``load`` loads, when a test
    process uses more than one loader. ``everything``: the snapshot holds every
    table's rows, those skipped above included (for an empty database, whose content
    types and permissions the load creates)."""
    assert connection.vendor == "postgresql", "the snapshot relies on deferred foreign keys"
    before = _state(everything=everything)
    base = f"{kind}:{_fingerprint(before)}"
    if base in _snapshots:
        _restore(_snapshots[base], keys_after=everything)
        # Content types are cached by key in the process: the restored ones may not
        # be the ones last cached.
        ContentType.objects.clear_cache()
    else:
        load()
        _snapshots[base] = _take(base, before, everything=everything)
    from accounts.models import User
    from demo.loader import DEMO_USERS

    users = {}
    for spec in DEMO_USERS:  # the first demo user of each role, as demo_load returns
        users.setdefault(spec.role, User.objects.get(username=spec.username))
    return users
