"""The records manager's and user administrators' pages whose queries
tests/test_query_counts.py counts on a small and a larger dataset: their homes, the
people pages (/work/people/), the security log and the back office's index with the
records manager's work."""

from __future__ import annotations

from tests.query_counts import Page

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
