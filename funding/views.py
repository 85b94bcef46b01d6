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
from core.money import format_money, pounds
from decisions import policy
from decisions.selectors import approved_decisions_visible_to, published_decisions
from funding.envelope_years import envelope_lists, envelope_years
from funding.forms_reports import BUDGET_HINT, EnvelopeChoiceForm
from funding.reports import envelope_for_decision, envelope_report, financial_year_report
from funding.year_report import TOP_PER_YEAR, financial_year_amounts

CHART_WIDTH, BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 640, 28, 12, 90
# Width of one character of an amount at the chart's 16px Arial (digits and "£,"
# are at most 0.56 em), rounded up.
VALUE_CHAR_WIDTH = 9


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


def _chart(rows, largest_pence: int) -> dict:
    """Bar geometry for the server-rendered SVG chart (no JavaScript needed): room on
    the right for the longest amount, so that the largest bar's label is never cut."""
    largest = largest_pence or 1
    longest = max((len(format_money(row.total_pence)) for row in rows), default=0)
    room = longest * VALUE_CHAR_WIDTH + 8
    bars = []
    for index, row in enumerate(rows):
        width = max(round((CHART_WIDTH - LABEL_WIDTH - room) * row.total_pence / largest), 1)
        y = index * (BAR_HEIGHT + BAR_GAP)
        bars.append({"row": row, "y": y, "text_y": y + BAR_HEIGHT * 0.68, "width": width,
                     "value_x": LABEL_WIDTH + width + 8})  # fmt: skip
    height = max(len(bars) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)
    return {"bars": bars, "width": CHART_WIDTH, "height": height, "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT}  # fmt: skip


def _chosen_envelope(request, visible: QuerySet) -> tuple[EnvelopeChoiceForm, object]:
    """The budget asked for by reference (?budget=PCD 1406), if any: its years."""
    form = EnvelopeChoiceForm(request.GET if "budget" in request.GET else None)
    if not form.is_valid() or not form.cleaned_data["budget"]:
        return form, None
    code, number = form.cleaned_data["budget"]
    decision = visible.by_reference(code, number).with_type().first()
    envelope = envelope_for_decision(decision) if decision else None
    if envelope is None:
        form.add_error("budget", f"{code} {number} has no published budget. {BUDGET_HINT}")
        return form, None
    return form, envelope_years(envelope_report(envelope, visible=visible))


@require_safe
def financial_years(request, *, visible: QuerySet, internal: bool) -> HttpResponse:
    form, chosen = _chosen_envelope(request, visible)
    if chosen is not None:
        chart = _chart(chosen.rows, chosen.largest_pence)
        context = {"chosen": chosen, "decision": chosen.report.envelope.decision}
    else:
        report = financial_year_report(visible)
        chart = _chart(report.rows, report.largest_pence)
        context = {"report": report, "envelopes": envelope_lists(visible)}
    context.update(form=form, chart=chart, internal=internal, top_per_year=TOP_PER_YEAR)
    return render(request, "funding/financial_years.html", context)


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
