"""What every back-office page of audited records shares."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from simple_history.admin import SimpleHistoryAdmin


class NoRevertAdmin(SimpleHistoryAdmin):
    """simple-history saves a posted "revert" form for anyone who may view the history:
    only someone who may change the object may revert it."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = get_object_or_404(self.model, pk=object_id)
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
