from django.urls import path

from applicants import views

app_name = "applicants"
urlpatterns = [
    path("", views.ApplicationListView.as_view(), name="application-list"),
    path("licence-check/", views.LicenceCheckView.as_view(), name="licence-check"),
    path(
        "applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"
    ),
]
