"""Reads for the public site: published decisions and what their pages show."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connection
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from core.dates import uk_date as date_format
from core.errors import DomainError, Messages
from decisions import extensions, policy
from decisions.models import (
    Decision,
    DecisionLink,
    DecisionType,
    Paragraph,
    Section,
    SignOff,
    SignOffRole,
    SignOffWording,
)
from decisions.selectors.archive import archive_key_information, archive_lifecycle
from decisions.selectors.related import lifecycle_amendments
from decisions.workflow import COMMENT_ACTION

_REFERENCE = re.compile(r"\s*([A-Za-z]{2,10})[\s-]*(\d{1,7})\s*")


def parse_reference(reference: str) -> tuple[str, int]:
    """`PCD 1406`, `pcd1406` or `pcd-1406` -> ("PCD", 1406); else DomainError."""
    match = _REFERENCE.fullmatch(reference or "")
    if not match:
        raise DomainError(Messages.REFERENCE_FORMAT, field="reference")
    return match[1].upper(), int(match[2])


def decision_by_reference(reference: str) -> Decision:
    code, number = parse_reference(reference)
    decision = Decision.objects.with_type().by_reference(code, number).first()
    if decision is None:
        raise DomainError(
            Messages.UNKNOWN_REFERENCE, field="reference", reference=f"{code} {number}"
        )
    return decision


def decision_types() -> QuerySet[DecisionType]:
    """The reference series, those with no delegation limit first (PCD, then CEOD)."""
    return DecisionType.objects.order_by(F("delegation_limit_pence").desc(nulls_first=True), "code")


def published_decisions() -> QuerySet[Decision]:
    # With any archived record (one join): lists mark and date archived decisions.
    return (
        Decision.objects.published()
        .with_type()
        .select_related("archived_record")
        .order_by("-approved_at", "-pk")
    )


def approved_decisions_visible_to(user) -> QuerySet[Decision]:
    """Approved decisions this user may read: every published one, and the others
    (deferred, publication withdrawn) only if the policy lets them open it, so an
    internal report never names a decision whose page would be a 404 for them.

    One queryset (the policy's rule as a filter), never a list of ids: reports use
    it as a subquery, whatever the number of decisions."""
    return Decision.objects.published() | Decision.objects.approved().filter(policy.visible_q(user))


def full_decision(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    return (
        queryset.with_type()
        .select_related("archived_record")
        .prefetch_related(
            "decision_type__wordings",
            "recommendations",
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("kind").prefetch_related(
                    Prefetch("paragraphs", queryset=Paragraph.objects.order_by("position"))
                ),
            ),
            "appendices",
            "declarations",
            "sign_offs",
            *link_prefetches(),
        )
    )


def link_prefetches() -> tuple[Prefetch, Prefetch]:
    """The decision's links each way, with the decision at the other end: what
    ``decision_public_links`` reads."""
    links = DecisionLink.objects
    return (
        Prefetch("links_out", queryset=links.select_related("target__decision_type")),
        Prefetch("links_in", queryset=links.select_related("source__decision_type")),
    )


@dataclass(frozen=True)
class LinkView:
    label: str
    decision: Decision
    description: str
    # The public page of the linked decision, or "" when it has none (a draft, a
    # decision under review or deferred): the reader sees its reference, unlinked.
    href: str = ""


def published_decision_by_slug(slug: str) -> Decision | None:
    queryset = Decision.objects.published().by_slug(slug)
    return full_decision(queryset).select_related("published_document").first()


def withdrawn_decision_by_slug(slug: str) -> Decision | None:
    """A record that was public and has been withdrawn (its page answers 410).

    Only if it would otherwise be public now: a deferred decision withdrawn before
    its date was never public, so it stays a plain 404.
    """
    return (
        Decision.objects.due()
        .filter(publication_withdrawn_at__isnull=False)
        .by_slug(slug)
        .with_type()
        .first()
    )


def published_years() -> list[int]:
    """The years (local time) in which published decisions were signed, newest first.

    One query that reads one index entry a year, whatever the number of decisions: a
    "loose index scan" down `decision_published_order`: the newest published decision,
    then the newest signed before 1 January of its year, and so on. Its WHERE clause
    is `Decision.objects.published()`'s own, compiled, so the two cannot drift apart.
    """
    published = Decision.objects.published()
    if connection.vendor != "postgresql":
        # SQLite (`make run`, a few decisions): the years of its signed dates.
        dates = published.values_list("approved_at", flat=True)
        return sorted({timezone.localtime(d).year for d in dates}, reverse=True)
    where, params = published.query.get_compiler(using=published.db).compile(published.query.where)
    table = connection.ops.quote_name(Decision._meta.db_table)
    # The WHERE is Django's, compiled, with its parameters: nothing here is input.
    newest_before = (
        f"SELECT extract(year FROM approved_at AT TIME ZONE %s)::int FROM {table} "  # noqa: S608
        f"WHERE {where} AND approved_at < {{before}} ORDER BY approved_at DESC LIMIT 1"
    )
    first = newest_before.format(before="'infinity'::timestamptz")
    after = newest_before.format(before="make_timestamptz(year, 1, 1, 0, 0, 0, %s)")
    sql = (
        f"WITH RECURSIVE years(year) AS (({first}) UNION ALL "  # noqa: S608
        f"SELECT ({after}) FROM years WHERE year IS NOT NULL) "
        "SELECT year FROM years WHERE year IS NOT NULL"
    )
    zone = settings.TIME_ZONE
    with connection.cursor() as cursor:
        cursor.execute(sql, [zone, *params, zone, *params, zone])
        return [year for (year,) in cursor.fetchall()]


def decision_lifecycle(decision: Decision, *, links: list[LinkView] = ()) -> list[dict[str, str]]:
    """Drafted, cleared, signed, published: when each happened, as far as recorded
    (an archived record: as it was given); then each amendment or supersession among
    ``links`` (the page's public links)."""
    if archive := decision.archive:
        return archive_lifecycle(decision, archive) + lifecycle_amendments(decision, links)
    # Only the steps: the internal conversation never reaches a public page.
    events = {
        e.action: e for e in decision.events.exclude(action=COMMENT_ACTION).order_by("created_at")
    }
    rows = []
    if "create" in events and "import" not in events:
        rows.append({"key": "Drafted", "value": date_format(events["create"].created_at)})
    if "clear" in events:
        rows.append({"key": "Cleared", "value": date_format(events["clear"].created_at)})
    # Each signature in the order given: the final approver's comes last.
    final = decision.decision_type.final_approver
    for sign_off in sorted(decision.sign_offs.all(), key=lambda s: (s.role == final, s.signed_at)):
        rows.append(
            {
                "key": f"Signed by the {sign_off.get_role_display()}",
                "value": date_format(sign_off.signed_at),
            }
        )
    if decision.published_on:
        rows.append({"key": "Published", "value": date_format(decision.published_on)})
    return rows + lifecycle_amendments(decision, links)


def _all_links(decision: Decision) -> tuple[list[LinkView], set[int]]:
    """Every link to and from the decision, and which of the other decisions are public."""
    links = [
        LinkView(link.get_kind_display(), link.target, link.description)
        for link in decision.links_out.all()
    ] + [
        LinkView(link.inverse_label, link.source, link.description)
        for link in decision.links_in.all()
    ]
    public_ids = set(
        Decision.objects.published()
        .filter(pk__in=[link.decision.pk for link in links])
        .values_list("pk", flat=True)
    )
    return links, public_ids


def _with_href(link: LinkView, public_ids: set[int]) -> LinkView:
    if link.decision.pk not in public_ids:
        return link
    return replace(link, href=link.decision.get_absolute_url())


def decision_public_links(decision: Decision) -> list[LinkView]:
    """Links to and from the decision, showing only decisions that are public too."""
    links, public_ids = _all_links(decision)
    return [_with_href(link, public_ids) for link in links if link.decision.pk in public_ids]


def decision_internal_links(decision: Decision, *, user) -> list[LinkView]:
    """Links for signed-in users (preview, review): a linked decision shows only if it
    is public or this user may open it, so a draft's link (and what its description
    says) stays with the people who can see the draft."""
    links, public_ids = _all_links(decision)
    return [
        _with_href(link, public_ids)
        for link in links
        if link.decision.pk in public_ids or policy.can_see(user, link.decision)
    ]


def decision_sign_off(decision: Decision, role: str) -> SignOff | None:
    return next((s for s in decision.sign_offs.all() if s.role == role), None)


@dataclass(frozen=True)
class SignatureBlock:
    """One signature on the form: the stored sign-off once signed, else the wording
    the signer will sign (from SignOffWording) marked "Not yet signed."."""

    role: str
    heading: str
    statement: str
    approval_line: str
    # Whether this signer records personal or prejudicial interests (the DMPC).
    records_interests: bool
    sign_off: SignOff | None

    @property
    def anchor(self) -> str:
        return f"sign-off-{self.role.replace('_', '-')}"

    @property
    def interests(self) -> str:
        return self.sign_off.interests if self.sign_off else ""


def _signature_block(
    decision: Decision, role: str, wording: SignOffWording | None, sign_off: SignOff | None
) -> SignatureBlock:
    decision_type = decision.decision_type
    heading = (
        decision_type.approver_title
        if role == decision_type.final_approver
        else SignOffRole(role).label
    )
    if sign_off is not None:
        # What was signed, as stored: never today's wording.
        return SignatureBlock(
            role=role,
            heading=heading,
            statement=sign_off.statement,
            approval_line=sign_off.approval_line,
            records_interests=bool(wording.records_interests if wording else sign_off.interests),
            sign_off=sign_off,
        )
    return SignatureBlock(
        role=role,
        heading=heading,
        statement=wording.statement,
        approval_line=wording.approval_line,
        records_interests=wording.records_interests,
        sign_off=None,
    )


def decision_signature_blocks(decision: Decision) -> list[SignatureBlock]:
    """The decision type's signatures, each as stored or as it will be signed: the
    final approver's first (it follows the recommendations on the form), then the
    signatures that send the decision on to them (at the end of the form)."""
    wordings = {w.role: w for w in decision.decision_type.wordings.all()}
    sign_offs = {s.role: s for s in decision.sign_offs.all()}
    final = decision.decision_type.final_approver
    roles = sorted(set(wordings) | set(sign_offs), key=lambda role: (role != final, role))
    return [
        _signature_block(decision, role, wordings.get(role), sign_offs.get(role)) for role in roles
    ]


@dataclass(frozen=True)
class DecisionPage:
    """Everything the decision page, its preview, its review page and its PDF show."""

    decision: Decision
    links: list[LinkView]
    budget_table: object | None
    # The paragraph after which the budget table is shown (None: end of section 3).
    budget_table_paragraph_id: int | None
    envelope: object | None
    signature_blocks: list[SignatureBlock]
    published_appendices: list

    @property
    def approval_block(self) -> SignatureBlock | None:
        """The final approver's signature (after the recommendations on the form)."""
        final = self.decision.decision_type.final_approver
        return next((b for b in self.signature_blocks if b.role == final), None)

    @property
    def closing_blocks(self) -> list[SignatureBlock]:
        """The signatures that send the decision on (the end of the form)."""
        return [b for b in self.signature_blocks if b is not self.approval_block]

    @property
    def final_sign_off(self) -> SignOff | None:
        block = self.approval_block
        return block.sign_off if block else None

    @property
    def key_information(self) -> list[dict[str, str]]:
        # The decision is the final approver's: no other signature stands for it.
        decision, signer = self.decision, self.final_sign_off
        if archive := decision.archive:
            return archive_key_information(decision, archive)
        return [
            {"key": "Reference code", "value": decision.reference or "Not yet assigned"},
            {
                "key": "Date signed",
                "value": date_format(signer.signed_at) if signer else "Not yet signed",
            },
            {
                "key": "Date published",
                "value": (
                    date_format(decision.published_on)
                    if decision.published_on
                    else "Not yet published"
                ),
            },
            {
                "key": "Decision by",
                "value": (
                    f"{signer.signer_name}, {signer.signer_title}"
                    if signer
                    else decision.decision_type.approver_title
                ),
            },
        ]

    @property
    def deferral_rows(self) -> list[dict[str, str]]:
        decision = self.decision
        rows = [
            {
                "key": "Is the publication of Part 1 of this approval to be deferred?",
                "value": {True: "Yes", False: "No", None: "Not answered"}[decision.deferred],
            }
        ]
        if decision.deferred:
            rows += [
                {"key": "Reason", "value": decision.deferral_reason},
                {"key": "Until", "value": date_format(decision.deferred_until)},
            ]
        return rows


def decision_page(decision: Decision, *, links: list[LinkView]) -> DecisionPage:
    flagged = [
        paragraph.pk
        for section in decision.sections.all()
        for paragraph in section.paragraphs.all()
        if paragraph.budget_table_follows
    ]
    parts = extensions.page_parts(decision)
    return DecisionPage(
        decision=decision,
        links=links,
        budget_table=parts.get("budget_table"),
        budget_table_paragraph_id=flagged[0] if flagged else None,
        envelope=parts.get("envelope"),
        signature_blocks=decision_signature_blocks(decision),
        published_appendices=[a for a in decision.appendices.all() if a.published],
    )
