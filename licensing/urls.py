from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from licensing import views

urlpatterns = [
    path("", views.LandingView.as_view(), name="landing"),
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    path("portal/", include("applicants.urls")),
    path("dashboard/", include("reviews.urls")),
    path("api/", include("licensing.api.urls")),
    path("admin/", admin.site.urls),
]
