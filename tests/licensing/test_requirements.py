"""The licence-requirement check on the catalogue as loaded."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from licensing.requirements import LineQuery, check_licence_requirement

TODAY = dt.datetime(2026, 11, 28, 4, 0, tzinfo=dt.UTC)
EXPORT = dt.date(2027, 1, 15)  # No. 61 I(1) applies again from 2026-11-11


def foreign_magnet(content: str, product: str = "1000000") -> LineQuery:
    return LineQuery(
        item_code="1C904.a.4",
        foreign_made=True,
        chinese_content_value=Decimal(content),
        product_value=Decimal(product),
    )


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def test_terbium_magnet_export_needs_a_licence_under_no_18() -> None:
    [answer] = check_licence_requirement([LineQuery(item_code="1C904.a.4")], export_date=EXPORT)
    assert answer.licence_required is True
    assert answer.provisions == ["MOFCOM-GAC-2025-18 main"]


@pytest.mark.parametrize(
    ("content", "required"),
    [("999", False), ("1000", True), ("1001", True)],  # 0.0999 %, 0.1 %, 0.1001 %
)
def test_de_minimis_at_the_threshold(content: str, required: bool) -> None:
    [answer] = check_licence_requirement([foreign_magnet(content)], export_date=EXPORT)
    assert answer.licence_required is required
    assert answer.provisions == (["MOFCOM-2025-61 I(1)"] if required else [])


def test_de_minimis_rule_was_suspended_in_2026() -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tick=False):
        [answer] = check_licence_requirement(
            [foreign_magnet("5000")], export_date=dt.date(2026, 6, 1)
        )
    assert answer.licence_required is False


def test_hs_code_mismatch_is_a_warning_not_a_clearance() -> None:
    [answer] = check_licence_requirement(
        [LineQuery(item_code="1C905.a.4", hs_code="8505119000")], export_date=EXPORT
    )
    assert answer.licence_required is True
    assert "not a reference code" in answer.warnings[0]


def test_hs_code_alone_suggests_items() -> None:
    [answer] = check_licence_requirement([LineQuery(hs_code="8505111000")], export_date=EXPORT)
    assert answer.licence_required is None
    assert "1C904.a.4" in answer.reasons[0]


def test_processed_goods_exclusion_is_for_a_reviewer_to_confirm() -> None:
    [answer] = check_licence_requirement(
        [LineQuery(item_code="1C905.a.4", description="Rotor assembly with Dy magnets")],
        export_date=EXPORT,
    )
    assert answer.licence_required is None
    assert "reviewer must confirm" in answer.reasons[-1]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (LineQuery(item_code="9Z999"), "lines[0].item_code"),
        (LineQuery(item_code="1C904.a.4", hs_code="850511"), "lines[0].hs_code"),
        (foreign_magnet("10", product="0"), "lines[0].product_value"),
        (foreign_magnet("2000", product="1000"), "lines[0].chinese_content_value"),
    ],
)
def test_bad_lines_name_the_field(line: LineQuery, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        check_licence_requirement([line], export_date=EXPORT)
    assert field in error.value.message_dict


def test_export_date_in_the_past_is_refused(db: Any) -> None:
    with pytest.raises(ValidationError) as error:
        check_licence_requirement(
            [LineQuery(item_code="1C904.a.4")], export_date=dt.date(2026, 11, 1)
        )
    assert "export_date" in error.value.message_dict


def test_today_means_today_in_china(db: Any) -> None:
    # 2026-03-02 17:00 UTC is already 3 March in Shanghai: 2 March has passed there.
    with (
        time_machine.travel(dt.datetime(2026, 3, 2, 17, tzinfo=dt.UTC), tick=False),
        pytest.raises(ValidationError) as refused,
    ):
        check_licence_requirement(
            [LineQuery(item_code="1C904.a.4")], export_date=dt.date(2026, 3, 2)
        )
    assert "export_date" in refused.value.message_dict
