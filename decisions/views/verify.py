"""The public document check, /verify/: upload a PDF (POST) or paste a SHA-256 (GET
?sha256=), and read what it is on the public record. Nothing uploaded is kept."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from core import signing
from core.security_log import client_address
from decisions import verify_words as words
from decisions.forms_verify import VerifyFileForm, VerifyHashForm
from decisions.selectors.verify import document_verify
from decisions.verify_throttle import check_allowed


# No CSRF token: the check changes nothing and keeps nothing, so a forged POST could
# only make someone's browser check a file; and reading the site sets no cookie.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    file_form = VerifyFileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    hash_form = VerifyHashForm(request.GET if "sha256" in request.GET else None)
    form = file_form if file_form.is_bound else hash_form if hash_form.is_bound else None
    if form is not None and form.is_valid():
        if not check_allowed(client_address(request)):
            name = "file" if form is file_form else "sha256"
            form.add_error(name, words.TOO_MANY)
            return _form_page(request, file_form, hash_form, status=429)
        if form is file_form:
            verification = document_verify(content=form.cleaned_data["file"])
        else:
            verification = document_verify(sha256=form.cleaned_data["sha256"])
        return render(
            request,
            "decisions/verify_answer.html",
            {"verification": verification, "answer": words.answer(verification)},
        )
    return _form_page(request, file_form, hash_form)


def _form_page(request, file_form, hash_form, *, status: int = 200) -> HttpResponse:
    context = {
        "file_form": file_form,
        "hash_form": hash_form,
        "limit": words.UPLOAD_LIMIT_TEXT,
        "has_errors": bool(file_form.errors or hash_form.errors),
    }
    return render(request, "decisions/verify.html", context, status=status)


# The file name the instructions on the public pages use (OpenSSL, pdfsig, pyHanko).
CERTIFICATE_FILE_NAME = "organisation-root.pem"


@require_safe
def verify_certificate(request: HttpRequest) -> HttpResponse:
    """The root certificate(s) our signatures chain to, as PEM: what a reader needs to
    check a PDF's signature, an archived original's seal or a checkpoint offline."""
    response = HttpResponse(signing.trust_roots_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="{CERTIFICATE_FILE_NAME}"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
