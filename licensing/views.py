from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView

from licensing import notifications, permissions, selectors
from licensing.models import Notification


class LandingView(TemplateView):
    template_name = "licensing/landing.html"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the surface they work in."""
    if permissions.is_reviewer(request.user):
        return redirect("reviews:queue")
    return redirect("applicants:application-list")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


class NotificationListView(LoginRequiredMixin, ListView):  # type: ignore[type-arg]
    template_name = "licensing/notifications.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Notification]:
        return selectors.notifications_for(self.request.user)


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark every notification of the reader's read."""
    count = notifications.mark_read(request.user)
    messages.success(request, f"{count} notification(s) marked read.")
    return redirect("notifications")
