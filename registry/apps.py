from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("District registry")

    def ready(self):
        # The import job kinds register with core.background when their module is imported.
        import registry.importer  # noqa: F401
