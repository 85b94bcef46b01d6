"""Background tasks in the back office: every queued, running, done and failed task
with its traceback (django-tasks-db's own admin), and "Queue again" for failed ones."""

from __future__ import annotations

from django.contrib import admin, messages
from django_tasks.base import TaskResultStatus
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from core.tasks import task_retry

# Each task, as the people reading the back office know what it does.
TASK_WORDS = {
    "transition_email_send": "Email about a workflow step",
    "email_send": "Email",
    "checkpoint_after_approval": "Transparency checkpoint after an approval",
    "archive_import_run": "Import of an archived record",
}


class TaskResultAdmin(DBTaskResultAdmin):
    actions = ["queue_again"]
    list_display = tuple(
        "task_in_words" if name == "task_name" else name for name in DBTaskResultAdmin.list_display
    )

    @admin.display(description="Task", ordering="task_path")
    def task_in_words(self, obj) -> str:
        name = obj.task_path.rsplit(".", 1)[-1]
        return TASK_WORDS.get(name, name.replace("_", " ").capitalize())

    def has_queue_again_permission(self, request) -> bool:
        return request.user.has_perm("django_tasks_database.view_dbtaskresult")

    @admin.action(description="Queue the selected failed tasks again", permissions=["queue_again"])
    def queue_again(self, request, queryset) -> None:
        failed = list(queryset.filter(status=TaskResultStatus.FAILED))
        for result in failed:
            task_retry(result=result)
        skipped = queryset.count() - len(failed)
        self.message_user(request, f"{len(failed)} failed task(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} task(s) not queued: only failed tasks can be.",
                messages.WARNING,
            )


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
