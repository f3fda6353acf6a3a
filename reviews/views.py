"""The reviewer dashboard: the work queue and the case (it grows in the dashboard issue)."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.db.models import QuerySet
from django.views.generic import DetailView, ListView

from licensing import permissions, selectors
from licensing.models import Application, RulesCheck


class ReviewerRequired(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self) -> bool:
        return permissions.is_reviewer(self.request.user)  # type: ignore[attr-defined]


class QueueView(ReviewerRequired, ListView):
    template_name = "reviews/queue.html"
    context_object_name = "applications"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Application]:
        return selectors.review_queue(self.request.user)


class CaseDetailView(ReviewerRequired, DetailView):
    template_name = "applicants/application_detail.html"
    context_object_name = "application"

    def get_object(self, queryset: QuerySet[Application] | None = None) -> Application:
        return selectors.get_application_for(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | selectors.case_file(self.object)


class RulesChangeListView(ReviewerRequired, ListView):
    """Each change of the rules in force: what changed, how many cases were screened again,
    and the issued licences whose items changed status (for a supervisor to review)."""

    template_name = "reviews/rules_changes.html"
    context_object_name = "checks"
    paginate_by = 20

    def get_queryset(self) -> QuerySet[RulesCheck]:
        return selectors.rules_changes()
