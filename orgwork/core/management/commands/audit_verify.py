from django.core.management.base import BaseCommand, CommandError

from orgwork.core.audit import verify


class Command(BaseCommand):
    help = "Recompute the audit hash chain; name the first broken event."

    def handle(self, **options):
        result = verify()
        if not result.ok:
            raise CommandError(f"审计链校验失败：{result.reason}（已校验 {result.checked} 条）; first broken event: #{result.broken_seq}")
        self.stdout.write(f"审计链完整：共 {result.checked} 条事件 (audit chain OK: {result.checked} events)")
