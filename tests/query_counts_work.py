"""The work area's pages whose queries tests/test_query_counts.py counts on a small
and a larger dataset: each role's home, the drafting steps, preview, review, history,
conversation and the internal reports."""

from __future__ import annotations

from tests.query_counts import Page

STEPS = (
    "overview", "summary", "recommendations", "recommendations_lead_in",
    "recommendations_paste", "links",
    "appendices", "public_access", "part2", "declarations", "sharing", "preview",
    "preview_pdf", "budget", "history",
)  # fmt: skip

PAGES = [
    *[Page("drafting:home", role=role) for role in ("officer", "head", "ceo", "dmpc")],
    Page("drafting:create", role="officer"),
    Page("drafting:word_import", role="officer"),
    Page("drafting:word_import_report", role="officer", on="word_draft"),
    *[Page(f"drafting:{step}", role="officer", on="draft") for step in STEPS],
    Page("drafting:recommendation", role="officer", on="draft_recommendation"),
    Page("drafting:section", role="officer", on="draft_section"),
    Page("drafting:section_paste", role="officer", on="draft_section"),
    Page("drafting:paragraph", role="officer", on="draft_paragraph"),
    Page("drafting:appendix_file", role="officer", on="draft_appendix"),
    Page("drafting:review", role="head", on="submitted", label="to clear"),
    Page("drafting:comment", role="officer", on="submitted"),
    Page("drafting:comment", role="head", on="submitted"),
    *[
        Page("drafting:review", role=role, on="awaiting_approval")
        for role in ("officer", "head", "ceo", "dmpc", "records")
    ],
    Page("drafting:confirm", role="dmpc", on="reject"),
    # (The history page costs about a second a request here: one role each.)
    Page("drafting:history", role="dmpc", on="published", label="published"),
    Page("drafting:history", role="head", on="amending", label="amending"),
    Page("drafting:history", role="officer", on="deferred", label="deferred"),
    Page("drafting:review", role="officer", on="published", label="published"),
    Page("drafting:commitments", role="officer", on="published"),
    Page("drafting:archive_new", role="records"),
    Page("drafting:archive_done", role="records", on="archived"),
    Page("drafting:archive_import", role="records", on="archive_sent"),
    Page("drafting:history", role="records", on="archived", label="archived"),
    Page("funding:internal_financial_years", role="officer"),
    Page("funding:internal_financial_years_csv", role="officer"),
    Page("funding:internal_envelope", role="officer", on="published_slug"),
    Page("funding:internal_envelope_csv", role="officer", on="published_slug"),
]
