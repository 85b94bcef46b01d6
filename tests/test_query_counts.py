"""Every page reads as many queries on a larger dataset as on a small one
(tests/query_counts.py builds both and counts): no query per decision, paragraph,
link, appendix, budget line, commitment, person or event shown. The pages are listed
by area: tests/query_counts_public.py, _work.py (each role's home, the drafting
steps, review, history, the internal reports) and _people.py (the records manager's
and user administrators' pages). One module, so the datasets are built once a run.

The last tests check that the areas together count every page the access matrix
(tests/test_access_matrix.py) says someone may open.
"""

from __future__ import annotations

import pytest

from tests.query_counts import all_pages, assert_same_count, counts, params

# Marked so that pytest-django creates the test database (the counts fixture uses it).
pytestmark = pytest.mark.django_db
__all__ = ["counts"]  # the shared fixture

# Page id -> why its count may grow with the data today (a strict xfail): none.
XFAILS: dict[str, str] = {}


@pytest.mark.parametrize("page", params(all_pages(), XFAILS))
def test_page_reads_a_fixed_number_of_queries(counts, page):
    assert_same_count(counts, page)


# Pages of the access matrix counted nowhere, and why.
NOT_COUNTED = {
    "": "a redirect to the list",
    "accounts:two_factor": "sends a signed-in client on (a redirect)",
    "accounts:two_factor_set_up": "sends a signed-in client on (a redirect)",
    "admin:login": "the back office's own sign-in form (Django's)",
}


def test_every_page_is_counted_once():
    ids = [page.id for page in all_pages()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_every_page_someone_may_open_is_counted():
    from tests.test_access_matrix import EXPECTED

    counted = {page.name for page in all_pages()}
    openable = {
        name
        for name, expect in EXPECTED.items()
        # The back office's model pages are Django's admin; its index (the records
        # manager's work) is counted.
        if "ok" in expect.get and (not name.startswith("admin") or name == "admin:index")
    }
    missing = openable - counted - set(NOT_COUNTED)
    assert not missing, f"Pages with no query count test: {sorted(missing)}"
