"""Funding reports, public (published decisions only) and internal (all approved)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.csv_export import csv_response, csv_streaming_response
from core.financial_years import format_financial_year
from core.money import pounds
from decisions import policy
from decisions.selectors import approved_decisions_visible_to, published_decisions
from funding.reports import envelope_for_decision, envelope_report, financial_year_report
from funding.year_report import TOP_PER_YEAR, financial_year_amounts

CHART_WIDTH, BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 640, 28, 12, 90


def _internal(view: Callable) -> Callable:
    """Signed-in staff with any decision role see the approved decisions they may open
    (all published ones, and deferred ones only if the policy lets them see it)."""

    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not policy.is_staff_member(request.user):
            raise PermissionDenied("Reports are for MOPAC staff.")
        visible = approved_decisions_visible_to(request.user)
        return view(request, *args, visible=visible, internal=True, **kwargs)

    return wrapped


def _public(view: Callable) -> Callable:
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, *args, visible=published_decisions(), internal=False, **kwargs)

    return wrapped


def _chart(report) -> dict:
    """Bar geometry for the server-rendered SVG chart (no JavaScript needed)."""
    largest = report.largest_pence or 1
    bars = []
    for index, row in enumerate(report.rows):
        width = round((CHART_WIDTH - LABEL_WIDTH - 110) * row.total_pence / largest)
        y = index * (BAR_HEIGHT + BAR_GAP)
        bars.append({"row": row, "y": y, "text_y": y + BAR_HEIGHT * 0.68, "width": max(width, 1),
                     "value_x": LABEL_WIDTH + max(width, 1) + 8})  # fmt: skip
    height = max(len(bars) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)
    return {"bars": bars, "width": CHART_WIDTH, "height": height, "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT}  # fmt: skip


@require_safe
def financial_years(request, *, visible: QuerySet, internal: bool) -> HttpResponse:
    report = financial_year_report(visible)
    return render(
        request,
        "funding/financial_years.html",
        {
            "report": report,
            "chart": _chart(report),
            "internal": internal,
            "top_per_year": TOP_PER_YEAR,
        },
    )


@require_safe
def financial_years_csv(request, *, visible: QuerySet, internal: bool) -> HttpResponse:
    """Every decision's amount in each year (streamed: a row per decision and year),
    then each year's total."""
    report = financial_year_report(visible)
    rows = chain(
        (
            [format_financial_year(year), reference, pounds(pence)]
            for year, reference, pence in financial_year_amounts(visible)
        ),
        ([row.label, "Total", pounds(row.total_pence)] for row in report.rows),
    )
    return csv_streaming_response(
        "allocations-by-financial-year.csv", ["financial_year", "decision", "amount_gbp"], rows
    )


def _envelope(slug: str, visible: QuerySet):
    decision = visible.by_slug(slug).with_type().first()
    envelope = envelope_for_decision(decision) if decision else None
    if envelope is None:
        raise Http404("No budget envelope for that reference.")
    return decision, envelope_report(envelope, visible=visible)


@require_safe
def envelope(request, slug: str, *, visible: QuerySet, internal: bool) -> HttpResponse:
    decision, report = _envelope(slug, visible)
    return render(
        request,
        "funding/envelope.html",
        {"decision": decision, "report": report, "internal": internal},
    )


@require_safe
def envelope_csv(request, slug: str, *, visible: QuerySet, internal: bool) -> HttpResponse:
    decision, report = _envelope(slug, visible)
    rows = [
        [
            line.line.get_route_display(),
            line.set_by.reference,
            pounds(line.amount_pence),
            pounds(line.committed_pence),
            pounds(line.headroom_pence),
        ]
        for line in report.lines
    ]
    rows.append(["Total", "", pounds(report.total_pence), pounds(report.committed_pence),
                 pounds(report.headroom_pence)])  # fmt: skip
    return csv_response(
        f"{decision.slug}-envelope.csv",
        ["route", "set_by", "amount_gbp", "committed_gbp", "headroom_gbp"],
        rows,
    )


public_financial_years = _public(financial_years)
public_financial_years_csv = _public(financial_years_csv)
public_envelope = _public(envelope)
public_envelope_csv = _public(envelope_csv)
internal_financial_years = _internal(financial_years)
internal_financial_years_csv = _internal(financial_years_csv)
internal_envelope = _internal(envelope)
internal_envelope_csv = _internal(envelope_csv)
