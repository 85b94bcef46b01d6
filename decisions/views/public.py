"""Public pages: published Part 1 records only, through the published selectors."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from decisions.selectors import (
    decision_page,
    decision_public_links,
    published_decision_by_slug,
    published_decisions,
)

PAGE_SIZE = 20


@require_safe
def decision_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(published_decisions(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "decisions/list.html", {"page_obj": page})


@require_safe
def decision_detail(request: HttpRequest, slug: str) -> HttpResponse:
    decision = published_decision_by_slug(slug)
    if decision is None:
        raise Http404("No published decision has that reference.")
    page = decision_page(decision, links=decision_public_links(decision))
    breadcrumbs = [
        {"text": "Decisions", "href": reverse("decisions:list")},
        {"text": decision.reference},
    ]
    return render(
        request,
        "decisions/detail.html",
        {
            "page": page,
            "decision": decision,
            "key_information": page.key_information,
            "breadcrumbs": breadcrumbs,
        },
    )
