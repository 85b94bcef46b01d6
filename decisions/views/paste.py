"""Paste or type a whole section (or all the recommendations) in one box.

GET shows the box, holding the list as it is now. "Continue" shows how the text was
split, numbered as it will be, without saving; "Change the text" goes back to the
box with the text exactly as sent; "Save these N paragraphs" splits the text again
and saves it with one service call. No JavaScript: the text travels in the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.errors import DomainError, Messages
from decisions.forms_paste import END_OF_SECTION, BudgetPlaceForm, PasteForm
from decisions.models import SectionKind
from decisions.models.decision import TEXT_MAX_LENGTH
from decisions.paste import PastedParagraph, pasted_paragraphs_checked
from decisions.selectors.versions import items_version
from decisions.services.paste import recommendations_replace, section_paragraphs_replace
from decisions.views.base import _conflict, officer_decision, officer_required
from decisions.views.steps import GET_POST, _section_kind, step_url


@dataclass
class _Target:
    """What the box replaces: a section's paragraphs or the recommendations."""

    heading: str  # the page's caption: "2. Issues for consideration"
    what: str  # in sentences: "section 2", "the recommendations"
    noun: str  # "paragraph" or "recommendation"
    items: QuerySet
    section_number: int | None
    back: str
    budget: bool  # the financial comments: choose where the budget table goes
    save: Callable[..., object]

    def number(self, position: int) -> str:
        return f"{self.section_number}.{position}" if self.section_number else str(position)

    def box_text(self) -> str:
        """The list as it is now, numbered as shown, for editing as a whole."""
        return "\n\n".join(f"{self.number(i.position)}. {i.text}" for i in self.items)


def _preview_rows(target: _Target, pasted: list[PastedParagraph], existing: list) -> list[dict]:
    rows = []
    for position, paragraph in enumerate(pasted, start=1):
        number = target.number(position)
        before = existing[position - 1].text if position <= len(existing) else None
        status = "New" if before is None else "Unchanged" if before == paragraph.text else "Changed"
        typed = paragraph.number if paragraph.number not in (None, number) else None
        rows.append({"number": number, "text": paragraph.text, "status": status, "typed": typed})
    return rows


def _budget_default(existing: list, count: int) -> str:
    """Where the budget table was, if that paragraph is still there; else the end."""
    flagged = [item.position for item in existing if item.budget_table_follows]
    return str(flagged[0]) if flagged and flagged[0] <= count else END_OF_SECTION


def _preview(request, decision, target: _Target, form: PasteForm, pasted, budget_form=None):
    existing = list(target.items)
    numbers = [target.number(position) for position in range(1, len(pasted) + 1)]
    if target.budget and budget_form is None:
        budget_form = BudgetPlaceForm(
            numbers=numbers,
            initial={"budget_table_after": _budget_default(existing, len(pasted))},
        )
    tables = [n for n, p in zip(numbers, pasted, strict=True) if "| --- |" in p.text]
    context = {
        "decision": decision,
        "target": target,
        "form": form,
        "budget_form": budget_form,
        "rows": _preview_rows(target, pasted, existing),
        "existing_count": len(existing),
        **_preview_wording(target, numbers, existing_count=len(existing)),
        "unnumbered_warning": (
            f"{target.noun.capitalize()} {numbers[0]} had no number in your text, unlike "
            f"the rest. If it is a heading or the words leading in to the list, not a "
            f"{target.noun}, change the text and remove it."
            if pasted[0].number is None and any(p.number for p in pasted[1:])
            else ""
        ),
        "table_warning": (
            f"Paragraph {tables[0]} has a table pasted from Word. The budget table comes "
            "from the budget step: remove the pasted table if it repeats it."
            if target.budget and tables
            else ""
        ),
    }
    return render(request, "drafting/paste_preview.html", context)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _preview_wording(target: _Target, numbers: list[str], *, existing_count: int) -> dict:
    count = len(numbers)
    where = "in this section" if target.section_number else "on this draft"
    removed = numbers and existing_count > count
    gone = [target.number(p) for p in range(count + 1, existing_count + 1)]
    return {
        "count_text": _plural(count, target.noun)
        + (f", numbered {numbers[0]} to {numbers[-1]}." if count > 1 else "."),
        "replaces_text": (
            f"This replaces the {_plural(existing_count, target.noun)} already {where}."
            if existing_count
            else ""
        ),
        "removed_text": (
            (
                f"{target.noun.capitalize()} {gone[0]} is removed."
                if len(gone) == 1
                else f"{target.noun.capitalize()}s {gone[0]} to {gone[-1]} are removed."
            )
            if removed
            else ""
        ),
        "save_text": f"Save these {_plural(count, target.noun)}"
        if count != 1
        else f"Save this {target.noun}",
    }


def _box(request, decision, target: _Target, form: PasteForm, *, conflict=None, status=200):
    context = {
        "decision": decision,
        "target": target,
        "form": form,
        "conflict": conflict,
        "existing_count": target.items.count(),
    }
    return render(request, "drafting/paste.html", context, status=status)


def _split(form: PasteForm, target: _Target) -> list[PastedParagraph] | None:
    """The paragraphs of the text sent, or None with the reason beside the box."""
    try:
        return pasted_paragraphs_checked(
            form.cleaned_data["text"],
            section_number=target.section_number,
            what=target.what,
            max_length=TEXT_MAX_LENGTH,
        )
    except DomainError as error:
        form.add_error("text", error.message)
        return None


def _save(request, decision, target: _Target, form: PasteForm, pasted) -> HttpResponse:
    budget_after = None
    if target.budget:
        numbers = [target.number(position) for position in range(1, len(pasted) + 1)]
        budget_form = BudgetPlaceForm(request.POST, numbers=numbers)
        if not budget_form.is_valid():
            return _preview(request, decision, target, form, pasted, budget_form)
        budget_after = budget_form.position()
    try:
        target.save(
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"],
            **({"budget_table_after": budget_after} if target.budget else {}),
        )
    except DomainError as error:
        if error.template != Messages.ITEM_CONFLICT:
            form.add_error("text", error.message)
            return _box(request, decision, target, form)
        # Their text stays in the box; continuing now replaces the version saved now.
        data = request.POST.copy()
        data["version"] = str(error.params["version"])
        theirs = [{"key": target.number(i.position), "value": i.text} for i in target.items]
        conflict = _conflict(request, error, theirs)
        return _box(request, decision, target, PasteForm(data), conflict=conflict, status=409)
    count = len(pasted)
    messages.success(
        request, f"Saved {target.what}: {count} {target.noun}{'s' if count != 1 else ''}."
    )
    return redirect(target.back)


def _paste(request: HttpRequest, decision, target: _Target) -> HttpResponse:
    if request.method != "POST":
        form = PasteForm(
            initial={"text": target.box_text(), "version": items_version(target.items)}
        )
        return _box(request, decision, target, form)
    form = PasteForm(request.POST)
    if not form.is_valid():
        return _box(request, decision, target, form)
    action = form.cleaned_data["action"] or "continue"
    if action == "change":
        # Back to the box with the text exactly as it was sent, no errors shown.
        return _box(request, decision, target, PasteForm(initial=form.cleaned_data))
    pasted = _split(form, target)
    if pasted is None:
        return _box(request, decision, target, form)
    if action == "save":
        return _save(request, decision, target, form, pasted)
    return _preview(request, decision, target, form, pasted)


@officer_required
@GET_POST
def section_paste(request: HttpRequest, pk: int, kind: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    section_kind = _section_kind(kind)
    section = decision.sections.get(kind=section_kind)
    target = _Target(
        heading=f"{section_kind.value}. {section_kind.label}",
        what=f"section {section_kind.value}",
        noun="paragraph",
        items=section.paragraphs.order_by("position"),
        section_number=section_kind.value,
        back=step_url("section", decision, kind=kind),
        budget=section_kind == SectionKind.FINANCIAL,
        save=lambda **kw: section_paragraphs_replace(
            user=request.user, decision=decision, section_kind=section_kind, **kw
        ),
    )
    return _paste(request, decision, target)


@officer_required
@GET_POST
def recommendations_paste(request: HttpRequest, pk: int) -> HttpResponse:
    decision = officer_decision(request, pk)
    target = _Target(
        heading="Recommendations",
        what="the recommendations",
        noun="recommendation",
        items=decision.recommendations.order_by("position"),
        section_number=None,
        back=step_url("recommendations", decision),
        budget=False,
        save=lambda **kw: recommendations_replace(user=request.user, decision=decision, **kw),
    )
    return _paste(request, decision, target)
