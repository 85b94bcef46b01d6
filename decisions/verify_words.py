"""Every word of the document check (/verify/ and /api/verify/): the form's messages
and each answer, in plain English. The page and the API say the same sentences."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from core.dates import uk_date, uk_datetime
from decisions.selectors.verify import Status, Verification

# Uploads are refused above this: as appendices, and under the web server's own limit.
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
UPLOAD_LIMIT_TEXT = "20 MB"
RECORDS_CONTACT_EMAIL = "records@example.org"

FILE_REQUIRED = "Choose the PDF file to check."
FILE_EMPTY = "The selected file is empty. Choose the PDF file to check."
FILE_NOT_PDF = "The selected file must be a PDF."
FILE_TOO_LARGE = f"The selected file must be smaller than {UPLOAD_LIMIT_TEXT}."
SHA256_REQUIRED = "Enter the SHA-256 fingerprint to check."
SHA256_INVALID = (
    "Enter a SHA-256 fingerprint of 64 characters, each 0 to 9 or a to f, like the one "
    "under “Check this document” on a decision’s page."
)
TOO_MANY = (
    "Too many documents have been checked from your network in the last hour. Wait an "
    "hour, then try again."
)
NO_SIGNATURE_ON_A_FINGERPRINT = (
    "A digital signature can only be checked on the file itself: choose the file to "
    "check its signature too."
)


def organisation() -> str:
    return settings.ORGANISATION_NAME


@dataclass(frozen=True)
class Sentence:
    """A sentence, part of which (`link`, if any) links to `href`."""

    text: str
    link: str = ""
    href: str = ""

    @property
    def before(self) -> str:
        return self.text.partition(self.link)[0] if self.link else self.text

    @property
    def after(self) -> str:
        return self.text.partition(self.link)[2] if self.link else ""


@dataclass(frozen=True)
class Answer:
    heading: str
    sentences: list[Sentence]

    @property
    def text(self) -> list[str]:
        return [sentence.text for sentence in self.sentences]


def _plain(*texts: str) -> list[Sentence]:
    return [Sentence(text) for text in texts]


def _signature_sentences(verification: Verification) -> list[str]:
    signature = verification.signature
    if signature is None:
        return _plain(NO_SIGNATURE_ON_A_FINGERPRINT)
    if not signature.present:
        return _plain(
            "The file has no digital signature: its fingerprint alone shows which document it is."
        )
    if not signature.valid:
        return _plain("The file’s digital signature could not be confirmed as valid.")
    return _plain(f"Its digital signature is valid: signed by {_signed(signature)}.")


def _signed(signature) -> str:
    when = f" on {uk_datetime(signature.signed_at)}" if signature.signed_at else ""
    return f"{signature.signer}{when}"


def _published(verification: Verification) -> Answer:
    decision = verification.decision
    reference, page = decision.reference, decision.get_absolute_url()
    sentences = [
        Sentence(f"This is {reference}: {decision.title}.", link=reference, href=page),
        Sentence(
            "It is the current published version: exactly the document published with the decision."
        ),
    ]
    if verification.archived:
        sentences.append(
            Sentence(
                "It is an archived record, taken before this system and brought into it on "
                f"{uk_date(verification.archived_on)}."
            )
        )
        if verification.archive_sealed:
            sentences += _plain(
                f"Its original is sealed with the digital signature of {organisation()}."
            )
    if verification.changes:
        sentences += _plain(
            "It is still the published record of the decision, changed since by later decisions:"
        )
        sentences += [
            Sentence(
                f"{change.label} {change.reference} on {uk_date(change.on)}.",
                link=change.reference,
                href=change.url,
            )
            for change in verification.changes
        ]
    return Answer(
        heading=f"This is the published record of {reference}",
        sentences=sentences + _signature_sentences(verification),
    )


def _withdrawn(verification: Verification) -> Answer:
    # As the withdrawn record's own page (410) says: reference, date and reason only.
    decision = verification.decision
    reference = decision.reference
    return Answer(
        heading=f"This is {reference}, which has been withdrawn",
        sentences=[
            Sentence(
                f"This is {reference}. It was published and has since been withdrawn from "
                f"this site on {uk_date(verification.withdrawn_at)}.",
                link=reference,
                href=decision.get_absolute_url(),
            ),
            Sentence(f"Reason: {verification.withdrawal_reason}"),
            Sentence("It is no longer the published record."),
            *_signature_sentences(verification),
        ],
    )


def _signed_copy(verification: Verification) -> Answer:
    signature = verification.signature
    decision = verification.signed_copy_of
    reference = decision.reference
    return Answer(
        heading="Validly signed, but not the published version of any decision",
        sentences=[
            Sentence(
                f"Its digital signature is valid: signed by {_signed(signature)}, for {reference}."
            ),
            Sentence(
                "But it is not the published version of any decision: its bytes are not those "
                f"of the document published with {reference}. Use the published version, on "
                f"the page of {reference}.",
                link=f"the page of {reference}",
                href=decision.get_absolute_url(),
            ),
        ],
    )


def _not_published(verification: Verification) -> Answer:
    # Never more than this: the same words whatever the bytes were.
    return Answer(
        heading="This is not a document we published",
        sentences=[
            Sentence(
                f"Its SHA-256 fingerprint is not that of any document {organisation()} has "
                "published on this site."
            ),
            Sentence(
                "It may have been changed, even by one character, or never published. Do not "
                "rely on it as one of our decisions: look for the decision among the "
                "published decisions instead.",
                link="the published decisions",
                href=reverse("decisions:list"),
            ),
        ],
    )


def _unavailable(verification: Verification) -> Answer:
    reference = verification.decision.reference
    return Answer(
        heading=f"{reference} cannot be checked at the moment",
        sentences=_plain(
            f"This is {reference}, but our stored copy of its record is not exactly what was "
            f"signed, so we cannot confirm it now. Email {RECORDS_CONTACT_EMAIL} if you need "
            "it confirmed."
        ),
    )


def answer(verification: Verification) -> Answer:
    if verification.status == Status.PUBLISHED:
        return _published(verification)
    if verification.status == Status.WITHDRAWN:
        return _withdrawn(verification)
    if verification.status == Status.UNAVAILABLE:
        return _unavailable(verification)
    if verification.signed_copy_of is not None:
        return _signed_copy(verification)
    return _not_published(verification)
