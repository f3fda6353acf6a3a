from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("applications/<int:pk>/", views.CaseDetailView.as_view(), name="application-detail"),
    path("rules-changes/", views.RulesChangeListView.as_view(), name="rules-changes"),
]
