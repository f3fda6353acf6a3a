"""Screening again: on demand, and when the rules in force change."""

from typing import Any

from django.db import transaction

from licensing import (
    notifications,
    rules,
    selectors,
)
from licensing.models import (
    Application,
    ApplicationLine,
    RulesCheck,
)
from licensing.services._common import (
    SCREENING_FIELDS,
    _assess_lines,
    _lock,
    _recompute_decision_due,
    _require_reviewer,
    _screen,
    _screen_parties,
    _touch,
    record_event,
)
from licensing.workflow import OPEN, Status


@transaction.atomic
def screen_application(application: Application, *, by: Any) -> Application:
    """Screen a case again on demand (a reviewer, or the rules-change job)."""
    application = _lock(application)
    if by is not None:
        _require_reviewer(by)
    flags = _screen(application)
    _recompute_decision_due(application)
    _touch(application)
    application.save(update_fields=[*SCREENING_FIELDS, "decision_due", "decision_due_provisional"])
    record_event(
        application,
        "screened",
        by=by,
        payload={"flags": [f.rule for f in flags], "rules_version": application.rules_version},
    )
    return application


def _describe_requirement_change(
    line: ApplicationLine, before: bool | None, provisions_before: list[str]
) -> str:
    if line.licence_required:
        return f"{line.item.code}: now needs a licence under {', '.join(line.provisions)}."
    if line.licence_required is None:
        return f"{line.item.code}: a reviewer must now confirm whether a licence is needed."
    stopped = ", ".join(provisions_before) or "the provision that covered it"
    return f"{line.item.code}: no longer needs a licence ({stopped} no longer applies)."


@transaction.atomic
def rescreen_for_rules_change(application: Application, *, check: RulesCheck) -> Application:
    """The rules changed: judge the case's lines and parties again, record the rules version,
    and tell the applicant which lines now need, or no longer need, a licence and why.
    Once per rules check; a decided case is never touched."""
    application = _lock(application)
    if application.last_rules_check_id == check.pk or application.status not in OPEN:
        return application
    snapshot = selectors.current_rules()
    # A line never assessed before (no answer, no provisions) has nothing to compare with.
    changed = [c for c in _assess_lines(application, snapshot) if c[1] is not None or c[2]]
    version = rules.rules_version(snapshot)
    flags = _screen_parties(application, version) if application.status != Status.DRAFT else []
    application.rules_version = version
    application.last_rules_check = check
    _recompute_decision_due(application)
    application.save(
        update_fields=[
            *SCREENING_FIELDS,
            "last_rules_check",
            "decision_due",
            "decision_due_provisional",
        ]
    )
    messages = [_describe_requirement_change(*c) for c in changed]
    record_event(
        application,
        "rescreened",
        by=None,
        reason=check.changes,
        payload={
            "rules_check": check.pk,
            "rules_version": application.rules_version,
            "flags": [f.rule for f in flags],
            "lines": messages,
        },
    )
    if messages:
        notifications.notify(
            notifications.organisation_members(application),
            topic=f"rules:{check.pk}:{application.pk}",
            subject=f"{application.reference}: the licence requirement changed",
            body=(
                f"The export-control rules changed ({check.changes}).\n\n"
                + "\n".join(messages)
                + f"\n\nApplication {application.reference} was screened again under rules "
                f"version {application.rules_version}."
            ),
            application=application,
        )
    return application
