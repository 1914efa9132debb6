from django.core.management.base import BaseCommand, CommandError

from orgwork.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份文件恢复到空数据库，并逐表核对行数、校验审计链 (restore a backup into an empty database and verify it)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件 (.owb)")
        parser.add_argument("--database-url", default="", help="目标数据库（默认为当前配置的数据库）")
        parser.add_argument("--media-root", default="", help="上传文件恢复到的目录（默认 MEDIA_ROOT）")
        parser.add_argument("--force", action="store_true", help="目标数据库不为空时仍然覆盖")

    def handle(self, file, database_url, media_root, force, **options):
        try:
            r = restore(file, database_url=database_url or None, media_root=media_root or None, force=force)
        except BackupError as exc:
            raise CommandError(str(exc))
        except FileNotFoundError:
            raise CommandError(f"找不到备份文件：{file}")
        if not r.ok:
            raise CommandError("恢复后核对不一致：\n" + "\n".join(r.differences))
        self.stdout.write(f"恢复完成并已核对：{r.tables} 张表 {r.rows} 行一致，审计链 {r.audit_events} 条完整，上传文件 {r.media_files} 个，用时 {r.seconds:.1f} 秒")
