"""What user administrators are told when a change of roles, rules or office
holders is refused (DomainError templates, as in core.errors.Messages)."""


class GovernanceMessages:
    NOT_USER_ADMIN = "Only a user administrator can ask for or confirm this change."
    NOT_USER_ADMIN_PAGE = "Only user administrators can see this page."
    NOT_ALLOWED_TO_VIEW = "Only user administrators and records managers can read this page."
    REASON_REQUIRED = "Enter why this change is needed."
    REASON_TOO_LONG = "The reason must be {limit} characters or fewer."
    NOTE_TOO_LONG = "The note must be {limit} characters or fewer."
    ABOUT_YOURSELF = (
        "You cannot ask for a change to your own roles, offices or authenticator app: "
        "another user administrator must ask for it."
    )
    ROLE_INVALID = "Choose a role."
    ROLE_ALREADY_HELD = "{person} already has the role {role}."
    ROLE_NOT_HELD = "{person} does not have the role {role}."
    ADMIN_HOLDS_DECISION_ROLE = (
        "{person} has a decision role ({roles}). A user administrator cannot hold a decision "
        "role: remove it first."
    )
    DECISION_ROLE_FOR_ADMIN = (
        "{person} is a user administrator, who cannot hold a decision role. Remove the user "
        "administrator role first."
    )
    PERSON_INACTIVE = "{person}'s account is not active."
    ALREADY_PENDING = "The same change is already waiting for confirmation (request {pk})."
    OWN_REQUEST = (
        "You asked for this change, so you cannot confirm or refuse it: a second user "
        "administrator must. You can cancel it."
    )
    NOT_REQUESTER = "Only the user administrator who asked for this change can cancel it."
    NOT_PENDING = "This request has already been {state}."
    EXPIRED = (
        "This request expired on {expired}: requests must be confirmed within {days} days. "
        "Ask for the change again if it is still needed."
    )
    NO_RULE_CHANGE = "Change at least one rule: these are the rules it already has."
    APPROVER_INVALID = "Choose who approves decisions of this type."
    LIMIT_INVALID = "Enter a delegation limit above £0, or leave it blank for no limit."
    LAST_NUMBER_INVALID = "Enter the last reference number given, as a whole number."
    LAST_NUMBER_BACKWARDS = (
        "The last reference number can only move forward: {code} has already given "
        "{code} {used}. Going back would give a reference twice or out of order."
    )
    APPROVER_TITLE_INVALID = "Enter the approver's title, in 200 characters or fewer."
    HOLDER_NAME_REQUIRED = "Enter the office holder's name as it is to be printed on records."
    HOLDER_TITLE_REQUIRED = "Enter the office holder's title as it is to be printed on records."
    HOLDER_TOO_LONG = "{label} must be {limit} characters or fewer."
    HOLDER_USER_ROLE = (
        "{person} does not have the role {role}: give them the role before making them its "
        "office holder."
    )
    HOLDER_OVERLAP = "{person} is already recorded as {office} for part of that time."
    HOLDER_DATES = "The end date must be on or after the start date ({start})."
    HOLDER_ALREADY_ENDED = "This term already ended on {day}."
    NO_AUTHENTICATOR_APP = (
        "{person} has no authenticator app set up, so there is nothing to reset. They will "
        "set one up when they next sign in."
    )
