"""Starting a draft from the officer's Word form.

The form is read (decisions/wordform/) before anything is written: a file that is
not a plain .docx of the decision form is refused and nothing is stored. Then one
transaction builds the draft with the drafting services, exactly as if the officer
had typed it (history rows and the draft's first event), and keeps the import
report: what went where, and each piece of text that could not be placed, in full.

Who confirms what: the declaration rows ticked on the form that the officer may
confirm (every row but the Director/Head of Service's, which the Head of Service
confirms by clearing the decision) are recorded as confirmed by the uploading
officer, now; the report says so, row by row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

from accounts.models import User
from core.dates import uk_date
from core.errors import DomainError, Messages
from decisions import policy
from decisions.models import (
    DEFAULT_DECLARATION_STATEMENTS,
    REVIEWER_DECLARATIONS,
    Decision,
    DecisionType,
    DeclarationKind,
    DraftImport,
    LeadIn,
    SectionKind,
)
from decisions.models.decision import SUMMARY_MAX_LENGTH, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH
from decisions.services.content import appendix_add, paragraph_add, recommendation_add
from decisions.services.declarations import declarations_set
from decisions.services.drafting import decision_create, decision_public_access_set, text_checked
from decisions.services.lead_in import recommendations_lead_in_set
from decisions.wordform.reading import word_blocks, word_document_open
from decisions.wordform.recognise import Unplaced, WordForm, word_form_read

logger = logging.getLogger(__name__)


def word_form_parse(*, data: bytes) -> WordForm:
    """What the form says; DomainError on the ``file`` field if it cannot be taken."""
    document = word_document_open(data)
    try:
        form = word_form_read(word_blocks(document))
    except Exception as error:
        # Something in the document this reader does not expect: said to the officer
        # as a file that cannot be read (never a server error), and logged to be fixed.
        logger.exception("A Word form could not be read")
        raise DomainError(Messages.WORD_FORM_CORRUPT, field="file") from error
    if not form.is_decision_form:
        raise DomainError(Messages.WORD_FORM_NOT_DECISION, field="file")
    if not form.title:
        raise DomainError(Messages.WORD_FORM_NO_TITLE, field="file")
    return form


def _type_code(form: WordForm, chosen: str | None) -> str:
    chosen = (chosen or "").strip().upper() or None
    if form.type_code and chosen and chosen != form.type_code:
        names = dict(DecisionType.objects.values_list("code", "name"))
        raise DomainError(
            Messages.WORD_FORM_TYPE_DIFFERS,
            field="type_code",
            form_type=names.get(form.type_code, form.type_code),
            chosen=names.get(chosen, chosen),
        )
    code = form.type_code or chosen
    if not code:
        raise DomainError(Messages.WORD_FORM_TYPE_NEEDED, field="type_code")
    return code


class _Report:
    """The import report as it is built: rows of what went where, notes, and the
    text that could not be placed."""

    def __init__(self, form: WordForm) -> None:
        self.placed: list[dict[str, str]] = []
        self.notes: list[str] = []
        self.unplaced: list[dict[str, str]] = [
            {"where": item.where, "text": item.text, "reason": item.reason}
            for item in form.unplaced
        ]

    def place(self, what: str, detail: str, step: str = "", **step_kwargs: Any) -> None:
        self.placed.append({"what": what, "detail": detail, "step": step, **step_kwargs})

    def not_placed(self, where: str, text: str, reason: str) -> None:
        self.unplaced.append({"where": where, "text": text, "reason": reason})

    def attempt(self, where: str, text: str, write: Callable[[], Any]) -> bool:
        """Write one piece; if a drafting rule refuses it, keep it for the officer."""
        try:
            write()
        except DomainError as error:
            self.not_placed(where, text, error.message)
            return False
        return True

    def add_each(self, where: str, texts: list[str], write: Callable[[int, str], Any]) -> int:
        """``write(index, text)`` each in turn; how many were added."""
        return sum(
            self.attempt(where, text, lambda i=i, text=text: write(i, text))
            for i, text in enumerate(texts)
        )


def _checked(report: _Report, where: str, text: str, *, label: str, limit: int) -> str | None:
    try:
        return text_checked(text, field="text", label=label, limit=limit, required=False)
    except DomainError as error:
        report.not_placed(where, text, error.message)
        return None


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _write_content(*, user: User, decision: Decision, form: WordForm, report: _Report) -> None:
    """Recommendations, Part 1 paragraphs and the background papers."""
    if form.lead_in == LeadIn.APPROVES:
        recommendations_lead_in_set(user=user, decision=decision, lead_in=LeadIn.APPROVES)
    added = report.add_each(
        "Recommendations",
        form.recommendations,
        lambda _i, text: recommendation_add(user=user, decision=decision, text=text),
    )
    lead_in = decision.recommendations_preamble
    report.place("Recommendations", f"{_plural(added, 'recommendation')}, after “{lead_in}”",
                 "recommendations")  # fmt: skip
    if form.lead_in_text and form.lead_in_text.strip() != lead_in:
        report.notes.append(
            f"Your form begins the recommendations “{form.lead_in_text}”: the decision prints "
            f"“{lead_in}”, its type's own words. Change it on the recommendations step."
        )
    for kind in SectionKind:
        if kind == SectionKind.BACKGROUND:
            continue
        paragraphs = form.sections.get(kind, [])
        added = report.add_each(
            f"Section {kind.value} {kind.label}",
            [text for text, _flag in paragraphs],
            lambda i, text, kind=kind, paragraphs=paragraphs: paragraph_add(
                user=user,
                decision=decision,
                section_kind=kind,
                text=text,
                budget_table_follows=paragraphs[i][1],
            ),
        )
        found = "" if kind in form.section_headings else " (no heading for it on your form)"
        report.place(
            f"{kind.value}. {kind.label}", _plural(added, "paragraph") + found, "section",
            kind=str(kind.value),
        )  # fmt: skip
    added = report.add_each(
        "Section 9 Background/supporting papers",
        form.appendices,
        lambda _i, title: appendix_add(user=user, decision=decision, title=title),
    )
    report.place(
        "9. Background/supporting papers",
        f"{_plural(added, 'paper')}, each added as an appendix without its file: upload the "
        "files on the appendices step"
        if added
        else "None listed",
        "appendices",
    )


def _write_public_access(*, user: User, decision: Decision, form: WordForm, report: _Report):
    if form.deferred is None or form.has_part2 is None:
        missing = [
            question
            for question, answer in (
                ("whether Part 1 is deferred", form.deferred),
                ("whether there is a Part 2", form.has_part2),
            )
            if answer is None
        ]
        report.place(
            "Public access to information",
            "Not answered: your form does not say " + " or ".join(missing),
            "public_access",
        )
        return
    text = f"Deferred: {'Yes' if form.deferred else 'No'}. Part 2: "
    text += "Yes" if form.has_part2 else "No"
    if form.deferred:
        until = form.deferred_until
        text += f". Reason: {form.deferral_reason or 'none given'}. Until: "
        text += uk_date(until) if until else (form.deferral_date_text or "no date given")
    ok = report.attempt(
        "Public access to information",
        text,
        lambda: decision_public_access_set(
            user=user,
            decision=decision,
            deferred=form.deferred,
            has_part2=form.has_part2,
            reason=form.deferral_reason,
            until=form.deferred_until,
        ),
    )
    detail = text if ok else "Not answered: see the text not placed below"
    if ok and form.has_part2:
        detail += " (write the Part 2 itself on the Part 2 step)"
    report.place("Public access to information", detail, "public_access")


def _write_declarations(*, user: User, decision: Decision, form: WordForm, report: _Report):
    answers: dict[str, tuple[str | None, bool]] = {}
    confirmed = []
    for kind in DeclarationKind:
        if kind.value not in form.declarations:
            continue
        statement, ticked = form.declarations[kind.value]
        where = f"Declaration: {kind.label}"
        if kind in REVIEWER_DECLARATIONS:
            stored = DEFAULT_DECLARATION_STATEMENTS[kind]
            if statement and statement != stored:
                report.not_placed(
                    where,
                    statement,
                    "This row's statement is confirmed by the Head of Service when they clear "
                    "the decision: the decision shows the standard statement.",
                )
            if ticked:
                report.notes.append(
                    f"The tick in the {kind.label} row is not carried over: the Head of "
                    "Service confirms that row when they clear the decision."
                )
            continue
        checked = _checked(report, where, statement, label="the statement", limit=2_000)
        answers[kind.value] = (checked or None, ticked and policy.can_edit(user, decision))
        if ticked:
            confirmed.append(kind.label)
    declarations_set(user=user, decision=decision, answers=answers)
    if confirmed:
        detail = (
            f"{_plural(len(confirmed), 'row')} ticked on your form, recorded as confirmed by "
            f"you, {user.display_name}, today: {', '.join(confirmed)}. Untick any you cannot "
            "confirm yourself"
        )
    else:
        detail = "No row was ticked on your form"
    report.place("Originating officer declaration", detail, "declarations")
    statement = form.declarations.get(DeclarationKind.DRAFTING_OFFICER.value, ("", False))[0]
    if statement and user.display_name not in statement:
        report.notes.append(
            f"The Drafting Officer statement names someone other than you ({statement!r}): "
            "check it on the declarations step."
        )


def _title(form: WordForm, report: _Report) -> str:
    title = " ".join(form.title.split())
    if len(title) > TITLE_MAX_LENGTH:
        report.not_placed(
            "Title", title, f"A title must be {TITLE_MAX_LENGTH} characters or fewer."
        )
        title = title[: TITLE_MAX_LENGTH - 1].rstrip() + "…"
    return title


@transaction.atomic
def decision_start_from_word(
    *, user: User, data: bytes, file_name: str, type_code: str | None = None
) -> DraftImport:
    """A new draft from the Word form, with its import report (see the module)."""
    if not policy.is_officer(user):
        raise DomainError(Messages.ROLE_REQUIRED, role="officer")
    form = word_form_parse(data=data)
    code = _type_code(form, type_code)
    report = _Report(form)
    title = _title(form, report)
    summary = _checked(
        report, "Executive summary", form.summary, label="The executive summary",
        limit=SUMMARY_MAX_LENGTH,
    )  # fmt: skip
    decision = decision_create(
        user=user,
        type_code=code,
        title=title,
        executive_summary=summary or "",
        comment=f"Started from the Word form “{file_name}”",
    )
    report.place(
        "Type", f"{decision.decision_type.name} ({code})"
        + ("" if form.type_code else ", as you chose: the form does not say"),
    )  # fmt: skip
    report.place("Title", title, "summary")
    paragraphs = len([p for p in (summary or "").split("\n\n") if p.strip()])
    report.place("Executive summary", _plural(paragraphs, "paragraph"), "summary")
    _write_content(user=user, decision=decision, form=form, report=report)
    _write_public_access(user=user, decision=decision, form=form, report=report)
    _write_declarations(user=user, decision=decision, form=form, report=report)
    if form.type_heading and any(ch.isdigit() for ch in form.type_heading):
        report.notes.append(
            f"Your form's heading “{form.type_heading}” has a reference: the draft is given "
            "its own when it is submitted."
        )
    if form.left:
        report.notes.append(
            "The form's printed wording (its header, the signature blocks and the public "
            "access notes) is not copied: the decision prints its own, and signatures are "
            "given in this system."
        )
    budget = None
    if form.budget is not None:
        budget = {**form.budget.as_report(), "after": form.budget_after}
    return DraftImport.objects.create(
        decision=decision,
        uploaded_by=user,
        file_name=file_name[:255],
        report={
            "placed": report.placed,
            "notes": report.notes,
            "unplaced": report.unplaced,
            "budget": budget,
            "text_limit": TEXT_MAX_LENGTH,
        },
    )


__all__ = ["Unplaced", "decision_start_from_word", "word_form_parse"]
