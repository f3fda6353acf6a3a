"""The applicant portal: an organisation's applications (it grows in the portal issue)."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.views.generic import DetailView, FormView, ListView

from applicants.forms import LicenceCheckForm
from licensing import requirements, selectors
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


class LicenceCheckView(LoginRequiredMixin, FormView):  # type: ignore[type-arg]
    """Does an export need a licence? The same service answers the API."""

    template_name = "applicants/licence_check.html"
    form_class = LicenceCheckForm

    def form_valid(self, form: LicenceCheckForm) -> HttpResponse:
        data = form.cleaned_data
        line = requirements.LineQuery(
            item_code=data["item_code"].code if data["item_code"] else "",
            hs_code=data["hs_code"],
            description=data["description"],
            foreign_made=data["foreign_made"],
            chinese_content_value=data["chinese_content_value"],
            product_value=data["product_value"],
        )
        try:
            answers = requirements.check_licence_requirement(
                [line], export_date=data["export_date"]
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                field = name.split(".", 1)[-1]
                form.add_error(field if field in form.fields else None, messages)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, answer=answers[0]))
