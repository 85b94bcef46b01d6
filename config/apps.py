from django.contrib.admin.apps import AdminConfig


class BackOfficeAdminConfig(AdminConfig):
    """django.contrib.admin with the product's own site (config/admin_site.py): every
    ``admin.site.register`` lands on it."""

    default_site = "config.admin_site.BackOfficeSite"
