from django.core.management.base import BaseCommand

from core.errors import DomainError
from core.management.imports import active_user, existing_file, refused
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
        from registry.boundaries import DEMO_BOUNDARIES

        path = existing_file(options["file"]) if options["file"] else DEMO_BOUNDARIES
        actor = active_user(options["actor"])
        try:
            changed = services.import_town_boundaries(
                actor=actor, raw=path.read_bytes(), source_name=path.name
            )
        except DomainError as exc:
            raise refused(exc) from exc
        self.stdout.write(f"{len(changed)} boundaries changed: {', '.join(t.code for t in changed) or '—'}")
