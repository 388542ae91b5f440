/**
 * An existing Django project of another shape than the starter, for the end-to-end suite: a settings
 * package (config/settings/{base,production}.py), requirements split into requirements/base.txt and
 * requirements/dev.txt (which includes requirements/extras/tools.txt), pytest instead of Django's
 * runner, an app with its own migration, a health view at /healthz/, and its own npm build script
 * (`compile`) writing to assets/build. It starts from test/fixtures/settings-package (the shape the
 * detection tests use) and replaces the placeholders there with files that really run.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fixturePath } from './repo.js';

export const EXISTING = {
  fixture: fixturePath('settings-package'),
  settingsModule: 'config.settings.production',
  healthPath: '/healthz/',
  assetsDir: 'assets/build',
  buildScript: 'compile',
  /** Test-only marker the home page shows (the e2e suite looks for it). */
  marker: 'catalog-home',
};

export interface Versions {
  python: string;
  node: string;
  npm: string;
  django: string;
  gunicorn: string;
  whitenoise: string;
  psycopg: string;
  pytest: string;
  pytestDjango: string;
}

const BASE_SETTINGS = `"""Settings every environment shares. Values come from the environment (.env, env.*)."""
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name, default=False):
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is not set")
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "catalog",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
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
            ],
        },
    },
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "shop"),
        "USER": os.environ.get("POSTGRES_USER", "shop"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),
        "HOST": os.environ.get("POSTGRES_HOST", "localhost"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
    }
}
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The npm "compile" script writes here (package.json).
ASSETS_DIR = BASE_DIR / "assets" / "build"
STATICFILES_DIRS = [ASSETS_DIR] if ASSETS_DIR.is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()},
}
`;

const PRODUCTION_SETTINGS = `"""Production: the base settings behind a TLS-terminating proxy."""
from .base import *  # noqa: F401,F403
from .base import DEBUG, env_bool

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
`;

const files = (v: Versions, name: string): Record<string, string> => ({
  '.python-version': `${v.python}\n`,
  '.nvmrc': `${v.node}\n`,
  'config/settings/base.py': BASE_SETTINGS,
  'config/settings/production.py': PRODUCTION_SETTINGS,
  'config/wsgi.py': `import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
`,
  'config/asgi.py': `import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_asgi_application()
`,
  'config/urls.py': `from django.contrib import admin
from django.urls import path

from catalog import views

urlpatterns = [
    path("healthz/", views.healthz),
    path("", views.home),
    path("admin/", admin.site.urls),
]
`,
  'catalog/__init__.py': '',
  'catalog/apps.py': `from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
`,
  'catalog/models.py': `from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
`,
  'catalog/migrations/__init__.py': '',
  'catalog/migrations/0001_initial.py': `from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Product",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
            ],
        ),
    ]
`,
  'catalog/views.py': `from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static

from .models import Product


def healthz(request):
    return JsonResponse({"status": "ok"})


def home(request):
    return HttpResponse(
        f'<!doctype html><title>${EXISTING.marker}</title><script src="{static("app.js")}"></script>'
        f"<p>{Product.objects.count()} products</p>"
    )
`,
  'tests/__init__.py': '',
  'tests/test_site.py': `import pytest


def test_healthz_answers_ok(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_home_counts_products_in_the_database(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from catalog.models import Product

    Product.objects.create(name="tea")
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert b"1 products" in response.content
`,
  'pytest.ini': `[pytest]
DJANGO_SETTINGS_MODULE = config.settings.production
testpaths = tests
`,
  'requirements/base.txt': `# runtime
Django==${v.django}
gunicorn==${v.gunicorn}
whitenoise==${v.whitenoise}
psycopg==${v.psycopg}
`,
  'requirements/dev.txt': `-r base.txt
--requirement extras/tools.txt
`,
  'requirements/extras/tools.txt': `pytest==${v.pytest}
pytest-django==${v.pytestDjango}
`,
  'package.json': `${JSON.stringify(
    {
      name,
      version: '1.0.0',
      private: true,
      scripts: { compile: 'node build.js', dev: 'node build.js --watch' },
      packageManager: `npm@${v.npm}`,
    },
    null,
    2,
  )}\n`,
  'package-lock.json': `${JSON.stringify(
    {
      name,
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name, version: '1.0.0' } },
    },
    null,
    2,
  )}\n`,
  'build.js': `// Copies assets/src into assets/build ("compile"); --watch keeps doing it.
const fs = require("node:fs");
const path = require("node:path");
const src = path.join(__dirname, "assets", "src");
const out = path.join(__dirname, "assets", "build");
function compile() {
  fs.mkdirSync(out, { recursive: true });
  for (const name of fs.readdirSync(src)) fs.copyFileSync(path.join(src, name), path.join(out, name));
  console.log("compiled", fs.readdirSync(src).length, "file(s)");
}
compile();
if (process.argv.includes("--watch")) {
  fs.watch(src, compile);
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
}
`,
  'assets/src/app.js': 'document.documentElement.dataset.ready = "yes";\n',
});

/**
 * Copies the settings-package fixture into `dir` and makes it a project that really runs; `name` is
 * its npm package name, from which `yo py-docker` derives the project name.
 */
export function writeExistingProject(dir: string, versions: Versions, name: string): void {
  cpSync(EXISTING.fixture, dir, { recursive: true });
  for (const [path, content] of Object.entries(files(versions, name))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}
