"""What the JSON API accepts (query parameters) and returns, as DRF serialisers.

drf-spectacular generates the OpenAPI document from these classes, so the
document cannot drift from the responses; tests/test_open_data.py validates real
responses against it with jsonschema. Every text is plain text, Part 1 only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.validators import RegexValidator
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.errors import DomainError
from core.financial_years import parse_financial_year
from core.money import format_money, parse_money
from core.text import plain_text
from decisions.models import INVERSE_LINK_LABELS, Decision, DecisionType, LinkKind
from decisions.selectors import decision_public_links, decision_sign_off
from funding.models import Allocation, ProcurementRoute
from funding.selectors import (
    decision_budget_lines,
    line_allocations_approved,
    line_approved_pence,
)
from opendata.selectors import signed_on

KEYWORD_MAX_LENGTH = 200
FINANCIAL_YEAR_PATTERN = r"^\d{4}/\d{2}$"
SLUG_PATTERN = r"^[a-z]{2,10}-\d{1,7}$"

# --- Query parameters of the list ----------------------------------------------------


class _DomainValueField(serializers.Field):
    """Text parsed by the domain's own parser, so the API accepts what the forms do."""

    parse: Callable[[str], int]
    max_length = 30

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> int | None:
        text = str(data).strip()
        if len(text) > self.max_length:
            raise serializers.ValidationError(f"Enter at most {self.max_length} characters.")
        if not text:
            return None
        try:
            return type(self).parse(text)
        except DomainError as error:
            raise serializers.ValidationError(error.message) from error


@extend_schema_field({"type": "string", "maxLength": 30, "examples": ["2024/25"]})
class FinancialYearParameter(_DomainValueField):
    parse = staticmethod(parse_financial_year)


@extend_schema_field({"type": "string", "maxLength": 30, "examples": ["450000", "£1.8m"]})
class PoundsParameter(_DomainValueField):
    parse = staticmethod(parse_money)


class DecisionFilters(serializers.Serializer):
    """The filters of the API list: invalid values become a 400, never a 500."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=KEYWORD_MAX_LENGTH,
        help_text="Keyword: matches words in the title or executive summary.",
    )
    year = serializers.IntegerField(
        required=False, min_value=1900, max_value=2100, help_text="Year signed."
    )
    type = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text="Decision type code."
    )
    financial_year = FinancialYearParameter(
        help_text="Decisions with money allocated in this financial year (like 2024/25) "
        "on a budget line they set.",
    )
    min_value = PoundsParameter(
        help_text="Smallest value, in pounds (`1800000`, `1,800,000`, `£1,800,000` or `£1.8m`).",
    )
    max_value = PoundsParameter(help_text="Largest value, in pounds.")
    page = serializers.IntegerField(
        required=False, min_value=1, default=1, help_text="Page of 20 results."
    )

    def validate_type(self, value: str) -> str:
        code = value.strip().upper()
        if not code:
            return ""
        codes = list(DecisionType.objects.order_by("code").values_list("code", flat=True))
        if code not in codes:
            raise serializers.ValidationError(f"Use a decision type code: {' or '.join(codes)}.")
        return code

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"max_value": ["The maximum value must be at least the minimum value."]}
            )
        return data


# --- Responses --------------------------------------------------------------------------


class ErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by parameter name.",
    )

    class Meta:
        ref_name = "Errors"


class MoneySerializer(serializers.Serializer):
    """An amount of money: integer pence and its display in pounds."""

    pence = serializers.IntegerField(min_value=0)
    display = serializers.CharField(help_text="Formatted in pounds, like £450,000.")

    def to_representation(self, pence: int) -> dict[str, Any]:
        return {"pence": pence, "display": format_money(pence)}


class PlainTextField(serializers.CharField):
    """Stored Markdown, given as plain text."""

    def to_representation(self, value: str) -> str:
        return plain_text(value)


class AbsoluteUrlField(serializers.URLField):
    """The absolute address of `url_of(object)` on this site."""

    def __init__(self, url_of: Callable[[Any], str], **kwargs: Any) -> None:
        self.url_of = url_of
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return self.context["request"].build_absolute_uri(self.url_of(value))


def _api_url(decision: Decision) -> str:
    return reverse("open_data:api_detail", args=[decision.slug])


class DecisionTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecisionType
        fields = ["code", "name"]
        extra_kwargs = {"code": {"help_text": "The reference prefix, like PCD."}}


class DecisionSummarySerializer(serializers.Serializer):
    """A published decision. `value` is what it commits: its own budget envelope plus
    any money it moves to new budget lines."""

    reference = serializers.CharField(help_text="The reference code, like PCD 1620.")
    slug = serializers.CharField(help_text="The reference as used in URLs, like pcd-1620.")
    title = serializers.CharField()
    type = DecisionTypeSerializer(source="decision_type")
    url = AbsoluteUrlField(Decision.get_absolute_url, help_text="The decision's public page.")
    api_url = AbsoluteUrlField(_api_url, help_text="This decision in the API.")
    date_signed = serializers.SerializerMethodField()
    date_published = serializers.SerializerMethodField()
    archived = serializers.SerializerMethodField()
    value = MoneySerializer(source="value_pence")

    class Meta:
        ref_name = "DecisionSummary"

    @extend_schema_field(
        serializers.DateField(
            allow_null=True,
            help_text="The date the final approver signed it; null for an archived record "
            "whose date signed is not recorded.",
        )
    )
    def get_date_signed(self, decision: Decision) -> str | None:
        if archive := decision.archive:
            return archive.date_signed.isoformat() if archive.date_signed else None
        return signed_on(decision).isoformat()

    @extend_schema_field(
        serializers.DateField(
            allow_null=True,
            help_text="The later of the date signed and the end of any deferral; for an "
            "archived record, the date it was published (null if not recorded).",
        )
    )
    def get_date_published(self, decision: Decision) -> str | None:
        if archive := decision.archive:
            return archive.date_published.isoformat() if archive.date_published else None
        return decision.published_on.isoformat()

    @extend_schema_field(
        serializers.BooleanField(
            help_text="An archived record: a decision taken before this system, kept as "
            "published, its signed original the PDF."
        )
    )
    def get_archived(self, decision: Decision) -> bool:
        return decision.archive is not None


class SignerSerializer(serializers.Serializer):
    name = serializers.CharField(allow_null=True, help_text="Who signed the decision.")
    title = serializers.CharField(allow_null=True, help_text="In what capacity.")
    as_published = serializers.CharField(
        allow_null=True,
        help_text='An archived record\'s "Decision by", exactly as published (name and '
        "title in the wording of the time); null for other decisions.",
    )

    def to_representation(self, decision: Decision) -> dict[str, str | None]:
        if archive := decision.archive:
            return {"name": None, "title": None, "as_published": archive.decision_by}
        sign_off = decision_sign_off(decision, decision.decision_type.final_approver)
        if sign_off is None:  # imported records may lack a signature row
            title = decision.decision_type.approver_title
            return {"name": None, "title": title, "as_published": None}
        return {"name": sign_off.signer_name, "title": sign_off.signer_title, "as_published": None}


class RecommendationSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="position", min_value=1)
    text = PlainTextField()


class ParagraphSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="Section and paragraph, like 2.1.")
    text = PlainTextField()


class SectionSerializer(serializers.Serializer):
    """One of the nine numbered Part 1 sections of the form."""

    number = serializers.IntegerField(source="kind", min_value=1, max_value=9)
    heading = serializers.CharField()
    paragraphs = ParagraphSerializer(many=True, source="paragraphs.all")


class AllocationSerializer(serializers.Serializer):
    financial_year = serializers.CharField(
        source="financial_year_label",
        validators=[RegexValidator(FINANCIAL_YEAR_PATTERN)],
        help_text="UK financial year, April to March, like 2024/25.",
    )
    amount = MoneySerializer(source="amount_pence")


class BudgetLineSerializer(serializers.Serializer):
    """A budget line the decision set, at the amount the decision approved."""

    route = serializers.ChoiceField(
        choices=ProcurementRoute.choices, help_text="The procurement route."
    )
    route_label = serializers.CharField(source="get_route_display")
    amount = MoneySerializer(source="approved_pence")
    allocations = AllocationSerializer(many=True, source="approved_allocations")


class BudgetSerializer(serializers.Serializer):
    """The lines the decision set, at the amounts it approved (later amendments that
    move money out of a line do not change what this decision signed)."""

    lines = BudgetLineSerializer(many=True)
    total = MoneySerializer()

    def to_representation(self, decision: Decision) -> dict[str, Any]:
        lines = decision_budget_lines(decision)
        for line in lines:
            # As the decision approved them: later moves do not change what it signed.
            line.approved_pence = line_approved_pence(line)
            line.approved_allocations = [
                Allocation(line=line, financial_year=year, amount_pence=pence)
                for year, pence in line_allocations_approved(line)
            ]
        total = sum(line.approved_pence for line in lines)
        return super().to_representation({"lines": lines, "total": total})


LINK_RELATIONS = sorted({*LinkKind.labels, *map(str, INVERSE_LINK_LABELS.values())})


class LinkSerializer(serializers.Serializer):
    """A link to or from another published decision."""

    relation = serializers.ChoiceField(
        source="label",
        choices=[(label, label) for label in LINK_RELATIONS],
        help_text="How this decision relates to the linked one.",
    )
    reference = serializers.CharField(source="decision.reference")
    url = AbsoluteUrlField(lambda link: link.decision.get_absolute_url())
    api_url = AbsoluteUrlField(lambda link: _api_url(link.decision))
    description = serializers.CharField()


class AppendixSerializer(serializers.Serializer):
    """A published appendix."""

    title = serializers.CharField()


class PublishedPdfSerializer(serializers.Serializer):
    url = AbsoluteUrlField(
        lambda document: reverse("decisions:pdf", args=[document.decision.slug]),
        help_text="The PDF as rendered at approval (an archived record's: its signed original).",
    )
    size_bytes = serializers.IntegerField(min_value=1)
    sha256 = serializers.CharField(
        validators=[RegexValidator("^[0-9a-f]{64}$")], help_text="SHA-256 of the PDF's bytes, hex."
    )


class DecisionDetailSerializer(DecisionSummarySerializer):
    """A published decision's Part 1 record. All text is plain text."""

    decision_by = SignerSerializer(source="*")
    executive_summary = PlainTextField()
    recommendations = RecommendationSerializer(many=True, source="recommendations.all")
    sections = SectionSerializer(many=True, source="sections.all")
    budget = BudgetSerializer(source="*")
    links = serializers.SerializerMethodField()
    appendices = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()

    class Meta:
        ref_name = "DecisionDetail"

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, decision: Decision) -> list[dict[str, Any]]:
        links = decision_public_links(decision)
        return LinkSerializer(links, many=True, context=self.context).data

    @extend_schema_field(AppendixSerializer(many=True))
    def get_appendices(self, decision: Decision) -> list[dict[str, Any]]:
        published = [a for a in decision.appendices.all() if a.published]
        return AppendixSerializer(published, many=True).data

    @extend_schema_field(
        PublishedPdfSerializer(allow_null=True, help_text="The published PDF, or null.")
    )
    def get_pdf(self, decision: Decision) -> dict[str, Any] | None:
        """Where the published PDF is, its size and its SHA-256 (to check a copy)."""
        document = getattr(decision, "published_document", None)
        if document is None:
            return None
        return PublishedPdfSerializer(document, context=self.context).data
