from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orgwork.core.backup import BackupError, make_backup, prune


class Command(BaseCommand):
    help = "备份数据库与上传文件到一个加密文件 (backup the database and uploaded files into one sealed file)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=settings.BACKUP_DIR or str(Path(settings.VAR_DIR) / "backups"), help="备份目录")
        parser.add_argument("--no-media", action="store_true", help="不含上传文件")
        parser.add_argument("--keep", type=int, default=0, help="只保留最近 N 个备份（0 = 全部保留）")

    def handle(self, output, no_media, keep, **options):
        try:
            r = make_backup(output, media=not no_media)
        except BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            f"备份完成：{r.path}（{r.size / 1_048_576:.1f} MiB，{r.tables} 张表 {r.rows} 行，上传文件 {r.media_files} 个，审计链 {r.audit_seq} 条，用时 {r.seconds:.1f} 秒）"
        )
        if keep > 0:
            for p in prune(output, keep):
                self.stdout.write(f"已移除旧备份：{p.name}")
