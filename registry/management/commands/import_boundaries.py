from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from registry import services


class Command(BaseCommand):
    help = (
        "Import town and street boundaries from a GeoJSON FeatureCollection (WGS 84, properties.code = the "
        "statistical code) with the same service as the towns admin page: all or nothing, audited as the "
        "given actor. Without a file, the demo district's approximate outlines are imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the .geojson file (default: the shipped demo outlines)")
        parser.add_argument("--actor", required=True, help="username the import is recorded under")

    def handle(self, *args, **options):
        from django.contrib.auth import get_user_model

        from registry.boundaries import DEMO_BOUNDARIES

        User = get_user_model()  # noqa: N806 (accounts is one layer above)
        path = Path(options["file"]) if options["file"] else DEMO_BOUNDARIES
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            actor = User.objects.get(username=options["actor"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user {options['actor']!r}.") from None
        try:
            changed = services.import_town_boundaries(
                actor=actor, raw=path.read_bytes(), source_name=path.name
            )
        except DomainError as exc:
            messages = [str(m) for msgs in exc.errors.values() for m in msgs] or [str(exc.message)]
            raise CommandError("; ".join(messages)) from exc
        self.stdout.write(f"{len(changed)} boundaries changed: {', '.join(t.code for t in changed) or '—'}")
