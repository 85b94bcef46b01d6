"""The public decision page: contents, related decisions, the lifecycle naming each
amendment, the document check, the over-commitment wording and the print line."""

import re

import pytest
from django.utils import timezone

from decisions import extensions
from decisions.selectors import decision_public_links
from decisions.selectors.public import LinkView, decision_lifecycle
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def _tag_start(html: str, element_id: str) -> int:
    return html.rindex("<", 0, html.index(f'id="{element_id}"'))


def _section(html: str, heading_id: str, end: str) -> str:
    """From the heading with this id to the element with id ``end`` (or to ``end``)."""
    start = _tag_start(html, heading_id)
    if f'id="{end}"' in html:
        return html[start : _tag_start(html, end)]
    return html[start : html.index(end, start)]


def test_every_contents_link_leads_to_a_heading_on_the_page(client, pcd_1620, pcd_1406):
    for decision in (pcd_1620, pcd_1406):
        html = client.get(decision.get_absolute_url()).content.decode()
        nav = html[html.index('<nav class="dr-contents"') :]
        nav = nav[: nav.index("</nav>")]
        targets = re.findall(r'href="#([^"]+)"', nav)
        assert len(targets) >= 15
        for target in targets:
            assert f'id="{target}"' in html, (decision.reference, target)
        sections = [f"section-{s.kind}" for s in decision.sections.all()]
        assert [t for t in targets if t.startswith("section-")] == sections


def test_related_decisions_come_at_the_end_with_their_dates(client, pcd_1620, pcd_1406):
    html = client.get(pcd_1620.get_absolute_url()).content.decode()
    related = page_text(_section(html, "related-decisions", "lifecycle"))
    signed = timezone.localtime(pcd_1406.approved_at)
    assert related == (
        f"Related decisions Amends PCD 1406: {pcd_1406.title} "
        f"Signed {signed.day} {signed:%B} {signed.year} "
        "Amends the procurement route for £1.8m of the £17.2m approved in PCD 1406"
    )
    # Nothing says the relation twice, and no date carries a second form of itself.
    text = page_text(html)
    assert "Amends PCD 1406: amends" not in text and "(date " not in text
    # PCD 1406's page is linked once, from the related decisions.
    assert html.count('href="/decisions/pcd-1406/"') == 1


def test_the_amended_decisions_lifecycle_names_the_amendment_and_what_it_moved(
    client, pcd_1620, pcd_1406
):
    html = client.get(pcd_1406.get_absolute_url()).content.decode()
    lifecycle = page_text(_section(html, "lifecycle", "</ol>"))
    assert lifecycle.endswith(
        "Published on 9 March 2023 "
        "Amended by PCD 1620 on 1 March 2024: £1,800,000 moved to a direct award"
    )
    notice = html[html.index('<div class="govuk-inset-text dr-changed">') :]
    notice = page_text(notice[: notice.index("</div>")])
    assert notice.startswith(
        "This decision was amended by PCD 1620 on 1 March 2024: £1,800,000 moved to a direct award."
    )
    # The money words come from funding, through the extension interface.
    assert extensions.amendment_notes(pcd_1406, [pcd_1620]) == {
        pcd_1620.pk: "£1,800,000 moved to a direct award"
    }


def test_the_lifecycle_names_amendments_only_from_public_links(pcd_1620, pcd_1406):
    public = decision_public_links(pcd_1406)
    assert decision_lifecycle(pcd_1406, links=public)[-1]["key"] == "Amended by PCD 1620"
    # The amending decision's page has no amendment rows of its own.
    keys = [
        row["key"] for row in decision_lifecycle(pcd_1620, links=decision_public_links(pcd_1620))
    ]
    assert not any(key.startswith(("Amended", "Superseded")) for key in keys)
    # A link without a public page (a draft, deferred) is never named.
    hidden = [LinkView(link.label, link.decision, link.description) for link in public]
    keys = [row["key"] for row in decision_lifecycle(pcd_1406, links=hidden)]
    assert keys[-1] == "Published" and not any(key.startswith("Amended") for key in keys)


def test_the_document_check_is_folded_away_with_how_to_verify(client, pcd_1620):
    html = client.get(pcd_1620.get_absolute_url()).content.decode()
    details = html[html.index('<details class="govuk-details dr-check">') :]
    details = details[: details.index("</details>")]
    sha = pcd_1620.published_document.sha256
    assert f'<code class="dr-digest">{sha}</code>' in details
    assert "Check this document" in details
    for command in (
        "Get-FileHash PCD-1620.pdf -Algorithm SHA256",
        "shasum -a 256 PCD-1620.pdf",
        "sha256sum PCD-1620.pdf",
    ):
        assert command in details
    # The fingerprint is in the document check only, not in the reading flow.
    assert html.count(sha) == 1


def test_pcd_1406_says_its_over_commitment_in_words_and_its_budget_heading_once(client, pcd_1406):
    html = client.get(pcd_1406.get_absolute_url()).content.decode()
    text = page_text(html)
    assert (
        "Open competitive procurement: £600,000 more has been committed than remains on this "
        "line (£15,400,000 on the line, £16,000,000 committed)."
    ) in text
    assert "-£600,000" not in text
    visible_headings = re.findall(r"<h[1-6][^>]*>Effective budget after amendments</h[1-6]>", html)
    assert len(visible_headings) == 1
    assert (
        '<caption class="govuk-table__caption govuk-visually-hidden">'
        "Effective budget after amendments</caption>"
    ) in html


def test_the_page_carries_a_print_line_with_its_address_and_date(client, pcd_1620):
    html = client.get(pcd_1620.get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert (
        '<p class="govuk-body-s dr-print-only">Printed from '
        f"http://testserver/decisions/pcd-1620/ on {today.day} {today:%B} {today.year}.</p>"
    ) in html


def test_wide_tables_scroll_in_labelled_focusable_regions(client, pcd_1620, pcd_1406):
    for decision in (pcd_1620, pcd_1406):
        html = client.get(decision.get_absolute_url()).content.decode()
        tables = html.count("<table")
        regions = re.findall(
            r'<div class="dr-table-wrapper" role="region" aria-label="([^"]+)" tabindex="0">', html
        )
        # Every table but the two-column declarations, which fits any screen.
        assert len(regions) == tables - 1 and all(regions), decision.reference
