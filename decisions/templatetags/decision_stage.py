"""``{{ decision|stage }}``: where a decision stands, in words (the captions of its
pages: decisions.selectors.history.decision_stage)."""

from django import template

from decisions.selectors.history import decision_stage

register = template.Library()
register.filter("stage", decision_stage)
