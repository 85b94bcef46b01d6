"""django-tasks-db's app, named in the back office as its readers know it (not "Tasks
Database Backend"). In a module of its own: core/apps.py must hold core's one
AppConfig, which Django finds by being the only one there."""

from django_tasks_db.apps import TasksAppConfig


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = "Background tasks"
