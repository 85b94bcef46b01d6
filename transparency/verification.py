"""Checking, as someone outside would, that today's record extends a checkpoint
they kept: both checkpoints' signatures, the consistency proofs between them, the
site's latest check of its rows (every event's seal and decision leaf recomputed and
compared; run with each checkpoint and on a schedule) with the proofs that what it
found extends the latest checkpoint, and, for a decision, its inclusion proof.

The documents come from a Source: the site over HTTP (what anyone can do) or this
deployment's own database (run inside it). Each check raises CheckFailed with a
sentence saying what is wrong."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from core import signing
from transparency import merkle
from transparency.models import statement_bytes

HTTP_TIMEOUT = 30


class CheckFailed(Exception):
    pass


class Source(Protocol):
    def latest(self) -> dict[str, Any]: ...
    def checkpoint(self, sequence: int) -> dict[str, Any]: ...
    def proof(self, old: int, new: int) -> dict[str, Any]: ...
    def inclusion(self, slug: str, checkpoint: int) -> dict[str, Any]: ...


def http_get(url: str) -> bytes:
    """The body of a GET of `url` (a function of its own so tests can route it)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise CheckFailed(f"{url} is not an http or https address.")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
        return response.read()


def json_at(url: str) -> dict[str, Any]:
    try:
        body = http_get(url)
    except urllib.error.HTTPError as error:
        detail = ""
        with contextlib.suppress(ValueError, AttributeError):
            detail = json.loads(error.read()).get("error", "")
        raise CheckFailed(f"{url} answered {error.code}. {detail}".strip()) from error
    except (urllib.error.URLError, OSError) as error:
        raise CheckFailed(f"{url} could not be read: {error}") from error
    try:
        return json.loads(body)
    except ValueError as error:
        raise CheckFailed(f"{url} did not give JSON.") from error


@dataclass
class HttpSource:
    site: str

    def _url(self, path: str, **query: Any) -> str:
        url = self.site.rstrip("/") + path
        return f"{url}?{urllib.parse.urlencode(query)}" if query else url

    def latest(self) -> dict[str, Any]:
        latest = json_at(self._url("/transparency.json")).get("latest")
        if not latest:
            raise CheckFailed(f"{self.site} has published no checkpoint.")
        return latest

    def checkpoint(self, sequence: int) -> dict[str, Any]:
        return json_at(self._url(f"/transparency/checkpoints/{sequence}.json"))

    def proof(self, old: int, new: int) -> dict[str, Any]:
        return json_at(self._url("/transparency/proof.json", **{"from": old, "to": new}))

    def inclusion(self, slug: str, checkpoint: int) -> dict[str, Any]:
        return json_at(self._url(f"/decisions/{slug}/inclusion.json", checkpoint=checkpoint))


@dataclass
class LocalSource:
    """This deployment's database, read as the pages read it."""

    def latest(self) -> dict[str, Any]:
        from transparency.selectors import checkpoint_document, latest_checkpoint

        latest = latest_checkpoint()
        if latest is None:
            raise CheckFailed("This deployment has published no checkpoint.")
        return checkpoint_document(latest)

    def checkpoint(self, sequence: int) -> dict[str, Any]:
        from transparency.selectors import checkpoint_by_sequence, checkpoint_document

        found = checkpoint_by_sequence(sequence)
        if found is None:
            raise CheckFailed(f"This deployment has no checkpoint {sequence}.")
        return checkpoint_document(found)

    def proof(self, old: int, new: int) -> dict[str, Any]:
        from transparency.selectors import checkpoint_by_sequence, consistency_document

        first, second = checkpoint_by_sequence(old), checkpoint_by_sequence(new)
        if first is None or second is None:
            raise CheckFailed(f"This deployment has no checkpoint {old if first is None else new}.")
        # Inside the deployment: every row recomputed now, not the last record check.
        return consistency_document(first, second, live=True)

    def inclusion(self, slug: str, checkpoint: int) -> dict[str, Any]:
        from decisions.models import Decision
        from transparency.selectors import checkpoint_by_sequence, decision_leaf, inclusion_document

        decision = Decision.objects.published().by_slug(slug).with_type().first()
        leaf = decision_leaf(decision) if decision else None
        point = checkpoint_by_sequence(checkpoint)
        document = inclusion_document(leaf, point) if leaf and point else None
        if document is None:
            raise CheckFailed(f"No published decision {slug} is in checkpoint {checkpoint}.")
        return document


def load_checkpoint(text: str, *, where: str) -> dict[str, Any]:
    """A checkpoint document as kept: one checkpoint, or a copy of /transparency.json
    (its latest)."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise CheckFailed(f"{where} is not JSON.") from error
    if isinstance(document, dict) and isinstance(document.get("latest"), dict):
        document = document["latest"]
    if not isinstance(document, dict) or not isinstance(document.get("statement"), dict):
        raise CheckFailed(f"{where} is not a checkpoint (no 'statement').")
    return document


def _statement(document: dict[str, Any]) -> dict[str, Any]:
    statement = document["statement"]
    try:
        int(statement["sequence"])
        int(statement["events"]["count"])
        int(statement["decisions"]["size"])
        bytes.fromhex(statement["events"]["root"])
        bytes.fromhex(statement["decisions"]["root"])
    except (KeyError, TypeError, ValueError) as error:
        raise CheckFailed(f"The checkpoint's statement is incomplete ({error}).") from error
    return statement


def signature_check(document: dict[str, Any], *, name: str) -> signing.SignatureCheck:
    """The checkpoint's signature over its statement's canonical bytes."""
    statement = _statement(document)
    signed = statement_bytes(statement)
    if hashlib.sha256(signed).hexdigest() != document.get("hash"):
        raise CheckFailed(f"{name}: its hash is not the SHA-256 of its statement.")
    try:
        signature = base64.b64decode(document.get("signature", ""), validate=True)
    except (binascii.Error, ValueError) as error:
        raise CheckFailed(f"{name}: its signature is not base64.") from error
    check = signing.detached_check(signed, signature)
    if not check.valid:
        why = "the statement was changed" if not check.intact else "the signer is not trusted"
        raise CheckFailed(f"{name}: the signature is not valid ({why}). {check.summary}".strip())
    return check


def _hashes(values: Any, *, what: str) -> list[bytes]:
    try:
        return [bytes.fromhex(value) for value in values]
    except (TypeError, ValueError) as error:
        raise CheckFailed(f"The {what} is not a list of hex hashes.") from error


def slug_of(reference: str) -> str:
    match = re.fullmatch(r"\s*([A-Za-z]{2,10})[\s-]*(\d{1,7})\s*", reference)
    if match is None:
        raise CheckFailed(f"{reference!r} is not a decision reference such as PCD 1620.")
    return f"{match[1].lower()}-{int(match[2])}"


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)


def checkpoints_verify(
    held: dict[str, Any], *, source: Source, decision: str = "", chain: bool = False
) -> Report:
    """Raises CheckFailed at the first break; else a report of what was checked.
    `chain`: every checkpoint in between is read too, each signed and naming the one
    before (one request each)."""
    report = Report()
    old = _statement(held)
    check = signature_check(held, name=f"Your checkpoint {old['sequence']}")
    report.say(f"Checkpoint {old['sequence']} (yours): signature valid, by {check.signer}.")
    latest = source.latest()
    new = _statement(latest)
    check = signature_check(latest, name=f"The latest checkpoint {new['sequence']}")
    report.say(f"Checkpoint {new['sequence']} (latest): signature valid, by {check.signer}.")
    if new["origin"] != old["origin"]:
        raise CheckFailed(
            f"Your checkpoint is of {old['origin']}, the latest of {new['origin']}: "
            "not the same record."
        )
    if int(new["sequence"]) < int(old["sequence"]):
        raise CheckFailed(
            f"Your checkpoint {old['sequence']} is later than the latest, {new['sequence']}: "
            "checkpoints were removed."
        )
    proof = source.proof(int(old["sequence"]), int(new["sequence"]))
    if proof.get("from", {}).get("statement") != old:
        raise CheckFailed(
            f"The site's checkpoint {old['sequence']} is not the one you hold: it was "
            "rewritten (or yours is not from this site)."
        )
    if proof.get("to", {}).get("statement") != new:
        raise CheckFailed("The proof is not to the latest checkpoint.")
    if int(new["sequence"]) == int(old["sequence"]) + 1 and new["previous"] != held["hash"]:
        raise CheckFailed(f"Checkpoint {new['sequence']} does not follow yours.")
    old_count, new_count = int(old["events"]["count"]), int(new["events"]["count"])
    if new_count < old_count or (
        new_count == old_count and new["events"]["head"] != old["events"]["head"]
    ):
        raise CheckFailed(
            f"The event log went from {old_count} events to {new_count}, or its head changed "
            "without new events: events were removed or rewritten."
        )
    for tree, size_key, label in _TREES:
        _extends(
            old,
            new[tree],
            size_key=size_key,
            tree=tree,
            label=label,
            proof=_hashes(proof.get(f"{tree}_proof"), what=f"{label}'s proof"),
        )
    if chain:
        report.say(_chain_check(held, latest, source=source))
    checked_at = _today_check(proof.get("now") or {}, latest=new)
    report.say(
        f"The record extends checkpoint {old['sequence']}: events {old_count} → {new_count}, "
        f"published decisions {old['decisions']['size']} → {new['decisions']['size']}, "
        "nothing before rewritten."
    )
    report.say(f"The site found every row as signed when it last checked them, at {checked_at}.")
    if decision:
        report.say(_inclusion_check(decision, source=source, latest=new))
    return report


def _chain_check(held: dict[str, Any], latest: dict[str, Any], *, source: Source) -> str:
    """Each checkpoint from the one held to the latest is signed and names the one
    before it: none was removed, replaced or put in between since."""
    first, last = int(held["statement"]["sequence"]), int(latest["statement"]["sequence"])
    before = held
    for sequence in range(first + 1, last + 1):
        document = latest if sequence == last else source.checkpoint(sequence)
        statement = _statement(document)
        if int(statement["sequence"]) != sequence:
            raise CheckFailed(f"The site gave checkpoint {statement['sequence']} for {sequence}.")
        if sequence != last:
            signature_check(document, name=f"Checkpoint {sequence}")
        if statement["previous"] != before["hash"]:
            raise CheckFailed(
                f"Checkpoint {sequence} does not name checkpoint {sequence - 1} as the one "
                "before it: the chain of checkpoints was broken."
            )
        before = document
    return (
        f"Every checkpoint from {first} to {last} is signed and names the one before it "
        f"({last - first} read)."
    )


def _today_check(now: dict[str, Any], *, latest: dict[str, Any]) -> str:
    """The record as the site last found its rows (its record check recomputes every
    one) extends the latest checkpoint: a row under it rewritten fails. Returns when
    that check was."""
    checked_at = now.get("checked_at") or "an unknown time"
    if now.get("intact") is False:
        broken = [str(what) for what in now.get("broken") or []] or ["record"]
        where = [
            f"{label} from leaf {now[tree]['broken_at']}"
            for tree, label in (("events", "event log"), ("decisions", "log of decisions"))
            if isinstance(now.get(tree), dict) and now[tree].get("broken_at") is not None
        ]
        raise CheckFailed(
            f"The {' and the '.join(broken)} today does not extend checkpoint "
            f"{latest['sequence']}: the site's check of its rows at {checked_at} found "
            f"them rewritten or removed ({', '.join(where) or 'where not given'})."
        )
    for tree, size_key, label in _TREES:
        try:
            today = now[tree]
            proof = _hashes(now.get(f"{tree}_proof"), what=f"{label}'s proof to today")
            _extends(latest, today, size_key=size_key, tree=tree, label=label, proof=proof)
        except CheckFailed:
            raise
        except (KeyError, TypeError, ValueError) as error:
            raise CheckFailed(f"The site gave no proof of its {label} today.") from error
    return checked_at


# Each tree a checkpoint states: its key, the key of its size, and its name.
_TREES = (
    ("events", "count", "event log"),
    ("decisions", "size", "log of published decisions"),
)


def _extends(
    old: dict[str, Any],
    new_tree: dict[str, Any],
    *,
    size_key: str,
    tree: str,
    label: str,
    proof: list[bytes],
) -> None:
    """The tree `new_tree` (size and root) extends checkpoint `old`'s, by `proof`."""
    try:
        merkle.consistency_verify(
            old_size=int(old[tree][size_key]),
            old_root=bytes.fromhex(old[tree]["root"]),
            new_size=int(new_tree[size_key]),
            new_root=bytes.fromhex(new_tree["root"]),
            proof=proof,
        )
    except merkle.ProofError as error:
        raise CheckFailed(
            f"The {label} today does not extend checkpoint {old['sequence']}: something it "
            f"covered was rewritten or removed ({error})"
        ) from error


def _inclusion_check(reference: str, *, source: Source, latest: dict[str, Any]) -> str:
    slug = slug_of(reference)
    document = source.inclusion(slug, int(latest["sequence"]))
    if document.get("checkpoint", {}).get("statement") != latest:
        raise CheckFailed("The inclusion proof is not against the latest checkpoint.")
    leaf = document.get("leaf") or {}
    if slug_of(str(leaf.get("reference", ""))) != slug:
        raise CheckFailed(f"The inclusion proof is of {leaf.get('reference')}, not {reference}.")
    try:
        merkle.inclusion_verify(
            leaf=merkle.leaf_hash(statement_bytes(leaf)),
            index=int(document["leaf_index"]),
            size=int(latest["decisions"]["size"]),
            proof=_hashes(document.get("audit_path"), what="audit path"),
            root_hash=bytes.fromhex(latest["decisions"]["root"]),
        )
    except (KeyError, ValueError, merkle.ProofError) as error:
        raise CheckFailed(
            f"{leaf.get('reference')} is not in checkpoint {latest['sequence']} as published: "
            f"{error}"
        ) from error
    pdf = f", PDF SHA-256 {leaf['pdf_sha256']}" if leaf.get("pdf_sha256") else ""
    return (
        f"{leaf['reference']} is leaf {document['leaf_index']} of {latest['decisions']['size']} "
        f"in checkpoint {latest['sequence']}{pdf}."
    )
