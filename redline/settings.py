"""Redline settings. Everything that differs between machines comes from the environment (see README)."""

import json
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("REDLINE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Production mode is anything that is not DEBUG: it refuses to start without a real secret key.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-for-debug"
    else:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")
elif not DEBUG and (len(SECRET_KEY) < 40 or SECRET_KEY.startswith(("insecure", "django-insecure", "change"))):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production: use 40+ random characters.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else ["127.0.0.1", "localhost"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "core",
    "accounts",
    "registry",
    "audit",
    "notifications",
    "attachments",
    "hazards",
    "risk",
    "inspections",
    "accidents",
    "cockpit",
    "duty",
    "emergency",
    "accountability",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "accounts.middleware.RoleRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]
if env_bool("BENCH_SQL_TIMING", False):
    # Only the benchmark's own servers (bench/server.py): each response carries its request and SQL time.
    MIDDLEWARE.insert(0, "bench.middleware.SqlTiming")

ROOT_URLCONF = "redline.urls"
WSGI_APPLICATION = "redline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.shell",
            ],
        },
    },
]

# --- Database: embedded SQLite under var/ by default, PostgreSQL through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 600), conn_health_checks=True
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "redline.sqlite3",
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing
                # half-way with "database is locked"; WAL lets readers run beside the writer.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, background jobs.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Redis down must not hang requests: fail fast, and callers fall back to the database.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL

# --- Accounts and passwords.
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "phone")},
    },
    {"NAME": "accounts.validators.MinimumLengthValidator"},  # PASSWORD_MIN_LENGTH, or the System setting
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator"},
    {"NAME": "accounts.validators.MaximumLengthValidator"},
    {"NAME": "accounts.validators.PersonalDataValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator"},
]
# Login lock and address throttle (web login, API token and second factor alike; README "Security").
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
LOGIN_LOCK_SECONDS = env_int("LOGIN_LOCK_SECONDS", 30 * 60)
LOGIN_IP_USERNAME_LIMIT = env_int("LOGIN_IP_USERNAME_LIMIT", 10)
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 30)
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)  # privileged roles only
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600)
# Second factor: always for the district administrator and the three administrator roles; other roles
# can be added (MFA_EXTRA_ROLES=inspector,town_officer). The demo exemption only exists with DEBUG on.
MFA_EXTRA_ROLES = env_list("MFA_EXTRA_ROLES", [])
REDLINE_DEMO_MFA_EXEMPT = DEBUG and env_bool("REDLINE_DEMO_MFA_EXEMPT", False)
ACCOUNT_DORMANT_DAYS = env_int("ACCOUNT_DORMANT_DAYS", 90)
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")  # base64 of 32 bytes; HKDF of SECRET_KEY if unset
FIELD_ENCRYPTION_CIPHER = env_str("FIELD_ENCRYPTION_CIPHER", "aes-gcm")  # or sm4-gcm
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ADMIN_IDLE_SECONDS = env_int("SESSION_ADMIN_IDLE_SECONDS", 15 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Security headers (CSP via Django's own support).
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *env_list("MAP_TILE_HOSTS", [])],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG and env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_SSL_REDIRECT = not DEBUG and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR only).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Internationalisation: Simplified Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
# Chinese input formats with ISO first (redline/formats/zh_Hans): what date inputs can show.
FORMAT_MODULE_PATH = ["redline.formats"]
USE_TZ = True

# --- Static files and uploads.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))  # collectstatic writes here
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        # Hashed names (app.3f2a….css) are cached for a year by browsers and proxies; a new release
        # changes the names, so nobody keeps a stale script. Needs `manage.py collectstatic` (make serve).
        else "core.staticfiles.ManifestStaticStorage"
    },
}
if env_str("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY") or None,
            "secret_key": env_str("S3_SECRET_KEY") or None,
            "region_name": env_str("S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
# Long work as background jobs (core.background): a file above IMPORT_DIRECT_BYTES is imported by a job,
# an export of more than EXPORT_DIRECT_ROWS rows is written by one; results are kept JOB_RESULT_HOURS.
IMPORT_DIRECT_BYTES = env_int("IMPORT_DIRECT_BYTES", 256 * 1024)
IMPORT_DIRECT_CELLS = env_int("IMPORT_DIRECT_CELLS", 20_000)  # and at most this many cells (about 1,000 rows)
EXPORT_DIRECT_ROWS = env_int("EXPORT_DIRECT_ROWS", 5000)
JOB_RESULT_HOURS = env_int("JOB_RESULT_HOURS", 72)

# --- Email (off unless SMTP is configured).
EMAIL_HOST = env_str("SMTP_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("SMTP_PORT", 465)
    EMAIL_HOST_USER = env_str("SMTP_USER")
    EMAIL_HOST_PASSWORD = env_str("SMTP_PASSWORD")
    EMAIL_USE_SSL = env_bool("SMTP_SSL", True)
    DEFAULT_FROM_EMAIL = env_str("SMTP_FROM", EMAIL_HOST_USER)
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# --- Duty (R-DUTY-2, R-DUTY-3): shift pattern, staffing, report clocks; SMS gateway and webhooks.
DUTY_SHIFT_START = env_str("DUTY_SHIFT_START", "08:30")
DUTY_SHIFT_HOURS = env_int("DUTY_SHIFT_HOURS", 24)  # a length that divides 24; a room may keep its own
DUTY_REST_HOURS = env_int("DUTY_REST_HOURS", 48)
DUTY_FLOOD_SEASON = env_str("DUTY_FLOOD_SEASON", "04-01/10-15")
DUTY_OFFICERS = env_int("DUTY_OFFICERS", 1)
DUTY_OFFICERS_HEIGHTENED = env_int("DUTY_OFFICERS_HEIGHTENED", 2)
INFO_REPORT_PHONE_MINUTES = env_int("INFO_REPORT_PHONE_MINUTES", 30)
INFO_REPORT_URGENT_WRITTEN_MINUTES = env_int("INFO_REPORT_URGENT_WRITTEN_MINUTES", 60)
INFO_REPORT_WRITTEN_MINUTES = env_int("INFO_REPORT_WRITTEN_MINUTES", 120)
INFO_REPORT_FOLLOW_UP_HOURS = env_int("INFO_REPORT_FOLLOW_UP_HOURS", 24)
SMS_BACKEND = env_str("SMS_BACKEND", "notifications.sms.LogFileBackend")
SMS_LOG_FILE = env_str("SMS_LOG_FILE", str(VAR_DIR / "log" / "sms.log"))
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6)

# --- Maps: no tile source by default (every test, a laptop); the map draws on a plain background.
MAP_TILE_URL = env_str("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")

# --- List filters: the empty choice reads "All" (全部), not dashes.
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# --- REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.AdministratorRolesReadOnly",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.ObjectJSONParser",  # JSON bodies are objects (API.md conventions)
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Redline API",
    "DESCRIPTION": "Work-safety supervision and emergency preparedness (安全生产监管与应急) — v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The shared codes keep one stable name wherever they appear (risk_level, colour, status …).
    "ENUM_NAME_OVERRIDES": {
        "RiskColourEnum": "core.choices.RiskColour",
        "EnterpriseStatusEnum": "registry.choices.EnterpriseStatus",
        "EnterpriseScaleEnum": "registry.choices.EnterpriseScale",
        "SubSectorEnum": "registry.choices.SubSector",
        "RiskMethodEnum": "risk.choices.Method",
        "RiskMethodLecEnum": ["lec"],
        "RiskMethodLsEnum": ["ls"],
        "LecLikelihoodEnum": "risk.tables.LEC_L_ENUM",
        "LecExposureEnum": "risk.tables.LEC_E_ENUM",
        "LecConsequenceEnum": "risk.tables.LEC_C_ENUM",
        "RiskMatrixValueEnum": "risk.tables.LS_ENUM",
        "LicenceKindEnum": "registry.choices.LicenceKind",
        "EnterpriseFileLedgerLicenceEnum": ["licence"],
        "EnterpriseFileLedgerSpecialOperatorEnum": ["special_operator"],
        "EnterpriseFileLedgerInstallationEnum": ["installation"],
        "EnterpriseFileLedgerRentedOutEnum": ["rented_out"],
        "RiskPointKindEnum": "risk.choices.PointKind",
        "ControlMeasureKindEnum": "risk.choices.MeasureKind",
        "ControlLevelEnum": "risk.choices.ControlLevel",
        "FactorCategoryEnum": "risk.choices.FactorCategory",
        "AccidentTypeEnum": "core.choices.AccidentType",
        "HazardLevelEnum": "hazards.choices.Level",
        "HazardStateEnum": "hazards.choices.State",
        "HazardSourceEnum": "hazards.choices.Source",
        "InspectionOutcomeEnum": "inspections.choices.Outcome",
        "InspectionStateEnum": "inspections.choices.InspectionState",
        "InspectionTaskStateEnum": "inspections.choices.TaskState",
        "CampaignStateEnum": "inspections.choices.CampaignState",
        "CampaignKindEnum": "inspections.choices.CampaignKind",
        "ItemResultEnum": "inspections.choices.Result",
        "AccidentLevelEnum": "accidents.choices.Level",
        "AccidentStateEnum": "accidents.choices.State",
        "AccidentReportStepEnum": "accidents.choices.Step",
        "AccidentReportKindEnum": "accidents.choices.ReportKind",
        "CaseOriginEnum": "accidents.choices.CaseOrigin",
        "EducationOrganiserKindEnum": "accidents.choices.AudienceKind",
        "PlanTypeEnum": "emergency.choices.PlanType",
        "PlanVersionStateEnum": "emergency.choices.PlanVersionState",
        "DrillFormEnum": "emergency.choices.DrillForm",
        "DrillStateEnum": "emergency.choices.DrillState",
        "MovementKindEnum": "emergency.choices.MovementKind",
        "SupplyCategoryEnum": "emergency.choices.SupplyCategory",
        "WarehouseLevelEnum": "emergency.choices.WarehouseLevel",
        "ResponseLevelEnum": "emergency.choices.ResponseLevel",
        "TeamKindEnum": "emergency.choices.TeamKind",
        "WarningHazardEnum": "emergency.choices.WarningHazard",
        "WarningSignalEnum": "emergency.choices.Signal",
        "WarningStateEnum": "emergency.choices.WarningState",
        "DeclarationStateEnum": "emergency.choices.DeclarationState",
        "AccountabilityMeasureEnum": "accountability.choices.Measure",
        "EnforcementMeasureEnum": "accountability.choices.CaseMeasure",
        "EnforcementStateEnum": "accountability.choices.CaseState",
        "AssessmentUnitKindEnum": ["town", "department"],
        "ResumptionDecisionEnum": "hazards.models.Resumption.Decision",
        "ProposalDecisionEnum": "accountability.choices.Decision",
        "RemedyOutcomeEnum": "accountability.choices.RemedyOutcome",
        "ShiftRoleEnum": "duty.choices.ShiftRole",
        "TeamMemberRoleEnum": "emergency.choices.MemberRole",
        "DrawStateEnum": "inspections.choices.DrawState",
    },
    "DISABLE_ERRORS_AND_WARNINGS": False,
    # The shared error answers (API.md "Status codes") documented once for every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.document_error_responses",
        "core.schema.strip_rule_ids",
    ],
}

# --- Logging: one line per record, with the request id; never a traceback to the client.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.middleware.RequestIdLogFilter"}},
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Redline domain settings (defaults from ../shared/domain, changeable per district).
# --- Audit trail: kept at least 180 days (MLPS 8.1.4.3 c), then archived to checksummed files.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 180.")
AUDIT_ARCHIVE_DIR = Path(env_str("AUDIT_ARCHIVE_DIR", str(VAR_DIR / "audit-archive")))

REDLINE = {
    "DISTRICT_CODE": env_str("REDLINE_DISTRICT_CODE", "440703"),
    # The district's name as its documents print it (PDF footers, report headings).
    "DISTRICT_NAME": env_str("REDLINE_DISTRICT_NAME", "江门市蓬江区"),
}

# --- Official document numbers (R-HAZ-13): a kind's prefix, e.g. {"hazards.order": "蓬应急责改"}, overrides
# the default each module registers (core.documents.register_document_kind). JSON in the environment.
DOCUMENT_NUMBER_PREFIXES = json.loads(env_str("DOCUMENT_NUMBER_PREFIXES", "{}") or "{}")
# --- Step-up, API token lifetime, image and import bounds, commercial cryptography (README "Security").
STEP_UP_SECONDS = env_int("STEP_UP_SECONDS", 5 * 60)
API_TOKEN_IDLE_SECONDS = env_int("API_TOKEN_IDLE_SECONDS", 7 * 86400)
API_TOKEN_ABSOLUTE_SECONDS = env_int("API_TOKEN_ABSOLUTE_SECONDS", 30 * 86400)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
IMAGE_CONCURRENCY = env_int("IMAGE_CONCURRENCY", 2)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 4_000_000)  # IMPORT_MAX_ROWS × 20 columns
CRYPTO_SUITE = env_str("CRYPTO_SUITE", "intl")  # "sm": SM4 fields, HMAC-SM3 audit and evidence
CRYPTO_KEYRING_FILE = env_str("CRYPTO_KEYRING_FILE")  # JSON keyring of versioned master keys
CRYPTO_KEY_PROVIDER = env_str("CRYPTO_KEY_PROVIDER")  # dotted path of a KMS-backed provider

# --- Emergency preparedness (README "Configuration"; the signal sets stay in emergency/rules.py unless a
# deployment sets EMERGENCY_SIGNAL_SETS here).
EMERGENCY_PLAN_REVIEW_YEARS = env_int("EMERGENCY_PLAN_REVIEW_YEARS", 3)
EMERGENCY_STOCKTAKE_DAYS = env_int("EMERGENCY_STOCKTAKE_DAYS", 31)
EMERGENCY_EXPIRY_ALERT_DAYS = tuple(int(d) for d in env_list("EMERGENCY_EXPIRY_ALERT_DAYS", ["30", "7"]))

# Accountability and assessment (issue 15; R-ACCT-4..6).
ACCOUNTABILITY_OVERDUE_DAYS = env_int("ACCOUNTABILITY_OVERDUE_DAYS", 30)
ACCOUNTABILITY_GENERAL_OVERDUE_COUNT = env_int("ACCOUNTABILITY_GENERAL_OVERDUE_COUNT", 3)
ASSESSMENT_POINTS_PER_RECORD = env_int("ASSESSMENT_POINTS_PER_RECORD", 2)
ENFORCEMENT_DECISION_DAYS = env_int("ENFORCEMENT_DECISION_DAYS", 90)
# R-HAZ-13: official documents as the agency issues them — numbers like 蓬应急责改〔2026〕17号 (prefix per issuing
# body and document kind) and the issuing body's name on the "下达单位（盖章）" line.
REDLINE_DOCUMENTS = {
    "default_body": "district",
    "bodies": {"district": env_str("REDLINE_ISSUING_BODY", "江门市蓬江区应急管理局")},
    "prefixes": {
        "district": {
            "hazards.notice": "蓬应急隐改",
            "hazards.acceptance": "蓬应急隐验",
            "inspections.order": "蓬应急责改",
            "inspections.record": "蓬应急检记",
            "accidents.express": "蓬应急快报",
        }
    },
}
