"""The drafting steps, one per part of the form. Each view: check access, build
the form, call one service, redirect or show the form again."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError, Messages
from decisions import forms
from decisions.models import Paragraph, SectionKind
from decisions.services import (
    appendix_add,
    appendix_remove,
    decision_link_create,
    decision_link_remove,
    decision_update,
    paragraph_add,
    paragraph_move,
    paragraph_remove,
    paragraph_update,
    recommendation_add,
    recommendation_move,
    recommendation_remove,
    recommendation_update,
)
from decisions.views.base import edit_step, officer_decision, officer_required

GET_POST = require_http_methods(["GET", "POST"])


def overview_url(decision) -> str:
    return reverse("drafting:overview", kwargs={"pk": decision.pk})


def step_url(name: str, decision, **kwargs) -> str:
    return reverse(f"drafting:{name}", kwargs={"pk": decision.pk, **kwargs})


@officer_required
@GET_POST
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    return edit_step(
        request,
        decision=decision,
        form_class=forms.SummaryForm,
        initial={"title": decision.title, "executive_summary": decision.executive_summary},
        service=lambda data: decision_update(
            user=request.user,
            decision=decision,
            title=data["title"],
            executive_summary=data["executive_summary"],
            expected_version=data["version"],
        ),
        theirs=lambda d: [
            {"key": "Title", "value": d.title},
            {"key": "Executive summary", "value": d.executive_summary},
        ],
        template="drafting/summary.html",
        success_url=overview_url(decision),
        success_message="Title and executive summary saved.",
    )


# --- Ordered lists: recommendations and paragraphs -------------------------------------------


def _item_action(request, *, remove, back: str, label: str, move=None) -> HttpResponse:
    """Move an item up or down (ordered lists only), or remove it, from its list's page."""
    form = forms.ItemActionForm(request.POST)
    if not form.is_valid() or (move is None and form.cleaned_data["action"] != "remove"):
        messages.error(request, "That action could not be understood. Try again.")
        return redirect(back)
    action, version = form.cleaned_data["action"], form.cleaned_data["version"]
    try:
        if action == "remove":
            remove(expected_version=version)
            messages.success(request, f"{label} removed.")
        else:
            move(direction=action)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(back)


def _gone(request, *, back: str, what: str) -> HttpResponse:
    """An action on an item removed meanwhile (another tab, or Back + resubmit)."""
    messages.info(request, Messages.ITEM_GONE.format(what=what))
    return redirect(back)


@officer_required
@GET_POST
def recommendations(request: HttpRequest, pk: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    url = step_url("recommendations", decision)
    return edit_step(
        request,
        decision=decision,
        form_class=forms.RecommendationAddForm,
        initial={},
        service=lambda data: recommendation_add(
            user=request.user, decision=decision, text=data["text"], token=data["token"]
        ),
        template="drafting/recommendations.html",
        context={
            "items": decision.recommendations.all(),
            "lead_in_form": forms.RecommendationsLeadInForm(
                decision_type=decision.decision_type,
                initial={
                    "lead_in": decision.recommendations_lead_in,
                    "version": forms.RecommendationsLeadInForm.version_of(decision),
                },
            ),
        },
        success_url=url,
        success_message="Recommendation added.",
    )


@officer_required
@GET_POST
def recommendation_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    back = step_url("recommendations", decision)
    recommendation = decision.recommendations.filter(pk=item).first()
    if recommendation is None:
        if request.method == "POST":
            return _gone(request, back=back, what="That recommendation")
        raise Http404("This draft has no such recommendation.")
    if request.method == "POST" and "action" in request.POST:
        return _item_action(
            request,
            move=lambda **kw: recommendation_move(
                user=request.user, recommendation=recommendation, **kw
            ),
            remove=lambda **kw: recommendation_remove(
                user=request.user, recommendation=recommendation, **kw
            ),
            back=back,
            label=f"Recommendation {recommendation.position}",
        )
    return edit_step(
        request,
        decision=decision,
        form_class=forms.RecommendationForm,
        initial={"text": recommendation.text, "version": recommendation.version},
        service=lambda data: recommendation_update(
            user=request.user,
            recommendation=recommendation,
            text=data["text"],
            expected_version=data["version"],
        ),
        theirs=lambda d: [
            {"key": f"Recommendation {r.position}", "value": r.text}
            for r in d.recommendations.filter(pk=recommendation.pk)
        ],
        template="drafting/item_edit.html",
        context={
            "item_label": f"Recommendation {recommendation.position}",
            "back": back,
        },
        success_url=back,
        success_message=f"Recommendation {recommendation.position} saved.",
    )


def _section_kind(kind: int) -> SectionKind:
    try:
        return SectionKind(kind)
    except ValueError as error:
        raise Http404("There is no such section.") from error


@officer_required
@GET_POST
def section(request: HttpRequest, pk: int, kind: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    section_kind = _section_kind(kind)
    the_section = decision.sections.get(kind=section_kind)
    url = step_url("section", decision, kind=kind)
    return edit_step(
        request,
        decision=decision,
        form_class=forms.ParagraphAddForm,
        initial={},
        service=lambda data: paragraph_add(
            user=request.user,
            decision=decision,
            section_kind=section_kind,
            text=data["text"],
            budget_table_follows=data["budget_table_follows"],
            token=data["token"],
        ),
        template="drafting/section.html",
        context={
            "section": the_section,
            "items": the_section.paragraphs.all(),
            "is_financial": section_kind == SectionKind.FINANCIAL,
            "sections": list(SectionKind),
        },
        success_url=url,
        success_message="Paragraph added.",
    )


@officer_required
@GET_POST
def paragraph_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    paragraph = (
        Paragraph.objects.select_related("section")
        .filter(pk=item, section__decision=decision)
        .first()
    )
    if paragraph is None:
        if request.method == "POST":
            return _gone(request, back=overview_url(decision), what="That paragraph")
        raise Http404("This draft has no such paragraph.")
    back = step_url("section", decision, kind=paragraph.section.kind)
    if request.method == "POST" and "action" in request.POST:
        return _item_action(
            request,
            move=lambda **kw: paragraph_move(user=request.user, paragraph=paragraph, **kw),
            remove=lambda **kw: paragraph_remove(user=request.user, paragraph=paragraph, **kw),
            back=back,
            label=f"Paragraph {paragraph.number}",
        )
    return edit_step(
        request,
        decision=decision,
        form_class=forms.ParagraphForm,
        initial={
            "text": paragraph.text,
            "budget_table_follows": paragraph.budget_table_follows,
            "version": paragraph.version,
        },
        service=lambda data: paragraph_update(
            user=request.user,
            paragraph=paragraph,
            text=data["text"],
            budget_table_follows=data["budget_table_follows"],
            expected_version=data["version"],
        ),
        theirs=lambda d: [
            {"key": f"Paragraph {p.number}", "value": p.text}
            for p in Paragraph.objects.filter(pk=paragraph.pk).select_related("section")
        ],
        template="drafting/item_edit.html",
        context={
            "item_label": f"Paragraph {paragraph.number}",
            "back": back,
            "is_financial": paragraph.section.kind == SectionKind.FINANCIAL,
        },
        success_url=back,
        success_message=f"Paragraph {paragraph.number} saved.",
    )


# --- Links and appendices -------------------------------------------------------------------


@officer_required
@GET_POST
def links(request: HttpRequest, pk: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    url = step_url("links", decision)
    return edit_step(
        request,
        decision=decision,
        form_class=forms.LinkForm,
        initial={},
        service=lambda data: decision_link_create(
            user=request.user,
            decision=decision,
            target_reference=data["reference"],
            kind=data["kind"],
            description=data["description"],
            token=data["token"],
        ),
        template="drafting/links.html",
        context={"items": decision.links_out.select_related("target__decision_type")},
        success_url=url,
        success_message="Link added.",
    )


@officer_required
@require_POST
def link_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    link = decision.links_out.filter(pk=item).first()
    if link is None:
        return _gone(request, back=step_url("links", decision), what="That link")
    return _item_action(
        request,
        remove=lambda **kw: decision_link_remove(user=request.user, link=link),
        back=step_url("links", decision),
        label="Link",
    )


@officer_required
@GET_POST
def appendices(request: HttpRequest, pk: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    url = step_url("appendices", decision)
    return edit_step(
        request,
        decision=decision,
        form_class=forms.AppendixForm,
        initial={"published": "yes"},
        service=lambda data: appendix_add(
            user=request.user,
            decision=decision,
            title=data["title"],
            published=data["published"],
            upload=data["file"],
            token=data["token"],
        ),
        template="drafting/appendices.html",
        context={"items": decision.appendices.all()},
        success_url=url,
        success_message="Appendix added.",
    )


@officer_required
@require_POST
def appendix_remove_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    appendix = decision.appendices.filter(pk=item).first()
    if appendix is None:
        return _gone(request, back=step_url("appendices", decision), what="That appendix")
    return _item_action(
        request,
        remove=lambda **kw: appendix_remove(user=request.user, appendix=appendix),
        back=step_url("appendices", decision),
        label="Appendix",
    )
