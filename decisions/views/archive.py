"""The back office's page for bringing in one decision taken before the system
(records managers), and its confirmation. `manage.py import_archive` does many."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from decisions import policy
from decisions.forms_archive import ArchivedRecordForm
from decisions.models import Decision
from decisions.services.archive import archived_decision_import
from decisions.services.content import APPENDIX_MAX_BYTES
from decisions.views.base import call_service


def _records_manager(request: HttpRequest) -> None:
    if not policy.can_import(request.user):
        raise PermissionDenied("Only records managers can bring in archived records.")


def _document(upload) -> tuple[bytes | None, str]:
    if upload is None:
        return None, ""
    # Never more than one byte over the limit is read: the service refuses it.
    return upload.read(APPENDIX_MAX_BYTES + 1), upload.name


@login_required
@require_http_methods(["GET", "POST"])
def archive_new(request: HttpRequest) -> HttpResponse:
    _records_manager(request)
    form = ArchivedRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document, name = _document(data["document"])
        ok, outcome = call_service(
            form,
            lambda: archived_decision_import(
                user=request.user,
                reference=data["reference"],
                title=data["title"],
                date_signed=data["date_signed"],
                date_published=data["date_published"],
                decision_by=data["decision_by"],
                summary=data["summary"],
                recommendations=data["recommendations"],
                document_bytes=document,
                document_name=name,
                source_url=data["source_url"],
            ),
        )
        if ok:
            url = redirect("drafting:archive_done", pk=outcome.decision.pk).url
            return redirect(f"{url}?unchanged=1" if outcome.status == "unchanged" else url)
    return render(request, "archive/new.html", {"form": form})


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
