"""What the decision PDF is rendered from differs from the web page only where the
printed form needs it (templates/decisions/_decision_body.html, `pdf`)."""

from decisions.models import Decision
from decisions.pdf import decision_pdf_html
from decisions.selectors import decision_page, full_decision
from tests.factories import approved_decision


def test_paragraphs_have_ids_on_the_page_and_none_in_the_pdf(client, officer):
    # WeasyPrint makes every id an anchor and a named destination: a long decision's
    # paragraph ids cost its render time (issue 12). Links to a paragraph are the
    # web page's, so the page keeps them.
    decision = approved_decision(user=officer, number=61)
    full = full_decision(Decision.objects.filter(pk=decision.pk)).get()
    paragraphs = [p for s in full.sections.all() for p in s.paragraphs.all()]
    assert paragraphs

    html = decision_pdf_html(decision_page(full, links=[]), draft=False)
    assert html.count('class="dr-paragraph"') == len(paragraphs)
    assert 'id="paragraph-' not in html

    page = client.get(decision.get_absolute_url()).content.decode()
    for p in paragraphs:
        assert f'id="paragraph-{p.section.kind}-{p.position}"' in page
