from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from licensing.models import (
    Application,
    ControlledItem,
    Event,
    Membership,
    Organisation,
    Provision,
    Suspension,
)
from licensing.workflow import Status


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Organisation, Membership, Application, Event))


def test_seed_demo_is_idempotent(db: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.UNDER_REVIEW,
        Status.INFORMATION_REQUESTED,
        Status.AWAITING_COUNTERSIGN,
        Status.APPROVED,
    } <= statuses


def test_fresh_database_has_the_catalogue(db: Any) -> None:
    elements = set(ControlledItem.objects.values_list("element", flat=True))
    assert {"Y", "Yb", "Tb", "Lu", "Gd", "Sm", "Dy"} <= elements
    magnets = ControlledItem.objects.filter(form="magnet").values_list("code", flat=True)
    assert {"1C904.a.4", "1C905.a.4", "1C902.a.4"} <= set(magnets)
    assert not ControlledItem.objects.filter(element="Gd", form="magnet").exists()
    assert ControlledItem.objects.filter(form="intermediate").exists()
    december_rule = Provision.objects.get(measure__code="MOFCOM-2025-61", code="I(1)")
    # 2025-12-01 00:00 Asia/Shanghai is 2025-11-30 16:00 UTC.
    assert december_rule.effective_from.isoformat() == "2025-11-30T16:00:00+00:00"
    suspension = Suspension.objects.get(provision=december_rule)
    # "Suspended until 2026-11-10" covers that day: the window ends 2026-11-11 00:00 Shanghai.
    assert suspension.ends_at.isoformat() == "2026-11-10T16:00:00+00:00"


def test_load_catalogue_reports_and_restores_a_drifted_entry(db: Any) -> None:
    ControlledItem.objects.filter(code="1C904.a.4").update(description="edited by hand")
    out = StringIO()
    call_command("load_catalogue", stdout=out)
    assert "~ item 1C904.a.4 (description)" in out.getvalue()
    assert Event.objects.filter(verb="catalogue_loaded").count() == 1
    again = StringIO()
    call_command("load_catalogue", stdout=again)
    assert "nothing changed" in again.getvalue()


def test_seed_demo_refuses_in_production(db: Any, settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="development"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(username="alice").exists()
