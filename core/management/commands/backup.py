from pathlib import Path

from django.core.management.base import BaseCommand

from core.backup import create_backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a checksummed folder (var/backups/ by default)."

    def add_arguments(self, parser):
        parser.add_argument("--to", help="destination folder (must not exist)")

    def handle(self, *args, **options):
        target = create_backup(Path(options["to"]) if options["to"] else None)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))
