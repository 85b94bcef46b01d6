"""Reads for email alerts: what a subscription follows, in words, and what is news to
it. Only published decisions (`Decision.objects.published()`, through the public
search) ever reach an alert; a withdrawal is told only of a decision that was public
(`due()`, as the withdrawn page of decisions/selectors/public.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from alerts.models import AlertKind, Change, Delivery, Subscription
from core.financial_years import format_financial_year
from decisions.forms_public import DecisionFilterForm
from decisions.models import Decision, DecisionLink, LinkKind
from decisions.selectors import published_decisions
from decisions.selectors.search import filter_published

# The most decisions one email lists; the rest wait for the next run.
DIGEST_LIMIT = 50
# The query-string fields of the public list an alert keeps, in this order.
SEARCH_FIELDS = ("q", "year", "type", "value", "financial_year")
CHANGE_OF_LINK = {LinkKind.AMENDS: Change.AMENDED, LinkKind.SUPERSEDES: Change.SUPERSEDED}


def search_form(query: QueryDict | str, *, years: list[int] | None = None) -> DecisionFilterForm:
    """The public list's filter form over a query string. ``years``: the choices of
    "Year signed" (the published years); by default the year asked for, so a stored
    search is read without looking them up."""
    data = QueryDict(query) if isinstance(query, str) else query
    if years is None:
        year = data.get("year", "")
        years = [int(year)] if year.isdigit() else []
    return DecisionFilterForm(data, years=years)


def canonical_query(form: DecisionFilterForm) -> str:
    """The valid filters of a bound, validated form as a query string in a fixed order
    (the same search always makes the same string); invalid ones are left out."""
    data = QueryDict(mutable=True)
    cleaned = getattr(form, "cleaned_data", {})
    for name in SEARCH_FIELDS:
        value = cleaned.get(name)
        if value in (None, ""):
            continue
        data[name] = format_financial_year(value) if name == "financial_year" else str(value)
    return data.urlencode()


def search_description(form: DecisionFilterForm, *, in_sentence: bool = False) -> list[str]:
    """The search in words, one item per filter ("Matching ‘knife crime’", ...): as a
    list's items, or, ``in_sentence``, to follow words ("new decisions (matching
    ‘knife crime’)"), our own words then starting in lower case (a type's name keeps
    its capitals)."""

    def ours(words: str) -> str:
        return words[0].lower() + words[1:] if in_sentence else words

    cleaned = getattr(form, "cleaned_data", {})
    labels = {name: dict(form.fields[name].choices) for name in ("type", "value")}
    parts = []
    if cleaned.get("q"):
        parts.append(ours(f"Matching ‘{cleaned['q']}’"))
    if cleaned.get("year"):
        parts.append(ours(f"Signed in {cleaned['year']}"))
    if cleaned.get("type"):
        parts.append(labels["type"].get(cleaned["type"], cleaned["type"]))
    if cleaned.get("value"):
        parts.append(ours(f"Value: {labels['value'].get(cleaned['value'], '')}"))
    if cleaned.get("financial_year"):
        parts.append(ours(f"Spending in {format_financial_year(cleaned['financial_year'])}"))
    return parts


def followable_decision(slug: str) -> Decision | None:
    """A published decision a visitor may follow, by its address (``pcd-1620``)."""
    return Decision.objects.published().by_slug(slug).with_type().first()


def subscription_for_key(pk: int, key: str) -> Subscription | None:
    return (
        Subscription.objects.select_related("decision__decision_type")
        .filter(pk=pk, key=key)
        .first()
    )


def _published_since(since: dt.datetime, prefix: str = "") -> Q:
    """Published at or after ``since``: approved then, or deferred until a date from
    then on (the day its deferral ended is the day it was published)."""
    day = timezone.localtime(since).date()
    return Q(**{f"{prefix}approved_at__gte": since}) | Q(
        **{f"{prefix}deferred": True, f"{prefix}deferred_until__gte": day}
    )


def _not_sent(subscription: Subscription, change: str, field: str = "pk") -> Exists:
    return ~Exists(
        Delivery.objects.filter(
            subscription=subscription, change=change, decision_id=OuterRef(field)
        )
    )


def search_news(subscription: Subscription) -> list[Decision]:
    """Decisions published since the subscription was confirmed that match its search
    and were not sent to it yet: newest first, at most DIGEST_LIMIT."""
    form = search_form(subscription.query)
    form.is_valid()
    fresh = published_decisions().filter(_published_since(subscription.confirmed_at))
    found = filter_published(fresh, form.filters()).filter(_not_sent(subscription, Change.NEW))
    return list(found.order_by("-approved_at", "-pk")[:DIGEST_LIMIT])


@dataclass(frozen=True)
class FollowNews:
    change: str
    # The decision the delivery is about: the amending one, or the one withdrawn.
    decision: Decision
    description: str = ""


def follow_news(subscription: Subscription) -> list[FollowNews]:
    """What happened to a followed decision since the subscription was confirmed and
    was not told yet: published decisions amending or superseding it, its withdrawal."""
    since = subscription.confirmed_at
    fresh = Decision.objects.published().filter(_published_since(since))
    sent = Delivery.objects.filter(
        subscription=subscription,
        change__in=list(CHANGE_OF_LINK.values()),
        decision_id=OuterRef("source_id"),
    )
    links = (
        DecisionLink.objects.filter(target_id=subscription.decision_id)
        .filter(kind__in=list(CHANGE_OF_LINK), source__in=fresh)
        .filter(~Exists(sent))
        .select_related("source__decision_type")
        .order_by("source__approved_at", "source_id")
    )
    news = [
        FollowNews(CHANGE_OF_LINK[LinkKind(link.kind)], link.source, link.description)
        for link in links[:DIGEST_LIMIT]
    ]
    withdrawn = (
        Decision.objects.due()
        .filter(pk=subscription.decision_id, publication_withdrawn_at__gte=since)
        .filter(_not_sent(subscription, Change.WITHDRAWN))
        .with_type()
        .first()
    )
    if withdrawn is not None:
        news.append(FollowNews(Change.WITHDRAWN, withdrawn))
    return news


def confirmed_subscription_ids(after: int = 0, *, batch: int = 500) -> list[int]:
    """The next ``batch`` confirmed subscriptions after ``after``, by id."""
    return list(
        Subscription.objects.filter(confirmed_at__isnull=False, pk__gt=after)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )


def expired_requests(before: dt.datetime) -> QuerySet[Subscription]:
    return Subscription.objects.filter(confirmed_at__isnull=True, created_at__lt=before)


def kind_of(subscription: Subscription) -> str:
    return AlertKind(subscription.kind).label
