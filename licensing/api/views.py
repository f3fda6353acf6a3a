"""The REST API: each view authenticates, loads through a scoped selector, validates with an
input serializer, calls exactly one service, and renders (STYLE.md D). Errors become problem
details in licensing.api.errors."""

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from licensing import calendar, permissions, requirements, rules, selectors, services
from licensing.api import serializers as s
from licensing.api.auth import api_key_of
from licensing.api.base import (
    Api,
    ListApi,
    acting_organisation,
    applications,
    caller_organisations,
    get_application,
    get_child,
    if_match,
    if_match_version,
    with_etag,
)
from licensing.models import (
    ApiKey,
    Application,
    ApplicationLine,
    ControlledItem,
    EndUseDeclaration,
    Licence,
    Membership,
    Provision,
    WebhookDelivery,
    WebhookEndpoint,
)
from licensing.workflow import Status

FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
FIRST_INSTANT = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
LAST_INSTANT = dt.datetime(2099, 12, 31, tzinfo=dt.UTC)


def validated(serializer_class: type[BaseSerializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def application_response(application: Application, code: int = status.HTTP_200_OK) -> Response:
    application = Application.objects.prefetch_related("lines__item", "parties", "documents").get(
        pk=application.pk
    )
    return with_etag(Response(s.ApplicationDetailOut(application).data, status=code), application)


def _at(request: Request) -> dt.datetime:
    at: dt.datetime = (
        validated(s.AtQuery, {k: v for k, v in request.query_params.items() if k == "at"}).get("at")
        or timezone.now()
    )
    if not FIRST_INSTANT <= at <= LAST_INSTANT:
        raise exceptions.ValidationError({"at": ["Give an instant between 1990 and 2099."]})
    return at


AT = OpenApiParameter("at", OpenApiTypes.DATETIME, description="ISO 8601 instant; default now.")


# --- the caller, reference data and calculators -------------------------------------------


ORGANISATION = OpenApiParameter(
    "organisation",
    OpenApiTypes.INT,
    description="Which of your organisations, when you belong to several (browser sessions).",
)


class OrganisationDetailApi(Api):
    allowed_query = frozenset({"organisation"})

    @extend_schema(
        parameters=[ORGANISATION], responses=s.OrganisationOut, summary="The caller's organisation"
    )
    def get(self, request: Request) -> Response:
        return Response(s.OrganisationOut(acting_organisation(request)).data)


class ControlListApi(ListApi):
    """The control list, each item saying whether a provision in force at `at` covers it."""

    serializer_class = s.ControlledItemOut
    allowed_query = ListApi.allowed_query | {"at"}

    def get_queryset(self) -> QuerySet[ControlledItem]:
        return ControlledItem.objects.order_by("code", "pk")

    @extend_schema(parameters=[AT], summary="The control list at an instant")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        in_force = rules.provisions_in_force(_at(request), selectors.current_rules())
        page: list[Any] = self.paginate_queryset(self.get_queryset()) or []
        for item in page:
            item.provisions_in_force = [r.label for r in in_force if item.code in r.items]
            item.controlled = bool(item.provisions_in_force)
        return self.get_paginated_response(s.ControlledItemOut(page, many=True).data)


class MeasureListApi(Api):
    """The provisions enacted at `at` (effective window contains it), each with its measure,
    dates, suspensions and whether it is in force or suspended at that instant."""

    allowed_query = frozenset({"at"})

    @extend_schema(parameters=[AT], responses=s.MeasuresOut, summary="Provisions at an instant")
    def get(self, request: Request) -> Response:
        at = _at(request)
        provisions = Provision.objects.select_related("measure").prefetch_related(
            "suspensions__by_measure", "items"
        )
        rows = []
        for p in provisions:
            # The windows are the rules engine's own (half-open), so this agrees with it.
            if not rules.Window(p.effective_from, p.effective_until).contains(at):
                continue
            suspensions = [
                {
                    "starts_at": x.starts_at,
                    "ends_at": x.ends_at,
                    "by_measure": x.by_measure.code,
                    "active": rules.Window(x.starts_at, x.ends_at).contains(at),
                }
                for x in p.suspensions.all()
            ]
            suspended = any(x["active"] for x in suspensions)
            rows.append(
                {
                    "measure": p.measure.code,
                    "measure_title": p.measure.title,
                    "code": p.code,
                    "label": f"{p.measure.code} {p.code}",
                    "description": p.description,
                    "scope": p.scope,
                    "effective_from": p.effective_from,
                    "effective_until": p.effective_until,
                    "in_force": not suspended,
                    "suspended": suspended,
                    "suspensions": suspensions,
                    "items": sorted(i.code for i in p.items.all()),
                }
            )
        return Response(s.MeasuresOut({"at": at, "provisions": rows}).data)


class LicenceRequirementApi(Api):
    read_only_post = True  # a question: changes nothing, so a read-only key may ask it

    @extend_schema(
        request=s.RequirementInput,
        responses={200: s.RequirementOut},
        summary="Does an export need a licence?",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.RequirementInput, request.data)
        lines = [requirements.LineQuery(**line) for line in data["lines"]]
        answers = requirements.check_licence_requirement(lines, export_date=data["export_date"])
        body = {"export_date": data["export_date"], "lines": [vars(a) for a in answers]}
        return Response(s.RequirementOut(body).data)


class DueDateApi(Api):
    allowed_query = frozenset({"start", "working_days"})

    @extend_schema(
        parameters=[s.DueDateQuery],
        responses=s.DueDateOut,
        summary="The N-th working day after a date on the China calendar",
    )
    def get(self, request: Request) -> Response:
        data = validated(s.DueDateQuery, request.query_params)
        if not FIRST_DAY <= data["start"] <= LAST_DAY:
            raise exceptions.ValidationError({"start": ["Give a date between 1990 and 2099."]})
        due = calendar.due_date(data["start"], data["working_days"], services.calendar_overrides())
        return Response(s.DueDateOut(due).data)


# --- applications -------------------------------------------------------------------------


class ApplicationFilter(filters.FilterSet):  # type: ignore[misc]
    status = filters.MultipleChoiceFilter(choices=Status.choices)
    submitted_after = filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_before = filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte")
    destination = filters.CharFilter(field_name="destination_country", lookup_expr="iexact")
    item_code = filters.CharFilter(method="filter_item_code")
    ordering = filters.OrderingFilter(
        fields=["created_at", "submitted_at", "reference", "decision_due"]
    )

    class Meta:
        model = Application
        fields = ["status", "destination"]

    def filter_item_code(self, queryset: Any, name: str, value: str) -> Any:
        lines = ApplicationLine.objects.filter(application=OuterRef("pk"), item__code=value)
        return queryset.filter(Exists(lines))


class ApplicationListApi(ListApi):
    serializer_class = s.ApplicationOut
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ApplicationFilter
    allowed_query = ListApi.allowed_query | set(ApplicationFilter.base_filters)

    def get_queryset(self) -> QuerySet[Application]:
        return applications(self.request).order_by("-created_at")

    def filter_queryset(self, queryset: Any) -> Any:
        queryset = super().filter_queryset(queryset)
        if not queryset.query.order_by or queryset.query.order_by[-1] not in ("pk", "-pk"):
            queryset = queryset.order_by(*queryset.query.order_by, "-pk")
        return queryset

    @extend_schema(summary="List applications (filter, order, paginate)")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.ApplicationCreateInput,
        responses={201: s.ApplicationDetailOut},
        summary="Start a draft application",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.ApplicationCreateInput, request.data)
        organisation = acting_organisation(request, data.pop("organisation", None))
        application = services.create_draft(organisation, by=request.user, **data)
        return application_response(application, status.HTTP_201_CREATED)


class ApplicationDetailApi(Api):
    @extend_schema(responses=s.ApplicationDetailOut, summary="One application, with its ETag")
    def get(self, request: Request, pk: int) -> Response:
        return application_response(get_application(request, pk))

    @extend_schema(
        request=s.ApplicationUpdateInput,
        responses=s.ApplicationDetailOut,
        summary="Edit a draft's header (If-Match: its ETag)",
    )
    def patch(self, request: Request, pk: int) -> Response:
        application = get_application(request, pk)
        data = validated(s.ApplicationUpdateInput, request.data)
        application = services.update_draft(
            application, by=request.user, expected_version=if_match_version(request), **data
        )
        return application_response(application)


class ApplicationLineListApi(ListApi):
    serializer_class = s.LineOut

    def get_queryset(self) -> QuerySet[ApplicationLine]:
        application = get_application(self.request, self.kwargs["pk"])
        return application.lines.select_related("item").order_by("pk")

    @extend_schema(request=s.LineInput, responses={201: s.LineOut}, summary="Add a line")
    def post(self, request: Request, pk: int) -> Response:
        application = get_application(request, pk)
        with if_match(request, application):
            line = services.add_line(
                application, by=request.user, **validated(s.LineInput, request.data)
            )
        return Response(s.LineOut(line).data, status=status.HTTP_201_CREATED)


class ApplicationLineDeleteApi(Api):
    @extend_schema(responses={204: None}, summary="Remove a line (If-Match: the ETag)")
    def delete(self, request: Request, pk: int, line_pk: int) -> Response:
        application = get_application(request, pk)
        line = get_child(application.lines.select_related("item", "application"), line_pk)
        with if_match(request, application):
            services.remove_line(line, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApplicationPartyListApi(ListApi):
    serializer_class = s.PartyOut

    def get_queryset(self) -> QuerySet[Any]:
        return get_application(self.request, self.kwargs["pk"]).parties.order_by("pk")

    @extend_schema(request=s.PartyInput, responses={201: s.PartyOut}, summary="Name a party")
    def post(self, request: Request, pk: int) -> Response:
        application = get_application(request, pk)
        with if_match(request, application):
            party = services.add_party(
                application, by=request.user, **validated(s.PartyInput, request.data)
            )
        return Response(s.PartyOut(party).data, status=status.HTTP_201_CREATED)


class ApplicationPartyDeleteApi(Api):
    @extend_schema(responses={204: None}, summary="Remove a party (If-Match: the ETag)")
    def delete(self, request: Request, pk: int, party_pk: int) -> Response:
        application = get_application(request, pk)
        party = get_child(application.parties.select_related("application"), party_pk)
        with if_match(request, application):
            services.remove_party(party, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApplicationEndUseApi(Api):
    @extend_schema(responses=s.EndUseOut, summary="The end-use declaration")
    def get(self, request: Request, pk: int) -> Response:
        application = get_application(request, pk)
        declaration = EndUseDeclaration.objects.filter(application=application).first()
        if declaration is None:
            raise exceptions.NotFound("No end use has been declared yet.")
        return Response(s.EndUseOut(declaration).data)

    @extend_schema(
        request=s.EndUseInput, responses=s.EndUseOut, summary="Declare or correct the end use"
    )
    def put(self, request: Request, pk: int) -> Response:
        application = get_application(request, pk)
        with if_match(request, application):
            declaration = services.set_end_use(
                application, by=request.user, **validated(s.EndUseInput, request.data)
            )
        return Response(s.EndUseOut(declaration).data)


class ApplicationDocumentListApi(ListApi):
    serializer_class = s.DocumentOut

    def get_queryset(self) -> QuerySet[Any]:
        return get_application(self.request, self.kwargs["pk"]).documents.order_by("pk")

    @extend_schema(
        request={"multipart/form-data": s.DocumentInput},
        responses={201: s.DocumentOut},
        summary="Upload a document (multipart: kind, file)",
    )
    def post(self, request: Request, pk: int) -> Response:
        application = get_application(request, pk)
        with if_match(request, application):
            if request.content_type.split(";")[0].strip() != "multipart/form-data":
                raise exceptions.UnsupportedMediaType(request.content_type)
            document = services.upload_document(
                application, by=request.user, **validated(s.DocumentInput, request.data)
            )
        return Response(s.DocumentOut(document).data, status=status.HTTP_201_CREATED)


class ApplicationDocumentDeleteApi(Api):
    @extend_schema(responses={204: None}, summary="Remove a document (If-Match: the ETag)")
    def delete(self, request: Request, pk: int, document_pk: int) -> Response:
        application = get_application(request, pk)
        document = get_child(application.documents.select_related("application"), document_pk)
        with if_match(request, application):
            services.remove_document(document, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApplicationEventListApi(ListApi):
    serializer_class = s.EventOut

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.application_events(get_application(self.request, self.kwargs["pk"]))

    @extend_schema(summary="The audit history of an application")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ApplicationInformationRequestListApi(ListApi):
    serializer_class = s.InformationRequestOut

    def get_queryset(self) -> QuerySet[Any]:
        application = get_application(self.request, self.kwargs["pk"])
        return application.information_requests.order_by("asked_at", "pk")

    @extend_schema(
        request=s.InformationRequestInput,
        responses=s.ApplicationDetailOut,
        summary="Reviewer: ask the applicant for information (stops the clock)",
    )
    def post(self, request: Request, pk: int) -> Response:
        application = get_application(request, pk)
        data = validated(s.InformationRequestInput, request.data)
        with if_match(request, application):
            application = services.request_information(application, by=request.user, **data)
        return application_response(application)


class ApplicationClockApi(Api):
    @extend_schema(responses=s.ClockOut, summary="Due dates, pauses and the provisional flag")
    def get(self, request: Request, pk: int) -> Response:
        a = get_application(request, pk)
        pauses = list(a.pauses.order_by("started_at", "pk"))
        return Response(
            s.ClockOut(
                {
                    "acceptance_due": a.acceptance_due,
                    "decision_due": a.decision_due,
                    "provisional": a.decision_due_provisional,
                    "paused": any(p.ended_at is None for p in pauses),
                    "no_time_limit": a.no_time_limit,
                    "licence_issue_due": a.licence_issue_due,
                    "pauses": pauses,
                }
            ).data
        )


class ApplicationScreeningFlagListApi(ListApi):
    serializer_class = s.ScreeningFlagOut

    def get_queryset(self) -> QuerySet[Any]:
        return get_application(self.request, self.kwargs["pk"]).flags.order_by("raised_at", "pk")

    @extend_schema(summary="Screening flags: rule, evidence and explanation")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


# --- workflow actions (one service each) --------------------------------------------------


def _action(
    name: str, input_class: type[BaseSerializer[Any]], summary: str, call: Any
) -> type[Api]:
    """A POST /applications/{id}/<name>/ view: validate, call the one service, render."""

    class ActionApi(Api):
        @extend_schema(
            request=input_class,
            responses=s.ApplicationDetailOut,
            summary=summary,
            operation_id=f"applications_{name.replace('-', '_')}",
        )
        def post(self, request: Request, pk: int) -> Response:
            application = get_application(request, pk)
            data = validated(input_class, request.data)
            with if_match(request, application):
                result = call(application, request.user, data)
            return application_response(result)

    ActionApi.__name__ = ActionApi.__qualname__ = (
        "Application" + "".join(p.title() for p in name.split("-")) + "Api"
    )
    return ActionApi


ApplicationSubmitApi = _action(
    "submit",
    s.EmptyInput,
    "Submit a complete draft",
    lambda a, u, d: services.submit_application(a, by=u),
)
ApplicationWithdrawApi = _action(
    "withdraw",
    s.ReasonInput,
    "Withdraw an open case",
    lambda a, u, d: services.withdraw_application(a, by=u, **d),
)
ApplicationResubmitApi = _action(
    "resubmit",
    s.ResubmitInput,
    "Answer a deficiency notice and submit again",
    lambda a, u, d: services.resubmit_application(a, by=u, **d),
)
ApplicationAnswerApi = _action(
    "answer",
    s.AnswerInput,
    "Answer the open information request (the clock runs again)",
    lambda a, u, d: services.answer_information_request(a, by=u, **d),
)
ApplicationClaimApi = _action(
    "claim",
    s.EmptyInput,
    "Reviewer: claim the case",
    lambda a, u, d: services.assign_officer(a, by=u, officer=u),
)
ApplicationAcceptApi = _action(
    "accept",
    s.EmptyInput,
    "Reviewer: accept a submitted case",
    lambda a, u, d: services.accept_application(a, by=u),
)
ApplicationDeficiencyNoticeApi = _action(
    "deficiency-notice",
    s.DeficiencyInput,
    "Reviewer: list every deficiency at once",
    lambda a, u, d: services.issue_deficiency_notice(a, by=u, **d),
)
ApplicationPauseApi = _action(
    "pause",
    s.PauseInput,
    "Reviewer: pause the decision clock",
    lambda a, u, d: services.pause_clock(a, by=u, **d),
)
ApplicationResumeApi = _action(
    "resume",
    s.NoteInput,
    "Reviewer: resume the clock",
    lambda a, u, d: services.resume_clock(a, by=u, **d),
)
ApplicationRecommendApi = _action(
    "recommend",
    s.RecommendInput,
    "Reviewer: recommend a decision",
    lambda a, u, d: services.recommend_decision(a, by=u, **d),
)
ApplicationCountersignApi = _action(
    "countersign",
    s.CountersignInput,
    "Supervisor: countersign the recommendation, or return the case",
    lambda a, u, d: services.countersign_decision(a, by=u, **d),
)
ApplicationReferApi = _action(
    "refer",
    s.ReferInput,
    "Reviewer: refer to the State Council (no time limit)",
    lambda a, u, d: services.refer_application(a, by=u, **d),
)


class QueueApi(ListApi):
    """The reviewers' work queue: open cases, soonest decision first."""

    serializer_class = s.ApplicationOut

    def get_queryset(self) -> QuerySet[Application]:
        if not permissions.is_reviewer(self.request.user):
            raise exceptions.PermissionDenied("The queue is for case officers and supervisors.")
        return selectors.review_queue(self.request.user)

    @extend_schema(summary="Reviewer: the work queue")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


# --- licences -----------------------------------------------------------------------------


def _licences(request: Request) -> QuerySet[Licence]:
    return (
        Licence.objects.filter(application__in=applications(request))
        .select_related("application")
        .prefetch_related("lines__item")
        .order_by("-issued_at", "-pk")
    )


class LicenceListApi(ListApi):
    serializer_class = s.LicenceOut

    def get_queryset(self) -> QuerySet[Licence]:
        return _licences(self.request)


class LicenceDetailApi(Api):
    @extend_schema(responses=s.LicenceOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.LicenceOut(get_child(_licences(request), pk)).data)


# --- API keys and webhooks ----------------------------------------------------------------


def _visible_keys(request: Request) -> QuerySet[ApiKey]:
    """Organisation keys for the organisation's administrators; staff keys for their owner."""
    user: Any = request.user
    admin_of = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values(
        "organisation_id"
    )
    keys = ApiKey.objects.filter(
        Q(organisation_id__in=admin_of) | Q(organisation__isnull=True, user=user)
    )
    key = api_key_of(request)
    if key is not None:
        keys = (
            keys.filter(organisation_id=key.organisation_id)
            if key.organisation_id
            else keys.filter(organisation__isnull=True)
        )
    return keys.select_related("user").order_by("-created_at", "-pk")


class ApiKeyListApi(ListApi):
    serializer_class = s.ApiKeyOut
    allowed_query = ListApi.allowed_query | {"organisation"}

    def get_queryset(self) -> QuerySet[ApiKey]:
        if "organisation" in self.request.query_params:
            return _visible_keys(self.request).filter(
                organisation=acting_organisation(self.request)
            )
        return _visible_keys(self.request)

    @extend_schema(
        parameters=[ORGANISATION],
        request=s.ApiKeyInput,
        responses={201: s.ApiKeyCreatedOut},
        summary="Create an API key (organisation admin, or a reviewer's own staff key)",
    )
    def post(self, request: Request) -> Response:
        _refuse_key_management_by_key(request)
        data = validated(s.ApiKeyInput, request.data)
        staff = permissions.is_reviewer(request.user)
        organisation = None if staff else acting_organisation(request)
        api_key, secret = services.create_api_key(
            by=request.user, organisation=organisation, **data
        )
        body = s.ApiKeyOut(api_key).data | {"key": secret}
        return Response(body, status=status.HTTP_201_CREATED)


class ApiKeyRevokeApi(Api):
    takes_if_match = False

    @extend_schema(responses={204: None}, summary="Revoke an API key")
    def delete(self, request: Request, pk: int) -> Response:
        key = get_child(_visible_keys(request), pk)
        _refuse_key_management_by_key(request)
        services.revoke_api_key(key, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _refuse_key_management_by_key(request: Request) -> None:
    """Keys are created and revoked by a person signed in to the browser (with CSRF), never by
    a key: a leaked key must not mint a successor that outlives its revocation."""
    if api_key_of(request) is not None:
        raise exceptions.PermissionDenied(
            "API keys are created and revoked from a signed-in browser session, not with a key."
        )


def _endpoints(request: Request) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(
        organisation__in=caller_organisations(request), deleted_at__isnull=True
    ).order_by("created_at", "pk")


class WebhookEndpointListApi(ListApi):
    serializer_class = s.WebhookEndpointOut
    allowed_query = ListApi.allowed_query | {"organisation"}

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        if "organisation" in self.request.query_params:
            return _endpoints(self.request).filter(organisation=acting_organisation(self.request))
        return _endpoints(self.request)

    @extend_schema(
        parameters=[ORGANISATION],
        request=s.WebhookEndpointInput,
        responses={201: s.WebhookEndpointCreatedOut},
        summary="Register a webhook endpoint (the signing secret is shown once)",
    )
    def post(self, request: Request) -> Response:
        endpoint = services.create_webhook_endpoint(
            acting_organisation(request),
            by=request.user,
            **validated(s.WebhookEndpointInput, request.data),
        )
        body = s.WebhookEndpointOut(endpoint).data | {"secret": endpoint.secret}
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailApi(Api):
    takes_if_match = False

    @extend_schema(responses=s.WebhookEndpointOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.WebhookEndpointOut(get_child(_endpoints(request), pk)).data)

    @extend_schema(responses={204: None}, summary="Remove a webhook endpoint")
    def delete(self, request: Request, pk: int) -> Response:
        services.delete_webhook_endpoint(get_child(_endpoints(request), pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryListApi(ListApi):
    serializer_class = s.WebhookDeliveryOut

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        endpoint: WebhookEndpoint = get_child(_endpoints(self.request), self.kwargs["pk"])
        return endpoint.deliveries.order_by("-created_at", "-pk")

    @extend_schema(summary="The delivery log of an endpoint")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
