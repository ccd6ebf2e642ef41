from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
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
        from django.contrib.auth import get_user_model

        User = get_user_model()  # noqa: N806 (accounts is one layer above)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            actor = User.objects.get(username=options["actor"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user {options['actor']!r}.") from None
        try:
            base_map = services.import_base_map(actor=actor, raw=path.read_bytes(), source_name=path.name)
        except DomainError as exc:
            messages = [str(m) for msgs in exc.errors.values() for m in msgs] or [str(exc.message)]
            raise CommandError("; ".join(messages)) from exc
        self.stdout.write(f"Base map imported: {base_map.features} features, sha256 {base_map.sha256[:16]}")
