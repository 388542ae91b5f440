/**
 * Existing Django projects of the shapes users have, for the end-to-end suite. None is written to
 * match the generator: (a) is made by Django's own `django-admin startproject` from the package index
 * of the mode, (b) is laid out like the well-known library tutorial (flat settings module, hard-coded
 * ALLOWED_HOSTS, python-dotenv and dj-database-url, WhiteNoise, runtime.txt, no npm), and (d) keeps its
 * code under src/ with manage.py at the root putting src/ on sys.path. Versions are pinned to what the
 * mode's index holds (the offline wheelhouse, or PyPI), which is the only change from their originals.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { E2E_PREFIX, must, type E2eMode } from './e2e-docker.js';

/** Releases of the tutorial's libraries that Debian 13 packages (the offline index) and PyPI has. */
export const TUTORIAL_PINS = { djDatabaseUrl: '0.5.0', pythonDotenv: '1.0.1' } as const;

function write(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

let djangoAdmin: Promise<string> | undefined;

/** django-admin of the mode's Django, in a venv of the host's Debian Python, installed once per run. */
function djangoAdminOf(mode: E2eMode): Promise<string> {
  djangoAdmin ??= (async () => {
    const venv = join(tmpdir(), `${E2E_PREFIX}django-admin`);
    await must('/usr/bin/python3', ['-m', 'venv', venv], 120_000);
    const index = mode.indexUrl ? ['--index-url', mode.indexUrl] : [];
    // The machine's own pip configuration is not the mode's index: only the mode's is used.
    await must(
      join(venv, 'bin', 'pip'),
      ['install', '--quiet', ...index, `Django==${mode.versions.django}`],
      600_000,
      {
        env: { ...process.env, PIP_CONFIG_FILE: '/dev/null' },
      },
    );
    return join(venv, 'bin', 'django-admin');
  })();
  return djangoAdmin;
}

/** (a) `django-admin startproject mysite .` into `dir`, untouched: no dependency file, no npm. */
export async function startproject(mode: E2eMode, dir: string): Promise<void> {
  await must(await djangoAdminOf(mode), ['startproject', 'mysite', dir], 120_000);
}

/** What the tutorial's home page shows (the e2e suite looks for it). */
export const TUTORIAL_MARKER = 'Local Library Home';

/**
 * The manage.py of a hand-made or cookiecutter-style project: sets the settings module and, for a code
 * folder (src/), puts it on sys.path first, as many projects do.
 */
function managePy(settingsModule: string, codeFolder?: string): string {
  const path = codeFolder
    ? [
        'from pathlib import Path',
        '',
        'BASE_DIR = Path(__file__).resolve().parent',
        `sys.path.insert(0, str(BASE_DIR / "${codeFolder}"))`,
      ]
    : [];
  return [
    '#!/usr/bin/env python',
    'import os',
    'import sys',
    ...path,
    '',
    'if __name__ == "__main__":',
    `    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "${settingsModule}")`,
    '    from django.core.management import execute_from_command_line',
    '',
    '    execute_from_command_line(sys.argv)',
    '',
  ].join('\n');
}

/** (b) A tutorial-style flat project: locallibrary.settings and a catalog app with a model. */
export function tutorialProject(mode: Pick<E2eMode, 'versions'>, dir: string): void {
  write(dir, {
    'runtime.txt': 'python-3.10.2\n',
    'requirements.txt': [
      `Django==${mode.versions.django}`,
      `dj-database-url==${TUTORIAL_PINS.djDatabaseUrl}`,
      `gunicorn==${mode.versions.gunicorn}`,
      `python-dotenv==${TUTORIAL_PINS.pythonDotenv}`,
      `whitenoise==${mode.versions.whitenoise}`,
      '',
    ].join('\n'),
    'manage.py': `#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'locallibrary.settings')
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError("Couldn't import Django.") from exc
    execute_from_command_line(sys.argv)


if __name__ == '__main__':
    main()
`,
    'locallibrary/__init__.py': '',
    'locallibrary/settings.py': `"""
Django settings for locallibrary project.
"""
import os
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

env_path = load_dotenv(os.path.join(BASE_DIR, '.env'))
load_dotenv(env_path)

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'django-insecure-&psk#na5l=p3q8_a+-$4w1f^lt3lx1c@d*p4x$ymm_rn7pwb87')

# SECURITY WARNING: don't run with debug turned on in production!
DEBUG = os.environ.get('DJANGO_DEBUG', '') != 'False'

ALLOWED_HOSTS = ['.railway.app', '127.0.0.1']
CSRF_TRUSTED_ORIGINS = ['https://*.railway.app', 'https://*.127.0.0.1']

INSTALLED_APPS = [
    'django.contrib.admin',
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'django.contrib.messages',
    'django.contrib.staticfiles',
    'catalog.apps.CatalogConfig',
]

MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
    'whitenoise.middleware.WhiteNoiseMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
    'django.middleware.clickjacking.XFrameOptionsMiddleware',
]

ROOT_URLCONF = 'locallibrary.urls'

TEMPLATES = [
    {
        'BACKEND': 'django.template.backends.django.DjangoTemplates',
        'DIRS': [os.path.join(BASE_DIR, 'templates')],
        'APP_DIRS': True,
        'OPTIONS': {
            'context_processors': [
                'django.template.context_processors.debug',
                'django.template.context_processors.request',
                'django.contrib.auth.context_processors.auth',
                'django.contrib.messages.context_processors.messages',
            ],
        },
    },
]

WSGI_APPLICATION = 'locallibrary.wsgi.application'

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.sqlite3',
        'NAME': BASE_DIR / 'db.sqlite3',
    }
}

# Update database configuration from $DATABASE_URL environment variable (if defined)
import dj_database_url

db_from_env = dj_database_url.config(conn_max_age=500)
DATABASES['default'].update(db_from_env)

AUTH_PASSWORD_VALIDATORS = [
    {'NAME': 'django.contrib.auth.password_validation.UserAttributeSimilarityValidator'},
    {'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator'},
    {'NAME': 'django.contrib.auth.password_validation.CommonPasswordValidator'},
    {'NAME': 'django.contrib.auth.password_validation.NumericPasswordValidator'},
]

LANGUAGE_CODE = 'en-us'
TIME_ZONE = 'UTC'
USE_I18N = True
USE_TZ = True

LOGIN_REDIRECT_URL = '/'
EMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'

STATIC_ROOT = BASE_DIR / 'staticfiles'
STATIC_URL = '/static/'

STORAGES = {
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
`,
    'locallibrary/urls.py': `from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path('admin/', admin.site.urls),
    path('catalog/', include('catalog.urls')),
    path('', RedirectView.as_view(url='catalog/', permanent=True)),
]
`,
    'locallibrary/wsgi.py': `import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'locallibrary.settings')

application = get_wsgi_application()
`,
    'locallibrary/asgi.py': `import os

from django.core.asgi import get_asgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'locallibrary.settings')

application = get_asgi_application()
`,
    'catalog/__init__.py': '',
    'catalog/apps.py': `from django.apps import AppConfig


class CatalogConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'catalog'
`,
    'catalog/models.py': `from django.db import models
from django.urls import reverse


class Book(models.Model):
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=1000, help_text="Enter a brief description of the book")

    class Meta:
        ordering = ['title']

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse('book-detail', args=[str(self.id)])
`,
    'catalog/migrations/__init__.py': '',
    'catalog/migrations/0001_initial.py': `from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='Book',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200)),
                ('summary', models.TextField(help_text='Enter a brief description of the book', max_length=1000)),
            ],
            options={'ordering': ['title']},
        ),
    ]
`,
    'catalog/admin.py': `from django.contrib import admin

from .models import Book

admin.site.register(Book)
`,
    'catalog/urls.py': `from django.urls import path

from . import views

urlpatterns = [
    path('', views.index, name='index'),
    path('book/<int:pk>', views.BookDetailView.as_view(), name='book-detail'),
]
`,
    'catalog/views.py': `from django.shortcuts import render
from django.views import generic

from .models import Book


def index(request):
    """View function for home page of site."""
    num_books = Book.objects.all().count()
    return render(request, 'index.html', context={'num_books': num_books})


class BookDetailView(generic.DetailView):
    model = Book
`,
    'catalog/templates/index.html': `{% load static %}<!DOCTYPE html>
<html lang="en">
<head>
  <title>${TUTORIAL_MARKER}</title>
  <link rel="stylesheet" href="{% static 'css/styles.css' %}">
</head>
<body>
  <h1>${TUTORIAL_MARKER}</h1>
  <p>The library has the following record counts:</p>
  <ul><li><strong>Books:</strong> {{ num_books }}</li></ul>
</body>
</html>
`,
    'catalog/templates/catalog/book_detail.html':
      '<h1>Title: {{ book.title }}</h1>\n<p>{{ book.summary }}</p>\n',
    'catalog/static/css/styles.css':
      '.sidebar-nav {\n  margin-top: 20px;\n  padding: 0;\n  list-style: none;\n}\n',
    'catalog/tests/__init__.py': '',
    'catalog/tests/test_views.py': `from django.test import TestCase
from django.urls import reverse

from catalog.models import Book


class IndexViewTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        Book.objects.create(title='Dune', summary='Spice.')

    def test_view_url_accessible_by_name(self):
        response = self.client.get(reverse('index'))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<strong>Books:</strong> 1')

    def test_book_detail(self):
        book = Book.objects.get(title='Dune')
        response = self.client.get(book.get_absolute_url())
        self.assertContains(response, 'Title: Dune')
`,
  });
}

/** What the src/ project's home page shows. */
export const SRC_MARKER = 'shop under src';

/** (d) Code under src/, manage.py at the root putting src/ on sys.path (as many projects do). */
export function srcLayoutProject(mode: Pick<E2eMode, 'versions'>, dir: string): void {
  write(dir, {
    'requirements.txt': `Django==${mode.versions.django}\ngunicorn==${mode.versions.gunicorn}\npsycopg==${mode.versions.psycopg}\n`,
    'manage.py': managePy('shop.settings', 'src'),
    'src/shop/__init__.py': '',
    'src/shop/settings.py': `from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = "django-insecure-only-for-local-development-9b7f3c1e2a4d6f8h0j2k4m6n8p0q2"
DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "shop",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "shop.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
WSGI_APPLICATION = "shop.wsgi.application"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
`,
    'src/shop/urls.py': `from django.urls import path

from . import views

urlpatterns = [path("", views.home)]
`,
    'src/shop/views.py': `from django.http import HttpResponse


def home(request):
    return HttpResponse("<!doctype html><title>${SRC_MARKER}</title><h1>${SRC_MARKER}</h1>")
`,
    'src/shop/wsgi.py': `import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
application = get_wsgi_application()
`,
    'src/shop/tests.py': `from django.test import TestCase


class HomeTest(TestCase):
    def test_home(self):
        self.assertContains(self.client.get("/"), "${SRC_MARKER}")
`,
  });
}

/** django-environ's release in Debian 13 (the offline index), on PyPI too. */
export const ENVIRON_PIN = '0.12.0';
/** Vite of the settings-package project (runs on Node.js 20.19, the stand-in's). */
export const VITE_VERSION = '7.1.12';
export const PACKAGE_MARKER = 'shop with a settings package';

/**
 * (c) A settings package (config/settings/{base,dev,production}.py) reading SECRET_KEY, DEBUG,
 * ALLOWED_HOSTS and DATABASE_URL through django-environ, dependencies in pyproject.toml, and a Vite
 * build writing into a Django static folder (shop/static/dist). The lockfile is npm's own, made here
 * with `npm install --package-lock-only` against the npm registry.
 */
export async function settingsPackageProject(mode: E2eMode, dir: string): Promise<void> {
  settingsPackageFiles(mode, dir);
  await must('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], 600_000, { cwd: dir });
}

/** The files of (c), without the npm lockfile. */
export function settingsPackageFiles(mode: Pick<E2eMode, 'versions'>, dir: string): void {
  write(dir, {
    'pyproject.toml': `[project]
name = "shop"
version = "1.0.0"
requires-python = ">=3.10"
dependencies = [
    "Django==${mode.versions.django}",
    "django-environ==${ENVIRON_PIN}",
    "gunicorn==${mode.versions.gunicorn}",
    "psycopg==${mode.versions.psycopg}",
]

[dependency-groups]
dev = ["pytest==${mode.versions.pytest}", "pytest-django==${mode.versions.pytestDjango}"]

[tool.pytest.ini_options]
DJANGO_SETTINGS_MODULE = "config.settings.dev"
`,
    'manage.py': managePy('config.settings.dev'),
    'config/__init__.py': '',
    'config/settings/__init__.py': '',
    'config/settings/base.py': `from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "shop",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
WSGI_APPLICATION = "config.wsgi.application"
DATABASES = {"default": env.db("DATABASE_URL")}
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
`,
    'config/settings/dev.py': `from .base import *  # noqa: F401,F403

DEBUG = True
`,
    'config/settings/production.py': `from .base import *  # noqa: F401,F403

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
`,
    'config/urls.py': `from django.urls import path

from shop import views

urlpatterns = [path("", views.home)]
`,
    'config/wsgi.py': `import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
`,
    'shop/__init__.py': '',
    'shop/models.py': '',
    'shop/views.py': `from django.shortcuts import render


def home(request):
    return render(request, "shop/home.html")
`,
    'shop/templates/shop/home.html': `{% load static %}<!doctype html>
<title>${PACKAGE_MARKER}</title>
<script type="module" src="{% static 'dist/app.js' %}"></script>
<h1>${PACKAGE_MARKER}</h1>
`,
    'tests/__init__.py': '',
    'tests/test_home.py': `def test_home(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"${PACKAGE_MARKER}" in response.content
`,
    'package.json': `${JSON.stringify(
      {
        name: 'shop',
        private: true,
        type: 'module',
        scripts: { dev: 'vite', build: 'vite build', watch: 'vite build --watch' },
        devDependencies: { vite: VITE_VERSION },
      },
      null,
      2,
    )}\n`,
    'vite.config.js': `import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  build: {
    outDir: fileURLToPath(new URL("./shop/static/dist", import.meta.url)),
    emptyOutDir: true,
    rollupOptions: {
      input: fileURLToPath(new URL("./frontend/main.js", import.meta.url)),
      output: { entryFileNames: "app.js" },
    },
  },
});
`,
    'frontend/main.js': 'document.documentElement.dataset.shop = "ready";\n',
  });
}

export const ASGI_MARKER = 'served over ASGI';

/**
 * An ASGI-only project: asgi.py and ASGI_APPLICATION, no wsgi.py, an async view (as projects built for
 * channels or async views are laid out).
 */
export function asgiOnlyProject(mode: Pick<E2eMode, 'versions'>, dir: string): void {
  write(dir, {
    'requirements.txt': `Django==${mode.versions.django}\npsycopg==${mode.versions.psycopg}\n`,
    'manage.py': managePy('live.settings'),
    'live/__init__.py': '',
    'live/settings.py': `from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "django-insecure-local-only-7c1d9e3b5a7f9h1k3m5p7r9t1v3x5z7b9d1f3h"
DEBUG = True
ALLOWED_HOSTS = []
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.staticfiles", "live"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "live.urls"
ASGI_APPLICATION = "live.asgi.application"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
`,
    'live/asgi.py': `import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "live.settings")
application = get_asgi_application()
`,
    'live/urls.py': `from django.urls import path

from . import views

urlpatterns = [path("", views.home)]
`,
    'live/views.py': `import asyncio

from django.http import HttpResponse


async def home(request):
    await asyncio.sleep(0)
    return HttpResponse("<!doctype html><title>${ASGI_MARKER}</title><h1>${ASGI_MARKER}</h1>")
`,
    'live/tests.py': `from django.test import TestCase


class HomeTest(TestCase):
    async def test_home(self):
        response = await self.async_client.get("/")
        self.assertContains(response, "${ASGI_MARKER}")
`,
  });
}

/** yarn classic and the minifier of the yarn project, both from the npm registry. */
export const YARN_VERSION = '1.22.22';
export const TERSER_VERSION = '5.46.0';
export const YARN_MARKER = 'portal with its front end in project-static';

/**
 * A project that keeps its front end in a subfolder with yarn, as netbox does: `project-static/`
 * with its own package.json (`packageManager: yarn@…`), a build script named `bundle` that writes
 * `project-static/dist`, and STATICFILES_DIRS pointing there. yarn.lock is made by the real yarn
 * (through the host's corepack), then node_modules is removed as in a fresh checkout.
 */
export async function yarnSubfolderProject(mode: E2eMode, dir: string): Promise<void> {
  write(dir, {
    'requirements.txt': `Django==${mode.versions.django}\ngunicorn==${mode.versions.gunicorn}\npsycopg==${mode.versions.psycopg}\n`,
    'manage.py': managePy('portal.settings'),
    'portal/__init__.py': '',
    'portal/settings.py': `from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "django-insecure-local-only-3f5h7k9m1p3r5t7v9x1z3b5d7f9h1k3m5p7r9t1v"
DEBUG = True
ALLOWED_HOSTS = []
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.staticfiles", "portal"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "portal.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
WSGI_APPLICATION = "portal.wsgi.application"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "project-static" / "dist"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
`,
    'portal/wsgi.py': `import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
`,
    'portal/urls.py': `from django.urls import path

from . import views

urlpatterns = [path("", views.home)]
`,
    'portal/views.py': `from django.http import HttpResponse
from django.templatetags.static import static


def home(request):
    return HttpResponse(
        f'<!doctype html><title>${YARN_MARKER}</title><h1>${YARN_MARKER}</h1><script src="{static("portal.js")}"></script>'
    )
`,
    'portal/tests.py': `from django.contrib.staticfiles import finders
from django.test import TestCase


class HomeTest(TestCase):
    def test_home(self):
        self.assertContains(self.client.get("/"), "${YARN_MARKER}")

    def test_bundle_is_a_static_file(self):
        self.assertIsNotNone(finders.find("portal.js"))
`,
    'project-static/package.json': `${JSON.stringify(
      {
        name: 'portal',
        private: true,
        packageManager: `yarn@${YARN_VERSION}`,
        scripts: { bundle: 'terser src/portal.js --compress --mangle -o dist/portal.js' },
        devDependencies: { terser: TERSER_VERSION },
      },
      null,
      2,
    )}\n`,
    'project-static/src/portal.js': `document.addEventListener("DOMContentLoaded", function () {
  var heading = document.querySelector("h1");
  if (heading) heading.dataset.bundled = "yes";
});
`,
  });
  const folder = join(dir, 'project-static');
  // The registry reachable offline publishes no package signatures: corepack is told to skip them.
  const env = {
    ...process.env,
    COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
    ...(mode.imageSource === 'local' ? { COREPACK_INTEGRITY_KEYS: '0' } : {}),
  };
  await must(
    'corepack',
    [`yarn@${YARN_VERSION}`, 'install', '--non-interactive', '--ignore-scripts'],
    600_000,
    {
      cwd: folder,
      env,
    },
  );
  rmSync(join(folder, 'node_modules'), { recursive: true, force: true });
}
