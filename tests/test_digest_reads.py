"""The content digest (decisions/digest.py) is computed at every event and signature:
it reads each kind of row once, and only the rows it digests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.digest import decision_content_digest
from decisions.models import Decision, SignOff
from decisions.selectors import full_decision


@pytest.mark.django_db
def test_the_digest_reads_paragraphs_once_and_joins_nothing_it_does_not_digest(pcd_1620):
    decision = Decision.objects.get(pk=pcd_1620.pk)
    sections = decision.sections.count()
    assert sections > 1
    with CaptureQueriesContext(connection) as queries:
        digest = decision_content_digest(decision)
    sql = [query["sql"] for query in queries.captured_queries]

    # All the sections' paragraphs in one query, not one a section.
    assert sum('FROM "decisions_paragraph"' in text for text in sql) == 1
    # No row's drafter, decision or type read with each paragraph or section.
    assert not [text for text in sql if '"accounts_user"' in text]
    # The same digest as from everything prefetched, and as the signatures signed.
    prefetched = full_decision(Decision.objects.filter(pk=pcd_1620.pk)).get()
    assert digest == decision_content_digest(prefetched)
    signed = set(SignOff.objects.filter(decision=decision).values_list("content_digest", flat=True))
    assert signed == {digest}
