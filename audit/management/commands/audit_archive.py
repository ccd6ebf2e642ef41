from django.core.management.base import BaseCommand

from audit.integrity import archive_expired


class Command(BaseCommand):
    help = "Archive audit events older than AUDIT_RETENTION_DAYS to checksummed files, then remove them."

    def handle(self, *args, **options):
        from django.utils import timezone

        result = archive_expired(now=timezone.now())
        self.stdout.write(f"archived {result['archived']} events into {len(result['files'])} files")
