"""The application lifecycle, as data (DESIGN.md "Workflow").

    draft ─submit→ submitted ─accept→ under_review ─recommend→ awaiting_countersign
    submitted ─deficiency notice→ deficient ─resubmit→ submitted
    under_review ⇄ information_requested      (clock paused while the applicant answers)
    under_review ─pause→ paused ─resume→ under_review
    under_review ─approve→ approved            (only when no countersignature is required)
    awaiting_countersign ─countersign→ approved | refused, or back to under_review
    information_requested / deficient ─(no answer in time)→ lapsed
    any open state ─withdraw→ withdrawn

Each Action names the statuses it may start from and the one it leads to; ``TRANSITIONS`` is
derived from them. Only ``licensing.services`` calls ``check_action``; nothing else assigns a
status.
"""

from dataclasses import dataclass
from typing import Final

from django.db import models

from licensing.exceptions import TransitionNotAllowed


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    DEFICIENT = "deficient", "Deficiency notice issued"
    UNDER_REVIEW = "under_review", "Under review"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    PAUSED = "paused", "Clock paused"
    AWAITING_COUNTERSIGN = "awaiting_countersign", "Awaiting countersignature"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LAPSED = "lapsed", "Lapsed"


class Action(models.TextChoices):
    SUBMIT = "submit"
    ISSUE_DEFICIENCY_NOTICE = "issue_deficiency_notice"
    RESUBMIT = "resubmit"
    ACCEPT = "accept"
    REQUEST_INFORMATION = "request_information"
    ANSWER_INFORMATION_REQUEST = "answer_information_request"
    PAUSE_CLOCK = "pause_clock"
    RESUME_CLOCK = "resume_clock"
    RECOMMEND = "recommend"
    APPROVE = "approve"
    REFUSE = "refuse"
    RETURN_FOR_REVIEW = "return_for_review"
    WITHDRAW = "withdraw"
    LAPSE = "lapse"


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status


TERMINAL: Final = frozenset({Status.APPROVED, Status.REFUSED, Status.WITHDRAWN, Status.LAPSED})
OPEN: Final = frozenset(Status) - TERMINAL

RULES: Final[dict[Action, Rule]] = {
    Action.SUBMIT: Rule(frozenset({Status.DRAFT}), Status.SUBMITTED),
    Action.ISSUE_DEFICIENCY_NOTICE: Rule(frozenset({Status.SUBMITTED}), Status.DEFICIENT),
    Action.RESUBMIT: Rule(frozenset({Status.DEFICIENT}), Status.SUBMITTED),
    Action.ACCEPT: Rule(frozenset({Status.SUBMITTED}), Status.UNDER_REVIEW),
    Action.REQUEST_INFORMATION: Rule(
        frozenset({Status.UNDER_REVIEW}), Status.INFORMATION_REQUESTED
    ),
    Action.ANSWER_INFORMATION_REQUEST: Rule(
        frozenset({Status.INFORMATION_REQUESTED}), Status.UNDER_REVIEW
    ),
    Action.PAUSE_CLOCK: Rule(frozenset({Status.UNDER_REVIEW}), Status.PAUSED),
    Action.RESUME_CLOCK: Rule(frozenset({Status.PAUSED}), Status.UNDER_REVIEW),
    Action.RECOMMEND: Rule(frozenset({Status.UNDER_REVIEW}), Status.AWAITING_COUNTERSIGN),
    # From under_review only when policy needs no countersignature (a service guard).
    Action.APPROVE: Rule(
        frozenset({Status.UNDER_REVIEW, Status.AWAITING_COUNTERSIGN}), Status.APPROVED
    ),
    # A refusal is always countersigned (DESIGN.md "Decision").
    Action.REFUSE: Rule(frozenset({Status.AWAITING_COUNTERSIGN}), Status.REFUSED),
    Action.RETURN_FOR_REVIEW: Rule(frozenset({Status.AWAITING_COUNTERSIGN}), Status.UNDER_REVIEW),
    Action.WITHDRAW: Rule(OPEN, Status.WITHDRAWN),
    Action.LAPSE: Rule(frozenset({Status.INFORMATION_REQUESTED, Status.DEFICIENT}), Status.LAPSED),
}

TRANSITIONS: Final[dict[Status, frozenset[Status]]] = {
    status: frozenset(rule.target for rule in RULES.values() if status in rule.sources)
    for status in Status
}


def can(action: Action, status: str) -> bool:
    return status in RULES[action].sources


def target_of(action: Action) -> Status:
    return RULES[action].target


def check_action(action: Action, status: str, *, reference: str) -> Status:
    """Return the status the action leads to, or raise if the current status forbids it."""
    if not can(action, status):
        raise TransitionNotAllowed(reference, status, action)
    return target_of(action)
