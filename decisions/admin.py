"""The records managers' back office. Content of a decision that is no longer a
draft is read-only here too, and cannot be added to: approved decisions, and those
on their way to approval, are frozen everywhere."""

import contextlib

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from core.admin import NoRevertAdmin, money_column, person_name, without_internal_fields
from core.errors import DomainError, Messages
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
from decisions.selectors.conversation import role_title
from decisions.services import decision_fields_save, decision_part_save
from decisions.workflow import event_action_choices, event_action_label


def frozen_message(decision: Decision) -> str:
    return (
        f"{decision.reference or 'This decision'} is "
        f"{decision.get_state_display().lower()}: its content can no longer change."
    )


class DraftContentAdmin(NoRevertAdmin):
    """A part of a decision's content: added or changed only while the decision is a
    draft, and saved as the drafting services save (decision_part_save: under the
    draft's row lock, a new version of it); never deleted."""

    # How a part names its decision: the first of these paths the object has, read
    # attribute by attribute (a paragraph through its section). Its first step is the
    # form field that chose the decision, beside which a refusal is said.
    owner_paths: tuple[str, ...] = ("decision", "section.decision", "source")

    def _owner(self, obj) -> tuple[str, Decision] | None:
        """(the field that names it, the decision) for a part; None for a decision's
        own row (its own admin saves it) or a part not yet given one."""
        if obj is None or isinstance(obj, Decision):
            return None
        for path in self.owner_paths:
            target = obj
            for attribute in path.split("."):
                target = getattr(target, attribute, None)
            if target is not None:
                return path.split(".")[0], target
        return None

    def owning_decision(self, obj) -> Decision | None:
        if isinstance(obj, Decision):
            return obj
        owner = self._owner(obj)
        return owner[1] if owner else None

    def has_change_permission(self, request, obj=None):
        decision = self.owning_decision(obj)
        if decision is not None and not decision.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        owner_of = self._owner

        class DraftOnlyForm(form):
            def _post_clean(self):
                super()._post_clean()
                if self._errors:  # (whose decision it is may be what is missing)
                    return
                owner = owner_of(self.instance)
                if owner is not None and not owner[1].is_editable:
                    field, decision = owner
                    # Beside the field that chose the decision, when the form has it.
                    self.add_error(
                        field if field in self.fields else None, frozen_message(decision)
                    )

        return DraftOnlyForm

    def save_model(self, request, obj, form, change):
        owner = self._owner(obj)
        if owner is None:
            return super().save_model(request, obj, form, change)
        decision = owner[1]
        if change and not form.has_changed():
            return None  # nothing to write
        verb = "changed" if change else "added"
        reason = f"{obj._meta.verbose_name.capitalize()} {verb} in the back office"
        with _no_longer_a_draft_refused():
            decision_part_save(user=request.user, decision=decision, part=obj, reason=reason)
        return None


@contextlib.contextmanager
def _no_longer_a_draft_refused():
    """The decision stopped being a draft since the form was checked: refused (403,
    saying so), nothing written."""
    try:
        yield
    except DomainError as error:
        if error.template != Messages.NOT_EDITABLE:
            raise
        raise PermissionDenied(error.message) from error


class DecisionContentAdmin(DraftContentAdmin):
    def get_exclude(self, request, obj=None):
        return without_internal_fields(self.model, super().get_exclude(request, obj))


class FrozenInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def get_exclude(self, request, obj=None):
        return without_internal_fields(self.model, super().get_exclude(request, obj))

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

    def get_fields(self, request, obj=None):
        """Read-only, the confirmer's stored name says who confirmed: not their username."""
        fields = list(super().get_fields(request, obj))
        if not self.has_change_permission(request, obj) and "confirmed_by_name" in fields:
            fields.remove("confirmed_by")
        return fields


class SignOffInline(admin.StackedInline):
    model = SignOff
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# What decides who approves, and which reference comes next: changed only through
# governance's two-person flow, so read-only here for everyone, superusers included.
DECISION_TYPE_RULE_FIELDS = (
    "code",
    "final_approver",
    "approver_title",
    "approver_short_title",
    "delegation_limit_pence",
    "last_number",
)


@admin.register(DecisionType)
class DecisionTypeAdmin(NoRevertAdmin):
    list_display = (
        "code",
        "name",
        "final_approver",
        money_column("delegation_limit_pence", "Delegation limit", empty="No limit"),
        "last_number",
    )
    readonly_fields = DECISION_TYPE_RULE_FIELDS

    def has_add_permission(self, request):
        # A new type is a new approver rule: reference data (decisions/setup) adds them.
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old version would rewrite the rules (rewind last_number).
        if request.method == "POST":
            raise PermissionDenied(
                "A decision type's rules change only through a user administrator."
            )
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(DecisionContentAdmin):
    list_display = ("__str__", "state", "drafted_by_name", "approved_at")
    list_select_related = ("decision_type", "drafted_by")
    list_filter = ("state", "decision_type", "deferred", "has_part2")
    search_fields = ("title", "reference_number")
    readonly_fields = (
        "state",
        "reference_number",
        "approved_at",
        "created_at",
        "drafted_by_name",
        "shared_with_names",
    )
    raw_id_fields = ("drafted_by",)
    filter_horizontal = ("shared_with",)

    @admin.display(description="Drafted by", ordering="drafted_by__last_name")
    def drafted_by_name(self, obj: Decision) -> str:
        return person_name(obj.drafted_by)

    @admin.display(description="Shared with")
    def shared_with_names(self, obj: Decision) -> str:
        return ", ".join(person_name(user) for user in obj.shared_with.all()) or "Nobody"

    def get_fields(self, request, obj=None):
        """People by their names: someone who may change the decision picks them in
        the form's boxes; anyone else reads their names, never their usernames."""
        fields = list(super().get_fields(request, obj))
        editable = self.has_change_permission(request, obj)
        shown_as = {"drafted_by": "drafted_by_name", "shared_with": "shared_with_names"}
        for field, name in shown_as.items():
            drop = name if editable else field
            if drop in fields:
                fields.remove(drop)
            if not editable and field in fields:
                fields[fields.index(field)] = name
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "shared_with" and field is not None:
            field.label_from_instance = person_name
        return field

    def save_model(self, request, obj, form, change):
        """A change (or a version from the history put back): the row locked and still
        a draft, only the form's own fields taken from what was posted, never its
        state, reference, times or version; a new version of it. Its inlines, saved
        next in the same transaction, are under the same lock."""
        if not change:
            return super().save_model(request, obj, form, change)
        columns = {field.name for field in Decision._meta.concrete_fields}
        with _no_longer_a_draft_refused():
            decision_fields_save(
                user=request.user,
                decision=obj,
                fields=[name for name in form.fields if name in columns],
                reason="Changed in the back office",
            )
        return None

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


class EventActionFilter(admin.SimpleListFilter):
    """The log's actions in words ("Submitted"), not the codes it stores ("submit")."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        present = set(model_admin.get_queryset(request).values_list("action", flat=True))
        return [(code, words) for code, words in event_action_choices() if code in present]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(action=self.value())
        return queryset


@admin.register(DecisionEvent)
class DecisionEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The event log is append-only: it can be read, never written, here."""

    list_display = (
        "decision",
        "action_label",
        "from_state",
        "to_state",
        "actor_name",
        "created_at",
    )
    list_filter = (EventActionFilter, "to_state")
    # The stored name and role title, never the username or the role's code.
    fields = (
        "decision",
        "action_label",
        "from_state",
        "to_state",
        "actor_name",
        "actor_role_title",
        "comment",
        "content_digest",
        "created_at",
    )
    readonly_fields = ("action_label", "actor_role_title")

    @admin.display(description="Role")
    def actor_role_title(self, obj: DecisionEvent) -> str:
        return role_title(obj.actor_role)

    @admin.display(description="Action", ordering="action")
    def action_label(self, obj: DecisionEvent) -> str:
        return event_action_label(obj.action)


@admin.register(PublishedDocument)
class PublishedDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("decision", "sha256", "size_bytes", "created_at")
