from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_index(sender, using="default", **kwargs):
    # SQLite drops a table's triggers when a migration rebuilds the table (hazards.search).
    from django.db import connections

    from hazards.search import ensure_index

    ensure_index(connections[using])


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("Hazards")

    def ready(self):
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="hazards.search_index")
