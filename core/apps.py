from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Each app registers its one-file sections, home panels, navigation, demo builders and jobs
        # in its own `extensions.py`; nothing here knows the modules by name.
        autodiscover_modules("extensions")
        # Imported for what they register: the job core.expire_job_results, the SM suite's keyring check.
        from core import background, keys  # noqa: F401
