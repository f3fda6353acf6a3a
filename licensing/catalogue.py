"""Load the control-list catalogue (licensing/data/control_list.yaml) into the database.

The file is the versioned source; the loader makes the tables match it and reports what
changed. It takes the model classes as arguments so the data migration can run it with the
historical models of ``apps.get_model`` (a fresh database gets the catalogue without a manual
step), and the ``load_catalogue`` command with the real ones.
"""

import datetime as dt
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "control_list.yaml"
ITEM_FIELDS = ("element", "form", "description", "hs_codes", "source", "verification")


def regulatory_midnight(day: dt.date) -> dt.datetime:
    """A calendar date in a measure means 00:00 Asia/Shanghai on that date (DOMAIN.md §1)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(settings.REGULATORY_TIME_ZONE))


def day_after(day: dt.date) -> dt.datetime:
    """ "Suspended until D" covers D itself: the window ends at 00:00 on the next day."""
    return regulatory_midnight(day + dt.timedelta(days=1))


@dataclass
class Models:
    ControlledItem: Any
    Measure: Any
    Provision: Any
    Suspension: Any
    RestrictedParty: Any = None


@dataclass
class CatalogueDiff:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def lines(self) -> list[str]:
        return (
            [f"+ {x}" for x in self.added]
            + [f"~ {x}" for x in self.changed]
            + [f"- {x}" for x in self.removed]
        )


def read_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def _sync(
    model: Any, lookup: dict[str, Any], values: dict[str, Any], label: str, diff: CatalogueDiff
) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        diff.added.append(label)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        diff.changed.append(f"{label} ({', '.join(changed)})")
    return obj


def load_catalogue(data: dict[str, Any], models: Models) -> CatalogueDiff:
    """Make the catalogue tables match ``data``; return what was added, changed or removed."""
    diff = CatalogueDiff()
    items = {}
    for entry in data["items"]:
        values = {name: entry[name] for name in ITEM_FIELDS}
        items[entry["code"]] = _sync(
            models.ControlledItem, {"code": entry["code"]}, values, f"item {entry['code']}", diff
        )
    measures = {}
    for entry in data["measures"]:
        values = {k: entry[k] for k in ("title", "issued_on", "source", "verification")}
        measures[entry["code"]] = _sync(
            models.Measure, {"code": entry["code"]}, values, f"measure {entry['code']}", diff
        )
    wanted_provisions = set()
    for entry in data["measures"]:
        measure = measures[entry["code"]]
        for spec in entry["provisions"]:
            label = f"provision {entry['code']} {spec['code']}"
            until = spec.get("effective_until")
            values = {
                "description": spec["description"],
                "scope": spec.get("scope", "export"),
                "effective_from": regulatory_midnight(spec["effective_from"]),
                "effective_until": regulatory_midnight(until) if until else None,
                "verification": spec["verification"],
            }
            provision = _sync(
                models.Provision, {"measure": measure, "code": spec["code"]}, values, label, diff
            )
            wanted_provisions.add(provision.pk)
            codes = sorted(
                code for code in items if any(fnmatch.fnmatch(code, p) for p in spec["items"])
            )
            current = sorted(provision.items.values_list("code", flat=True))
            if current != codes:
                provision.items.set([items[code] for code in codes])
                diff.changed.append(f"{label} items ({len(current)} → {len(codes)})")
            _sync_suspensions(provision, spec.get("suspensions", []), measures, label, models, diff)
    for provision in models.Provision.objects.exclude(pk__in=wanted_provisions):
        diff.removed.append(f"provision {provision.measure.code} {provision.code}")
        provision.delete()
    for measure in models.Measure.objects.exclude(code__in=measures):
        diff.removed.append(f"measure {measure.code}")
        measure.delete()
    if models.RestrictedParty is not None:
        _sync_restricted_parties(data.get("restricted_parties", []), models, diff)
    # Items are referenced by application lines; an item dropped from the file stays in the
    # table (it may be in old cases) but is reported so an administrator can decide.
    for code in models.ControlledItem.objects.exclude(code__in=items).values_list(
        "code", flat=True
    ):
        diff.removed.append(f"item {code} (kept: may be referenced by cases)")
    return diff


def _sync_suspensions(
    provision: Any,
    specs: list[dict[str, Any]],
    measures: dict[str, Any],
    label: str,
    models: Models,
    diff: CatalogueDiff,
) -> None:
    wanted = [
        (
            regulatory_midnight(spec["start"]),
            day_after(spec["until"]) if spec.get("until") else None,
            measures[spec["by"]].pk,
            spec["verification"],
        )
        for spec in specs
    ]
    current = [
        (s.starts_at, s.ends_at, s.by_measure_id, s.verification)
        for s in models.Suspension.objects.filter(provision=provision).order_by("starts_at")
    ]
    if sorted(wanted, key=lambda w: w[0]) != current:
        models.Suspension.objects.filter(provision=provision).delete()
        for starts_at, ends_at, by_id, verification in wanted:
            models.Suspension.objects.create(
                provision=provision,
                starts_at=starts_at,
                ends_at=ends_at,
                by_measure_id=by_id,
                verification=verification,
            )
        diff.changed.append(f"{label} suspensions ({len(current)} → {len(wanted)})")


PARTY_FIELDS = ("country", "aliases", "subsidiaries", "source", "verification")


def _sync_restricted_parties(
    entries: list[dict[str, Any]], models: Models, diff: CatalogueDiff
) -> None:
    wanted = set()
    for entry in entries:
        lookup = {"name": entry["name"], "list_name": entry["list_name"]}
        values = {name: entry.get(name, []) for name in PARTY_FIELDS}
        party = _sync(
            models.RestrictedParty,
            lookup,
            values,
            f"listed party {entry['name']} ({entry['list_name']})",
            diff,
        )
        wanted.add(party.pk)
    for party in models.RestrictedParty.objects.exclude(pk__in=wanted):
        diff.removed.append(f"listed party {party.name} ({party.list_name})")
        party.delete()
