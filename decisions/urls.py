from django.urls import path

from decisions.views import public as views

app_name = "decisions"
urlpatterns = [
    path("", views.decision_list, name="list"),
    path("<slug:slug>/", views.decision_detail, name="detail"),
    path("<slug:slug>/pdf/", views.decision_pdf, name="pdf"),
    path("<slug:slug>/pdf/seal/", views.decision_seal, name="seal"),
    path("<slug:slug>/appendices/<int:position>/", views.decision_appendix, name="appendix"),
]
