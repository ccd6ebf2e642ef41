from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import RestoreError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database (checksums are verified first)."

    def add_arguments(self, parser):
        parser.add_argument("source")
        parser.add_argument("--force", action="store_true", help="restore over a database that has data")

    def handle(self, *args, **options):
        try:
            manifest = restore_backup(Path(options["source"]), force=options["force"])
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {len(manifest['tables'])} tables and {len(manifest['media_files'])} files."
            )
        )
