"""`manage.py crypto_report [--json]`: which algorithm and which key protect what, and how the stored
values are spread over ciphers and root keys (GB/T 39786-2021 application and data layer)."""

import json

from django.core.management.base import BaseCommand

from accounts.cryptoreport import report


class Command(BaseCommand):
    help = "State which algorithm and key protect each kind of data (and the stored values' spread)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        data = report()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        for warning in data["warnings"]:
            self.stderr.write(self.style.ERROR(f"WARNING: {warning}"))
        self.stdout.write(f"suite: {data['suite']}  (CRYPTO_SUITE; 'sm' = SM4 / HMAC-SM3)")
        self.stdout.write(f"root keys: {', '.join(data['root_keys'])}  current: {data['current_root_key']}")
        self.stdout.write(f"key source: {data['key_source']}  (never the database)")
        for row in data["rows"]:
            self.stdout.write(f"- {row['protects']}: {row['algorithm']}; key: {row['key']}")
            for what, count in row["stored"].items():
                self.stdout.write(f"    {what}: {count}")
