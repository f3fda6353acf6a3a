"""The applicant drafts: the header, lines, parties, end use and documents."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from licensing import (
    permissions,
    requirements,
    selectors,
)
from licensing.documents import validate_upload
from licensing.exceptions import NotPermitted, StaleVersion
from licensing.models import (
    Application,
    ApplicationLine,
    ControlledItem,
    Document,
    EndUseDeclaration,
    Organisation,
    Party,
)
from licensing.services._common import (
    DRAFT_FIELDS,
    _assess_lines,
    _line_query,
    _lock_editable,
    _next_number,
    _touch,
    assessment_instant,
    record_event,
)
from licensing.workflow import Status


@transaction.atomic
def create_draft(
    organisation: Organisation,
    *,
    by: Any,
    type: str = Application.Type.SINGLE,
    intended_export_date: dt.date | None = None,
    destination_country: str = "",
) -> Application:
    """A member of an organisation starts a draft application for it."""
    if not permissions.is_member(by, organisation.pk):
        raise NotPermitted("You can only apply for an organisation you are a member of.")
    application = Application(
        organisation=organisation,
        created_by=by,
        type=type,
        intended_export_date=intended_export_date,
        destination_country=destination_country.upper(),
    )
    application.full_clean(exclude=["reference", "created_by"])
    year = timezone.now().year
    application.reference = f"LS-{year}-{_next_number('application', year):06d}"
    application.save()
    record_event(application, "draft_created", by=by, to_status=Status.DRAFT)
    return application


@transaction.atomic
def update_draft(
    application: Application, *, by: Any, expected_version: int | None = None, **changes: Any
) -> Application:
    """The applicant edits the header of a draft (or of a case with a deficiency notice)."""
    unknown = set(changes) - DRAFT_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be edited."))
    application = _lock_editable(application, by=by)
    if expected_version is not None and expected_version != application.version:
        raise StaleVersion(application.reference, expected_version, application.version)
    if "destination_country" in changes:
        changes["destination_country"] = changes["destination_country"].upper()
    for name, value in changes.items():
        setattr(application, name, value)
    application.full_clean(exclude=["created_by"])
    application.version += 1
    application.save(update_fields=[*changes, "version", "updated_at"])
    if "intended_export_date" in changes:  # the lines are judged at the export date
        _assess_lines(application, selectors.current_rules())
    record_event(
        application,
        "draft_updated",
        by=by,
        payload={name: str(value) for name, value in changes.items()},
    )
    return application


@transaction.atomic
def add_line(
    application: Application,
    *,
    by: Any,
    item_code: str,
    quantity: Decimal,
    unit_value: Decimal,
    unit: str = "kg",
    currency: str = "USD",
    hs_code: str = "",
    description: str = "",
    foreign_made: bool = False,
    chinese_content_value: Decimal | None = None,
    product_value: Decimal | None = None,
) -> ApplicationLine:
    """Add a control-list item to a draft; the item must exist and the quantity be positive.
    Goods made abroad give the values the No. 61 de minimis test needs."""
    application = _lock_editable(application, by=by)
    item = ControlledItem.objects.filter(code=item_code.strip()).first()
    if item is None:
        raise ValidationError({"item_code": f"'{item_code}' is not on the control list."})
    line = ApplicationLine(
        application=application,
        item=item,
        quantity=quantity,
        unit_value=unit_value,
        unit=unit,
        currency=currency.upper(),
        hs_code=hs_code,
        description=description,
        foreign_made=foreign_made,
        chinese_content_value=chinese_content_value,
        product_value=product_value,
    )
    line.full_clean()
    try:
        requirements.validate_line(0, _line_query(line), {item.code: item})
    except ValidationError as error:  # keyed lines[0].field by the check: name the field alone
        raise ValidationError(
            {key.split(".", 1)[1]: value for key, value in error.message_dict.items()}
        ) from None
    answer = requirements.assess_lines(
        [_line_query(line)], at=assessment_instant(application), items={item.code: item}
    )[0]
    line.licence_required, line.provisions = answer.licence_required, answer.provisions
    line.save()
    _touch(application)
    record_event(
        application,
        "line_added",
        by=by,
        subject=line,
        payload={"item": item.code, "quantity": str(quantity), "unit": unit},
    )
    return line


@transaction.atomic
def remove_line(line: ApplicationLine, *, by: Any) -> None:
    application = _lock_editable(line.application, by=by)
    record_event(
        application,
        "line_removed",
        by=by,
        subject=line,
        payload={"item": line.item.code, "quantity": str(line.quantity)},
    )
    line.delete()
    _touch(application)


@transaction.atomic
def add_party(
    application: Application, *, by: Any, role: str, name: str, country: str, address: str = ""
) -> Party:
    """Name an importer, consignee, end user or intermediate consignee."""
    application = _lock_editable(application, by=by)
    party = Party(
        application=application,
        role=role,
        name=name.strip(),
        country=country.upper(),
        address=address,
    )
    party.full_clean()
    party.save()
    _touch(application)
    record_event(
        application,
        "party_added",
        by=by,
        subject=party,
        payload={"role": role, "name": party.name, "country": party.country},
    )
    return party


@transaction.atomic
def remove_party(party: Party, *, by: Any) -> None:
    application = _lock_editable(party.application, by=by)
    record_event(
        application,
        "party_removed",
        by=by,
        subject=party,
        payload={"role": party.role, "name": party.name},
    )
    party.delete()
    _touch(application)


@transaction.atomic
def set_end_use(
    application: Application,
    *,
    by: Any,
    category: str,
    description: str,
    no_reexport_undertaking: bool,
    military: bool = False,
) -> EndUseDeclaration:
    """Declare (or correct) the end use, with the undertaking not to re-export."""
    application = _lock_editable(application, by=by)
    declaration = EndUseDeclaration.objects.filter(application=application).first()
    declaration = declaration or EndUseDeclaration(application=application)
    declaration.category = category
    declaration.description = description
    declaration.no_reexport_undertaking = no_reexport_undertaking
    declaration.military = military
    declaration.full_clean()
    declaration.save()
    _touch(application)
    record_event(
        application,
        "end_use_declared",
        by=by,
        subject=declaration,
        payload={"category": category, "military": military},
    )
    return declaration


@transaction.atomic
def upload_document(
    application: Application, *, by: Any, kind: str, file: UploadedFile
) -> Document:
    """Attach a typed document; its size and real content type are checked first."""
    application = _lock_editable(application, by=by)
    content_type = validate_upload(file)
    document = Document(
        application=application,
        kind=kind,
        original_name=file.name or "upload",
        content_type=content_type,
        size=file.size or 0,
        uploaded_by=by,
    )
    document.full_clean(exclude=["file"])
    document.file.save(document.original_name, file, save=False)
    document.save()
    _touch(application)
    record_event(
        application,
        "document_uploaded",
        by=by,
        subject=document,
        payload={"kind": kind, "name": document.original_name, "size": document.size},
    )
    return document


@transaction.atomic
def remove_document(document: Document, *, by: Any) -> None:
    application = _lock_editable(document.application, by=by)
    record_event(
        application,
        "document_removed",
        by=by,
        subject=document,
        payload={"kind": document.kind, "name": document.original_name},
    )
    name = document.file.name
    storage = document.file.storage
    document.delete()
    _touch(application)
    transaction.on_commit(lambda: storage.delete(name))
