"""The records manager's and user administrators' pages read as many queries on a
larger dataset as on a small one (tests/test_query_counts_setup.py builds both):
their homes, the people pages (/work/people/), the security log and the back
office's index with the records manager's work."""

from __future__ import annotations

import pytest

from tests.test_query_counts_setup import Page, assert_same_count, counts, params

PAGES = [
    Page("drafting:home", role="records"),
    Page("drafting:home", role="user_admin"),
    Page("drafting:withdraw_publication", role="records", on="published"),
    Page("drafting:commitments", role="records", on="published"),
    Page("drafting:history", role="records", on="taken_down", label="taken down"),
    Page("admin:index", role="records"),
    Page("security:integrity", role="records"),
    Page("security:integrity", role="user_admin", query="outcome=failure", label="failures"),
    Page("governance:people", role="user_admin"),
    Page("governance:person", role="user_admin", on="person"),
    Page("governance:requests", role="user_admin"),
    Page("governance:change", role="user_admin", on="change_request"),
    Page("governance:office_holders", role="user_admin"),
    Page("governance:office_holder_end", role="user_admin", on="office_holder"),
    Page("governance:decision_types", role="user_admin"),
    Page("governance:decision_type", role="user_admin", on="decision_type"),
    Page("governance:audit", role="user_admin"),
    Page("governance:audit", role="records"),
]

XFAILS: dict[str, str] = {}

# Marked so that pytest-django creates the test database (the counts fixture uses it).
pytestmark = pytest.mark.django_db
__all__ = ["counts"]  # the shared fixture


@pytest.mark.parametrize("page", params(PAGES, XFAILS))
def test_people_page_reads_a_fixed_number_of_queries(counts, page):
    assert_same_count(counts, page)
