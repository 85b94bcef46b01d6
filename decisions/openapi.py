"""The OpenAPI 3.1 document of the open data JSON API, served at /api/openapi.json.

It describes exactly what decisions/views/open_data.py returns: every object lists
all its keys as required and allows no others, and tests/test_open_data.py checks
real responses against these schemas, so the two cannot drift apart silently.
"""

from __future__ import annotations

from typing import Any

from decisions.models import INVERSE_LINK_LABELS, LinkKind
from funding.models import ProcurementRoute

Schema = dict[str, Any]

FINANCIAL_YEAR_PATTERN = r"^\d{4}/\d{2}$"


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Schema], description: str = "") -> Schema:
    schema: Schema = {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


def _array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def _string(description: str = "", **extra: Any) -> Schema:
    schema: Schema = {"type": "string", **extra}
    if description:
        schema["description"] = description
    return schema


def _nullable_string(description: str, **extra: Any) -> Schema:
    return {"type": ["string", "null"], "description": description, **extra}


_SUMMARY_PROPERTIES: dict[str, Schema] = {
    "reference": _string("The reference code.", examples=["PCD 1620"]),
    "slug": _string("The reference as used in URLs.", examples=["pcd-1620"]),
    "title": _string(),
    "type": _ref("DecisionType"),
    "url": _string("The decision's public page.", format="uri"),
    "api_url": _string("This decision in the API.", format="uri"),
    "date_signed": _string("The date the final approver signed it.", format="date"),
    "date_published": _string(
        "The later of the date signed and the end of any deferral.", format="date"
    ),
    "value": _ref("Money"),
}

SCHEMAS: dict[str, Schema] = {
    "Money": _object(
        {
            "pence": {"type": "integer", "minimum": 0},
            "display": _string("Formatted in pounds.", examples=["£450,000"]),
        },
        "An amount of money: integer pence and its display in pounds.",
    ),
    "DecisionType": _object(
        {
            "code": _string("The reference prefix.", examples=["PCD"]),
            "name": _string(examples=["DMPC Decision"]),
        }
    ),
    "DecisionSummary": _object(
        _SUMMARY_PROPERTIES,
        "A published decision. `value` is what it commits: its own budget envelope "
        "plus any money it moves to new budget lines.",
    ),
    "DecisionList": _object(
        {
            "count": {"type": "integer", "minimum": 0, "description": "Matches in all pages."},
            "next": _nullable_string("The next page.", format="uri"),
            "previous": _nullable_string("The previous page.", format="uri"),
            "results": _array(_ref("DecisionSummary")),
        }
    ),
    "Signer": _object(
        {
            "name": _nullable_string("Who signed the decision."),
            "title": _string("In what capacity.", examples=["Deputy Mayor for Policing and Crime"]),
        }
    ),
    "Recommendation": _object({"number": {"type": "integer", "minimum": 1}, "text": _string()}),
    "Paragraph": _object({"number": _string(examples=["2.1"]), "text": _string()}),
    "Section": _object(
        {
            "number": {"type": "integer", "minimum": 1, "maximum": 9},
            "heading": _string(examples=["Financial Comments"]),
            "paragraphs": _array(_ref("Paragraph")),
        },
        "One of the nine numbered Part 1 sections of the form.",
    ),
    "Allocation": _object(
        {
            "financial_year": _string(
                "UK financial year, April to March.",
                pattern=FINANCIAL_YEAR_PATTERN,
                examples=["2024/25"],
            ),
            "amount": _ref("Money"),
        }
    ),
    "BudgetLine": _object(
        {
            "route": _string("The procurement route.", enum=ProcurementRoute.values),
            "route_label": _string(examples=[ProcurementRoute.DIRECT_AWARD_REG_12_7.label]),
            "amount": _ref("Money"),
            "allocations": _array(_ref("Allocation")),
        },
        "A budget line the decision set, at the amount the decision approved.",
    ),
    "Budget": _object(
        {"lines": _array(_ref("BudgetLine")), "total": _ref("Money")},
    ),
    "Link": _object(
        {
            "relation": _string(
                "How this decision relates to the linked one.",
                enum=sorted({*LinkKind.labels, *map(str, INVERSE_LINK_LABELS.values())}),
            ),
            "reference": _string(examples=["PCD 1406"]),
            "url": _string(format="uri"),
            "api_url": _string(format="uri"),
            "description": _string(),
        },
        "A link to or from another published decision.",
    ),
    "Appendix": _object({"title": _string()}, "A published appendix."),
    "DecisionDetail": _object(
        {
            **_SUMMARY_PROPERTIES,
            "decision_by": _ref("Signer"),
            "executive_summary": _string("Plain text."),
            "recommendations": _array(_ref("Recommendation")),
            "sections": _array(_ref("Section")),
            "budget": _ref("Budget"),
            "links": _array(_ref("Link")),
            "appendices": _array(_ref("Appendix")),
            "pdf": {
                "oneOf": [
                    {"type": "null"},
                    _object(
                        {
                            "url": _string("The PDF as rendered at approval.", format="uri"),
                            "size_bytes": {"type": "integer", "minimum": 1},
                            "sha256": _string(
                                "SHA-256 of the PDF's bytes, hex.", pattern="^[0-9a-f]{64}$"
                            ),
                        }
                    ),
                ],
                "description": "The published PDF, or null if there is none.",
            },
        },
        "A published decision's Part 1 record. All text is plain text.",
    ),
    "Errors": _object(
        {
            "errors": {
                "type": "object",
                "description": "Messages by parameter name.",
                "additionalProperties": _array(_string()),
            }
        }
    ),
}


def _query(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


LIST_PARAMETERS = [
    _query(
        "q",
        _string(maxLength=200),
        "Keyword: matches words in the title or executive summary.",
    ),
    _query("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, "Year signed."),
    _query("type", _string(examples=["PCD", "CEOD"]), "Decision type code."),
    _query(
        "financial_year",
        _string(pattern=FINANCIAL_YEAR_PATTERN, examples=["2024/25"]),
        "Decisions with money allocated in this financial year on a budget line they set.",
    ),
    _query(
        "min_value",
        _string(examples=["450000", "£1.8m"]),
        "Smallest value, in pounds (`1800000`, `1,800,000`, `£1,800,000` or `£1.8m`).",
    ),
    _query("max_value", _string(examples=["2000000"]), "Largest value, in pounds."),
    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "Page of 20 results."),
]


def _json_response(description: str, schema: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


OPENAPI_DOCUMENT: Schema = {
    "openapi": "3.1.0",
    "info": {
        "title": "Decision records open data API",
        "version": "1.0.0",
        "description": (
            "Published decisions (Part 1 only), newest signed first. The same data is "
            "available as an Atom feed at /decisions/feed/ and as CSV at "
            "/decisions/export/decisions.csv and /decisions/export/allocations.csv. "
            "Money is integer pence with a display string."
        ),
    },
    "servers": [{"url": "/"}],
    "paths": {
        "/api/decisions/": {
            "get": {
                "operationId": "listDecisions",
                "summary": "List published decisions",
                "parameters": LIST_PARAMETERS,
                "responses": {
                    "200": _json_response("A page of published decisions.", "DecisionList"),
                    "400": _json_response("A parameter is not valid.", "Errors"),
                },
            }
        },
        "/api/decisions/{slug}/": {
            "get": {
                "operationId": "getDecision",
                "summary": "One published decision",
                "parameters": [
                    {
                        "name": "slug",
                        "in": "path",
                        "required": True,
                        "schema": _string(pattern=r"^[a-z]{2,10}-\d{1,7}$"),
                        "description": "The reference in lower case with a hyphen: pcd-1620.",
                    }
                ],
                "responses": {
                    "200": _json_response("The decision.", "DecisionDetail"),
                    "404": _json_response("No published decision has this reference.", "Errors"),
                },
            }
        },
    },
    "components": {"schemas": SCHEMAS},
}
