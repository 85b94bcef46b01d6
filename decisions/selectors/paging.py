"""Pages of published decisions that cost the same at any depth (the public list and
the API): Django's Paginator, changed where its plain OFFSET and COUNT grow with the
number of decisions."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet, Subquery
from django.utils.functional import cached_property


class DecisionPaginator(Paginator):
    """A paginator over an ordered queryset of decisions.

    Without `limit` (the list, its filters): every match counts and every page can be
    reached. A page's rows are fetched by primary key once its keys are found (a
    "deferred join"): finding the keys of OFFSET 99,980 reads the order index only
    (an index-only scan of `decision_published_order`), not 99,980 whole rows. Past
    the middle, the keys are read from the other end in the reverse order, so that
    the last page costs what the first does.

    With `limit` (a search, whose queryset is already its newest matches, ranked):
    the count stops at `limit` + 1, `more` says whether there were more matches than
    the pages show, and a page is a plain slice (an OFFSET below `limit`); or, given
    `rows` (the same decisions, unfiltered), the keys are read once (`keys`).

    With `counted` (the number of matches, known without counting them: the plain
    list's, from `published_count`), no COUNT is run.
    """

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        limit: int | None = None,
        rows: QuerySet | None = None,
        counted: int | None = None,
    ):
        super().__init__(object_list, per_page)
        self.limit = limit
        self.rows = rows
        self.counted = counted

    @cached_property
    def keys(self) -> list | None:
        """With `limit` and `rows`: the keys of the first `limit` + 1 matches in order,
        read once (one query), from which the count and the page's rows come. A
        search's matches are then found and ranked once a request, not once for the
        count and again for the page."""
        if self.limit is None or self.rows is None:
            return None
        return list(self.object_list.values_list("pk", flat=True)[: self.limit + 1])

    @cached_property
    def found(self) -> int:
        """The matches counted: all of them, or at most `limit` + 1."""
        if self.keys is not None:
            return len(self.keys)
        if self.counted is not None:
            return self.counted
        if self.limit is None:
            return self.object_list.count()
        # Unordered: how many of the first `limit` + 1 there are does not depend on
        # their order (a search's ranking, which reads every match's vector, is left
        # out of the count).
        return self.object_list.order_by()[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return self.found if self.limit is None else min(self.found, self.limit)

    @property
    def more(self) -> bool:
        """More matches than the pages show ("more than 1,000 results")."""
        return self.found > self.count

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if self.keys is not None:
            # The page's rows by key from `rows` (not `object_list`, whose conditions
            # would find every match again), in the order of the keys.
            wanted = self.keys[bottom:top]
            found = self.rows.in_bulk(wanted)
            return self._get_page([found[k] for k in wanted if k in found], number, self)
        if self.limit is not None or bottom >= top:
            return self._get_page(list(self.object_list[bottom:top]), number, self)
        if bottom > self.found // 2:
            # Every ordering ends with the primary key, so the reverse is exact.
            keys = self.object_list.reverse().values("pk")[self.found - top : self.found - bottom]
        else:
            keys = self.object_list.values("pk")[bottom:top]
        rows = self.object_list.filter(pk__in=Subquery(keys))
        return self._get_page(list(rows), number, self)
