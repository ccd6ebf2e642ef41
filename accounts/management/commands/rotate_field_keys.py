"""`manage.py rotate_field_keys`: re-encrypt the personal data under the current root key and cipher
(after a new key became current in the keyring, or the SM suite was switched on). Audited."""

from django.core.management.base import BaseCommand

from accounts.cryptoreport import rotate_field_keys
from audit.services import record
from core import keys


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the current root key and cipher."

    def handle(self, *args, **options):
        counts = rotate_field_keys()
        record(
            None,
            "core.keys.rotated",
            data={"current_root_key": keys.keyring().current, "suite": keys.suite(), "values": counts},
            target_type="core.keys",
        )
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} re-encrypted")
