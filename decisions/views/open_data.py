"""Open data: the Atom feed, the JSON API and its OpenAPI document, CSV downloads,
the sitemap, and the open data and accessibility pages.

Every decision shown here comes from the published selectors
(`published_decisions()`, `published_decision_by_slug()`): nothing in this module
reads Decision rows any other way, and nothing reads Part 2. Views are GET/HEAD
only and need no sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe

from core.errors import DomainError
from core.financial_years import parse_financial_year
from core.money import format_money, parse_money
from core.text import plain_text
from decisions.models import Decision, DecisionType, PublishedDocument
from decisions.openapi import OPENAPI_DOCUMENT
from decisions.selectors import (
    decision_public_links,
    decision_sign_off,
    published_decision_by_slug,
    published_decisions,
)
from decisions.selectors.search import Filters, filter_published
from funding.models import BudgetLine
from funding.selectors import (
    decision_budget_lines,
    decision_value_pence,
    line_approved_pence,
    with_value,
)

API_PAGE_SIZE = 20
FEED_SIZE = 50
KEYWORD_MAX_LENGTH = 200
NOT_FOUND = "No published decision has this reference."


# --- Query parameters ----------------------------------------------------------------


class DecisionFilters(forms.Form):
    """The filters of the API list: invalid values become a 400, never a 500."""

    q = forms.CharField(required=False, max_length=KEYWORD_MAX_LENGTH)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    type = forms.CharField(required=False, max_length=10)
    financial_year = forms.CharField(required=False, max_length=20)
    min_value = forms.CharField(required=False, max_length=30)
    max_value = forms.CharField(required=False, max_length=30)
    page = forms.IntegerField(required=False, min_value=1)

    def clean_type(self) -> str:
        code = self.cleaned_data["type"].strip().upper()
        if not code:
            return ""
        codes = list(DecisionType.objects.order_by("code").values_list("code", flat=True))
        if code not in codes:
            raise ValidationError(f"Use a decision type code: {' or '.join(codes)}.")
        return code

    def clean_financial_year(self) -> int | None:
        return _domain_value(self.cleaned_data["financial_year"], parse_financial_year)

    def clean_min_value(self) -> int | None:
        return _domain_value(self.cleaned_data["min_value"], parse_money)

    def clean_max_value(self) -> int | None:
        return _domain_value(self.cleaned_data["max_value"], parse_money)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", "The maximum value must be at least the minimum value.")
        return data


def _domain_value(text: str, parse: Callable[[str], int]) -> int | None:
    """Parse with the domain's own parser, so the API accepts what the forms accept."""
    if not text.strip():
        return None
    try:
        return parse(text)
    except DomainError as error:
        raise ValidationError(error.message) from error


# --- Queries ---------------------------------------------------------------------------


def _filter(queryset: QuerySet[Decision], params: dict[str, Any]) -> QuerySet[Decision]:
    """Apply validated filters the way the public list does (same selector, so the API
    and the list page agree), then the API's own value range in pounds."""
    queryset = with_value(queryset)
    queryset = filter_published(
        queryset,
        Filters(
            q=params.get("q") or "",
            year=params.get("year"),
            type_code=params.get("type") or "",
            financial_year=params.get("financial_year"),
        ),
    )
    if params.get("min_value") is not None:
        queryset = queryset.filter(value_pence__gte=params["min_value"])
    if params.get("max_value") is not None:
        queryset = queryset.filter(value_pence__lte=params["max_value"])
    return queryset


def published_with_lines() -> QuerySet[Decision]:
    """Published decisions with the lines they set and their allocations (3 queries)."""
    lines = BudgetLine.objects.order_by("envelope_id", "position").prefetch_related("allocations")
    return published_decisions().prefetch_related(Prefetch("budget_lines_set", queryset=lines))


# --- Shapes ------------------------------------------------------------------------------


def _money(pence: int) -> dict[str, Any]:
    return {"pence": pence, "display": format_money(pence)}


def signed_on(decision: Decision) -> date:
    # Approval is the final approver's signature, so its date is the date signed.
    return timezone.localtime(decision.approved_at).date()


def _api_url(request: HttpRequest, decision: Decision) -> str:
    return request.build_absolute_uri(reverse("open_data:api_detail", args=[decision.slug]))


def _summary(request: HttpRequest, decision: Decision, value_pence: int) -> dict[str, Any]:
    return {
        "reference": decision.reference,
        "slug": decision.slug,
        "title": decision.title,
        "type": {"code": decision.decision_type.code, "name": decision.decision_type.name},
        "url": request.build_absolute_uri(decision.get_absolute_url()),
        "api_url": _api_url(request, decision),
        "date_signed": signed_on(decision).isoformat(),
        "date_published": decision.published_on.isoformat(),
        "value": _money(value_pence),
    }


def _decision_by(decision: Decision) -> dict[str, str | None]:
    sign_off = decision_sign_off(decision, decision.decision_type.final_approver)
    if sign_off is None:  # imported records may lack a signature row
        return {"name": None, "title": decision.decision_type.approver_title}
    return {"name": sign_off.signer_name, "title": sign_off.signer_title}


def _sections(decision: Decision) -> list[dict[str, Any]]:
    return [
        {
            "number": section.kind,
            "heading": section.heading,
            "paragraphs": [
                {"number": paragraph.number, "text": plain_text(paragraph.text)}
                for paragraph in section.paragraphs.all()
            ],
        }
        for section in decision.sections.all()
    ]


def _budget(decision: Decision) -> dict[str, Any]:
    """The lines the decision set, at the amounts it approved (later amendments that
    move money out of a line do not change what this decision signed)."""
    lines = []
    for line in decision_budget_lines(decision):
        lines.append(
            {
                "route": line.route,
                "route_label": line.get_route_display(),
                "amount": _money(line_approved_pence(line)),
                "allocations": [
                    {"financial_year": a.financial_year_label, "amount": _money(a.amount_pence)}
                    for a in line.allocations.all()
                ],
            }
        )
    return {"lines": lines, "total": _money(sum(line["amount"]["pence"] for line in lines))}


def _links(request: HttpRequest, decision: Decision) -> list[dict[str, str]]:
    return [
        {
            "relation": link.label,
            "reference": link.decision.reference,
            "url": request.build_absolute_uri(link.decision.get_absolute_url()),
            "api_url": _api_url(request, link.decision),
            "description": link.description,
        }
        for link in decision_public_links(decision)
    ]


def _pdf_url(request: HttpRequest, decision: Decision) -> dict[str, Any] | None:
    """The published PDF: where it is, its size and its SHA-256 (to check a copy)."""
    document = PublishedDocument.objects.filter(decision=decision).first()
    if document is None:
        return None
    return {
        "url": request.build_absolute_uri(reverse("decisions:pdf", args=[decision.slug])),
        "size_bytes": document.size_bytes,
        "sha256": document.sha256,
    }


def _detail(request: HttpRequest, decision: Decision, value_pence: int) -> dict[str, Any]:
    return {
        **_summary(request, decision, value_pence),
        "decision_by": _decision_by(decision),
        "executive_summary": plain_text(decision.executive_summary),
        "recommendations": [
            {"number": r.position, "text": plain_text(r.text)}
            for r in decision.recommendations.all()
        ],
        "sections": _sections(decision),
        "budget": _budget(decision),
        "links": _links(request, decision),
        "appendices": [{"title": a.title} for a in decision.appendices.all() if a.published],
        "pdf": _pdf_url(request, decision),
    }


# --- JSON API --------------------------------------------------------------------------------


def _json(data: dict[str, Any], *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Public, read-only and cookie-free: any site may read it from a browser.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _json_errors(errors: dict[str, list[str]], *, status: int = 400) -> JsonResponse:
    return _json({"errors": errors}, status=status)


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@require_safe
def api_decision_list(request: HttpRequest) -> JsonResponse:
    filters = DecisionFilters(request.GET)
    if not filters.is_valid():
        return _json_errors({field: list(errors) for field, errors in filters.errors.items()})
    queryset = _filter(published_decisions(), filters.cleaned_data)
    paginator = Paginator(queryset, API_PAGE_SIZE)
    try:
        page = paginator.page(filters.cleaned_data["page"] or 1)
    except EmptyPage:
        return _json_errors({"page": [f"Choose a page from 1 to {paginator.num_pages}."]})
    return _json(
        {
            "count": paginator.count,
            "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                _page_url(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "results": [_summary(request, d, d.value_pence) for d in page.object_list],
        }
    )


@require_safe
def api_decision_detail(request: HttpRequest, slug: str) -> JsonResponse:
    decision = published_decision_by_slug(slug)
    if decision is None:
        return _json_errors({"slug": [NOT_FOUND]}, status=404)
    return _json(_detail(request, decision, decision_value_pence(decision)))


@require_safe
def openapi_document(request: HttpRequest) -> JsonResponse:
    return _json(OPENAPI_DOCUMENT)


# --- Atom feed -------------------------------------------------------------------------------


class PublishedDecisionsFeed(Feed):
    feed_type = Atom1Feed
    title = "Published decisions"
    subtitle = "The newest decisions published in Decision records."
    link = reverse_lazy("decisions:list")
    feed_url = reverse_lazy("open_data:feed")
    author_name = "Decision records"

    def items(self) -> QuerySet[Decision]:
        return published_decisions()[:FEED_SIZE]

    def item_title(self, item: Decision) -> str:
        return f"{item.reference}: {item.title}"

    def item_link(self, item: Decision) -> str:
        return item.get_absolute_url()

    def item_description(self, item: Decision) -> str:
        # Django writes the summary as type="html": escape the plain text so a "<"
        # typed in a summary is shown by feed readers, never read as markup.
        return escape(plain_text(item.executive_summary))

    def item_updateddate(self, item: Decision) -> datetime:
        return item.approved_at
