"""The records managers' back office. Content of a decision that is no longer a
draft is read-only here too: approved decisions are frozen everywhere."""

from django.contrib import admin

from core.admin import NoRevertAdmin
from decisions import policy
from decisions.models import (
    Appendix,
    Decision,
    DecisionEvent,
    DecisionLink,
    DecisionType,
    OfficerDeclaration,
    Paragraph,
    Part2,
    PublishedDocument,
    Recommendation,
    Section,
    SignOff,
    SignOffWording,
)


def decision_of(obj) -> Decision | None:
    """The decision an admin object belongs to (for the frozen-content rule)."""
    if obj is None:
        return None
    if isinstance(obj, Decision):
        return obj
    if isinstance(obj, Paragraph):
        return obj.section.decision
    if isinstance(obj, DecisionLink):
        return obj.source
    return getattr(obj, "decision", None)


class DecisionContentAdmin(NoRevertAdmin):
    """Change only while the owning decision is a draft; never delete."""

    def has_change_permission(self, request, obj=None):
        decision = decision_of(obj)
        if decision is not None and not decision.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class FrozenInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class RecommendationInline(FrozenInline):
    model = Recommendation


class DecisionLinkInline(FrozenInline):
    model = DecisionLink
    fk_name = "source"
    raw_id_fields = ("target",)


class AppendixInline(FrozenInline):
    model = Appendix


class DeclarationInline(FrozenInline):
    model = OfficerDeclaration
    raw_id_fields = ("confirmed_by",)


class SignOffInline(admin.StackedInline):
    model = SignOff
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DecisionType)
class DecisionTypeAdmin(NoRevertAdmin):
    list_display = ("code", "name", "final_approver", "delegation_limit_pence", "last_number")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(DecisionContentAdmin):
    list_display = ("__str__", "state", "drafted_by", "approved_at")
    list_filter = ("state", "decision_type", "deferred", "has_part2")
    search_fields = ("title", "reference_number")
    readonly_fields = ("state", "reference_number", "approved_at", "version", "created_at")
    raw_id_fields = ("drafted_by",)
    filter_horizontal = ("shared_with",)
    inlines = [
        RecommendationInline,
        DecisionLinkInline,
        AppendixInline,
        DeclarationInline,
        SignOffInline,
    ]


@admin.register(Section)
class SectionAdmin(DecisionContentAdmin):
    list_display = ("__str__", "decision")
    list_select_related = ("decision__decision_type",)

    class ParagraphInline(FrozenInline):
        model = Paragraph

        def has_change_permission(self, request, obj=None):
            return (obj is None or obj.decision.is_editable) and super(
                FrozenInline, self
            ).has_change_permission(request, obj)

        def has_add_permission(self, request, obj=None):
            return (obj is None or obj.decision.is_editable) and super(
                FrozenInline, self
            ).has_add_permission(request, obj)

    inlines = [ParagraphInline]


@admin.register(Paragraph)
class ParagraphAdmin(DecisionContentAdmin):
    list_display = ("__str__", "section")


@admin.register(Recommendation, DecisionLink, Appendix, OfficerDeclaration)
class DecisionPartAdmin(DecisionContentAdmin):
    pass


@admin.register(Part2)
class Part2Admin(DecisionContentAdmin):
    """Confidential: only users holding the Part 2 permission see it at all."""

    def _may_read(self, request) -> bool:
        return policy.can_view_part2(request.user)

    def has_module_permission(self, request):
        return self._may_read(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._may_read(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_read(request) and super().has_change_permission(request, obj)


class ReadOnlyAdminMixin:
    """Records written only by the workflow: readable here, never written."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdminMixin, NoRevertAdmin):
    list_display = ("decision", "role", "signer_name", "signed_at")


@admin.register(SignOffWording)
class SignOffWordingAdmin(ReadOnlyAdminMixin, NoRevertAdmin):
    """What each signer signs, per decision type and role (set by reference data)."""

    list_display = ("decision_type", "role", "approval_line", "records_interests")


@admin.register(DecisionEvent)
class DecisionEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The event log is append-only: it can be read, never written, here."""

    list_display = ("decision", "action", "from_state", "to_state", "actor_name", "created_at")
    list_filter = ("action", "to_state")


@admin.register(PublishedDocument)
class PublishedDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("decision", "sha256", "size_bytes", "created_at")
