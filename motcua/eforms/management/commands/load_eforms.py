from django.core.management.base import BaseCommand, CommandParser

from motcua.eforms.services import eform_load_bundled


class Command(BaseCommand):
    help = (
        "Load the e-forms shipped in motcua/eforms/data/ for the procedures in the catalogue "
        "(existing e-forms are kept unless --replace)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--replace", action="store_true", help="overwrite e-forms edited by administrators"
        )

    def handle(self, *args: object, **options: object) -> None:
        loaded = eform_load_bundled(actor=None, replace=bool(options["replace"]))
        if loaded:
            self.stdout.write(self.style.SUCCESS(f"E-forms loaded: {', '.join(loaded)}"))
        else:
            self.stdout.write("No e-form loaded (none new, or their procedures are missing).")
