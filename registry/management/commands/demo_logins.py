from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the demo accounts and where to log in."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, **options):
        from registry.demo import ACCOUNTS, DEMO_PASSWORD

        self.stdout.write("")
        self.stdout.write(f"Redline is starting on http://{options['host']}:{options['port']}/")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, name, roles, _town, _dept in ACCOUNTS:
            self.stdout.write(f"  {username:<18} {', '.join(str(r) for r in roles):<22} {name}")
        from django.conf import settings

        if settings.REDLINE_DEMO_MFA_EXEMPT:
            self.stdout.write("Two-factor authentication is waived for this demo (REDLINE_DEMO_MFA_EXEMPT).")
        else:
            self.stdout.write(
                "admin, sysadmin, secadmin, auditadmin set up an authenticator app at first login."
            )
        self.stdout.write("")
