"""A decision's later history on its public page: the published decisions that
amended or superseded it, each with its date and what it changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.dates import uk_date
from decisions import extensions
from decisions.models import INVERSE_LINK_LABELS, Decision, LinkKind

if TYPE_CHECKING:
    from decisions.selectors.public import LinkView

# How a later decision's link reads on this one ("Amended by", "Superseded by").
CHANGED_BY = (INVERSE_LINK_LABELS[LinkKind.AMENDS], INVERSE_LINK_LABELS[LinkKind.SUPERSEDES])


def lifecycle_amendments(decision: Decision, links: list[LinkView]) -> list[dict[str, str]]:
    """Rows of the lifecycle such as "Amended by PCD 1620 on 1 March 2024: £1,800,000
    moved to a direct award", oldest first. ``links`` are the page's public links: only
    published decisions, each with its page (``href``)."""
    changes = sorted(
        (link for link in links if link.label in CHANGED_BY and link.href),
        key=lambda link: (link.decision.approved_at, link.decision.pk),
    )
    notes = extensions.amendment_notes(decision, [link.decision for link in changes])
    return [
        {
            "key": f"{link.label} {link.decision.reference}",
            "value": uk_date(link.decision.approved_at),
            "label": link.label,
            "reference": link.decision.reference,
            "href": link.href,
            "note": notes.get(link.decision.pk, ""),
        }
        for link in changes
    ]
