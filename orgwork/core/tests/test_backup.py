"""Backup and restore (issue 22): a sealed file, restored into an empty database, recounted and its audit chain verified."""

import datetime as dt
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from orgwork.core import backup
from orgwork.core.audit import verify
from orgwork.core.backup import BackupError
from orgwork.core.models import AuditEvent
from orgwork.members.models import Member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path, settings):
    root = tmp_path / "media"
    (root / "uploads" / "2026").mkdir(parents=True)
    (root / "uploads" / "2026" / "会议记录.pdf").write_bytes(b"%PDF-1.4 minutes " * 100)
    settings.MEDIA_ROOT = str(root)
    return root


def _empty_target(tmp_path):
    """A new, empty database of the same engine as the one under test; yields its URL."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
    sd = connection.settings_dict
    name = f"orgwork_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    host = sd.get("HOST") or "127.0.0.1"
    url = f"postgres://{sd.get('USER') or 'postgres'}@{host}:{sd.get('PORT') or 5432}/{name}"
    return url, name


def _drop(name):
    if name:
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_into_an_empty_database_with_equal_counts_and_a_whole_audit_chain(tree, make_member, media, tmp_path):
    names = "王备份 李丽华 张建国 刘秀英 陈志强 杨桂兰 赵明 黄海燕 周伟 吴芳 徐静 孙磊".split()
    for i, n in enumerate(names):
        make_member(tree.village_a, name=n, birth=dt.date(1980, 1, 1 + i))
    assert verify().ok
    events = AuditEvent.objects.count()
    assert events >= 12

    r = backup.make_backup(tmp_path / "out", now=dt.datetime(2026, 12, 3, 2, 30))
    assert r.path.name == "orgwork-20261203-023000.owb"
    assert r.media_files == 1 and r.audit_seq == events
    sealed = r.path.read_bytes()
    # Sealed: neither a member's name nor the PDF's bytes can be read from the file.
    assert "王备份".encode() not in sealed and b"minutes" not in sealed

    url, name = _empty_target(tmp_path)
    try:
        restored_media = tmp_path / "restored-media"
        result = backup.restore(r.path, database_url=url, media_root=restored_media)
        assert result.ok, result.differences
        assert result.audit_events == events
        assert result.rows == r.rows and result.tables == r.tables
        assert (restored_media / "uploads" / "2026" / "会议记录.pdf").read_bytes() == (media / "uploads" / "2026" / "会议记录.pdf").read_bytes()
        # A second restore onto the now non-empty database is refused without --force.
        with pytest.raises(BackupError, match="目标数据库不为空"):
            backup.restore(r.path, database_url=url, media_root=restored_media)
    finally:
        _drop(name)


def test_restore_names_the_table_that_differs(tree, make_member, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "m")
    make_member(tree.village_a, name="计数人")
    r = backup.make_backup(tmp_path / "out")
    url, name = _empty_target(tmp_path)
    try:
        result = backup.restore(r.path, database_url=url, media_root=tmp_path / "rm")
        assert result.ok
        manifest = backup.read_manifest(r.path)
        manifest["tables"][Member._meta.db_table] += 1  # as if a row had gone missing in the restore
        again = backup.verify_restored(backup._target_settings(url), manifest, database_url=url)
        assert not again.ok
        assert any(Member._meta.db_table in d for d in again.differences)
    finally:
        _drop(name)


def test_a_wrong_key_a_changed_byte_and_a_truncated_file_are_refused(tree, make_member, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "m")
    make_member(tree.village_a, name="完整人")
    r = backup.make_backup(tmp_path / "out")
    target = f"sqlite:///{tmp_path / 'never.sqlite3'}" if connection.vendor == "sqlite" else None

    with pytest.raises(BackupError, match="备份密钥不符"):
        backup.read_manifest(r.path, secret="another key")

    data = bytearray(r.path.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed = tmp_path / "changed.owb"
    changed.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="改动或已损坏"):
        backup.read_manifest(changed)

    cut = tmp_path / "cut.owb"
    cut.write_bytes(r.path.read_bytes()[: len(data) - 100])
    with pytest.raises(BackupError):
        backup.read_manifest(cut)
    if target:
        with pytest.raises(BackupError):
            backup.restore(cut, database_url=target, media_root=tmp_path / "rm")
        assert not (tmp_path / "never.sqlite3").exists()  # nothing half-written


def test_commands_report_in_chinese(tree, make_member, tmp_path, settings, capsys):
    settings.MEDIA_ROOT = str(tmp_path / "m")
    make_member(tree.village_a, name="命令人")
    call_command("backup", "--output", str(tmp_path / "out"), "--keep", "1")
    out = capsys.readouterr().out
    assert "备份完成" in out
    files = list((tmp_path / "out").glob("*.owb"))
    assert len(files) == 1
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "nope.owb"))
    if connection.vendor == "sqlite":
        call_command("restore", str(files[0]), "--database-url", f"sqlite:///{tmp_path / 'r.sqlite3'}", "--media-root", str(tmp_path / "rm"))
        assert "恢复完成并已核对" in capsys.readouterr().out


def test_prune_keeps_the_newest(tmp_path):
    for d in ("20261201", "20261202", "20261203"):
        (tmp_path / f"orgwork-{d}-023000.owb").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("keep me")
    removed = backup.prune(tmp_path, 2)
    assert [p.name for p in removed] == ["orgwork-20261201-023000.owb"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "orgwork-20261202-023000.owb", "orgwork-20261203-023000.owb"]
