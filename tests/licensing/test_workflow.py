"""The transition table itself: no database needed."""

import pytest

from licensing.exceptions import TransitionNotAllowed
from licensing.workflow import OPEN, RULES, TERMINAL, TRANSITIONS, Action, Status, check_action

PAIRS = [(action, status) for action in Action for status in Status]


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_check_action_follows_the_table(action: Action, status: Status) -> None:
    rule = RULES[action]
    if status in rule.sources:
        assert check_action(action, status, reference="LS-1") == rule.target
    else:
        with pytest.raises(TransitionNotAllowed):
            check_action(action, status, reference="LS-1")


def test_terminal_statuses_lead_nowhere() -> None:
    assert all(TRANSITIONS[status] == frozenset() for status in TERMINAL)


def test_every_open_status_can_be_withdrawn_and_reached() -> None:
    reachable = {Status.DRAFT} | {rule.target for rule in RULES.values()}
    assert reachable == set(Status)
    assert all(Status.WITHDRAWN in TRANSITIONS[status] for status in OPEN)


def test_refusal_always_passes_through_countersignature() -> None:
    assert {s for s, targets in TRANSITIONS.items() if Status.REFUSED in targets} == {
        Status.AWAITING_COUNTERSIGN
    }


def test_conflict_message_names_the_case_and_its_status() -> None:
    with pytest.raises(TransitionNotAllowed, match="LS-2026-000007 is under review"):
        check_action(Action.ACCEPT, Status.UNDER_REVIEW, reference="LS-2026-000007")
