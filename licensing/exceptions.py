"""Business errors raised by services; each surface translates them into its own idiom."""


class WorkflowError(Exception):
    """Base class: the request conflicts with the state of the case."""


class TransitionNotAllowed(WorkflowError):
    """The case's status does not allow this action (often: someone else acted first)."""

    def __init__(self, reference: str, status: str, action: str) -> None:
        self.reference, self.status, self.action = reference, status, action
        super().__init__(
            f"Application {reference} is {status.replace('_', ' ')}: it cannot be "
            f"{action.replace('_', ' ')} now. It may have been changed by someone else; "
            "reload it to see its current state."
        )


class StaleVersion(WorkflowError):
    """An edit was based on an old version of the application."""

    def __init__(self, reference: str, expected: int, current: int) -> None:
        self.expected, self.current = expected, current
        super().__init__(
            f"Application {reference} was changed by someone else (version {current}, "
            f"you edited version {expected}). Reload it and apply your change again."
        )


class NotEligible(WorkflowError):
    """A guard failed: the action is allowed in this status, but not for this case or user."""

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        self.problems = problems or [message]
        super().__init__(message)


class NotPermitted(WorkflowError):
    """The user's role does not allow this action on this case."""
