"""Deployment checks of the site's identity settings (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def contact_settings(app_configs, **kwargs) -> list[Warning]:
    problems = []
    if not (settings.CONTACT_URL or settings.CONTACT_EMAIL):
        problems.append(
            Warning(
                "Neither CONTACT_URL nor CONTACT_EMAIL is set: the footer has no Contact link.",
                id="core.W001",
            )
        )
    if not settings.ACCESSIBILITY_CONTACT:
        problems.append(
            Warning(
                "ACCESSIBILITY_CONTACT is not set: the accessibility statement names no address.",
                id="core.W002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def signing_settings(app_configs, **kwargs) -> list[Error]:
    """Published PDFs are signed at approval: without an identity, approval fails."""
    from core import signing

    if signing.is_configured():
        return []
    return [
        Error(
            "No signing identity: set SIGNING_PKCS12 (and SIGNING_PKCS12_PASSPHRASE), or "
            "SIGNING_KEY and SIGNING_CERT; published PDFs are signed at approval.",
            id="core.E001",
        )
    ]
