from django.core.management.base import BaseCommand

from core.errors import DomainError
from core.management.imports import active_user, existing_file, refused
from registry import services


class Command(BaseCommand):
    help = (
        "Import the district's offline base map from a GeoJSON FeatureCollection (WGS 84; each feature's "
        "properties.kind one of district, town, river, motorway, trunk, primary) with the same service as the "
        "towns admin page: all or nothing, audited as the given actor."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .geojson file")
        parser.add_argument("--actor", required=True, help="username the import is recorded under")

    def handle(self, *args, **options):
        path = existing_file(options["file"])
        actor = active_user(options["actor"])
        try:
            base_map = services.import_base_map(actor=actor, raw=path.read_bytes(), source_name=path.name)
        except DomainError as exc:
            raise refused(exc) from exc
        self.stdout.write(f"Base map imported: {base_map.features} features, sha256 {base_map.sha256[:16]}")
