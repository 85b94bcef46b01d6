"""The public transparency pages: checkpoints (HTML and JSON), the consistency proof
between two of them, and a published decision's inclusion proof."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.security_log import client_address
from core.throttle import counted_within_limits
from decisions.models import Decision
from transparency import selectors
from transparency.trees import NotStored

# Proofs are read from stored nodes (a few rows each), yet each is still a few
# queries and hashes: counted per client address, as the document check is, so that
# nobody can keep the database busy with them. Generous: verify_checkpoints asks for
# two per run.
PROOFS_PER_ADDRESS = 600
PROOFS_WINDOW_SECONDS = 60 * 60

_PRETTY = {"indent": 2, "ensure_ascii": False}


def _json(data: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params=_PRETTY)
    # The latest checkpoint and check change at any moment: never kept by a cache.
    response["Cache-Control"] = "no-cache"
    return response


def _error(message: str, *, status: int) -> JsonResponse:
    return _json({"error": message}, status=status)


def _proofs_allowed(request: HttpRequest) -> bool:
    key = f"proofs:ip:{client_address(request)}"
    return counted_within_limits([(key, PROOFS_PER_ADDRESS)], PROOFS_WINDOW_SECONDS)


def _too_many() -> JsonResponse:
    response = _error(
        "Too many proofs asked for from your address this hour: try again in an hour.",
        status=429,
    )
    response["Retry-After"] = str(PROOFS_WINDOW_SECONDS)
    return response


def _not_stored() -> JsonResponse:
    response = _error(
        "The proofs for this checkpoint are being prepared: try again in a few minutes.",
        status=503,
    )
    response["Retry-After"] = "300"
    return response


def _sequence(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) <= 9 else None


@require_safe
def transparency_index(request: HttpRequest) -> HttpResponse:
    page = selectors.checkpoints_page(request.GET.get("page"))
    latest = selectors.latest_checkpoint()
    return render(
        request,
        "transparency/index.html",
        {
            "page_obj": page,
            "checkpoints": list(page.object_list),
            "latest": latest,
            "last_check": selectors.latest_record_check(),
            "per_page": selectors.PER_PAGE,
        },
    )


@require_safe
def transparency_json(request: HttpRequest) -> JsonResponse:
    page = selectors.checkpoints_page(request.GET.get("page"))
    latest = selectors.latest_checkpoint()
    check = selectors.latest_record_check()
    base = request.build_absolute_uri(reverse("transparency:json"))
    return _json(
        {
            "about": selectors.ABOUT,
            "latest": selectors.checkpoint_document(latest) if latest else None,
            "last_check": selectors.record_check_document(check) if check else None,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": f"{base}?page={page.next_page_number()}" if page.has_next() else None,
            "checkpoints": [selectors.checkpoint_document(c) for c in page.object_list],
        }
    )


@require_safe
def checkpoint_json(request: HttpRequest, sequence: int) -> JsonResponse:
    checkpoint = selectors.checkpoint_by_sequence(sequence)
    if checkpoint is None:
        return _error(f"There is no checkpoint {sequence}.", status=404)
    return _json(selectors.checkpoint_document(checkpoint))


@require_safe
def proof_json(request: HttpRequest) -> JsonResponse:
    """?from=N[&to=M]: the proofs that checkpoint M (default: the latest) extends N."""
    old_number = _sequence(request.GET.get("from"))
    if old_number is None:
        return _error("Give the checkpoint to prove from as a number: ?from=1", status=400)
    to = request.GET.get("to")
    new_number = _sequence(to)
    if to and new_number is None:
        return _error("Give the checkpoint to prove to as a number: &to=2", status=400)
    new = selectors.checkpoint_or_latest(new_number)
    old = selectors.checkpoint_by_sequence(old_number)
    if old is None or new is None:
        missing = old_number if old is None else (new_number or "published yet")
        return _error(f"There is no checkpoint {missing}.", status=404)
    if old.sequence > new.sequence:
        return _error("The checkpoint to prove from must not be later than the one to.", status=400)
    if not _proofs_allowed(request):
        return _too_many()
    try:
        return _json(selectors.consistency_document(old, new))
    except NotStored:
        return _not_stored()


@require_safe
def inclusion_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The audit path of a published decision in a checkpoint (?checkpoint=N, default:
    the latest)."""
    decision = Decision.objects.published().with_type().by_slug(slug).first()
    if decision is None:
        return _error("No published decision has that reference.", status=404)
    asked = request.GET.get("checkpoint")
    number = _sequence(asked)
    if asked and number is None:
        return _error("Give the checkpoint as a number: ?checkpoint=2", status=400)
    checkpoint = selectors.checkpoint_or_latest(number)
    leaf = selectors.decision_leaf(decision)
    if leaf and checkpoint and not _proofs_allowed(request):
        return _too_many()
    try:
        document = selectors.inclusion_document(leaf, checkpoint) if leaf and checkpoint else None
    except NotStored:
        return _not_stored()
    if document is None:
        return _error(
            f"{decision.reference} is not in {'that' if number else 'a'} checkpoint yet: each "
            "decision joins the next checkpoint after it is published.",
            status=404,
        )
    return _json(document)
