from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """An expired or missing form token: a plain explanation, not Django's debug page."""
    return render(request, "403_csrf.html", status=403)
