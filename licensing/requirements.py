"""Does this export need a licence? One service for the portal page and the API endpoint.

For each line: the control-list item (chosen, or suggested from an HS code), the provisions in
force at the intended export date (00:00 Asia/Shanghai) that cover it, and for goods made
abroad the 0.1 % de minimis test by value of No. 61 I(1). HS codes are hints: a mismatch is a
warning, never a clearance (DOMAIN.md §2). A possible scope exclusion (deeply processed goods)
is reported as "a reviewer must confirm", never as a silent pass.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from licensing import rules, selectors
from licensing.catalogue import regulatory_midnight
from licensing.models import ControlledItem

# No. 61 I(1): foreign-made goods need a licence when Chinese-origin listed rare earths are
# 0.1 % or more of the product's value; exactly 0.1 % needs one.
DE_MINIMIS_RATIO = Decimal("0.001")
HS_CODE = re.compile(r"\d{8}(\d{2})?")
# Deeply processed goods are generally outside No. 18 [S] (DOMAIN.md §2): a reviewer confirms.
PROCESSED_GOODS_WORDS = (
    "rotor",
    "stator",
    "assembly",
    "sensor",
    "catalyst",
    "phosphor",
    "motor",
    "consumer",
)


@dataclass(frozen=True)
class LineQuery:
    item_code: str = ""
    hs_code: str = ""
    description: str = ""
    foreign_made: bool = False
    chinese_content_value: Decimal | None = None
    product_value: Decimal | None = None


@dataclass
class LineAnswer:
    item_code: str
    licence_required: bool | None  # None: a reviewer must confirm
    provisions: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def validate_line(index: int, line: LineQuery, items: dict[str, ControlledItem]) -> None:
    errors = {}
    prefix = f"lines[{index}]"
    if not line.item_code and not line.hs_code:
        errors[f"{prefix}.item_code"] = "Give a control-list item or an HS code."
    if line.item_code and line.item_code not in items:
        errors[f"{prefix}.item_code"] = f"'{line.item_code}' is not on the control list."
    if line.hs_code and not HS_CODE.fullmatch(line.hs_code):
        errors[f"{prefix}.hs_code"] = "An HS code has 8 or 10 digits."
    if line.foreign_made:
        if line.product_value is None or line.product_value <= 0:
            errors[f"{prefix}.product_value"] = "Give the product's value (more than zero)."
        if line.chinese_content_value is None or line.chinese_content_value < 0:
            errors[f"{prefix}.chinese_content_value"] = (
                "Give the value of the Chinese-origin listed content (zero or more)."
            )
        elif line.product_value and line.chinese_content_value > line.product_value:
            errors[f"{prefix}.chinese_content_value"] = (
                "The Chinese-origin content cannot be worth more than the product."
            )
    if errors:
        raise ValidationError(errors)


def check_licence_requirement(lines: list[LineQuery], *, export_date: dt.date) -> list[LineAnswer]:
    """For each line: is a licence needed, under which provision, and why."""
    if not lines:
        raise ValidationError({"lines": "Give at least one line."})
    if export_date < timezone.localdate(timezone=ZoneInfo(settings.REGULATORY_TIME_ZONE)):
        raise ValidationError({"export_date": "The intended export date is in the past."})
    codes = {line.item_code for line in lines if line.item_code}
    items = {item.code: item for item in ControlledItem.objects.filter(code__in=codes)}
    errors: dict[str, list[str]] = {}
    for index, line in enumerate(lines):
        try:
            validate_line(index, line, items)
        except ValidationError as error:
            errors |= error.message_dict
    if errors:
        raise ValidationError(errors)
    return assess_lines(lines, at=regulatory_midnight(export_date), snapshot=None, items=items)


def assess_lines(
    lines: list[LineQuery],
    *,
    at: dt.datetime,
    snapshot: list[rules.ProvisionRule] | None = None,
    items: dict[str, ControlledItem] | None = None,
) -> list[LineAnswer]:
    """The answers for already-validated lines (an application's own) at instant ``at``."""
    if items is None:
        codes = {line.item_code for line in lines if line.item_code}
        items = {item.code: item for item in ControlledItem.objects.filter(code__in=codes)}
    in_force = rules.provisions_in_force(
        at, selectors.current_rules() if snapshot is None else snapshot
    )
    hs_items = _items_by_hs_code({line.hs_code for line in lines if line.hs_code})
    day = timezone.localtime(at, ZoneInfo(settings.REGULATORY_TIME_ZONE)).date()
    return [_answer(line, items, hs_items, in_force, day) for line in lines]


def _items_by_hs_code(hs_codes: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {code: [] for code in hs_codes}
    for item in ControlledItem.objects.all():
        for code in hs_codes & set(item.hs_codes):
            found[code].append(item.code)
    return found


def _answer(
    line: LineQuery,
    items: dict[str, ControlledItem],
    hs_items: dict[str, list[str]],
    in_force: list[rules.ProvisionRule],
    export_date: dt.date,
) -> LineAnswer:
    if not line.item_code:
        candidates = hs_items.get(line.hs_code, [])
        reason = (
            f"HS code {line.hs_code} is a reference code of {', '.join(candidates)}: choose the "
            "item that matches the goods."
            if candidates
            else f"No control-list item has HS code {line.hs_code} as a reference code; HS codes "
            "are hints only, so a reviewer must confirm that the goods are not listed."
        )
        return LineAnswer("", None, reasons=[reason])
    item = items[line.item_code]
    answer = LineAnswer(item.code, False)
    if line.hs_code and line.hs_code not in item.hs_codes:
        answer.warnings.append(
            f"HS code {line.hs_code} is not a reference code of {item.code} "
            f"({', '.join(item.hs_codes) or 'none'}). HS codes are hints only: the item decides."
        )
    scope = "foreign_made_content" if line.foreign_made else "export"
    covering = [r for r in in_force if item.code in r.items and r.scope == scope]
    if not covering:
        answer.reasons.append(
            f"No provision in force on {export_date:%Y-%m-%d} covers {item.code} for "
            f"{'foreign-made goods' if line.foreign_made else 'export from China'}."
        )
        return answer
    answer.provisions = [r.label for r in covering]
    if line.foreign_made:
        # Both values were validated above: the product's is positive.
        ratio = (line.chinese_content_value or Decimal(0)) / (line.product_value or Decimal(1))
        share = f"{ratio * 100:.4f} %"
        if ratio < DE_MINIMIS_RATIO:
            answer.provisions = []
            answer.reasons.append(
                f"Chinese-origin content is {share} of the value, below the "
                "0.1 % de minimis threshold."
            )
            return answer
        answer.reasons.append(
            f"Chinese-origin content is {share} of the value: at or above "
            "the 0.1 % de minimis threshold."
        )
    answer.licence_required = True
    answer.reasons.append(
        f"{item.code} ({item.description}) is controlled under "
        f"{', '.join(answer.provisions)} on {export_date:%Y-%m-%d}."
    )
    words = [w for w in PROCESSED_GOODS_WORDS if w in line.description.lower()]
    if words:
        answer.licence_required = None
        answer.reasons.append(
            f"The description mentions {', '.join(words)}: deeply processed goods are "
            "generally outside No. 18. A reviewer must confirm the exclusion."
        )
    return answer
