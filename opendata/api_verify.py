"""The document check in the API, /api/verify/: `GET ?sha256=` or `POST` a PDF as
multipart `file`; the same check, answer and words as /verify/ (decisions/verify_words.py),
throttled with it. Nothing uploaded is kept."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.security_log import client_address
from decisions import verify_words as words
from decisions.forms_verify import VerifyFileForm, sha256_clean
from decisions.selectors.verify import STATUSES, Verification, document_verify
from decisions.verify_throttle import check_allowed
from opendata.api import JsonOnly, PublicApiView, _errors

_URI_OR_NULL = {"type": ["string", "null"], "format": "uri"}


class TooManyChecks(exceptions.APIException):
    status_code = 429
    default_detail = words.TOO_MANY
    default_code = "too_many_checks"


class VerifiedDecisionSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="Like PCD 1620.")
    title = serializers.CharField(
        allow_null=True, help_text="Null for a withdrawn decision (its page shows none)."
    )
    url = serializers.URLField(help_text="The decision's page (410 once withdrawn).")


class ChangeSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(choices=["Amended by", "Superseded by"])
    reference = serializers.CharField()
    url = serializers.URLField()
    date = serializers.DateField(help_text="When the later decision was signed.")


class ArchivedSerializer(serializers.Serializer):
    brought_in_on = serializers.DateField(help_text="When it was brought into this system.")
    sealed = serializers.BooleanField(
        help_text="Its original is sealed with the organisation's detached signature."
    )


class SignatureSerializer(serializers.Serializer):
    present = serializers.BooleanField(help_text="The file has a digital signature.")
    valid = serializers.BooleanField(
        help_text="Intact, over the whole file, by a certificate of the organisation."
    )
    signer = serializers.CharField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)


class VerificationSerializer(serializers.Serializer):
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}$", help_text="Of the file, or as given.")
    status = serializers.ChoiceField(
        choices=list(STATUSES),
        help_text=(
            "published: the current published version of `decision`; withdrawn: it was "
            "published and has been withdrawn; not_published: not a document published "
            "here; unavailable: the decision's record cannot be checked at the moment."
        ),
    )
    summary = serializers.ListField(
        child=serializers.CharField(), help_text="The answer in words, as /verify/ says it."
    )
    decision = VerifiedDecisionSerializer(allow_null=True)
    changed_by = ChangeSerializer(many=True, help_text="Later decisions, oldest first.")
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawal_reason = serializers.CharField(allow_null=True)
    archived = ArchivedSerializer(allow_null=True)
    signature = SignatureSerializer(
        allow_null=True, help_text="Null for a SHA-256 alone: only a file can show one."
    )
    signed_for = VerifiedDecisionSerializer(
        allow_null=True,
        help_text=(
            "A file validly signed by the organisation for this published decision whose "
            "bytes are not the published ones (status not_published)."
        ),
    )

    class Meta:
        ref_name = "Verification"


def _decision(request: Request, decision, *, title: bool = True) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "reference": decision.reference,
        "title": decision.title if title else None,
        "url": request.build_absolute_uri(decision.get_absolute_url()),
    }


def verification_data(request: Request, verification: Verification) -> dict[str, Any]:
    signature = verification.signature
    withdrawn = verification.status == "withdrawn"
    return {
        "sha256": verification.sha256,
        "status": verification.status,
        "summary": words.answer(verification).text,
        "decision": _decision(request, verification.decision, title=not withdrawn),
        "changed_by": [
            {
                "relation": change.label,
                "reference": change.reference,
                "url": request.build_absolute_uri(change.url),
                "date": change.on.date().isoformat(),
            }
            for change in verification.changes
        ],
        "withdrawn_at": verification.withdrawn_at.isoformat() if withdrawn else None,
        "withdrawal_reason": verification.withdrawal_reason if withdrawn else None,
        "archived": (
            {
                "brought_in_on": verification.archived_on.isoformat(),
                "sealed": verification.archive_sealed,
            }
            if verification.archived
            else None
        ),
        "signature": (
            {
                "present": signature.present,
                "valid": signature.valid,
                "signer": signature.signer or None,
                "signed_at": signature.signed_at.isoformat() if signature.signed_at else None,
            }
            if signature is not None
            else None
        ),
        "signed_for": _decision(request, verification.signed_copy_of),
    }


class DocumentVerify(PublicApiView):
    parser_classes = [MultiPartParser]
    content_negotiation_class = JsonOnly
    http_method_names = ["get", "head", "post"]

    def _answer(self, request: Request, **given: Any) -> Response:
        if not check_allowed(client_address(request)):
            raise TooManyChecks()
        verification = document_verify(**given)
        return Response(verification_data(request, verification))

    @extend_schema(
        operation_id="verifyFingerprint",
        summary="Check a SHA-256 fingerprint",
        description=(
            "Whether a document with this SHA-256 was published here, and what it is now. "
            "A digital signature can only be checked on the file (POST)."
        ),
        parameters=[
            OpenApiParameter(
                "sha256",
                str,
                OpenApiParameter.QUERY,
                required=True,
                description="64 hexadecimal digits; spaces and capitals are accepted.",
            )
        ],
        responses={
            200: OpenApiResponse(VerificationSerializer, description="The answer."),
            400: _errors(words.SHA256_INVALID),
            429: _errors(words.TOO_MANY),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            sha256 = sha256_clean(request.query_params.get("sha256", ""))
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"sha256": error.messages}) from error
        return self._answer(request, sha256=sha256)

    @extend_schema(
        operation_id="verifyFile",
        summary="Check a PDF file",
        description=(
            f"Upload the PDF as multipart `file` (smaller than {words.UPLOAD_LIMIT_TEXT}): "
            "which decision it is, whether it is the published version, and whether its "
            "digital signature is valid. The file is not kept."
        ),
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses={
            200: OpenApiResponse(VerificationSerializer, description="The answer."),
            400: _errors(words.FILE_NOT_PDF),
            429: _errors(words.TOO_MANY),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = VerifyFileForm(request.data, request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError({"file": form.errors["file"]})
        return self._answer(request, content=form.cleaned_data["file"])
