"""Public pages: published Part 1 records only, through the published selectors."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from core.file_response import static_file_response
from core.page_cache import cacheable_file, cacheable_page
from core.storage import READ_ERRORS, StoredObject, copy_verified, local_path
from core.text import plain_text
from core.verified_files import file_verified, file_verified_remember, opened_file_intact
from decisions import extensions
from decisions.forms_public import DecisionFilterForm
from decisions.selectors import (
    decision_page,
    decision_public_links,
    published_decision_by_slug,
    published_decisions,
)
from decisions.selectors.archive import archive_notice, archive_sealed_later
from decisions.selectors.finding import (
    published_decision_for_reference,
    results,
    spelling_suggestion,
)
from decisions.selectors.integrity import (
    published_record_alert,
    served_copy_refused,
    served_file_alert,
    served_file_read,
)
from decisions.selectors.paging import DecisionPaginator
from decisions.selectors.public import (
    decision_lifecycle,
    published_years,
    withdrawn_decision_by_slug,
)
from decisions.selectors.published_files import (
    archived_seal_by_slug,
    published_pdf_by_slug,
    record_verified,
    record_verified_remember,
)
from decisions.selectors.search import count_limit, filter_published, published_count
from decisions.selectors.sorting import LIMIT_NOTES

PAGE_SIZE = 20
# Characters of the summary in a shared link's description (search engines show ~160).
SHARE_DESCRIPTION_LENGTH = 200


def _stored_file_check(request: HttpRequest, record, served: str) -> dict:
    """What the integrity check of a stored file is told: the SHA-256 recorded, the
    table it is recorded in, the request and what it asked for."""
    return {
        "recorded": record.sha256,
        "table": record._meta.db_table,
        "request": request,
        "served": served,
    }


def record_withheld(request: HttpRequest, decision) -> HttpResponse:
    """What the public sees instead of a record that is not what was signed.

    503, not 500 or 404/410: the decision exists and stays published, nothing in the
    request is wrong and it is not a fault in the code; the record cannot be served
    until records staff restore it. 503 says "try again later" to people and
    crawlers (so the page is not dropped from indexes as a 404/410 would be) and is
    not stored by shared caches."""
    response = render(
        request,
        "decisions/withheld.html",
        {"decision": decision},
        status=503,
    )
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = "3600"
    return response


@require_safe
def decision_list(request: HttpRequest) -> HttpResponse:
    form = DecisionFilterForm(request.GET or None, years=published_years())
    if form.is_bound:
        form.is_valid()  # errors are shown; valid filters still apply
    filters = form.filters()
    # A reference typed into the search box opens that decision, if it is public.
    named = published_decision_for_reference(filters.q) if filters.q else None
    if named is not None:
        return redirect(named)
    # Where counting stops at the first 1,001 (a search; the value and financial-year
    # filters), their keys are found once, in order (DecisionPaginator.keys: for the
    # filters, from the order index alone), and the page's 20 rows read by key: not
    # counted, then walked again reading each decision's whole row until the page's
    # 20 match (for a financial year whose decisions are old, 80,000 rows read).
    limit = count_limit(filters)
    paginator = DecisionPaginator(
        filter_published(published_decisions(), filters),
        PAGE_SIZE,
        limit=limit,
        rows=published_decisions() if limit else None,
        counted=published_count(filters),
    )
    page = paginator.get_page(request.GET.get("page"))
    searching = bool(filters.q.strip())
    active_filters = form.active_filters()
    # Only when nothing matched: one bounded query a word (at most five).
    suggestion = spelling_suggestion(filters.q) if searching and not paginator.count else ""
    return render(
        request,
        "decisions/list.html",
        {
            "page_obj": page,
            "rows": results(list(page), filters.q),
            "form": form,
            "filters": filters,
            "query": form.query(),
            "filtered": searching or bool(active_filters),
            "active_filters": active_filters,
            "limit_note": LIMIT_NOTES[form.current_sort].format(limit=f"{paginator.count:,}"),
            "suggestion": suggestion,
            "suggestion_query": form.query(q=suggestion) if suggestion else "",
            "feed_query": form.query(without="sort"),
        },
    )


def share_metadata(request: HttpRequest, decision) -> dict[str, str]:
    """What a link to the page shows when shared (Open Graph) and in search engines:
    the reference and title, the summary's opening words, the page's address."""
    summary = " ".join(plain_text(decision.executive_summary).split())
    return {
        "title": f"{decision.reference}: {decision.title}",
        "description": Truncator(summary).chars(SHARE_DESCRIPTION_LENGTH),
        "url": request.build_absolute_uri(decision.get_absolute_url()),
    }


SEAL_CONTENT_TYPE = "application/pkcs7-signature"


@require_safe
def decision_detail(request: HttpRequest, slug: str) -> HttpResponse:
    decision = published_decision_by_slug(slug)
    if decision is None:
        withdrawn = withdrawn_decision_by_slug(slug)
        if withdrawn is not None:
            return render(request, "decisions/withdrawn.html", {"decision": withdrawn}, status=410)
        raise Http404("No published decision has that reference.")
    if published_record_alert(decision, request=request, served="page"):
        return record_withheld(request, decision)
    page = decision_page(decision, links=decision_public_links(decision))
    response = render(
        request,
        "decisions/detail.html",
        {
            "page": page,
            "decision": decision,
            "key_information": page.key_information,
            "lifecycle": decision_lifecycle(decision, links=page.links),
            "document": getattr(decision, "published_document", None),
            "share": share_metadata(request, decision),
            "archive": decision.archive,
            "archive_notice": archive_notice(decision.archive) if decision.archive else "",
            "archive_sealed_later": archive_sealed_later(decision.archive),
            **extensions.public_page_parts(decision),
        },
    )
    # The same for every visitor without a session: kept by core/page_cache.py until
    # an event of this decision or a linked one (decisions/services/pages.py).
    return cacheable_page(request, response)


@require_safe
def decision_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The stored PDF, exactly as rendered at approval, with its SHA-256: one query,
    then served as a static file is, once the file and the record are known intact
    (decisions/selectors/published_files.py says what is remembered and how long)."""
    document = published_pdf_by_slug(slug)
    if document is None:
        raise Http404("No published PDF for that reference.")
    decision = document.decision
    if not record_verified(document):
        full = published_decision_by_slug(slug)
        if full is None:  # withdrawn since the query above
            raise Http404("No published PDF for that reference.")
        if published_record_alert(full, request=request, served="pdf"):
            return record_withheld(request, full)
        record_verified_remember(document)
    if local_path(document.file) is None:
        return _stored_pdf_response(request, document)
    path = local_path(document.file)
    try:
        opened = open(path, "rb")  # noqa: SIM115 (closed with the response)
    except OSError:
        opened = None
    identity = opened_file_intact(opened, document.sha256) if opened else None
    if identity is None:
        if opened:
            opened.close()
        # Names the break (missing, or not the recorded file) in the security log.
        served_file_alert(decision, document.file, **_stored_file_check(request, document, "pdf"))
        return record_withheld(request, decision)
    return _pdf_response(
        request, document, opened, size=identity[3], modified=identity[4] / 1e9, path=path
    )


@require_safe
def decision_seal(request: HttpRequest, slug: str) -> HttpResponse:
    """An archived record's seal: the organisation's detached signature over its
    signed original (decisions/services/archive_seal.py), as a .p7s download."""
    archive = archived_seal_by_slug(slug)
    if archive is None:
        raise Http404("No sealed original for that reference.")
    reference = archive.decision.reference.replace(" ", "-")
    response = HttpResponse(bytes(archive.document_seal), content_type=SEAL_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{reference}.pdf.p7s"'
    response["Cache-Control"] = "public, max-age=600"
    return response


def _pdf_response(
    request: HttpRequest, document, opened, *, size: int, modified: float, path: str | None = None
):
    decision = document.decision
    response = static_file_response(
        request,
        opened,
        size=size,
        etag=document.sha256,
        modified=modified,
        content_type="application/pdf",
        filename=f"{decision.reference.replace(' ', '-')}.pdf",
        # Short: a withdrawn record's PDF must leave shared caches soon.
        cache_control="public, max-age=600",
    )
    response["X-Checksum-SHA256"] = document.sha256
    # The whole file (not a range, not a 304) is kept by the page cache like the page,
    # dropped with it by any event of the decision: a local file as its path and
    # SHA-256 (served from disk, checked again whenever it changes), else the bytes.
    whole = cacheable_file(response, path=path, sha256=document.sha256)
    if whole is not response:
        opened.close()
    return whole


def _stored_pdf_response(request: HttpRequest, document) -> HttpResponse:
    """The PDF from object storage, in one GET: hashed as it is read the first time
    this process serves that object (name and ETag), then streamed as it arrives;
    an object written since has another ETag and is hashed again. A copy that does
    not match (or no object) is withheld, the break named; a cached page spares the
    read."""
    try:
        stored = StoredObject(document.file)
    except READ_ERRORS:
        stored = None
    if stored is not None and file_verified(stored.identity, document.sha256):
        opened, size = stored, stored.size
    else:
        found = None
        if stored is not None:
            try:
                found = copy_verified(stored, document.sha256)
            except READ_ERRORS:
                found = None
            stored.close()
        if found is None:
            served_copy_refused(
                document.decision, document.file, **_stored_file_check(request, document, "pdf")
            )
            return record_withheld(request, document.decision)
        file_verified_remember(stored.identity, document.sha256)
        opened, size = found
    # Written once, never changed: its publication time is its modification time.
    modified = document.created_at.timestamp() if document.created_at else 0.0
    return _pdf_response(request, document, opened, size=size, modified=modified)


def appendix_file_response(
    request: HttpRequest, appendix, *, decision, filename: str, public: bool
) -> HttpResponse:
    """An uploaded appendix: always as a download, under a name we choose; withheld
    when the stored file is not the one whose SHA-256 was recorded (and signed). Read
    once, on either storage: the bytes served are the bytes checked."""
    found = served_file_read(
        decision, appendix.file, **_stored_file_check(request, appendix, "appendix")
    )
    if found is None:
        return record_withheld(request, decision)
    response = FileResponse(
        found[0],
        content_type="application/pdf",
        as_attachment=True,
        filename=filename,
    )
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_safe
def decision_appendix(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    decision = published_decision_by_slug(slug)
    appendix = (
        decision.appendices.filter(position=position, published=True).exclude(file="").first()
        if decision
        else None
    )
    if appendix is None:
        raise Http404("No published appendix file there.")
    if published_record_alert(decision, request=request, served="appendix"):
        return record_withheld(request, decision)
    filename = f"{decision.reference.replace(' ', '-')}-appendix-{appendix.position}.pdf"
    return appendix_file_response(
        request, appendix, decision=decision, filename=filename, public=True
    )
