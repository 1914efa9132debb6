from django.core.management.base import BaseCommand, CommandError

from orgwork.core.audit import verify


class Command(BaseCommand):
    help = "Recompute the audit hash chain and check its MACs, head and anchors; name the first broken event."

    def handle(self, **options):
        result = verify()
        if not result.ok:
            where = f"; first broken event: #{result.broken_seq}" if result.broken_seq is not None else ""
            raise CommandError(f"审计链校验失败：{result.reason}（已校验 {result.checked} 条）{where}")
        self.stdout.write(f"审计链完整：共 {result.checked} 条事件，{result.anchors} 个锚点 (audit chain OK: {result.checked} events, {result.anchors} anchors)")
        for note in result.notes:
            self.stdout.write(note)
