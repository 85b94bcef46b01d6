"""What each alert email says, as text, as HTML and in its web view ("View this email
in your browser"): one context for the three, read from the email's EmailView, so
they say the same words.

Only public content: the decisions an email lists are read again, when it is sent and
each time it is viewed, from `Decision.objects.published()` (a withdrawal: from the
decisions that were public, `due()`), so one taken off the site since drops out of
the web view. No address is ever in the context. The web view leaves out the links
that act on the subscription (confirm, unsubscribe): a web view link is the kind
people forward, and whoever has it should be able to read, not to cancel."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from alerts import selectors
from alerts.models import AlertKind, Change, EmailKind, EmailView, Subscription
from alerts.tokens import CONFIRM_WITHIN
from decisions.models import Decision

TEMPLATES = {
    EmailKind.CONFIRM: "alerts/email/confirm",
    EmailKind.DIGEST: "alerts/email/digest",
    EmailKind.DECISION: "alerts/email/decision",
}


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def email_view_for_token(token: str) -> EmailView | None:
    return (
        EmailView.objects.select_related("subscription__decision__decision_type")
        .filter(token_sha256=token_sha256(token))
        .first()
    )


def describe(subscription: Subscription, *, followed_public: bool = True) -> str:
    """What a subscription follows, in words. A followed decision no longer published
    is named by its reference alone (its page shows no more)."""
    if subscription.kind == AlertKind.DECISION:
        decision = subscription.decision
        if not followed_public:
            return f"changes to {decision.reference}"
        return f"changes to {decision.reference}: {decision.title}"
    form = selectors.search_form(subscription.query)
    form.is_valid()
    parts = selectors.search_description(form, in_sentence=True)
    return "new decisions" + (f" ({'; '.join(parts)})" if parts else "")


def _listed(view: EmailView) -> list[selectors.FollowNews]:
    """The email's decisions, in its order, each still public (a withdrawal: still
    one that was published), with the change it was sent for."""
    ids = [decision_id for decision_id, _, _ in view.items]
    published = Decision.objects.published().with_type().in_bulk(ids)
    withdrawn_ids = [decision_id for decision_id, change, _ in view.items if change == "withdrawn"]
    withdrawn = (
        Decision.objects.due()
        .filter(publication_withdrawn_at__isnull=False)
        .with_type()
        .in_bulk(withdrawn_ids)
        if withdrawn_ids
        else {}
    )
    listed = []
    for decision_id, change, description in view.items:
        found = (withdrawn if change == Change.WITHDRAWN else published).get(decision_id)
        if found is not None:
            listed.append(selectors.FollowNews(change, found, description))
    return listed


@dataclass(frozen=True)
class Links:
    """The email's own links (absolute); none of them in the web view."""

    view_url: str = ""
    unsubscribe_url: str = ""
    confirm_url: str = ""


def email_context(view: EmailView, *, links: Links | None = None) -> dict[str, object]:
    """The context of the email's templates: in the email with ``links``, in the web
    view without (``web``: relative links, and words in place of the personal ones)."""
    subscription = view.subscription
    web = links is None
    context: dict[str, object] = {
        "subject": view.subject,
        "web": web,
        "site_url": "" if web else settings.SITE_URL,
        "hours": int(CONFIRM_WITHIN.total_seconds() // 3600),
        **vars(links or Links()),
    }
    if view.kind == EmailKind.DIGEST:
        search = reverse("decisions:list")
        search += f"?{subscription.query}" if subscription.query else ""
        context["decisions"] = [item.decision for item in _listed(view)]
        context["more"] = view.more
        context["search_url"] = f"{context['site_url']}{search}"
    elif view.kind == EmailKind.DECISION:
        followed = Decision.objects.published().filter(pk=subscription.decision_id).exists()
        context["news"] = _listed(view)
        context["followed"] = subscription.decision
        context["followed_public"] = followed
        context["what"] = describe(subscription, followed_public=followed)
    context.setdefault("what", describe(subscription))
    return context


def email_render(view: EmailView, *, links: Links) -> tuple[str, str]:
    """The email's text and HTML."""
    context = email_context(view, links=links)
    base = TEMPLATES[EmailKind(view.kind)]
    return render_to_string(f"{base}.txt", context), render_to_string(
        "alerts/email/email.html", {**context, "body_template": f"{base}.html"}
    )
