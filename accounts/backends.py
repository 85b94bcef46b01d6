from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend


class ThrottledModelBackend(AxesStandaloneBackend, ModelBackend):
    """Django's own backend behind django-axes' lock-out check, as one backend.

    Axes documents two backends (its own, then ModelBackend); with two, Django's
    ``User.objects.with_perm`` refuses to guess which to ask and the homes that list
    who holds a role fail. One backend keeps both: a locked-out pair is refused
    (PermissionDenied, counted by axes) before any password is checked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        AxesStandaloneBackend.authenticate(
            self, request, username=username, password=password, **kwargs
        )
        return ModelBackend.authenticate(
            self, request, username=username, password=password, **kwargs
        )
