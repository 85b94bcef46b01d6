"""The one exception type for domain rules, and the messages it carries.

Services raise ``DomainError(Messages.X, field="...", **params)``. Views show
``error.message`` next to ``error.field``; tests compare ``error.template`` with
the named message they import from here.
"""

from __future__ import annotations


class Messages:
    # References and decision types
    DUPLICATE_REFERENCE = "{reference} is already in use. Each reference can be used only once."
    REFERENCE_NUMBER_INVALID = "Enter a reference number that is a whole number above 0."
    # {codes}: the reference series in the decision-type table, e.g. "PCD or CEOD".
    UNKNOWN_DECISION_TYPE = "Choose a decision type ({codes})."
    UNKNOWN_REFERENCE = "There is no decision with the reference {reference}."
    REFERENCE_FORMAT = "Enter a reference like PCD 1406: the type, a space and the number."
    # Decision content
    FIELD_INVALID = "{detail}"
    TITLE_REQUIRED = "Enter a title."
    TEXT_TOO_LONG = "{label} must be {limit} characters or fewer."
    TEXT_REQUIRED = "Enter {label}."
    HTML_NOT_ALLOWED = (
        "{label} cannot contain HTML such as {tag}. Use Markdown-light instead: "
        "*emphasis*, **bold**, [a link](https://…)."
    )
    # A whole section (or the recommendations) pasted in one box.
    PASTE_REQUIRED = "Enter or paste the text of {what}."
    PASTE_PARAGRAPH_TOO_LONG = (
        "{which} is {length} characters long: each paragraph must be {limit} characters or "
        "fewer. Split it with a blank line or a number where a new paragraph starts."
    )
    PASTE_TOO_MANY = "{what} can have at most {limit} paragraphs: this text has {count}."
    PASTE_BUDGET_PLACE = "Choose where the budget table goes."
    LEAD_IN_INVALID = "Choose how the recommendations begin."
    DEFERRAL_REASON_REQUIRED = "Enter the reason for deferring publication."
    DEFERRAL_DATE_REQUIRED = "Enter the date until which publication is deferred."
    DEFERRAL_DATE_PAST = "The date until which publication is deferred must be in the future."
    PART2_INCOMPLETE = "Enter the Part 2 content and the legal rationale for non-publication."
    LINK_KIND_INVALID = "Choose how this decision relates to the other one."
    LINK_TO_SELF = "A decision cannot be linked to itself."
    LINK_DUPLICATE = "This decision is already linked to {reference} in that way."
    NOT_EDITABLE = "{reference} is {state}: its content can no longer be changed."
    EDIT_CONFLICT = (
        "Someone else saved this decision while you were editing it. "
        "Your text has been kept: compare it with theirs before saving again."
    )
    # Conflicts are per thing edited (a paragraph, a recommendation, a step's fields).
    ITEM_CONFLICT = (
        "{what} changed after you opened this page. Your text has been kept: compare it "
        "with the saved version before saving again."
    )
    REMOVE_CONFLICT = (
        "{what} changed after you opened this page, so it has not been removed. Check it, "
        "then remove it again if you still want to."
    )
    ITEM_GONE = "{what} has already been removed."
    # Adds carry a one-time form token: the same form sent twice adds one item.
    ALREADY_ADDED = "That {noun} was already added: it is {which}. Nothing new was added."
    FORM_ALREADY_USED = (
        "This form was already used to add a {noun}. Your text has been kept: check the list "
        "above, then add it again if you still want it."
    )
    LINK_TARGET_NOT_APPROVED = "{reference} is not approved, so it cannot be amended or superseded."
    APPENDIX_NOT_PDF = "The selected file must be a PDF."
    APPENDIX_TOO_LARGE = "The selected file must be smaller than {limit}."
    # Starting a draft from the officer's Word form (decisions/wordform/).
    WORD_FORM_REQUIRED = "Select the Word document (.docx) of your decision form."
    WORD_FORM_EMPTY = "The selected file is empty. Select the Word document of your decision form."
    WORD_FORM_TOO_LARGE = (
        "The selected file must be smaller than {limit}. Large pictures make a form big: "
        "remove them or save them as smaller pictures, then upload the form again."
    )
    WORD_FORM_NOT_DOCX = "The selected file must be a Word document (.docx)."
    WORD_FORM_OLD_DOC = (
        "The selected file is an older Word document (.doc). Open it in Word, save it as a "
        "Word Document (.docx), then upload that."
    )
    WORD_FORM_MACROS = (
        "The selected file contains macros, which cannot be uploaded. In Word, save it as a "
        "Word Document (.docx), not a macro-enabled document (.docm), then upload that."
    )
    WORD_FORM_CORRUPT = (
        "The selected file could not be read: it may be damaged. Open it in Word, save it "
        "again, then upload the new copy."
    )
    WORD_FORM_NOT_DECISION = (
        "The selected file is not a DMPC decision form: it does not have the form's "
        "headings, such as Executive Summary and the numbered sections of Part I."
    )
    WORD_FORM_TYPE_NEEDED = (
        "Your form does not say what type of decision it is. Choose the type, then select "
        "the file again."
    )
    WORD_FORM_TYPE_DIFFERS = (
        "Your form says it is a {form_type}, but you chose {chosen}. Choose the type the "
        "form says, or correct the form, then select the file again."
    )
    WORD_FORM_NO_TITLE = (
        "Your form has no title: add one after “Title:” at the top of the form, then "
        "upload it again."
    )
    SHARE_NOT_OFFICER = "You can only share a draft with an officer who can draft decisions."
    UNKNOWN_USER = "There is no user called {username}."
    # Email alerts (alerts/): visitors without an account.
    ALERT_EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com."
    ALERT_TOO_MANY = (
        "You have asked for too many email alerts in a short time. Wait an hour, then try again."
    )
    ALERT_LINK_INVALID = (
        "This link is not valid or has expired. Ask for the email alert again to get a new link."
    )
    # Workflow
    ACTION_NOT_ALLOWED = "{reference} is {state}: it cannot be {action} now."
    ROLE_REQUIRED = "Only the {role} can do this."
    OWN_DECISION = "You cannot review, sign or approve a decision you drafted."
    ONE_REVIEW_STEP = (
        "You have already taken another review step on this decision: clearing, signing "
        "and approving need different people."
    )
    PART2_PERMISSION = "Only someone allowed to read Part 2 can remove it."
    SHARE_WITH_SELF = "This draft is already yours."
    NOT_YOUR_DRAFT = "Only the officers drafting this decision can do this."
    COMMENT_REQUIRED = "Enter your reason."
    RETURN_REASON_REQUIRED = "Enter what the officer needs to change."
    COMMENT_TOO_LONG = "Your comment must be 5,000 characters or fewer."
    INTERESTS_TOO_LONG = "The interests to record must be 2,000 characters or fewer."
    REJECT_REASON_REQUIRED = "Enter the reason for rejecting this decision."
    WITHDRAW_REASON_REQUIRED = "Enter the reason for withdrawing this draft."
    # The approval renders the PDF before it locks the decision; the content it
    # then signs must be what that PDF shows.
    APPROVAL_CONTENT_CHANGED = (
        "{reference} changed while you were approving it, so it has not been approved. "
        "Read it again, then approve it if you still want to."
    )
    # The conversation on a decision
    CONVERSATION_COMMENT_REQUIRED = "Enter your comment."
    CONVERSATION_NOT_ALLOWED = (
        "Only the officers drafting this decision and the reviewers it has reached can "
        "comment on it."
    )
    CONVERSATION_CLOSED = "{reference} is {state}: its conversation is closed."
    SUBMISSION_BLOCKED = "This draft cannot be submitted yet: {problems}."
    OVER_DELEGATION_LIMIT = (
        "A {type_code} must be worth less than {limit}; this decision is worth {value}. "
        "Make it a decision for the {approver} instead."
    )
    PASSWORD_INCORRECT = "The password is not correct."  # noqa: S105 - a message
    SIGNING_THROTTLED = "Too many wrong passwords. Wait 15 minutes, then try again."
    SIGN_OFF_DUPLICATE = "{reference} already has a {role} sign-off."
    # Money and financial years
    MONEY_INVALID = "Enter an amount in pounds, like 1800000, £1,800,000, £1.8m or £750k."
    MONEY_NEGATIVE = "Enter an amount of £0 or more."
    MONEY_NOT_POSITIVE = "Enter an amount above £0."
    MONEY_TOO_LARGE = "Enter an amount below £1,000,000,000,000."
    FINANCIAL_YEAR_INVALID = (
        "Enter a financial year as two consecutive years, like 2024/25 (April 2024 to March 2025)."
    )
    FINANCIAL_YEAR_REPEATED = "{year} appears more than once. Enter each financial year once."
    LINES_UNBALANCED = (
        "The budget lines add up to {lines_total} but the envelope total is {envelope_total}."
    )
    ALLOCATIONS_UNBALANCED = (
        "The allocations for {line} add up to {allocations_total} but the line is {line_amount}."
    )
    BUDGET_NO_LINES = "Add at least one budget line."
    FINANCIAL_YEARS_ORDER = "Enter the financial years in order, earliest first."
    COMMITMENT_NOT_ALLOWED = (
        "Only records managers, or the officers of the decision, can record commitments."
    )
    COMMITMENT_LINE_NOT_APPROVED = "Commitments can only be recorded against approved budget lines."
    ENVELOPE_EXISTS = "{reference} already has a budget envelope."
    MOVE_EXCEEDS_SOURCE = (
        "You cannot move {amount}: the line holds {available} that is not yet committed."
    )
    MOVE_WRONG_ENVELOPE = "The source line must belong to the budget of a decision this one amends."
    MOVE_ALREADY_APPLIED = "This budget movement has already been applied."
    MOVE_YEARS_REQUIRED = (
        "The line the money comes from is allocated by financial year: enter the new line's "
        "amount for each financial year, and the same amounts come out of those years."
    )
    MOVE_YEAR_EXCEEDS_SOURCE = (
        "You cannot take {amount} from {year}: the line the money comes from has {available} "
        "in that year."
    )
    # Archived records: decisions taken before the system (decisions/services/archive.py).
    ARCHIVE_REFERENCE_FORMAT = (
        "Enter the reference as published, like PCD 1760: the series, one space and the number."
    )
    ARCHIVE_UNKNOWN_SERIES = (
        "{reference} is not in a known series: enter {codes}, one space and the number."
    )
    ARCHIVE_TITLE_REFERENCE = (
        "The title begins with {found} but the reference is {reference}: correct one of them."
    )
    ARCHIVE_DATE_INVALID = "Enter the {label} as a real date, like 2018-03-27."
    ARCHIVE_DATE_FUTURE = "The {label} must be today or in the past."
    ARCHIVE_DATE_REQUIRED = "Enter the date signed, the date published or both."
    ARCHIVE_DATE_ORDER = "The date published must be the same as or after the date signed."
    ARCHIVE_SOURCE_URL = "Enter the web address it was published at, starting with https://."
    ARCHIVE_DOCUMENT_NOT_PDF = "{name} is not a PDF: the signed original must be a PDF file."
    ARCHIVE_DOCUMENT_MISSING = "There is no file called {name} in the folder."
    ARCHIVE_DOCUMENT_NAME = "Enter the file name of the signed original, like pcd-1760.pdf."
    ARCHIVE_CONFLICT = (
        "{reference} is already in the records with a different {what}. An archived "
        "record is never changed by importing it again."
    )
    ARCHIVE_ORIGINAL_CHANGED = (
        "The stored original of {reference} is not the file that was imported (its SHA-256 "
        "differs), so it was not sealed: restore the original from the archive first."
    )
    ARCHIVE_NOT_ARCHIVED = (
        "{reference} is a decision made in this system, so no archived record can have "
        "that reference."
    )
    ARCHIVE_UPLOAD_CHANGED = (
        "The signed original you sent is no longer the file that was uploaded: it was "
        "changed in storage. Bring the record in again with the signed original."
    )
    ARCHIVE_UPLOAD_UNREADABLE = (
        "The signed original you sent could not be read from storage after {attempts} "
        "attempts. Bring the record in again; if it fails again, tell the system's "
        "administrators."
    )
    # Office holders (governance/): who signs as the DMPC or the Chief Executive.
    NOT_OFFICE_HOLDER = (
        "You are not recorded as the {office} in office on {day}, so you cannot sign as "
        "the {office}. A user administrator keeps the list of office holders."
    )


# Refusals about who is acting (HTTP 403); the others are about the state (409) or
# the input (shown next to the field).
PERMISSION_MESSAGES = frozenset(
    {
        Messages.ROLE_REQUIRED,
        Messages.OWN_DECISION,
        Messages.NOT_YOUR_DRAFT,
        Messages.COMMITMENT_NOT_ALLOWED,
        Messages.ONE_REVIEW_STEP,
        Messages.PART2_PERMISSION,
        Messages.CONVERSATION_NOT_ALLOWED,
    }
)


class DomainError(Exception):
    """A broken business rule, with a message fit to show to the user."""

    def __init__(self, template: str, *, field: str | None = None, **params: object) -> None:
        self.template = template
        self.field = field
        self.params = params
        self.message = template.format(**params) if params else template
        super().__init__(self.message)
