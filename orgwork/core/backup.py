"""Backup and restore: the database and the uploaded files in one encrypted file.

    manage.py backup  [--output DIR]                       → DIR/orgwork-YYYYmmdd-HHMMSS.owb
    manage.py restore FILE [--database-url URL] [--media-root DIR] [--force]

The file is a tar archive (manifest.json, the database, media/...) sealed with XChaCha20-Poly1305 secret streams
(libsodium through PyNaCl) in 1 MiB chunks under the key `BACKUP_KEY` (environment; else generated once into
var/backup_key — copy that file somewhere safe: without it no backup can be read). A backup read with the wrong key,
a truncated file or a changed byte is refused, never half-restored.

The database part uses each engine's own consistent snapshot: SQLite's online backup API (readers and writers carry
on), `pg_dump --format=custom` on PostgreSQL (one MVCC snapshot). The manifest records every table's row count and the
audit chain's head; `restore` refuses a non-empty target unless forced, loads, then recounts every table and verifies
the audit chain on the restored database, naming the first difference.

Restoring across engines (a SQLite backup into PostgreSQL) is not supported: the database part is engine-native.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections

MAGIC = b"OWBACKUP1\n"
CHUNK = 1 << 20
FORMAT = 1


class BackupError(Exception):
    """A backup or restore refused, with a Chinese message naming what is wrong."""


# --- key and sealed stream ------------------------------------------------------------------------------------------


def _key(secret: str | None = None) -> bytes:
    secret = secret if secret is not None else settings.BACKUP_KEY
    if not secret:
        raise BackupError("未配置备份密钥 BACKUP_KEY")
    return hashlib.blake2b(secret.encode(), digest_size=32, person=b"orgwork-backup").digest()


def key_id(secret: str | None = None) -> str:
    return hashlib.blake2b(_key(secret), digest_size=6).hexdigest()


def _seal(src: Path, dst: Path, key: bytes) -> None:
    from nacl.bindings import (
        crypto_secretstream_xchacha20poly1305_init_push,
        crypto_secretstream_xchacha20poly1305_push,
        crypto_secretstream_xchacha20poly1305_state,
        crypto_secretstream_xchacha20poly1305_TAG_FINAL,
        crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
    )

    state = crypto_secretstream_xchacha20poly1305_state()
    header = crypto_secretstream_xchacha20poly1305_init_push(state, key)
    kid = hashlib.blake2b(key, digest_size=6).hexdigest().encode()
    size = src.stat().st_size
    with src.open("rb") as fin, dst.open("wb") as fout:
        fout.write(MAGIC + kid + b"\n" + header)
        done = 0
        while True:
            chunk = fin.read(CHUNK)
            done += len(chunk)
            final = done >= size
            tag = crypto_secretstream_xchacha20poly1305_TAG_FINAL if final else crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
            sealed = crypto_secretstream_xchacha20poly1305_push(state, chunk, None, tag)
            fout.write(struct.pack(">I", len(sealed)) + sealed)
            if final:
                break


def _open(src: Path, dst: Path, key: bytes) -> None:
    from nacl.bindings import (
        crypto_secretstream_xchacha20poly1305_init_pull,
        crypto_secretstream_xchacha20poly1305_pull,
        crypto_secretstream_xchacha20poly1305_state,
        crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    )
    from nacl.exceptions import CryptoError

    with src.open("rb") as fin, dst.open("wb") as fout:
        if fin.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{src.name} 不是组工云备份文件")
        kid = fin.readline().strip().decode(errors="replace")
        if kid != hashlib.blake2b(key, digest_size=6).hexdigest():
            raise BackupError(f"备份密钥不符：该备份由密钥 {kid} 加密，当前密钥为 {hashlib.blake2b(key, digest_size=6).hexdigest()}")
        header = fin.read(24)
        state = crypto_secretstream_xchacha20poly1305_state()
        crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
        while True:
            raw = fin.read(4)
            if len(raw) < 4:
                raise BackupError("备份文件不完整（缺少结尾）：文件被截断")
            (n,) = struct.unpack(">I", raw)
            sealed = fin.read(n)
            try:
                chunk, tag = crypto_secretstream_xchacha20poly1305_pull(state, sealed, None)
            except CryptoError:
                raise BackupError("备份文件校验失败：内容被改动或已损坏") from None
            fout.write(chunk)
            if tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL:
                if fin.read(1):
                    raise BackupError("备份文件结尾之后还有多余数据：文件被改动")
                return


# --- counting -------------------------------------------------------------------------------------------------------


def _model_tables() -> list[str]:
    from django.apps import apps

    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return sorted(tables)


def table_counts(alias: str = "default") -> dict[str, int]:
    conn = connections[alias]
    existing = set(conn.introspection.table_names())
    counts = {}
    with conn.cursor() as cur:
        for table in _model_tables():
            if table in existing:
                cur.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")  # table names from the model registry
                counts[table] = cur.fetchone()[0]
    return counts


def _audit_head(alias: str = "default") -> dict:
    from .models import AuditHead

    head = AuditHead.objects.using(alias).filter(pk=1).first()
    return {"seq": head.seq, "last_hash": head.last_hash} if head else {"seq": 0, "last_hash": ""}


# --- backup ---------------------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    size: int
    tables: int
    rows: int
    media_files: int
    audit_seq: int
    seconds: float


def _dump_database(alias: str, workdir: Path) -> tuple[str, dict[str, int], dict]:
    """Write the database into workdir; return its file name and the row counts and audit head *of that snapshot*."""
    conn = connections[alias]
    vendor = conn.vendor
    if vendor == "sqlite":
        target = workdir / "db.sqlite3"
        conn.ensure_connection()
        dst = sqlite3.connect(target)
        try:
            conn.connection.backup(dst)  # the online backup API: a consistent copy while others keep working
        finally:
            dst.close()
        counts, head = _sqlite_counts(target)
        return "db.sqlite3", counts, head
    if vendor == "postgresql":
        import psycopg

        target = workdir / "db.pgdump"
        sd = conn.settings_dict
        params = {"dbname": sd["NAME"], "host": sd.get("HOST") or None, "port": sd.get("PORT") or None, "user": sd.get("USER") or None, "password": sd.get("PASSWORD") or None}
        # One snapshot for the counts and the dump: pg_dump joins the exported snapshot of this transaction.
        with psycopg.connect(**{k: v for k, v in params.items() if v}) as pc:
            pc.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = pc.execute("SELECT pg_export_snapshot()").fetchone()[0]
            existing = {r[0] for r in pc.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
            counts = {t: pc.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _model_tables() if t in existing}
            row = pc.execute("SELECT seq, last_hash FROM core_audithead WHERE id = 1").fetchone() if "core_audithead" in existing else None
            _run_pg(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", "--file", str(target)], sd)
            pc.execute("COMMIT")
        return "db.pgdump", counts, ({"seq": row[0], "last_hash": row[1]} if row else {"seq": 0, "last_hash": ""})
    raise BackupError(f"不支持的数据库类型：{vendor}")


def _sqlite_counts(path: Path) -> tuple[dict[str, int], dict]:
    db = sqlite3.connect(path)
    try:
        existing = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _model_tables() if t in existing}
        row = db.execute("SELECT seq, last_hash FROM core_audithead WHERE id = 1").fetchone() if "core_audithead" in existing else None
    finally:
        db.close()
    return counts, ({"seq": row[0], "last_hash": row[1]} if row else {"seq": 0, "last_hash": ""})


def _pg_args(sd: dict) -> tuple[list[str], dict]:
    args = []
    if sd.get("HOST"):
        args += ["--host", str(sd["HOST"])]
    if sd.get("PORT"):
        args += ["--port", str(sd["PORT"])]
    if sd.get("USER"):
        args += ["--username", str(sd["USER"])]
    env = dict(os.environ)
    if sd.get("PASSWORD"):
        env["PGPASSWORD"] = str(sd["PASSWORD"])
    return args, env


def _run_pg(cmd: list[str], sd: dict, *, dbname: str | None = None) -> None:
    args, env = _pg_args(sd)
    full = [*cmd, *args, "--dbname", dbname or sd["NAME"]]
    proc = subprocess.run(full, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BackupError(f"{cmd[0]} 失败：{proc.stderr.strip()[-500:]}")


def make_backup(output_dir: Path | str, *, alias: str = "default", media: bool = True, secret: str | None = None, now: dt.datetime | None = None) -> BackupResult:
    import time

    started = time.perf_counter()
    key = _key(secret)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now()
    final = output_dir / f"orgwork-{now:%Y%m%d-%H%M%S}.owb"
    with tempfile.TemporaryDirectory(prefix="owbackup-", dir=output_dir) as tmp:
        work = Path(tmp)
        db_name, counts, head = _dump_database(alias, work)
        media_root = Path(settings.MEDIA_ROOT)
        files = [p for p in media_root.rglob("*") if p.is_file()] if media and media_root.exists() else []
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(timespec="seconds"),
            "engine": connections[alias].vendor,
            "database": db_name,
            "tables": counts,
            "audit_head": head,
            "media_files": len(files),
            "key_id": hashlib.blake2b(key, digest_size=6).hexdigest(),
        }
        plain = work / "backup.tar"
        with tarfile.open(plain, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(work / db_name, arcname=db_name)
            for p in files:
                tar.add(p, arcname=f"media/{p.relative_to(media_root).as_posix()}")
        partial = output_dir / (final.name + ".part")
        _seal(plain, partial, key)
        partial.replace(final)
    return BackupResult(
        final, final.stat().st_size, len(counts), sum(counts.values()), len(files), int(head.get("seq") or 0), time.perf_counter() - started
    )


# --- restore --------------------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    tables: int
    rows: int
    media_files: int
    audit_events: int
    differences: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.differences


def read_manifest(path: Path | str, *, secret: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="owrestore-") as tmp:
        plain = Path(tmp) / "backup.tar"
        _open(Path(path), plain, _key(secret))
        with tarfile.open(plain) as tar:
            return json.load(tar.extractfile("manifest.json"))


def _target_settings(database_url: str | None) -> dict:
    if not database_url:
        return dict(connections["default"].settings_dict)
    import dj_database_url

    sd = dj_database_url.parse(database_url)
    base = dict(connections["default"].settings_dict)
    base.update(sd)
    base["OPTIONS"] = sd.get("OPTIONS") or {}
    return base


def _is_empty(sd: dict) -> bool:
    if sd["ENGINE"].endswith("sqlite3"):
        path = Path(sd["NAME"])
        if str(sd["NAME"]) in ("", ":memory:") or not path.exists() or path.stat().st_size == 0:
            return True
        db = sqlite3.connect(path)
        try:
            return db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type='table'").fetchone()[0] == 0
        finally:
            db.close()
    import psycopg

    args = {"dbname": sd["NAME"], "host": sd.get("HOST") or None, "port": sd.get("PORT") or None, "user": sd.get("USER") or None, "password": sd.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in args.items() if v}) as c:
        return c.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0


def restore(path: Path | str, *, database_url: str | None = None, media_root: Path | str | None = None, force: bool = False, secret: str | None = None) -> RestoreResult:
    import time

    started = time.perf_counter()
    sd = _target_settings(database_url)
    vendor = "sqlite" if sd["ENGINE"].endswith("sqlite3") else "postgresql" if "postgresql" in sd["ENGINE"] else sd["ENGINE"]
    with tempfile.TemporaryDirectory(prefix="owrestore-") as tmp:
        work = Path(tmp)
        plain = work / "backup.tar"
        _open(Path(path), plain, _key(secret))
        with tarfile.open(plain) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise BackupError(f"不支持的备份格式版本：{manifest.get('format')}")
            if manifest["engine"] != vendor:
                raise BackupError(f"该备份来自 {manifest['engine']} 数据库，不能恢复到 {vendor}（数据库部分为原生格式）")
            if not _is_empty(sd) and not force:
                raise BackupError("目标数据库不为空：请恢复到新建的空数据库，或确认覆盖后使用 --force")
            tar.extract(manifest["database"], work, filter="data")
            db_file = work / manifest["database"]
            if vendor == "sqlite":
                target = Path(sd["NAME"])
                target.parent.mkdir(parents=True, exist_ok=True)
                for suffix in ("-wal", "-shm"):
                    Path(str(target) + suffix).unlink(missing_ok=True)
                shutil.copyfile(db_file, target)
            else:
                _run_pg(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *(["--clean", "--if-exists"] if force else []), str(db_file)], sd)
            media_dir = Path(media_root) if media_root else Path(settings.MEDIA_ROOT)
            members = [m for m in tar.getmembers() if m.name.startswith("media/") and m.isfile()]
            for m in members:
                m.name = m.name[len("media/") :]
                tar.extract(m, media_dir, filter="data")
    result = verify_restored(sd, manifest, database_url=database_url)
    result.media_files = len(members)
    result.seconds = time.perf_counter() - started
    return result


def _raw_counts(sd: dict) -> tuple[dict[str, int], dict]:
    if sd["ENGINE"].endswith("sqlite3"):
        return _sqlite_counts(Path(sd["NAME"]))
    import psycopg

    params = {"dbname": sd["NAME"], "host": sd.get("HOST") or None, "port": sd.get("PORT") or None, "user": sd.get("USER") or None, "password": sd.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as pc:
        existing = {r[0] for r in pc.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        counts = {t: pc.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _model_tables() if t in existing}
        row = pc.execute("SELECT seq, last_hash FROM core_audithead WHERE id = 1").fetchone() if "core_audithead" in existing else None
    return counts, ({"seq": row[0], "last_hash": row[1]} if row else {"seq": 0, "last_hash": ""})


def verify_restored(sd: dict, manifest: dict, *, database_url: str | None = None) -> RestoreResult:
    """Recount every table on the restored database and walk its audit chain (in a fresh process bound to it, so the
    check reads the restored rows and nothing cached by this one)."""
    import sys

    counts, head = _raw_counts(sd)
    diffs = []
    for table, expected in sorted(manifest["tables"].items()):
        got = counts.get(table)
        if got is None:
            diffs.append(f"表 {table} 缺失（备份中 {expected} 行）")
        elif got != expected:
            diffs.append(f"表 {table}：备份中 {expected} 行，恢复后 {got} 行")
    if int(head.get("seq") or 0) != int(manifest["audit_head"].get("seq") or 0):
        diffs.append(f"审计链长度：备份中 {manifest['audit_head'].get('seq')} 条，恢复后 {head.get('seq')} 条")
    env = dict(os.environ)
    if database_url:
        env["DATABASE_URL"] = database_url
    manage = Path(settings.BASE_DIR) / "manage.py"
    proc = subprocess.run([sys.executable, str(manage), "audit_verify"], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        diffs.append(f"审计链校验失败：{(proc.stderr or proc.stdout).strip()[-500:]}")
    return RestoreResult(len(counts), sum(counts.values()), 0, int(head.get("seq") or 0), diffs)


def encode_key(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def prune(output_dir: Path | str, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups in a directory (backup files only; records are never deleted)."""
    files = sorted(Path(output_dir).glob("orgwork-*.owb"))
    old = files[:-keep] if keep > 0 else []
    for p in old:
        p.unlink()
    return old
