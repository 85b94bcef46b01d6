"""Starting a draft from the officer's Word form, and the report of what went where."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from decisions.forms import WordFormUploadForm
from decisions.selectors.word_import import word_import_report
from decisions.services.word_import import decision_start_from_word
from decisions.views.base import call_service, officer_decision, officer_required
from decisions.wordform.reading import WORD_FORM_MAX_BYTES


@officer_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = WordFormUploadForm(request.POST, request.FILES) if posted else WordFormUploadForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        # Never more than one byte past the limit is read: the service says it is too big.
        data = upload.read(WORD_FORM_MAX_BYTES + 1)
        ok, imported = call_service(
            form,
            lambda: decision_start_from_word(
                user=request.user,
                data=data,
                file_name=upload.name or "form.docx",
                type_code=form.cleaned_data["type_code"] or None,
            ),
        )
        if ok:
            messages.success(request, "Your draft was made from your Word form: check it below.")
            return redirect("drafting:word_import_report", pk=imported.decision_id)
    return render(request, "drafting/word_import.html", {"form": form})


@officer_required
@require_safe
def report(request: HttpRequest, pk: int) -> HttpResponse:
    decision = officer_decision(request, pk, editable=False)
    page = word_import_report(decision)
    if page is None:
        raise Http404("This draft was not started from a Word form.")
    return render(
        request, "drafting/word_import_report.html", {"decision": decision, "report": page}
    )
