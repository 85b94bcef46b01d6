from decisions.models.archive import ArchivedRecord
from decisions.models.decision import (
    INVERSE_LINK_LABELS,
    Decision,
    DecisionLink,
    DecisionQuerySet,
    LeadIn,
    LinkKind,
    Paragraph,
    Part2,
    Recommendation,
    Section,
    SectionKind,
)
from decisions.models.imports import DraftImport
from decisions.models.records import (
    DECLARATION_ORDER,
    DEFAULT_DECLARATION_STATEMENTS,
    REVIEWER_DECLARATIONS,
    Appendix,
    DecisionEvent,
    DeclarationKind,
    OfficerDeclaration,
    PublishedDocument,
    SignOff,
)
from decisions.models.search import DecisionSearch, SearchVectorColumn
from decisions.models.types import DecisionType, SignOffRole, SignOffWording

__all__ = [
    "DECLARATION_ORDER",
    "DEFAULT_DECLARATION_STATEMENTS",
    "INVERSE_LINK_LABELS",
    "REVIEWER_DECLARATIONS",
    "Appendix",
    "ArchivedRecord",
    "Decision",
    "DecisionEvent",
    "DecisionLink",
    "DecisionQuerySet",
    "DecisionSearch",
    "DecisionType",
    "DeclarationKind",
    "DraftImport",
    "LeadIn",
    "LinkKind",
    "OfficerDeclaration",
    "Paragraph",
    "Part2",
    "PublishedDocument",
    "Recommendation",
    "SearchVectorColumn",
    "Section",
    "SectionKind",
    "SignOff",
    "SignOffRole",
    "SignOffWording",
]
