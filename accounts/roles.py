"""The roles of DESIGN.md section 1, as Django groups with explicit permissions.

A user may hold several roles. This mapping is the single statement of which
role holds which permission; `roles_sync` applies it after every migrate.
"""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    HEAD_OF_SERVICE = "head_of_service", "Head of Service"
    CHIEF_EXECUTIVE = "chief_executive", "Chief Executive"
    DMPC = "dmpc", "DMPC"
    RECORDS_MANAGER = "records_manager", "Records manager"


_DECISION_MODELS = (
    "decisiontype", "decision", "recommendation", "section", "paragraph", "decisionlink",
    "appendix", "part2", "officerdeclaration", "signoff", "signoffwording", "decisionevent",
)  # fmt: skip
_FUNDING_MODELS = (
    "budgetenvelope", "budgetline", "allocation", "budgetmovement", "budgetmovementyear",
    "commitment",
)  # fmt: skip

# Role -> "app_label.codename" permissions.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Drafting officers write Part 2, so they may read it.
    Role.OFFICER: ("decisions.draft_decision", "decisions.view_part2"),
    Role.HEAD_OF_SERVICE: ("decisions.review_decision", "decisions.view_part2"),
    Role.CHIEF_EXECUTIVE: ("decisions.clear_decision", "decisions.view_part2"),
    Role.DMPC: ("decisions.approve_decision", "decisions.view_part2"),
    # The back office: sees everything, manages users and series; records
    # commitments on the work page (the admin only shows them).
    Role.RECORDS_MANAGER: (
        "decisions.manage_records",
        "decisions.view_part2",
        *(f"decisions.view_{model}" for model in _DECISION_MODELS),
        *(f"funding.view_{model}" for model in _FUNDING_MODELS),
        "decisions.change_decisiontype",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "auth.view_group",
    ),
}
