from django.urls import path

from transparency import views

app_name = "transparency"

urlpatterns = [
    path("transparency/", views.transparency_index, name="index"),
    path("transparency.json", views.transparency_json, name="json"),
    path(
        "transparency/checkpoints/<int:sequence>.json",
        views.checkpoint_json,
        name="checkpoint",
    ),
    path("transparency/proof.json", views.proof_json, name="proof"),
    # Before decisions/<slug>/: a published decision's inclusion proof.
    path("decisions/<slug:slug>/inclusion.json", views.inclusion_json, name="inclusion"),
]
