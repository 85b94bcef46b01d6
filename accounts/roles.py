"""The roles of DESIGN.md section 1, as Django groups with explicit permissions.

A user may hold several roles. The permissions are declared on the Decision
model; this mapping is the single statement of which role holds which.
"""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    HEAD_OF_SERVICE = "head_of_service", "Head of Service"
    CHIEF_EXECUTIVE = "chief_executive", "Chief Executive"
    DMPC = "dmpc", "DMPC"
    RECORDS_MANAGER = "records_manager", "Records manager"


# Group name (the role's label) -> permission codenames on decisions.Decision.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.OFFICER: ("draft_decision",),
    Role.HEAD_OF_SERVICE: ("review_decision", "view_part2"),
    Role.CHIEF_EXECUTIVE: ("clear_decision", "view_part2"),
    Role.DMPC: ("approve_decision", "view_part2"),
    Role.RECORDS_MANAGER: ("manage_records", "view_part2"),
}


def group_name(role: Role) -> str:
    return str(role.label)
