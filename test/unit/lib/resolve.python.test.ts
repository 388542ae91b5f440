/**
 * The images' Python under every Python the project names (pins, requires-python, python_requires and
 * its own Dockerfile's FROM python, multi-stage and ARG-defaulted too): the mission default when it
 * satisfies them all, otherwise the newest known release with an image that does. In-memory trees.
 */
import assert from 'node:assert/strict';
import { detectProject } from '../../../lib/detect.js';
import { MemoryTree } from '../../../lib/file-tree.js';
import { resolveSettings } from '../../../lib/resolve.js';
import { dockerfilePython } from '../../../lib/detect-python-version.js';

const MANAGED = {
  'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
  'shop/__init__.py': '',
  'shop/settings.py': '',
};

const pyproject = (requires: string, django = 'django==4.2.20'): string =>
  `[project]\nname = "shop"\nrequires-python = "${requires}"\ndependencies = ["${django}"]\n`;

async function pythonOf(files: Record<string, string>, flags: Record<string, unknown> = {}) {
  const detection = detectProject(new MemoryTree({ ...MANAGED, ...files }), 'shop');
  const { settings, sources } = await resolveSettings({
    flags,
    stored: {},
    detection,
    askable: new Set(),
  });
  return { version: settings.pythonVersion, source: sources.pythonVersion, detection };
}

describe("the Python of a project's own Dockerfile", () => {
  const cases: [string, string, ReturnType<typeof dockerfilePython>][] = [
    ['a single stage', 'FROM python:3.12-slim\n', { version: '3.12', image: 'python:3.12-slim' }],
    [
      'multi-stage: the last stage on Python, through a stage it builds on',
      [
        'FROM node:20 AS assets',
        'FROM python:3.11.9-slim-bookworm AS base',
        'RUN pip install x',
        'FROM base AS production',
        'COPY --from=assets /app/dist /app/dist',
      ].join('\n'),
      { version: '3.11.9', image: 'python:3.11.9-slim-bookworm' },
    ],
    [
      'ARG-defaulted before the first FROM, braced, quoted, with --platform',
      'ARG PYTHON_VERSION="3.13"\nFROM --platform=$BUILDPLATFORM python:${PYTHON_VERSION}-alpine AS build\n',
      { version: '3.13', image: 'python:3.13-alpine' },
    ],
    [
      'a bare $ARG and a docker.io/library name',
      'ARG PY=3.10.4\nFROM docker.io/library/python:$PY\n',
      { version: '3.10.4', image: 'docker.io/library/python:3.10.4' },
    ],
    [
      'the default of ${ARG:-default}',
      'ARG PYTHON_VERSION\nFROM python:${PYTHON_VERSION:-3.12}-slim\n',
      { version: '3.12', image: 'python:3.12-slim' },
    ],
    [
      'a FROM continued over lines, after comments',
      '# syntax=docker/dockerfile:1\n# base\nFROM \\\n  python:3.12-slim \\\n  AS base\n',
      { version: '3.12', image: 'python:3.12-slim' },
    ],
    [
      'an ARG without a default: not used, said',
      'ARG PYTHON_VERSION\nFROM python:${PYTHON_VERSION}-slim\n',
      {
        problem:
          'FROM python:${PYTHON_VERSION}-slim: PYTHON_VERSION has no default (ARG PYTHON_VERSION=... before the first FROM)',
      },
    ],
    [
      'an ARG declared after the first FROM is not in scope for FROM',
      'FROM alpine AS tools\nARG PY=3.12\nFROM python:${PY}-slim\n',
      { problem: 'FROM python:${PY}-slim: PY has no default (ARG PY=... before the first FROM)' },
    ],
    ['no Python image at all', 'FROM node:20-alpine\n', { problem: '' }],
    [
      "uv's image names its Python in the tag (paperless-ngx builds on one)",
      'FROM ghcr.io/astral-sh/uv:0.11.32-python3.12-trixie-slim AS base\nFROM base AS main-app\n',
      { version: '3.12', image: 'ghcr.io/astral-sh/uv:0.11.32-python3.12-trixie-slim' },
    ],
    [
      'python:3 names no line',
      'FROM python:3-slim\n',
      { problem: 'FROM python:3-slim: "3" is not a CPython version like 3.12 or 3.12.8' },
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.deepEqual(dockerfilePython(text), expected));
  }

  it('detection lists every Python the project names, strongest first, and notes an unusable FROM', () => {
    const d = detectProject(
      new MemoryTree({
        ...MANAGED,
        '.python-version': '3.12\n',
        'pyproject.toml': pyproject('>=3.10'),
        Dockerfile: 'ARG PYTHON_VERSION=3.12.4\nFROM python:${PYTHON_VERSION}-slim\n',
      }),
    );
    assert.deepEqual(d.pythonConstraints, [
      { spec: '==3.12.*', source: '.python-version 3.12' },
      { spec: '>=3.10', source: 'pyproject.toml requires-python >=3.10' },
      { spec: '==3.12.4', source: 'Dockerfile FROM python:3.12.4-slim' },
    ]);
    const noDefault = detectProject(new MemoryTree({ ...MANAGED, Dockerfile: 'ARG V\nFROM python:$V\n' }));
    assert.ok(
      noDefault.notes.includes(
        'Dockerfile: FROM python:$V: V has no default (ARG V=... before the first FROM); its Python is not used',
      ),
      noDefault.notes.join('\n'),
    );
    assert.deepEqual(noDefault.pythonConstraints, []);
  });
});

describe('the Python of the images satisfies every constraint of the project', () => {
  it('requires-python >=3.8: the mission default 3.9.21, not 3.8 (which no current base image has)', async () => {
    const { version, source } = await pythonOf({ 'pyproject.toml': pyproject('>=3.8') });
    assert.equal(version, '3.9.21');
    assert.equal(source, 'pyproject.toml requires-python >=3.8: the default 3.9.21 satisfies it');
  });

  it("the Dockerfile's ARG-defaulted FROM python:3.11 narrows requires-python >=3.10 to 3.11", async () => {
    const { version, source } = await pythonOf({
      'pyproject.toml': pyproject('>=3.10'),
      Dockerfile: 'ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSION}-slim AS base\nFROM base\n',
    });
    assert.equal(version, '3.11.14');
    assert.equal(
      source,
      'pyproject.toml requires-python >=3.10 and Dockerfile FROM python:3.11-slim: 3.11.14, the newest known release with an image for alpine3.21 that satisfies them all and runs Django 4.2.20',
    );
  });

  it('a Dockerfile alone: its line, at the newest release with an image; FROM python:3.9 keeps the mission default', async () => {
    const only = await pythonOf({ Dockerfile: 'FROM python:3.12-slim AS production\n' });
    assert.equal(only.version, '3.12.12');
    assert.equal(
      only.source,
      'Dockerfile (FROM python): Python 3.12 as 3.12.12, the newest known 3.12 release with an image for alpine3.21',
    );
    const mission = await pythonOf({ Dockerfile: 'FROM python:3.9-slim\n' });
    assert.equal(mission.version, '3.9.21');
    assert.equal(mission.source, 'Dockerfile (FROM python): Python 3.9 as 3.9.21, the default');
  });

  it('an upper bound is kept: requires-python >=3.10,<3.12 with Django 5.2 gives 3.11, the newest inside', async () => {
    const { version } = await pythonOf({ 'pyproject.toml': pyproject('>=3.10,<3.12', 'django==5.2.8') });
    assert.equal(version, '3.11.14');
  });

  it("a pin and the Dockerfile disagree: the pin wins, and the summary says the Dockerfile's is not used", async () => {
    const { version, source } = await pythonOf({
      '.python-version': '3.12\n',
      Dockerfile: 'FROM python:3.11-slim\n',
    });
    assert.equal(version, '3.12.12');
    assert.equal(
      source,
      '.python-version 3.12: 3.12.12, the newest known release with an image for alpine3.21 that satisfies it and runs Django 4.2.20; not used, as no known release satisfies it with the rest: Dockerfile FROM python:3.11-slim',
    );
  });

  it('the slim variant picks among the Debian images', async () => {
    const { version } = await pythonOf(
      { 'pyproject.toml': pyproject('>=3.10'), Dockerfile: 'FROM python:3.11\n' },
      { variant: 'slim' },
    );
    assert.equal(version, '3.11.16');
  });
});
