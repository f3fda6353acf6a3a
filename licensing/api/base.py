"""What every API view shares: query-parameter checks, idempotent POSTs, ETags, pagination,
and loading objects through the user-scoped selectors (another organisation's id is a 404)."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import exceptions, generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing import selectors
from licensing.api import idempotency
from licensing.api.auth import api_key_of
from licensing.api.errors import PayloadTooLarge, PreconditionFailed
from licensing.models import Application, Organisation

PAGE_NUMBER = re.compile(r"[0-9]{1,7}")
# Ids above PostgreSQL's bigint would fail in the database; no such object exists.
MAX_ID = 2**63 - 1


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        errors = {
            name: ["Give a whole number of 1 or more."]
            for name in (self.page_query_param, self.page_size_query_param)
            if name in request.query_params
            and not (
                PAGE_NUMBER.fullmatch(request.query_params[name])
                and int(request.query_params[name]) >= 1
            )
        }
        if errors:
            raise exceptions.ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)


class Api(APIView):
    """Base view. Unknown query parameters are a 400 (a typo must not silently return the
    unfiltered list); a POST with an Idempotency-Key is run at most once."""

    allowed_query: frozenset[str] = frozenset()
    read_only_post = False

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.idempotency_record = None
        super().initial(request, *args, **kwargs)
        # Refuse an oversize body by its declared length, before any of it is read.
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.UPLOAD_MAX_BYTES + 2**20:
            raise PayloadTooLarge(
                f"The largest document accepted is {settings.UPLOAD_MAX_BYTES} bytes."
            )
        if not hasattr(self, (request.method or "").lower()):
            return  # DRF answers 405 Method Not Allowed
        unknown = sorted(set(request.query_params) - self.allowed_query)
        if unknown:
            raise exceptions.ValidationError({key: ["Unknown query parameter."] for key in unknown})
        blank = sorted(k for k, v in request.query_params.items() if not str(v).strip())
        if blank:
            raise exceptions.ValidationError({key: ["Give a value."] for key in blank})
        if request.method == "POST":
            self.idempotency_record = idempotency.begin(request)

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method != "POST" or idempotency.HEADER not in request.headers:
            return super().dispatch(request, *args, **kwargs)
        # The claim on the key, the effect and the stored response commit together: a process
        # that dies half-way leaves nothing behind, so the client's retry simply runs again;
        # a concurrent duplicate waits on the key's unique index and then gets the replay.
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.Replay):
            return exc.response
        return super().handle_exception(exc)

    def raise_uncaught_exception(self, exc: Exception) -> NoReturn:
        # A server error frees the key, so the client's retry runs the request again.
        record = getattr(self, "idempotency_record", None)
        if record is not None:
            self.idempotency_record = None
            record.delete()
        super().raise_uncaught_exception(exc)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "idempotency_record", None)
        if record is not None:
            self.idempotency_record = None
            idempotency.finish(record, response)
        return response


class ListApi(Api, generics.ListAPIView):  # type: ignore[type-arg]
    pagination_class = Pages
    allowed_query = frozenset({"page", "page_size"})


def check_id(pk: int) -> int:
    if not 0 < pk <= MAX_ID:
        raise exceptions.NotFound("Not found.")
    return pk


def applications(request: Request) -> QuerySet[Application]:
    """The user-scoped selector, narrowed to the key's organisation for an organisation key
    (its user may belong to other organisations too)."""
    qs = selectors.applications_for(request.user)
    key = api_key_of(request)
    if key is not None and key.organisation_id is not None:
        qs = qs.filter(organisation_id=key.organisation_id)
    return qs


def get_application(request: Request, pk: int) -> Application:
    application = selectors.get_application_for(request.user, check_id(pk))
    key = api_key_of(request)
    if key is not None and key.organisation_id not in (None, application.organisation_id):
        raise exceptions.NotFound("Not found.")
    return application


def get_child(qs: QuerySet[Any], pk: int) -> Any:
    return get_object_or_404(qs, pk=check_id(pk))


def acting_organisation(request: Request, requested: int | None = None) -> Organisation:
    """The organisation the caller acts for: the one asked for (`?organisation=` or a body
    field) among the caller's, else the key's, or the session user's only one."""
    if requested is None and "organisation" in request.query_params:
        text = request.query_params["organisation"]
        if not text.isdigit():
            raise exceptions.ValidationError({"organisation": ["Give an organisation's id."]})
        requested = int(text)
    organisations = caller_organisations(request)
    if requested is not None:
        return get_object_or_404(organisations, pk=check_id(requested))
    found = list(organisations[:2])
    if not found:
        raise exceptions.PermissionDenied("You do not act for an applicant organisation.")
    if len(found) > 1:
        raise exceptions.ValidationError(
            {"organisation": ["You belong to several organisations: say which (?organisation=)."]}
        )
    return found[0]


def caller_organisations(request: Request) -> QuerySet[Organisation]:
    """The organisations whose data the caller may see: the key's, or the session user's."""
    key = api_key_of(request)
    if key is None:
        return selectors.organisations_for(request.user)
    if key.organisation_id is None:
        raise exceptions.PermissionDenied("A staff key does not act for an organisation.")
    return Organisation.objects.filter(pk=key.organisation_id)


def etag(application: Application) -> str:
    return f'"{application.version}"'


def if_match_version(request: Request) -> int | None:
    """The version named by If-Match; None when absent or '*'; -1 when unreadable (so it
    never matches)."""
    value = request.headers.get("If-Match")
    if value is None or value.strip() == "*":
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d{1,9})"?\s*', value)
    return int(match.group(1)) if match else -1


@contextmanager
def if_match(request: Request, application: Application) -> Iterator[None]:
    """Compare If-Match with the case's version under its row lock, and keep the lock while
    the service runs: two writers sending the same ETag cannot both succeed (412 for one)."""
    with transaction.atomic():
        expected = if_match_version(request)
        if expected is not None:
            version = (
                Application.objects.select_for_update(no_key=True)
                .values_list("version", flat=True)
                .get(pk=application.pk)
            )
            if expected != version:
                raise PreconditionFailed(
                    f"Application {application.reference} is at version {version}; "
                    f"you sent If-Match for version {expected}. Fetch it again."
                )
        yield


def with_etag(response: Response, application: Application) -> Response:
    response["ETag"] = etag(application)
    return response
