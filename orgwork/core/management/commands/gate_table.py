"""Write (or check) docs/audiences.md: every route of the project and the audience the gate lets through."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orgwork.core.gate import render_audience_table


class Command(BaseCommand):
    help = "Write docs/audiences.md from the URL resolver (--check: fail if it is out of date)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **opts):
        path = Path(settings.BASE_DIR) / "docs" / "audiences.md"
        text = render_audience_table()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError("docs/audiences.md is out of date: run `python manage.py gate_table`")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
