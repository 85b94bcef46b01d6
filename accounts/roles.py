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
    # Grants and removes roles and changes decision-type rules, with a second user
    # administrator confirming each change (governance/); holds no decision role.
    USER_ADMIN = "user_admin", "User administrator"


# The roles that take part in decisions or keep the record: a user administrator
# holds none of them, so nobody both grants power and uses it.
DECISION_ROLES = (
    Role.OFFICER, Role.HEAD_OF_SERVICE, Role.CHIEF_EXECUTIVE, Role.DMPC, Role.RECORDS_MANAGER,
)  # fmt: skip


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
    # The back office: sees everything (people and decision types too) but manages
    # no people and no rules (issue 11): those go through user administrators.
    # Records commitments on the work page (the admin only shows them).
    Role.RECORDS_MANAGER: (
        "decisions.manage_records",
        "decisions.view_part2",
        *(f"decisions.view_{model}" for model in _DECISION_MODELS),
        *(f"funding.view_{model}" for model in _FUNDING_MODELS),
        "accounts.view_user",
        "auth.view_group",
        "governance.view_governance_audit",
        # Background tasks, failed ones with their traceback, and queuing them again.
        "django_tasks_database.view_dbtaskresult",
    ),
    # No decision permission at all: only the power to ask for, and confirm, changes
    # of roles, rules and office holders.
    Role.USER_ADMIN: ("governance.administer_people", "governance.view_governance_audit"),
}
