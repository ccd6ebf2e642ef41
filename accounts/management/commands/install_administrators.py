"""`manage.py install_administrators`: the first administrator accounts of a new installation."""

from django.core.management.base import BaseCommand, CommandError

from accounts.services import install_administrators
from core.choices import Role
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create the system, security and audit administrator accounts of a new installation, each with a "
        "one-time password (changed, and the second factor enrolled, at first login). Refused once any "
        "administrator exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--system", default="sysadmin", help="username of the system administrator")
        parser.add_argument("--security", default="secadmin", help="username of the security administrator")
        parser.add_argument("--audit", default="auditadmin", help="username of the audit administrator")

    def handle(self, *args, **options):
        names = {
            Role.SYSTEM_ADMIN: options["system"],
            Role.SECURITY_ADMIN: options["security"],
            Role.AUDIT_ADMIN: options["audit"],
        }
        try:
            credentials = install_administrators(names=names)
        except DomainError as exc:
            raise CommandError(str(exc))
        self.stdout.write("Administrator accounts created; give each password to its holder only once:")
        for username, password in credentials.items():
            self.stdout.write(f"  {username}  {password}")
        self.stdout.write(
            "The security administrator then grants business roles (district_admin first) to accounts that "
            "the system administrator creates."
        )
