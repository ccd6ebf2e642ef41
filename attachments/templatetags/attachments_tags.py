"""Template helpers for attachments: whether to offer the protected original of a photo."""

from django import template

from attachments.services import may_fetch_original

register = template.Library()


@register.filter
def original_for(attachment, user) -> bool:
    """True when `user` may fetch this photo's uploaded original (the page already checked the scope)."""
    return bool(attachment.is_image and attachment.original and may_fetch_original(user, attachment))
