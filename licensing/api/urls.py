"""/api/v1/… resources, the OpenAPI schema at /api/schema/ and the docs at /api/docs/."""

from typing import Any

from django.urls import path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from licensing.api import views
from licensing.api.base import Api

app_name = "api"


class NotFoundApi(Api):
    """Any other path under /api/: a 404 in the problem shape, not an HTML page."""

    permission_classes = []
    authentication_classes = []

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.NotFound("No such API resource.")

    post = put = patch = delete = get


app = "applications/<int:pk>"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("v1/organisation/", views.OrganisationDetailApi.as_view(), name="organisation-detail"),
    path("v1/api-keys/", views.ApiKeyListApi.as_view(), name="api-key-list"),
    path("v1/api-keys/<int:pk>/", views.ApiKeyRevokeApi.as_view(), name="api-key-revoke"),
    path("v1/control-list/", views.ControlListApi.as_view(), name="control-list"),
    path("v1/measures/", views.MeasureListApi.as_view(), name="measure-list"),
    path(
        "v1/licence-requirement/",
        views.LicenceRequirementApi.as_view(),
        name="licence-requirement",
    ),
    path("v1/calendar/due-date/", views.DueDateApi.as_view(), name="calendar-due-date"),
    path("v1/applications/", views.ApplicationListApi.as_view(), name="application-list"),
    path(f"v1/{app}/", views.ApplicationDetailApi.as_view(), name="application-detail"),
    path(f"v1/{app}/lines/", views.ApplicationLineListApi.as_view(), name="line-list"),
    path(
        f"v1/{app}/lines/<int:line_pk>/",
        views.ApplicationLineDeleteApi.as_view(),
        name="line-delete",
    ),
    path(f"v1/{app}/parties/", views.ApplicationPartyListApi.as_view(), name="party-list"),
    path(
        f"v1/{app}/parties/<int:party_pk>/",
        views.ApplicationPartyDeleteApi.as_view(),
        name="party-delete",
    ),
    path(f"v1/{app}/end-use/", views.ApplicationEndUseApi.as_view(), name="end-use"),
    path(f"v1/{app}/documents/", views.ApplicationDocumentListApi.as_view(), name="document-list"),
    path(
        f"v1/{app}/documents/<int:document_pk>/",
        views.ApplicationDocumentDeleteApi.as_view(),
        name="document-delete",
    ),
    path(f"v1/{app}/events/", views.ApplicationEventListApi.as_view(), name="event-list"),
    path(
        f"v1/{app}/information-requests/",
        views.ApplicationInformationRequestListApi.as_view(),
        name="information-request-list",
    ),
    path(f"v1/{app}/clock/", views.ApplicationClockApi.as_view(), name="clock"),
    path(
        f"v1/{app}/screening-flags/",
        views.ApplicationScreeningFlagListApi.as_view(),
        name="screening-flag-list",
    ),
    *(
        path(f"v1/{app}/{name}/", view.as_view(), name=f"application-{name}")
        for name, view in (
            ("submit", views.ApplicationSubmitApi),
            ("withdraw", views.ApplicationWithdrawApi),
            ("resubmit", views.ApplicationResubmitApi),
            ("answer", views.ApplicationAnswerApi),
            ("claim", views.ApplicationClaimApi),
            ("accept", views.ApplicationAcceptApi),
            ("deficiency-notice", views.ApplicationDeficiencyNoticeApi),
            ("pause", views.ApplicationPauseApi),
            ("resume", views.ApplicationResumeApi),
            ("recommend", views.ApplicationRecommendApi),
            ("countersign", views.ApplicationCountersignApi),
            ("refer", views.ApplicationReferApi),
        )
    ),
    path("v1/queue/", views.QueueApi.as_view(), name="queue"),
    path("v1/licences/", views.LicenceListApi.as_view(), name="licence-list"),
    path("v1/licences/<int:pk>/", views.LicenceDetailApi.as_view(), name="licence-detail"),
    path("v1/webhooks/", views.WebhookEndpointListApi.as_view(), name="webhook-list"),
    path("v1/webhooks/<int:pk>/", views.WebhookEndpointDetailApi.as_view(), name="webhook-detail"),
    path(
        "v1/webhooks/<int:pk>/deliveries/",
        views.WebhookDeliveryListApi.as_view(),
        name="webhook-delivery-list",
    ),
    re_path(r"^.*$", NotFoundApi.as_view(), name="not-found"),
]
