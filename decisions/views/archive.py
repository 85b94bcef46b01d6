"""The back office's page for bringing in one decision taken before the system
(records managers), the status of what was sent (imported by the task queue:
decisions/services/archive_queue.py), and the confirmation. `manage.py
import_archive` does many."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from decisions import policy
from decisions.forms_archive import ArchivedRecordForm
from decisions.models import ArchiveImportStatus, Decision
from decisions.selectors.archive import archive_import_status, archive_imports_recent
from decisions.services.archive_queue import archive_import_enqueue
from decisions.views.base import call_service

# How many of the latest records sent the page lists, with their status.
RECENT_IMPORTS = 10


def _records_manager(request: HttpRequest) -> None:
    if not policy.can_import(request.user):
        raise PermissionDenied("Only records managers can bring in archived records.")


@login_required
@require_http_methods(["GET", "POST"])
def archive_new(request: HttpRequest) -> HttpResponse:
    _records_manager(request)
    form = ArchivedRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["document"]
        ok, pending = call_service(
            form,
            lambda: archive_import_enqueue(
                user=request.user,
                upload=upload,
                reference=data["reference"],
                title=data["title"],
                date_signed=data["date_signed"],
                date_published=data["date_published"],
                decision_by=data["decision_by"],
                summary=data["summary"],
                recommendations=data["recommendations"],
                document_bytes=None,
                document_name=upload.name if upload is not None else "",
                source_url=data["source_url"],
            ),
        )
        if ok:
            return redirect("drafting:archive_import", pk=pending.pk)
    recent = archive_imports_recent(limit=RECENT_IMPORTS)
    return render(request, "archive/new.html", {"form": form, "recent": recent})


@login_required
@require_safe
def archive_import(request: HttpRequest, pk: int) -> HttpResponse:
    """What became of a record sent: waiting (with a link to look again: no script
    refreshes it), imported, already there, or not imported and why."""
    _records_manager(request)
    pending = archive_import_status(pk)
    if pending is None:
        raise Http404("No archived record was sent with that number.")
    return render(
        request, "archive/status.html", {"pending": pending, "Status": ArchiveImportStatus}
    )


@login_required
@require_safe
def archive_done(request: HttpRequest, pk: int) -> HttpResponse:
    _records_manager(request)
    decision = (
        Decision.objects.approved()
        .with_type()
        .select_related("archived_record")
        .filter(pk=pk, archived_record__isnull=False)
        .first()
    )
    if decision is None:
        raise Http404("No archived record has that number.")
    return render(
        request,
        "archive/done.html",
        {"decision": decision, "unchanged": request.GET.get("unchanged") == "1"},
    )
