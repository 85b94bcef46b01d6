"""Settings for decision records, read from the environment.

One module, in sections. Local defaults are safe only because they apply when
DEBUG is on; with DEBUG off the process refuses to start without a real
SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only-used-when-debug-is-on"  # noqa: S105

# The key of the audit seals (decisions/digest.py): HMACs over signed content,
# sign-offs, events and history rows. Held outside the database, so someone who can
# write to the tables cannot recompute a seal; never the same value as SECRET_KEY.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
if not AUDIT_HMAC_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY must be set when DEBUG is off.")
    AUDIT_HMAC_KEY = "insecure-local-development-audit-key-only-used-when-debug-is-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Applications -------------------------------------------------------------

INSTALLED_APPS = [
    "config.apps.BackOfficeAdminConfig",  # django.contrib.admin, branded
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "simple_history",
    # Second factor for those who approve and sign or manage records (accounts/second_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    # Background work (emails, imports) on Django's tasks API, queued in PostgreSQL.
    "django_tasks",
    "core.tasks_app.BackgroundTasksConfig",  # django_tasks_db, named for the back office
    "core",
    "accounts",
    "decisions",
    "governance",
    "funding",
    "transparency",
    "demo",
    "opendata",
    "security",
    "alerts",
]

MIDDLEWARE = [
    # First: the real client address (TRUSTED_PROXIES) for everything below, then a
    # request id for every log line and response, and a log line for every 403.
    "core.middleware.TrustedProxyMiddleware",
    "core.middleware.RequestIdMiddleware",
    # /healthz and /readyz for load balancers, before host checks and the HTTPS redirect.
    "core.health.HealthCheckMiddleware",
    # Security log rows that had to wait for a transaction to end (SQLite).
    "security.store.FlushDeferredEventsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Published decision pages for visitors without a session, from the shared cache,
    # before the session and everything after it (core/page_cache.py).
    "core.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.AbsoluteSessionTimeoutMiddleware",
    # request.user.is_verified(): whether this session has passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Then nothing but the code pages (and signing out) until it has, for those who need it.
    "accounts.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: the 400 page shows the signed-in navigation.
    "core.middleware.RejectNulBytesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks; its lock-out response keeps our sign-in page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "decisions.policy.abilities",
                "core.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite file for `make run`; PostgreSQL whenever DATABASE_URL says so (tests, CI,
# production).

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections in production: a new PostgreSQL connection per
        # request costs more than a cached page. A minute, so connections a database
        # failover or restart left behind are renewed soon; 0 with DEBUG (runserver
        # starts a thread, so a connection, per request anyway).
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0" if DEBUG else "60")),
        # With persistent connections (CONN_MAX_AGE > 0), check one before reusing
        # it, so a database restart costs no request an error.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No parallel plans. A request's queries take milliseconds; starting a parallel
    # plan's workers took 4-9 ms more than the workers saved (searches at 100,000
    # decisions, bench/RESULTS.md), and the workers take the cores the other
    # requests need. Options the DATABASE_URL gives are kept.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(
        filter(None, [_options.get("options", ""), "-c max_parallel_workers_per_gather=0"])
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The public list's covering indexes (decisions/models/decision.py) INCLUDE non-key
# columns, which only PostgreSQL keeps; SQLite (`make run`) builds the same indexes
# without them and Django warns (models.W040) on every migrate. Harmless there: the
# columns only spare PostgreSQL a read of the table, the index still orders and filters
# the same, and a development database is small. So silenced for SQLite alone; on
# PostgreSQL the indexes keep their columns and nothing is silenced.
SILENCED_SYSTEM_CHECKS = (
    ["models.W040"] if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else []
)

# On PostgreSQL the application connects (DATABASE_URL) as a role that does not own
# the tables; MIGRATE_DATABASE_URL names the owner of the same database. The owner's
# commands (migrate, db_app_role, backup, restore) switch the default connection to
# it for their own run (core/db_roles.py), so every query they make — migrations'
# own Python code and post-migrate set-up included — runs as the owner, and the web
# processes never hold the owner's credentials in use.
OWNER_DATABASE = (
    dj_database_url.parse(os.environ["MIGRATE_DATABASE_URL"])
    if os.environ.get("MIGRATE_DATABASE_URL")
    else None
)

# Tables the application role may only read and add to (SELECT, INSERT): no UPDATE,
# DELETE or TRUNCATE (`manage.py db_app_role`). An app adding an append-only table
# adds its name here; tests/test_db_roles.py checks every entry.
APPEND_ONLY_TABLES = [
    "decisions_decisionevent",
    "governance_governanceauditentry",
    "security_securityevent",
    "transparency_checkpoint",
    "transparency_decisionleaf",
]

# Tables only PostgreSQL's own triggers write, through functions that run as the
# owner (SECURITY DEFINER): the application role may only read them. The public
# list's counts, so that no one with the application's credentials can make the
# site show a count its decisions do not add up to.
TRIGGER_WRITTEN_TABLES = ["decisions_publishedcount"]

# --- Authentication -----------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/work/"
LOGOUT_REDIRECT_URL = "/decisions/"
# Sign-in throttling (accounts/throttle.py, django-axes): this many failures for one
# username from one address lock that pair for the window, doubled at each further
# lock-out; one address may fail LOGIN_ADDRESS_FAILURE_LIMIT times a window across
# all usernames (an office shares one address). Signing passwords: the first limit.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
# Second factor (django-otp, time-based codes): the name authenticator apps show, and
# after a wrong code the device refuses codes for 1, 2, 4, 8 ... seconds (django-otp).
OTP_TOTP_ISSUER = "Decision records"

LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
# One backend: django-axes' lock-out check, then Django's ModelBackend (the admin's
# sign-in is covered too; see accounts/backends.py for why not two).
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]
# django-axes with its database handler: attempts are rows in PostgreSQL, counted
# with row locks, so every process and server shares them and concurrent guesses
# cannot slip past the limit (the cache handler's counters are not atomic on the
# database cache).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "accounts.throttle.cool_off"
# Each attempt expires on its own pair's wait (waits differ from pair to pair).
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "accounts.throttle.axes_username"
# The same address as everywhere else: REMOTE_ADDR once TrustedProxyMiddleware ran.
AXES_CLIENT_IP_CALLABLE = "core.security_log.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
# Sign-ins are in the security log; axes' own access log would be a second copy.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# --- Internationalisation -------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Files served at the site's root by WhiteNoise (/favicon.ico), in development too.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# Stored files (published PDFs, appendices, archived originals; core/storage.py): under
# MEDIA_ROOT by default, in an S3-compatible bucket (django-storages, boto3) when
# STORAGE_URL is s3://bucket[/prefix] or AWS_STORAGE_BUCKET_NAME is set. Keys come from
# the content's SHA-256 and are never overwritten; files are served by the app (the
# hash checked, our own Content-Disposition), so the bucket stays private.
STORAGE_URL = os.environ.get("STORAGE_URL", "").strip()
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_LOCATION = os.environ.get("AWS_LOCATION", "")
if STORAGE_URL:
    _scheme, _, _rest = STORAGE_URL.partition("://")
    if _scheme != "s3" or not _rest.strip("/"):
        raise ImproperlyConfigured("STORAGE_URL must look like s3://bucket or s3://bucket/prefix.")
    AWS_STORAGE_BUCKET_NAME, _, AWS_LOCATION = _rest.strip("/").partition("/")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "location": AWS_LOCATION,
            # None: boto3 finds them itself (environment, instance role, config files).
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            # Written once: an existing key is never replaced (a new name is chosen).
            "file_overwrite": False,
            "default_acl": None,
            # Read into memory up to 2 MB, then a temporary file.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Cache (throttling) ---------------------------------------------------------------
# Shared by every process: the signing throttle and lock-out counts live here. The
# database cache by default (table made by `createcachetable`, also run by migration
# security/0003), Redis when REDIS_URL is set; CACHE_BACKEND/CACHE_LOCATION override.

if os.environ.get("REDIS_URL"):
    _cache_backend, _cache_location = (
        # Django's, with one client per connection pool rather than one per call.
        "core.redis_cache.SharedClientRedisCache",
        os.environ["REDIS_URL"],
    )
else:
    _cache_backend, _cache_location = (
        "django.core.cache.backends.db.DatabaseCache",
        "django_cache",
    )
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", _cache_backend),
        "LOCATION": os.environ.get("CACHE_LOCATION", _cache_location),
    },
    # Rendered public pages (core/page_cache.py), apart from the counts above so that
    # making room for pages never evicts a throttle count: in Redis under its own key
    # prefix, else in its own table (made by migration security/0004).
    "pages": {"BACKEND": _cache_backend, "LOCATION": _cache_location, "KEY_PREFIX": "pages"},
}
# Several sites (or test runs) on one Redis: each under a key prefix of its own.
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "")
if CACHE_KEY_PREFIX:
    CACHES["default"]["KEY_PREFIX"] = CACHE_KEY_PREFIX
    CACHES["pages"]["KEY_PREFIX"] = f"{CACHE_KEY_PREFIX}:pages"
if not os.environ.get("REDIS_URL"):
    # The database cache keeps this many pages (tens of KB each), then drops a third;
    # Redis evicts by its own maxmemory policy.
    CACHES["pages"]["LOCATION"] = "django_page_cache"
    CACHES["pages"]["OPTIONS"] = {
        "MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_MAX_ENTRIES", "5000"))
    }

# Addresses or networks (CIDR) of our own reverse proxies, comma-separated: only from
# these is X-Forwarded-For (and X-Request-ID) believed. Empty: the peer is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# --- Background tasks (core/tasks.py) ---------------------------------------------------
# Queued in the application's database, in the transaction that causes them, and run by
# `manage.py db_worker` (`make run` starts one beside the server).

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Open data API (Django REST framework, drf-spectacular) -----------------------------
# Public, read-only, anonymous, JSON only: no browsable API, no session or other
# authentication, no throttling (the views set the same in opendata/api.py).

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "opendata.api.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "OAS_VERSION": "3.1.0",
    "TITLE": "Decision records open data API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Published decisions (Part 1 only), newest signed first. The same data is "
        "available as an Atom feed at /decisions/feed/ and as CSV at "
        "/decisions/export/decisions.csv and /decisions/export/allocations.csv. "
        "Money is integer pence with a display string."
    ),
    "SERVERS": [{"url": "/"}],
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "opendata.api.strict_objects",
    ],
}

# --- Email (the next actor is notified; console locally) ----------------------------

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "decisions@localhost")
# Where links in emails point.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Site identity (the public site's header, titles, footer and statements) -------------

# Whose decisions these are: the header and every page title carry it.
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Mayor's Office for Policing and Crime")
# The footer's Contact link: a contact page (CONTACT_URL) if there is one, else an email
# address. Placeholders only with DEBUG; unset in production, there is no Contact link
# and `manage.py check --deploy` says so (core/checks.py).
CONTACT_URL = os.environ.get("CONTACT_URL", "")
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "contact@example.org" if DEBUG else "")
# Who to tell about an accessibility problem (the accessibility statement).
ACCESSIBILITY_CONTACT = os.environ.get(
    "ACCESSIBILITY_CONTACT", "accessibility@example.org" if DEBUG else CONTACT_EMAIL
)

# --- Digital signatures (core/signing.py) --------------------------------------------

# The organisation's signing identity: a PKCS#12 file, or a key and certificate (PEM)
# with the chain's certificates (comma-separated paths). With DEBUG and nothing set,
# the demo identity `make run` creates (`manage.py signing_demo_ca`), named DEMO.
_DEMO_SIGNING = BASE_DIR / ".demo-signing"
SIGNING_PKCS12 = os.environ.get(
    "SIGNING_PKCS12",
    str(_DEMO_SIGNING / "demo-signing.p12") if DEBUG and not os.environ.get("SIGNING_KEY") else "",
)
SIGNING_PKCS12_PASSPHRASE = os.environ.get("SIGNING_PKCS12_PASSPHRASE", "")
SIGNING_KEY = os.environ.get("SIGNING_KEY", "")
SIGNING_KEY_PASSPHRASE = os.environ.get("SIGNING_KEY_PASSPHRASE", "")
SIGNING_CERT = os.environ.get("SIGNING_CERT", "")
SIGNING_CHAIN = os.environ.get("SIGNING_CHAIN", "")
# The roots a signature must chain to (comma-separated certificate files); unset: the
# self-signed certificates of the signer's own chain.
SIGNING_TRUST_ROOTS = os.environ.get(
    "SIGNING_TRUST_ROOTS",
    str(_DEMO_SIGNING / "demo-ca.pem") if DEBUG and "SIGNING_PKCS12" not in os.environ else "",
)
# An RFC 3161 timestamp authority; unset: the signature carries the approval time only.
SIGNING_TSA_URL = os.environ.get("SIGNING_TSA_URL", "")

# --- Security -----------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions end after 30 idle minutes: every request pushes the expiry forward.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
# However active, a session ends this long after signing in (a working day): a
# stolen or forgotten session cannot be kept alive by use.
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ------------------------------------------------------------------------

# The security log (core/security_log.py) is its own stream: one JSON line per event,
# nothing prefixed, not mixed into the root log (propagate off), to standard error or
# to SECURITY_LOG_FILE; and kept in the database for the records-integrity page.

# LOG_FORMAT: "json" (the default in production: one object a line, with the request
# id, for a log collector) or "plain" (the default with DEBUG, for a person reading).
_log_format = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
if _log_format not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
_security_stream = (
    {"class": "logging.handlers.WatchedFileHandler", "filename": os.environ["SECURITY_LOG_FILE"]}
    if os.environ.get("SECURITY_LOG_FILE")
    else {"class": "logging.StreamHandler"}
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json_line": {"format": "%(message)s"},
        # One JSON object a line with the request id (core/log_format.py).
        "json": {"()": "core.log_format.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": _log_format},
        "security_stream": {**_security_stream, "formatter": "json_line"},
        "security_store": {"class": "security.store.SecurityEventStoreHandler"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "security": {
            "handlers": ["security_stream", "security_store"],
            "level": "INFO",
            "propagate": False,
        },
        # django-axes narrates each attempt; the security log says it once, in JSON.
        "axes": {"level": "ERROR"},
        # WeasyPrint narrates every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
