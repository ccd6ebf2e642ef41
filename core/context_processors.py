from django.conf import settings

from core.extensions import nav_items
from core.ports import unread_notifications


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "unread_notifications": 0, "MAP_TILE_URL": settings.MAP_TILE_URL}
    return {
        "nav": nav_items.for_user(user),
        "unread_notifications": unread_notifications(user),
        "MAP_TILE_URL": settings.MAP_TILE_URL,
    }
