"""``{% decision_conversation decision back="review" %}``: the conversation panel,
shared by the task list and the review page (each page's own view stays as it is)."""

from __future__ import annotations

from django import template

from decisions import policy
from decisions.forms_review import ConversationForm
from decisions.selectors.conversation import decision_conversation as entries_of

register = template.Library()


@register.inclusion_tag("decisions/_conversation.html", takes_context=True)
def decision_conversation(context, decision, back: str = "review", form=None) -> dict:
    user = context["request"].user
    return {
        "decision": decision,
        "entries": entries_of(decision),
        "can_comment": policy.can_comment(user, decision),
        "form": form or ConversationForm(initial={"back": back}, auto_id="id_conversation_%s"),
        "csrf_token": context.get("csrf_token"),
    }
