"""The applicant portal: an organisation's applications (it grows in the portal issue)."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.views.generic import DetailView, ListView

from licensing import selectors
from licensing.models import Application


class ApplicationListView(LoginRequiredMixin, ListView):
    template_name = "applicants/application_list.html"
    context_object_name = "applications"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Application]:
        return selectors.applications_for(self.request.user)


class ApplicationDetailView(LoginRequiredMixin, DetailView):
    template_name = "applicants/application_detail.html"
    context_object_name = "application"

    def get_object(self, queryset: QuerySet[Application] | None = None) -> Application:
        return selectors.get_application_for(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | selectors.case_file(self.object)
