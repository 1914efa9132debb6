"""One settings module, driven by environment variables.

Safe defaults make the embedded run (`make run`) work with no configuration:
SQLite under var/, a generated secret key kept in var/, DEBUG on only when asked.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ORGWORK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "huey.contrib.djhuey",
    "orgwork.core",
    "orgwork.orgs",
    "orgwork.members",
    "orgwork.recruitment",
    "orgwork.stats",
    "orgwork.roster",
    "orgwork.dues",
    "orgwork.funds",
    "orgwork.staffing",
    "orgwork.villages",
    "orgwork.selfservice",
    "orgwork.lifecycle",
    "orgwork.notifications",
    "orgwork.meetings",
    "orgwork.elections",
    "orgwork.discipline",
    "orgwork.reorg",
    "orgwork.training",
    "orgwork.scores",
    "orgwork.portal",
    "orgwork.worklists",
    "orgwork.disclosure",
    "orgwork.tipoffs",
    "orgwork.petitions",
    "orgwork.awards",
    "orgwork.education",
    "orgwork.polls",
    "orgwork.cadres",
    "orgwork.delegates",
    "orgwork.web",
    "orgwork.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "orgwork.core.routing.ReadYourWritesMiddleware",  # replica reads, read-your-writes window (inert without a replica)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "orgwork.core.middleware.ActorMiddleware",
    "orgwork.core.gate.GateMiddleware",  # the one gate: sign-in → second factor → audience → scope (core/gate.py)
    "orgwork.core.middleware.ContentSecurityPolicyMiddleware",
    "orgwork.core.params.ParamErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "orgwork.urls"
ERROR_TEMPLATE = "web/error.html"  # the console's error page (code, title, text); the kernel's 400 answers use it
WSGI_APPLICATION = "orgwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orgwork.web.context.console",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'orgwork.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue instead of failing on a lock upgrade.
    _db["OPTIONS"] = {
        # mmap: pages read straight from the mapped file, not copied into the page cache (a roster import's index
        # inserts read most of the member table's index pages: 2.5–2.8 s against 3.3–3.6 s for 100,000 rows;
        # docs/scaling.md). Address space only; the file grows past it unmapped.
        # page_size: 8 KiB pages for a database created from now on (set before WAL creates the file; an existing
        # file keeps its pages): shallower indexes, fewer WAL frames — a 100,000-row import's commit 0.52-0.57 s
        # against 0.36-0.47 s with 4 KiB pages (docs/scaling.md).
        "init_command": "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA mmap_size=1073741824;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
    # Persistent connections here too: opening the file and running the PRAGMAs above on every request cost ~4 ms of
    # a 1 ms API read (bench/api.py, which now runs Django's per-request connection handling).
    _db["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))
else:
    # Persistent connections: opening a PostgreSQL connection per request costs more than the query.
    _db["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))
    _db["CONN_HEALTH_CHECKS"] = True
    if _db["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend whose health check skips the `SELECT 1` round trip while the socket shows the server
        # has not hung up and the connection was used within HEALTH_CHECK_IDLE_SECONDS (orgwork/core/postgresql).
        _db["ENGINE"] = "orgwork.core.postgresql"
# A streaming replica for reads (orgwork.core.routing; docs/scaling.md): writes and read-your-writes stay on the primary.
REPLICA_DATABASE_URL = os.environ.get("REPLICA_DATABASE_URL", "")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(REPLICA_DATABASE_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = _db.get("CONN_MAX_AGE", 0)
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["ENGINE"] = "orgwork.core.postgresql"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # test databases exist on the primary only
DATABASE_ROUTERS = ["orgwork.core.routing.ReplicaRouter"]
READ_YOUR_WRITES_SECONDS = int(os.environ.get("READ_YOUR_WRITES_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, queue ---------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "orgwork",
        "url": REDIS_URL,
        "immediate": _env_bool("HUEY_IMMEDIATE", False),
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "orgwork",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": _env_bool("HUEY_IMMEDIATE", False),
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- auth -----------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
# Lock by account: a whole township office often shares one NAT address, so an IP lockout would
# lock out everyone in it.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked.html"
AXES_VERBOSE = False
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
OTP_TOTP_ISSUER = "组工云"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "orgwork.core.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["orgwork.core.gate.GatePermission", "orgwork.core.tokens.ReadOnlyTokenPermission"],
    "DEFAULT_PAGINATION_CLASS": "orgwork.core.drf.Pagination",
    "DEFAULT_PARSER_CLASSES": ["orgwork.core.drf.ObjectJSONParser", "rest_framework.parsers.FormParser", "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "orgwork.core.schema.AppSchema",
    "EXCEPTION_HANDLER": "orgwork.core.drf.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
# /api/schema/ and /api/docs/ are for signed-in staff unless a deployment opens them.
API_DOCS_PUBLIC = _env_bool("API_DOCS_PUBLIC", False)

SPECTACULAR_SETTINGS = {
    "TITLE": "组工云 orgwork API",
    "DESCRIPTION": "Organizations, members and the work of an organization department. Errors carry a stable `code`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["orgwork.core.gate.GatePermission"],
    # Choice sets stay inline in each field: twenty modules each have a `kind`, `status` or `category` with their
    # own choices, and one shared enum component per field name would collide (`check --deploy` stays clean).
    "POSTPROCESSING_HOOKS": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Dues (rules.md §4): the deployment's top org level for the remittance rule table (county / city / province), and
# the month the county began keeping dues here (members who never paid count their arrears from it; empty = no bound).
DUES_TOP_LEVEL = os.environ.get("ORGWORK_DUES_TOP_LEVEL", "county")
DUES_LEDGER_START = os.environ.get("ORGWORK_DUES_LEDGER_START") or None

# --- security / production (helper-owned block: audit key, API tokens, deploy settings) -------------


def _var_secret(env: str, filename: str) -> str:
    """A secret from the environment, else generated once into var/ (never stored in the database)."""
    value = os.environ.get(env)
    if value:
        return value
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


# Key of the audit chain's MACs (orgwork.core.audit). Production: set AUDIT_MAC_KEY from a secret store, so
# whoever holds the database (or a backup of it) cannot re-sign a rewritten chain.
AUDIT_MAC_KEY = _var_secret("AUDIT_MAC_KEY", "audit_mac_key")

# Backups (orgwork.core.backup): the key that seals every backup file. Production: set BACKUP_KEY from a secret store
# and keep a copy away from the backups; without it no backup can be read. BACKUP_DIR: where the nightly job writes
# (unset = no nightly backup); BACKUP_KEEP: how many files it keeps there.
BACKUP_KEY = _var_secret("BACKUP_KEY", "backup_key")
BACKUP_DIR = os.environ.get("BACKUP_DIR", "")
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))

# 12380 tip-offs (orgwork/tipoffs, docs/tipoffs.md): the key of the receipts' 16-bit lookup index (outside the
# database), the Argon2id cost of receipts and handler keys, how long a console unlock lasts. The per-device daily limit
# hashes the client address (core.clientip, TRUSTED_PROXIES) with a daily key kept only in the cache, never stored.
TIPOFFS_LOOKUP_KEY = _var_secret("TIPOFFS_LOOKUP_KEY", "tipoffs_lookup_key")
TIPOFFS_KDF_COST = os.environ.get("TIPOFFS_KDF_COST", "interactive")
TIPOFFS_UNLOCK_SECONDS = int(os.environ.get("TIPOFFS_UNLOCK_SECONDS", "7200"))
# Inbound SMS webhook (/api/v1/sms/inbound/, core/api_sms.py): the secret the provider sends in X-Sms-Secret; empty = off.
SMS_INBOUND_SECRET = os.environ.get("SMS_INBOUND_SECRET", "")
# A real SMS provider (orgwork.core.sms.HttpSms; set ORGWORK_SMS_GATEWAY to it): endpoint, signing key, account, the
# receipts URL the provider calls back (https://<host>/api/v1/sms/receipts/), request timeout in seconds.
ORGWORK_SMS_GATEWAY = os.environ.get("ORGWORK_SMS_GATEWAY", "orgwork.core.sms.LocalFileSms")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_KEY = os.environ.get("SMS_HTTP_KEY", "")
SMS_HTTP_ACCOUNT = os.environ.get("SMS_HTTP_ACCOUNT", "")
SMS_RECEIPT_URL = os.environ.get("SMS_RECEIPT_URL", "")
SMS_HTTP_TIMEOUT = float(os.environ.get("SMS_HTTP_TIMEOUT", "5"))

# API tokens (orgwork.core.tokens): days until a new token expires (the account page's default).
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

# Production (DJANGO_ENV=production; README "生产部署"): HTTPS only, HSTS, secure cookies, hashed static files.
# Every value can still be set one by one from the environment; `manage.py check --deploy` is clean with these
# (tested in orgwork/web/tests/test_deploy.py). Behind a TLS-terminating proxy set TRUST_X_FORWARDED_PROTO=1 and make
# the proxy set (not pass through) X-Forwarded-Proto.
PRODUCTION = os.environ.get("DJANGO_ENV", "").strip().lower() == "production"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES", PRODUCTION)
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600 if PRODUCTION else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); empty: the client is
# REMOTE_ADDR (orgwork.core.clientip — the address in the audit trail, on API tokens and for rate limits).
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
if _env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's plain-HTTP probe
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "orgwork.web.views.csrf_failure"
if PRODUCTION:
    # Hashed, compressed file names served by whitenoise with far-future caching (run collectstatic first);
    # not strict, so a template naming a file the manifest lacks still renders instead of answering 500.
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    WHITENOISE_MANIFEST_STRICT = False
    WHITENOISE_USE_FINDERS = _env_bool("WHITENOISE_USE_FINDERS", False)

# Roster import jobs: the running job's heartbeat interval, and how long without one before it is marked failed.
ROSTER_JOB_HEARTBEAT_SECONDS = int(os.environ.get("ORGWORK_IMPORT_HEARTBEAT_SECONDS", "10"))
ROSTER_JOB_TIMEOUT_SECONDS = int(os.environ.get("ORGWORK_IMPORT_TIMEOUT_SECONDS", "600"))

# Forgotten password: the code's lifetime, how many codes an account (and an address) may ask for per hour, and how
# many wrong tries a code allows.
PASSWORD_RESET_CODE_MINUTES = 15
PASSWORD_RESET_MAX_PER_HOUR = 3
PASSWORD_RESET_MAX_PER_IP_HOUR = 10
PASSWORD_RESET_MAX_TRIES = 5
