"""Production settings (issue 11): DEBUG off by default, and `manage.py check --deploy` clean under DJANGO_ENV=production."""

import os
import subprocess
import sys

from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


def _env(tmp_path, **extra):
    # The process's own environment minus settings under test, and minus DJANGO_ALLOW_ASYNC_UNSAFE, which the
    # browser tests (Playwright) set in this process and which check --deploy rightly warns about.
    dropped = {"DEBUG", "DJANGO_ENV", "SECRET_KEY", "SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE", "TRUST_X_FORWARDED_PROTO"}
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("SECURE_")}
    env.update(ORGWORK_VAR_DIR=str(tmp_path), ALLOWED_HOSTS="zgy.example.gov.cn", **extra)
    return env


def _run(args, env):
    return subprocess.run([*MANAGE, *args], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120)


def test_debug_is_off_unless_asked(tmp_path):
    code = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'orgwork.settings'); django.setup(); from django.conf import settings as s; print(s.DEBUG)"
    out = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path), cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    r = _run(["check", "--deploy", "--fail-level", "WARNING"], _env(tmp_path, DJANGO_ENV="production"))
    # drf_spectacular.W001 "enum naming ... collision": add the choice class to SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].
    assert r.returncode == 0, r.stdout + r.stderr
    assert "System check identified no issues" in r.stdout
    assert "WARNINGS" not in r.stdout + r.stderr


def test_check_deploy_does_warn_with_the_development_defaults(tmp_path):
    """The check is live: the embedded defaults (HTTP, no HSTS) are reported."""
    r = _run(["check", "--deploy", "--fail-level", "WARNING"], _env(tmp_path))
    assert r.returncode != 0
    assert "security.W004" in r.stderr + r.stdout and "security.W008" in r.stderr + r.stdout


def test_production_settings_values(tmp_path):
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'orgwork.settings'); django.setup(); from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.STORAGES['staticfiles']['BACKEND'], getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path, DJANGO_ENV="production", TRUST_X_FORWARDED_PROTO="1"), cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "True", "True", "True", "31536000", "whitenoise.storage.CompressedManifestStaticFilesStorage", "('HTTP_X_FORWARDED_PROTO',", "'https')"], out.stderr
