"""Who may do what: pure policy over users and memberships (no writes, no request)."""

from typing import Any

CASE_OFFICER_GROUP = "case_officer"
SUPERVISOR_GROUP = "supervisor"


def _groups(user: Any) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached: set[str] | None = getattr(user, "_lodestone_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._lodestone_groups = cached
    return cached


def is_supervisor(user: Any) -> bool:
    return SUPERVISOR_GROUP in _groups(user)


def is_reviewer(user: Any) -> bool:
    """Case officers and supervisors work on cases from any organisation."""
    return bool(_groups(user) & {CASE_OFFICER_GROUP, SUPERVISOR_GROUP})


def organisation_ids(user: Any) -> list[int]:
    if not user.is_authenticated:
        return []
    cached: list[int] | None = getattr(user, "_lodestone_org_ids", None)
    if cached is None:
        cached = list(user.membership_set.values_list("organisation_id", flat=True))
        user._lodestone_org_ids = cached
    return cached


def is_member(user: Any, organisation_id: int) -> bool:
    return organisation_id in organisation_ids(user)
