"""The inbox's count in the navigation (``base.html``): one query, on pages that show it."""

from typing import Any

from django import template

from procurement import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_counts(context: dict[str, Any]) -> selectors.InboxCounts:
    """How many proposals await the person's approval and how many were returned to them."""
    request = context.get("request")
    if request is None:
        return selectors.InboxCounts()
    return selectors.inbox_counts(request.user)
