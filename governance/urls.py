from django.urls import path

from governance import views

app_name = "governance"
urlpatterns = [
    path("", views.people, name="people"),
    path("<int:pk>/", views.person, name="person"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.change, name="change"),
    path("office-holders/", views.office_holders, name="office_holders"),
    path("office-holders/<int:pk>/end/", views.office_holder_end, name="office_holder_end"),
    path("decision-types/", views.decision_types, name="decision_types"),
    path("decision-types/<str:code>/", views.decision_type, name="decision_type"),
    path("audit/", views.audit, name="audit"),
]
