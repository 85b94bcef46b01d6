from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from decisions.views.verify import verify, verify_certificate

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="decisions:list", permanent=False)),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    # Before work/: people, roles, rules and office holders (user administrators).
    path("work/people/", include("governance.urls")),
    path("work/integrity/", include("security.urls")),
    path("work/", include("decisions.urls_drafting")),
    # Open data first: its /decisions/feed/ and /decisions/export/ would otherwise be
    # taken for decision references by decisions/<slug>/.
    path("", include("opendata.urls")),
    # Public: is this PDF (or SHA-256) a document published here, and what is it now.
    path("verify/", verify, name="verify"),
    # Public: the root certificate our signatures chain to, for checking them offline.
    path("verify/organisation-root.pem", verify_certificate, name="verify_certificate"),
    # Checkpoints, and each decision's decisions/<slug>/inclusion.json.
    path("", include("transparency.urls")),
    path("decisions/", include("decisions.urls")),
    path("alerts/", include("alerts.urls")),
    path("", include("funding.urls")),
]

handler500 = "core.views.server_error"
