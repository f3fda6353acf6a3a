"""Values every page's header shows."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from licensing import selectors


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count beside "Notifications"; one query, only when a page shows it."""
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: selectors.unread_notification_count(request.user)
        )
    }
