from django.urls import path

from funding import views

app_name = "funding"
urlpatterns = [
    path("reports/financial-years/", views.public_financial_years, name="financial_years"),
    path(
        "reports/financial-years.csv",
        views.public_financial_years_csv,
        name="financial_years_csv",
    ),
    path("reports/envelopes/<slug:slug>/", views.public_envelope, name="envelope"),
    path("reports/envelopes/<slug:slug>.csv", views.public_envelope_csv, name="envelope_csv"),
    path(
        "work/reports/financial-years/",
        views.internal_financial_years,
        name="internal_financial_years",
    ),
    path(
        "work/reports/financial-years.csv",
        views.internal_financial_years_csv,
        name="internal_financial_years_csv",
    ),
    path("work/reports/envelopes/<slug:slug>/", views.internal_envelope, name="internal_envelope"),
    path(
        "work/reports/envelopes/<slug:slug>.csv",
        views.internal_envelope_csv,
        name="internal_envelope_csv",
    ),
]
