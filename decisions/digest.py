"""The SHA-256 digest of a decision's content: what a signer signed.

The digest covers everything that is published or signed (Part 1, with how its
recommendations begin; Part 2, declarations' statements, links, appendices,
deferral and money), serialised as canonical JSON, so any later change to the
content gives a different digest.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from decisions import extensions
from decisions.models import Decision, LeadIn


def decision_content(decision: Decision) -> dict[str, Any]:
    part2 = getattr(decision, "part2", None) if decision.has_part2 else None
    return {
        "type": decision.decision_type.code,
        "reference": decision.reference,
        "title": decision.title,
        "executive_summary": decision.executive_summary,
        "recommendations": [r.text for r in decision.recommendations.order_by("position")],
        # "approves:" rather than "is recommended to:" changes what is decided. The
        # default is left out so digests signed before the choice existed still match.
        **(
            {"recommendations_lead_in": decision.recommendations_lead_in}
            if decision.recommendations_lead_in != LeadIn.RECOMMENDED
            else {}
        ),
        "sections": [
            {
                "kind": section.kind,
                "paragraphs": [
                    [p.text, p.budget_table_follows]
                    for p in section.paragraphs.order_by("position")
                ],
            }
            for section in decision.sections.order_by("kind")
        ],
        "links": [
            [link.kind, link.target.reference, link.description]
            for link in decision.links_out.select_related("target__decision_type").order_by("pk")
        ],
        "appendices": [
            [a.title, a.published, a.file.name if a.file else ""]
            for a in decision.appendices.order_by("position")
        ],
        "deferral": [
            decision.deferred,
            decision.deferral_reason,
            decision.deferred_until.isoformat() if decision.deferred_until else None,
        ],
        "part2": [part2.content, part2.legal_rationale] if part2 else None,
        "declarations": [[d.kind, d.statement] for d in decision.declarations.order_by("position")],
        **extensions.decision_content(decision),
    }


def decision_content_digest(decision: Decision) -> str:
    canonical = json.dumps(
        decision_content(decision), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
