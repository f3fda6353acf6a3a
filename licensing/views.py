from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from licensing import permissions


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
