import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { validate } from 'dockerfile-utils';
import ejs from 'ejs';
import helpers from 'yeoman-test';
import { emptyDetection } from '../../../../lib/detect-empty.js';
import { isIgnored, parseIgnore } from '../../../../lib/ignore-files.js';
import { buildModel } from '../../../../lib/model.js';
import { resolveSettings } from '../../../../lib/resolve.js';
import {
  aptLeftoverFindings,
  buildBytecodeFindings,
  builderVenvFindings,
  contextCopySources,
  dependencyLayerFindings,
  dockerfileFindings,
  parseStages,
  productionBytecodeFindings,
  productionPipFindings,
  runCommand,
} from '../../../support/dockerfile-rules.js';
import {
  TODAY,
  fixtureFiles,
  generatorPath,
  runExpectingError,
  runGenerator,
  snapshotFolder,
} from '../../../support/run.js';
import { requireTool } from '../../../support/tools.js';
import { HEALTH_PATH, literal } from '../../../support/defaults.js';
import { formatFindings, validateProject } from '../../../support/validate-project.js';
import { PYPROJECT_DEPS_SCRIPT } from '../../../../generators/docker/dockerfile-steps.js';
import { distPath } from '../../../support/repo.js';

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

/** A small Django + npm project: manage.py (in `appDir`), settings, wsgi, package.json with a lockfile. */
function djangoProject(
  opts: { appDir?: string; pkg?: string; nodeDir?: string; extra?: Record<string, string> } = {},
): Record<string, string> {
  const appDir = opts.appDir ?? '.';
  const pkg = opts.pkg ?? 'shop';
  const at = (dir: string, path: string): string => (dir === '.' ? path : `${dir}/${path}`);
  const nodeDir = opts.nodeDir ?? '.';
  return {
    [at(appDir, 'manage.py')]:
      `import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "${pkg}.settings")\n`,
    [at(appDir, `${pkg}/__init__.py`)]: '',
    [at(appDir, `${pkg}/settings.py`)]: 'SECRET_KEY = "x"\n',
    [at(appDir, `${pkg}/wsgi.py`)]: 'application = None\n',
    [at(nodeDir, 'package.json')]: JSON.stringify({ name: 'shop', scripts: { build: 'node build.mjs' } }),
    [at(nodeDir, 'package-lock.json')]: '{"lockfileVersion": 3}\n',
    ...opts.extra,
  };
}

/**
 * A fresh folder holding `files` on disk. (yeoman-test's withFiles only fills its in-memory store, and
 * project detection reads the disk, as it does for a real user.)
 */
function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'py-docker-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const REQUIREMENTS_FOLDER = {
  'requirements/base.txt': 'Django==4.2.20\ngunicorn==23.0.0\npsycopg==3.2.9\n',
  'requirements/dev.txt': '-r base.txt\npytest-django==4.9.0\n',
};

/** The checks every generated Dockerfile passes: the validator and the checklist rules. */
function assertClean(dockerfile: string, port = 8000): void {
  assert.deepEqual(
    validate(dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`),
    [],
    'dockerfile-utils diagnostics',
  );
  assert.deepEqual(dockerfileFindings(dockerfile, { port }), []);
}

const stageNames = (dockerfile: string): (string | undefined)[] => parseStages(dockerfile).map((s) => s.name);
const stage = (dockerfile: string, name: string): string => {
  const found = parseStages(dockerfile).find((s) => s.name === name);
  assert.ok(found, `stage ${name}`);
  return found.instructions.map((i) => i.toString()).join('\n');
};
const runs = (dockerfile: string, name: string): string[] =>
  parseStages(dockerfile)
    .find((s) => s.name === name)!
    .instructions.filter((i) => i.getKeyword() === 'RUN')
    .map(runCommand);

describe('py-docker:docker', () => {
  it('a new user runs `yo py-docker:docker --yes` in a folder where `yo py-docker` ran before and gets a Dockerfile that passes every check', async () => {
    const result = await runGenerator('docker', { options: { yes: true } });
    result.assertFile(['Dockerfile', '.dockerignore']);
    const dockerfile = read(result.cwd, 'Dockerfile');
    assertClean(dockerfile);
    assert.deepEqual(stageNames(dockerfile), ['assets', 'builder', 'development', 'production']);
    const froms = parseStages(dockerfile).map((s) => s.base);
    assert.deepEqual(froms, [
      'node:18.20.7-alpine3.21',
      'python:3.9.21-alpine3.21',
      'builder',
      'python:3.9.21-alpine3.21',
    ]);
    const production = stage(dockerfile, 'production');
    assert.match(production, /^USER 10001:10001$/m);
    assert.match(production, /^EXPOSE 8000$/m);
    assert.match(production, /^ENTRYPOINT \["\/app\/docker\/entrypoint.sh"\]$/m);
    assert.match(
      production,
      /^HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --start-interval=1s --retries=3 CMD \["\/app\/docker\/healthcheck.sh"\]$/m,
    );
    // The gunicorn command of lib/commands.ts, exec form, workers left to WEB_CONCURRENCY.
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(production)![1]!) as string[];
    assert.equal(cmd[0], 'gunicorn');
    for (const [flag, value] of [
      ['--config', '/app/docker/gunicorn.conf.py'],
      ['--bind', '0.0.0.0:8000'],
      ['--worker-tmp-dir', '/dev/shm'],
      ['--access-logfile', '-'],
      ['--graceful-timeout', '30'],
      ['--chdir', '/app'],
    ]) {
      assert.equal(cmd[cmd.indexOf(flag!) + 1], value, flag);
    }
    assert.ok(!cmd.includes('-w') && !cmd.includes('--workers'), 'workers come from WEB_CONCURRENCY');
    assert.match(production, /PYTHONDONTWRITEBYTECODE=1/);
    assert.match(production, /PATH=\/opt\/venv\/bin:\$PATH/);
    assert.match(production, literal(`HEALTH_PATH=${HEALTH_PATH}`));
    assert.match(production, /org\.opencontainers\.image\.title=/);
    // The placeholder image repository is not a source to point at.
    assert.doesNotMatch(dockerfile, /org\.opencontainers\.image\.source/);
  });

  it('the production stage installs runtime libraries only, and the builder brings the compilers in only when a package has no wheel', async () => {
    const result = await runGenerator('docker', { options: { yes: true } });
    const dockerfile = read(result.cwd, 'Dockerfile');
    const builder = runs(dockerfile, 'builder');
    assert.ok(
      builder.every((r) => !/^apk add/.test(r)),
      'no RUN of the builder installs compilers unconditionally',
    );
    assert.match(
      builder.join('\n'),
      /if ! PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=\/root\/\.cache\/pycache PYTHONPATH=\/opt\/installer python -m pip wheel --only-binary=:all: --wheel-dir \/opt\/wheels -r \/app\/requirements\.txt -r \/app\/docker\/requirements\.txt; then .*&& apk add --no-cache build-base libpq-dev\s+&& PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=\/root\/\.cache\/pycache PYTHONPATH=\/opt\/installer python -m pip wheel --wheel-dir \/opt\/wheels -r \/app\/requirements\.txt -r \/app\/docker\/requirements\.txt; fi$/,
    );
    const production = runs(dockerfile, 'production').join('\n');
    assert.match(production, /apk add --no-cache libpq(\s|$)/);
    assert.match(production, /addgroup -S -g 10001 app/);
    assert.match(production, /adduser -S -D -H -u 10001 -G app/);
    assert.doesNotMatch(production, /build-base|gcc|nodejs|npm/);
    // The sweep skips the trees no setuid binary lives in (Python under /usr/local, docs, headers).
    assert.match(
      production,
      /find \/ -xdev \\\( -path \/usr\/local -o -path \/usr\/share -o -path \/usr\/include \\\) -prune -o -type f -perm \/6000 -exec chmod a-s \{\} \+/,
    );
    // collectstatic runs with a throwaway key inline; no ARG or ENV carries a secret.
    assert.match(
      production,
      /PY_DOCKER_BUILD=1 DJANGO_SECRET_KEY=build-only-not-secret\S* .*python manage\.py collectstatic --noinput/,
    );
    assert.equal(dockerfile.match(/DJANGO_SECRET_KEY/g)!.length, 1);
  });

  describe('structural rules of the production image, over the Dockerfile AST', () => {
    /** Dockerfiles of several configurations: both variants, the three dependency modes, supervisord. */
    const configurations: [string, Record<string, unknown>, Record<string, string>?][] = [
      ['alpine with an npm build', {}],
      ['slim', { variant: 'slim' }],
      ['supervisord with Celery', { 'process-manager': 'supervisord', celery: true, redis: true }],
      ['requirements/ with -r includes', {}, djangoProject({ extra: REQUIREMENTS_FOLDER })],
      [
        'pyproject.toml',
        { variant: 'slim' },
        djangoProject({
          extra: {
            'pyproject.toml': '[project]\nname = "shop"\nversion = "1"\ndependencies = ["Django==4.2.20"]\n',
          },
        }),
      ],
    ];
    const generated = async (): Promise<[string, string][]> => {
      const out: [string, string][] = [];
      for (const [name, options, files] of configurations) {
        const result = await runGenerator('docker', {
          options: { yes: true, ...options },
          ...(files ? { cwd: projectDir(files) } : {}),
        });
        out.push([name, read(result.cwd, 'Dockerfile')]);
      }
      return out;
    };
    /** Puts `line` into the production stage right after its WORKDIR. */
    const intoProduction = (dockerfile: string, line: string): string => {
      const at = dockerfile.indexOf('\nWORKDIR /app\n', dockerfile.indexOf('AS production'));
      assert.ok(at > 0);
      return `${dockerfile.slice(0, at)}\nWORKDIR /app\n${line}\n${dockerfile.slice(at + '\nWORKDIR /app\n'.length)}`;
    };
    const toolchainFindings = (dockerfile: string): string[] =>
      dockerfileFindings(dockerfile).filter((f) => f.startsWith('ProductionToolchain'));

    it('no compiler in production: the final stage is not built on the builder and installs no toolchain, in every configuration', async () => {
      for (const [name, dockerfile] of await generated()) {
        assert.deepEqual(toolchainFindings(dockerfile), [], name);
        const final = parseStages(dockerfile).at(-1)!;
        assert.equal(final.parent, undefined, `${name}: the final stage starts from the base image`);
        // Whatever comes from the builder comes as a bind mount (gone after the RUN), never a COPY.
        assert.ok(
          !final.instructions.some((i) => /^COPY\s+(--\S+\s+)*--from=builder\b/.test(i.toString())),
          name,
        );
      }
      // The rule sees a compiler in the production stage, and a production stage built on the builder.
      const [, dockerfile] = (await generated())[1]!;
      const withGcc = intoProduction(
        dockerfile,
        'RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*',
      );
      assert.deepEqual(toolchainFindings(withGcc).length, 1, toolchainFindings(withGcc).join('\n'));
      const onBuilder = dockerfile.replace(/^FROM \S+ AS production$/m, 'FROM builder AS production');
      assert.ok(toolchainFindings(onBuilder).some((f) => /build-essential/.test(f)));
    });

    it('no pip in the production venv: made --without-pip, no venv copied in, pip only from a bind mount', async () => {
      for (const [name, dockerfile] of await generated())
        assert.deepEqual(productionPipFindings(dockerfile, '/opt/venv'), [], name);
      const [, dockerfile] = (await generated())[1]!;
      const copied = intoProduction(dockerfile, 'COPY --from=builder /opt/venv /opt/venv');
      assert.match(productionPipFindings(copied, '/opt/venv').join('\n'), /COPY --from=builder \/opt\/venv/);
      const withPip = dockerfile.replace(
        'python -m venv --without-pip /opt/venv',
        'python -m venv /opt/venv',
      );
      assert.notEqual(withPip, dockerfile);
      assert.match(productionPipFindings(withPip, '/opt/venv').join('\n'), /the venv gets pip/);
      const ownPip = intoProduction(dockerfile, 'RUN python -m pip install --no-cache-dir "pip==25.1.1"');
      assert.match(
        productionPipFindings(ownPip, '/opt/venv').join('\n'),
        /not a bind mount[\s\S]*installs "pip==/,
      );
    });

    it('the production venv is byte-compiled on every CPU: pip unpacks with --no-compile, one compileall per CPU compiles the venv in the same RUN', async () => {
      for (const [name, dockerfile] of await generated()) {
        assert.deepEqual(productionBytecodeFindings(dockerfile, '/opt/venv'), [], name);
        // The install that the rule looks at is there (it is not vacuous).
        assert.match(
          runs(dockerfile, 'production').join('\n'),
          /install --no-cache-dir --no-compile --no-deps --no-index --no-warn-conflicts \/opt\/wheels\/\*\.whl/,
          name,
        );
      }
      const [, dockerfile] = (await generated())[1]!;
      const group = / \\\n\s+&& \{ find \/opt\/venv\/lib [\s\S]*?; \}/;
      assert.match(dockerfile, group);
      const uncompiled = dockerfile.replace(group, '');
      assert.match(
        productionBytecodeFindings(uncompiled, '/opt/venv').join('\n'),
        /--no-compile .*: nothing compiles the venv after it/,
      );
      const oneCpu = dockerfile.replace(group, ' \\\n    && python -m compileall -q /opt/venv/lib');
      assert.match(productionBytecodeFindings(oneCpu, '/opt/venv').join('\n'), /one CPU/);
      // compileall's own parallel mode passes too.
      const jobs = dockerfile.replace(group, ' \\\n    && python -m compileall -q -j 0 /opt/venv/lib');
      assert.deepEqual(productionBytecodeFindings(jobs, '/opt/venv'), []);
      // The lists compiled one after another (not in the background) are one CPU again.
      const serialLists = dockerfile.replace(
        'python -m compileall -q -i "$list" & pids',
        'python -m compileall -q -i "$list"; pids',
      );
      assert.notEqual(serialLists, dockerfile);
      assert.match(
        productionBytecodeFindings(serialLists, '/opt/venv').join('\n'),
        /find \/opt\/venv\/lib .*: not one compileall per CPU in the background/,
      );
    });

    it('the build`s Python runs keep their bytecode in a cache mount (the official images ship none): pip in the builder and production, collectstatic; never the venv`s compileall', async () => {
      const PREFIX = 'PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=/root/.cache/pycache ';
      for (const [name, dockerfile] of await generated()) {
        assert.deepEqual(buildBytecodeFindings(dockerfile), [], name);
        // Not vacuous: the wheel step, the production install and collectstatic each carry the prefix.
        const runsWithPrefix = [...runs(dockerfile, 'builder'), ...runs(dockerfile, 'production')].filter(
          (r) => r.includes(PREFIX),
        );
        assert.equal(runsWithPrefix.length, 3, name);
        assert.match(
          runsWithPrefix.join('\n'),
          /pip wheel[\s\S]*pip --disable-pip-version-check install[\s\S]*manage\.py collectstatic/,
          name,
        );
      }
      // uv mode too: uv exports the lock, the pinned pip still makes the wheels.
      const uv = await runGenerator('docker', {
        options: { yes: true },
        cwd: projectDir(fixtureFiles('pyproject-uv')),
      });
      const uvDockerfile = read(uv.cwd, 'Dockerfile');
      assert.match(uvDockerfile, /uv export/);
      assert.deepEqual(buildBytecodeFindings(uvDockerfile), [], 'uv');
      const [, dockerfile] = (await generated())[1]!;
      const mount = /--mount=type=cache,id=[a-z0-9-]+-pycache,target=\/root\/\.cache\/pycache/.exec(
        dockerfile,
      )![0];
      assert.equal(dockerfile.split(mount).length - 1, 3);
      const collect = dockerfile.lastIndexOf(`RUN ${mount}`);
      assert.ok(collect > 0);
      // Before: collectstatic compiled the standard library from source on every build.
      const unmounted = `${dockerfile.slice(0, collect)}RUN${dockerfile.slice(collect + 4 + mount.length).replace(/^ \\\n\s+/, ' ')}`;
      assert.match(
        buildBytecodeFindings(unmounted).join('\n'),
        /manage\.py collectstatic --noinput: its bytecode is not kept in a cache mount/,
      );
      const unwritten = dockerfile.replace(
        `${PREFIX}PY_DOCKER_BUILD=1`,
        'PYTHONPYCACHEPREFIX=/root/.cache/pycache PY_DOCKER_BUILD=1',
      );
      assert.notEqual(unwritten, dockerfile);
      assert.match(
        buildBytecodeFindings(unwritten).join('\n'),
        /collectstatic --noinput: PYTHONDONTWRITEBYTECODE is not emptied/,
      );
      const noPrefix = dockerfile.replaceAll(
        `${PREFIX}PYTHONPATH=/opt/installer python -m pip wheel`,
        'PYTHONPATH=/opt/installer python -m pip wheel',
      );
      assert.equal(
        buildBytecodeFindings(noPrefix).filter((f) => / pip wheel .*: its bytecode is not kept/.test(f))
          .length,
        2,
      );
      // The prefix where it would send the venv's bytecode to the cache instead of the image.
      const intoCache = dockerfile.replace(
        'python -m compileall -q -i "$list" &',
        'PYTHONPYCACHEPREFIX=/root/.cache/pycache python -m compileall -q -i "$list" &',
      );
      assert.notEqual(intoCache, dockerfile);
      assert.match(buildBytecodeFindings(intoCache).join('\n'), /compiles into the cache, not the image/);
      assert.match(
        buildBytecodeFindings(
          intoProduction(dockerfile, 'ENV PYTHONPYCACHEPREFIX=/root/.cache/pycache'),
        ).join('\n'),
        /ENV PYTHONPYCACHEPREFIX/,
      );
    });

    it('apt-get install in the production stage leaves no lists, logs or database backups in its layer', async () => {
      let checked = 0;
      for (const [name, dockerfile] of await generated()) {
        assert.deepEqual(aptLeftoverFindings(dockerfile), [], name);
        if (runs(dockerfile, 'production').some((r) => /apt-get install/.test(r))) checked += 1;
      }
      assert.ok(checked >= 2, `${checked} configurations install Debian packages in production`);
      const [, dockerfile] = (await generated())[1]!;
      const listsOnly = intoProduction(
        dockerfile,
        'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
      );
      assert.deepEqual(
        aptLeftoverFindings(listsOnly).map((f) => f.replace(/^line \d+: /, '')),
        [
          "apt's logs (/var/log/apt/*)",
          "dpkg's log (/var/log/dpkg.log)",
          "dpkg's database backups (/var/lib/dpkg/*-old)",
          "debconf's database backups (/var/cache/debconf/*-old)",
        ].map((p) => `apt-get install leaves ${p}`),
      );
    });

    it('the builder makes no venv: the pinned pip in /opt/installer, run by the base image`s Python, makes the wheels (a cold build waits for no venv and no pip upgrade)', async () => {
      for (const [name, dockerfile] of await generated())
        assert.deepEqual(builderVenvFindings(dockerfile, '/opt/venv', '/opt/installer'), [], name);
      const [, dockerfile] = (await generated())[1]!;
      // What the builder did before: a venv, its pip upgraded, the wheels made by that pip.
      const withVenv = dockerfile
        .replace(/^(FROM \S+ AS builder\n.*\n)/m, '$1RUN python -m venv /opt/venv\n')
        .replace(
          '&& if ! PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=/root/.cache/pycache PYTHONPATH=/opt/installer python -m pip wheel',
          '&& if ! pip wheel',
        );
      assert.notEqual(withVenv, dockerfile);
      assert.match(
        builderVenvFindings(withVenv, '/opt/venv', '/opt/installer').join('\n'),
        /python -m venv \/opt\/venv: a venv in the builder[\s\S]*pip wheel --only-binary=:all:.*: not the pinned pip/,
      );
    });

    it('the dependency layers are independent of the code: only manifests reach the builder and production installs, and the code layer is --link', async () => {
      const manifests: Record<string, string[]> = {
        'alpine with an npm build': ['requirements.txt', 'docker/requirements.txt', 'requirements-dev.txt'],
        slim: ['requirements.txt', 'docker/requirements.txt', 'requirements-dev.txt'],
        'supervisord with Celery': [
          'requirements.txt',
          'docker/requirements.txt',
          'requirements-dev.txt',
          'docker/requirements-dev.txt',
        ],
        'requirements/ with -r includes': ['requirements/', 'docker/requirements.txt'],
        'pyproject.toml': ['pyproject.toml', 'docker/requirements.txt'],
      };
      const isInstall = (command: string): boolean => /\bpip(\s+--\S+)*\s+(wheel|install)\b/.test(command);
      for (const [name, dockerfile] of await generated()) {
        assert.deepEqual(dependencyLayerFindings(dockerfile, manifests[name]!, isInstall), [], name);
        // Every stage that installs dependencies has such a RUN (the rule is not vacuous).
        for (const st of ['builder', 'development', 'production'])
          assert.ok(runs(dockerfile, st).some(isInstall), `${name}: ${st} installs`);
        const production = stage(dockerfile, 'production');
        assert.match(production, /^COPY --link \. \/app\/$/m, name);
      }
      const [, dockerfile] = (await generated())[1]!;
      const early = dockerfile.replace(
        /^(# The dependency manifests alone, bind-mounted)/m,
        'COPY . /app/\n$1',
      );
      assert.notEqual(early, dockerfile);
      assert.match(
        dependencyLayerFindings(early, manifests.slim!, isInstall).join('\n'),
        /COPY \. before the dependency install/,
      );
      const bound = intoProduction(
        dockerfile,
        'RUN --mount=type=bind,target=/src pip install --no-cache-dir -r /src/requirements.txt',
      );
      assert.match(
        dependencyLayerFindings(bound, manifests.slim!, isInstall).join('\n'),
        /binds \. of the build context/,
      );
    });
  });

  it('pip at a fixed exact release makes the wheels, the development venv gets pip and setuptools at fixed releases before anything installs, and the production image drops the base image`s own', async () => {
    const stageRuns = async (python: string): Promise<{ builder: string[]; development: string[] }> => {
      const result = await runGenerator('docker', { options: { yes: true, pythonVersion: python } });
      const dockerfile = read(result.cwd, 'Dockerfile');
      assert.match(
        runs(dockerfile, 'production').join('\n'),
        /python -m pip uninstall --yes --quiet \$tools/,
      );
      return { builder: runs(dockerfile, 'builder'), development: runs(dockerfile, 'development') };
    };
    const { builder, development } = await stageRuns('3.9.21');
    const installer = builder.findIndex((r) => r.includes('--target /opt/installer'));
    assert.match(
      builder[installer]!,
      /python -m pip install --no-deps --no-compile --target \/opt\/installer "pip==25\.1\.1"\s+&& rm -rf \/opt\/installer\/bin \/opt\/installer\/pip-\*\.dist-info/,
    );
    // The base image's own pip is copied instead when it is the pinned release. Not compiled: its runs
    // keep their bytecode in the cache mount.
    assert.match(
      builder[installer]!,
      /if \[ "\$\(python -c 'from importlib\.metadata import version; print\(version\("pip"\)\)' 2>\/dev\/null\)" = "25\.1\.1" \]; then\s+mkdir -p \/opt\/installer && cp -a "\$\(python -c 'import os, pip; print\(os\.path\.dirname\(pip\.__file__\)\)'\)" \/opt\/installer\/;\s+else /,
    );
    assert.match(builder[installer]!, /pip-\*\.dist-info; fi$/);
    assert.doesNotMatch(builder[installer]!, /compileall/);
    const wheels = builder.findIndex((r) => r.includes('pip wheel'));
    assert.ok(installer < wheels, 'pip pinned before the dependencies');
    assert.match(builder[wheels]!, /PYTHONPATH=\/opt\/installer python -m pip wheel --only-binary=:all:/);
    assert.match(
      builder[wheels]!,
      /&& PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=\/root\/\.cache\/pycache PYTHONPATH=\/opt\/installer python -m pip wheel --wheel-dir/,
    );
    const upgrade = development.findIndex((r) => r.includes('pip install --upgrade'));
    assert.match(
      development[upgrade]!,
      /python -m venv \/opt\/venv\s+&& pip install --upgrade "pip==25\.1\.1" "setuptools==78\.1\.1"( |$)/,
    );
    assert.ok(
      upgrade < development.findIndex((r) => r.includes('--find-links /opt/wheels')),
      'upgraded before the wheels',
    );
    // Python 3.12 venvs have no setuptools: none is added. Python 3.8 gets the last releases for it.
    const py312 = await stageRuns('3.12.8');
    assert.match(py312.development.join('\n'), /pip install --upgrade "pip==25\.1\.1"( |\n|$)/m);
    assert.doesNotMatch([...py312.builder, ...py312.development].join('\n'), /setuptools==/);
    const py38 = await stageRuns('3.8.20');
    assert.match(py38.development.join('\n'), /"pip==24\.3\.1" "setuptools==75\.3\.0"/);
    assert.match(py38.builder.join('\n'), /--target \/opt\/installer "pip==24\.3\.1"/);
  });

  it('a developer gets a development target with dev dependencies, Node.js, npm and their own uid/gid', async () => {
    const result = await runGenerator('docker', {
      options: { yes: true },
      cwd: projectDir(djangoProject({ extra: REQUIREMENTS_FOLDER })),
    });
    const dockerfile = read(result.cwd, 'Dockerfile');
    assertClean(dockerfile);
    const development = stage(dockerfile, 'development');
    assert.match(development, /^ARG HOST_UID=1000$/m);
    assert.match(development, /^ARG HOST_GID=1000$/m);
    assert.match(development, /^COPY --from=assets \/usr\/local\/bin\/node \/usr\/local\/bin\/node$/m);
    assert.match(
      development,
      /^COPY --from=assets \/usr\/local\/lib\/node_modules\/npm \/usr\/local\/lib\/node_modules\/npm$/m,
    );
    assert.match(development, /adduser -D -u "\$HOST_UID" -G "\$group"/);
    assert.match(development, /pip install -r \/app\/requirements\/dev\.txt/);
    assert.match(development, /^USER app$/m);
    assert.match(development, /^CMD \["python", "manage\.py", "runserver", "0\.0\.0\.0:8000"\]$/m);
    assert.match(development, /^ENTRYPOINT \["\/app\/docker\/entrypoint\.sh"\]$/m);
  });

  it('the assets stage installs from the lockfile before it copies the sources (cache-friendly)', async () => {
    const result = await runGenerator('docker', { options: { yes: true, 'npm-version': '10.9.2' } });
    const assets = stage(read(result.cwd, 'Dockerfile'), 'assets').split('\n');
    const at = (re: RegExp): number => assets.findIndex((l) => re.test(l));
    assert.ok(at(/^COPY package\.json package-lock\.json \/app\/$/) >= 0);
    assert.ok(at(/^COPY package\.json/) < at(/^RUN .*npm ci/));
    // A new project's build reads the starter's frontend/ folder only: a Python change keeps it cached.
    assert.ok(at(/^RUN .*npm ci/) < at(/^COPY frontend \/app\/frontend$/));
    assert.ok(at(/^COPY frontend \/app\/frontend$/) < at(/^RUN npm run build /));
    // A build that writes elsewhere stops here, naming the flag that fixes it.
    assert.match(assets.join('\n'), /wrote no frontend\/dist\/: run yo py-docker --assets-dir/);
    assert.equal(assets.filter((l) => l.startsWith('COPY ')).length, 2);
    // The bundled npm is replaced only when it is not the requested version.
    assert.match(
      assets[at(/npm\/package\.json/)]!,
      /!= "10\.9\.2" \]; then npm install --global .*"npm@10\.9\.2"; fi/,
    );
  });

  it('an existing project gives its npm build the whole project, unless --assets-sources narrows it', async () => {
    const copies = (dir: string): string[] =>
      stage(read(dir, 'Dockerfile'), 'assets')
        .split('\n')
        .filter((l) => l.startsWith('COPY ') && !l.includes('package.json'));
    const whole = await runGenerator('docker', { options: { yes: true }, cwd: projectDir(djangoProject()) });
    assert.deepEqual(copies(whole.cwd), ['COPY . /app/']);
    const narrow = await runGenerator('docker', {
      options: { yes: true, 'assets-sources': 'web,./vite.config.js' },
      cwd: projectDir({ ...djangoProject(), 'web/main.js': '', 'vite.config.js': '' }),
    });
    assert.deepEqual(copies(narrow.cwd), ['COPY web /app/web', 'COPY vite.config.js /app/vite.config.js']);
    // The .dockerignore the generator writes keeps the listed sources in the context.
    const rules = parseIgnore(read(narrow.cwd, '.dockerignore'));
    assert.equal(isIgnored(rules, 'web/main.js'), false);
    const error = await runExpectingError('docker', {
      options: { yes: true, 'assets-sources': '.,web' },
      cwd: projectDir(djangoProject()),
    });
    assert.match(error.message, /--assets-sources: "\.,web" lists "\." with other paths/);
    const project = projectDir(djangoProject());
    const before = snapshotFolder(project);
    const missing = await runExpectingError('docker', {
      options: { yes: true, 'assets-sources': 'assets' },
      cwd: project,
    });
    assert.match(missing.message, /--assets-sources: "assets" is not in the project/);
    assert.deepEqual(snapshotFolder(project), before);
  });

  for (const variant of [
    {
      name: 'Debian bookworm',
      options: { variant: 'slim' },
      python: 'python:3.9.21-slim-bookworm',
      node: 'node:18.20.7-bookworm-slim',
    },
    {
      name: 'Debian trixie',
      options: {
        variant: 'slim',
        'debian-release': 'trixie',
        'python-version': '3.13.5',
        'node-version': '20.19.2',
      },
      python: 'python:3.13.5-slim-trixie',
      node: 'node:20.19.2-trixie-slim',
    },
    {
      name: 'Alpine 3.20',
      options: { variant: 'alpine', 'alpine-version': '3.20' },
      python: 'python:3.9.21-alpine3.20',
      node: 'node:18.20.7-alpine3.20',
    },
  ]) {
    it(`a user on ${variant.name} gets the images and package commands of that variant`, async () => {
      const result = await runGenerator('docker', { options: { yes: true, ...variant.options } });
      const dockerfile = read(result.cwd, 'Dockerfile');
      assertClean(dockerfile);
      assert.deepEqual(
        parseStages(dockerfile).map((s) => s.base),
        [variant.node, variant.python, 'builder', variant.python],
      );
      const production = runs(dockerfile, 'production').join('\n');
      if (variant.options.variant === 'slim') {
        assert.doesNotMatch(dockerfile, /\bapk\b/);
        assert.match(dockerfile, /^SHELL \["\/bin\/bash", "-e", "-o", "pipefail", "-c"\]$/m);
        assert.match(
          runs(dockerfile, 'builder').join('\n'),
          /apt-get install -y --no-install-recommends build-essential libpq-dev/,
        );
        assert.match(production, /apt-get install -y --no-install-recommends libpq5/);
        assert.match(production, /groupadd -g 10001 app/);
        assert.match(production, /useradd -l -u 10001 -g app -M -s \/usr\/sbin\/nologin app/);
        assert.match(stage(dockerfile, 'development'), /useradd -l -m -u "\$HOST_UID"/);
      } else {
        assert.doesNotMatch(dockerfile, /apt-get/);
        assert.match(dockerfile, /^SHELL \["\/bin\/ash", "-e", "-o", "pipefail", "-c"\]$/m);
      }
    });
  }

  it('without PostgreSQL the production stage has the sqlite folder, owned by the app user before USER, so a new volume there is writable; with PostgreSQL none', async () => {
    const without = read(
      (await runGenerator('docker', { options: { yes: true, postgres: false } })).cwd,
      'Dockerfile',
    );
    assertClean(without);
    assert.match(runs(without, 'production').join('\n'), /install -d -o 10001 -g 10001 -m 0750 \/data/);
    const withDb = read((await runGenerator('docker', { options: { yes: true } })).cwd, 'Dockerfile');
    assert.doesNotMatch(withDb, /\/data\b/);
  });

  // The Alpine variant cannot be built offline (no Alpine image or apk package here): the end-to-end
  // case runs in the GitHub workflow; here every generated file is held to every static check.
  it("a new user runs `yo py-docker --yes --variant alpine` in an empty folder: every file passes the validation layer, and the images use Alpine's apk, busybox adduser/addgroup and ash, nothing of Debian", async function () {
    this.timeout(300_000);
    for (const name of ['shellcheck', 'busybox', 'dash', 'docker-compose', 'kubectl', 'python3'] as const)
      requireTool(this, name);
    const { cwd } = await runGenerator('app', { options: { yes: true, variant: 'alpine' } });
    assert.equal(formatFindings(await validateProject(cwd)), '');
    const dockerfile = read(cwd, 'Dockerfile');
    assert.deepEqual(
      parseStages(dockerfile).map((s) => s.base),
      ['node:18.20.7-alpine3.21', 'python:3.9.21-alpine3.21', 'builder', 'python:3.9.21-alpine3.21'],
    );
    // Each command of a stage's RUNs (runCommand joins a `&&` chain into one line).
    const commands = (name: string): string[] =>
      runs(dockerfile, name).flatMap((r) => r.split(/\s+&&\s+/).map((c) => c.trim()));
    // Compilers: in the builder only as the fallback for a package without a wheel; always in development.
    assert.ok(commands('builder').includes('apk add --no-cache build-base libpq-dev'));
    // (after the development venv is made)
    assert.ok(commands('development').includes('apk add --no-cache build-base libpq-dev'));
    for (const command of [
      'apk add --no-cache libpq',
      'addgroup -S -g 10001 app',
      'adduser -S -D -H -u 10001 -G app -s /sbin/nologin app',
    ])
      assert.ok(commands('production').includes(command), command);
    assert.ok(
      commands('development').includes('adduser -D -u "$HOST_UID" -G "$group" -h /home/app -s /bin/sh app'),
      commands('development').join('\n'),
    );
    // Debian's tools do not exist on Alpine: none may appear in a RUN, and no script may need bash.
    const allRuns = parseStages(dockerfile)
      .flatMap((st) => runs(dockerfile, st.name!))
      .join('\n');
    assert.doesNotMatch(allRuns, /\b(apt-get|useradd|groupadd|bash)\b/);
    for (const script of ['entrypoint.sh', 'healthcheck.sh', 'wait-for-it.sh'])
      assert.match(read(cwd, `docker/${script}`), /^#!\/bin\/sh\n/, script);
    // The assets service of the development override runs the same Alpine Node.js image.
    assert.match(read(cwd, 'docker-compose.override.yml'), /^ {4}image: node:18\.20\.7-alpine3\.21$/m);
  });

  it('a project without PostgreSQL gets no libpq', async () => {
    const result = await runGenerator('docker', { options: { yes: true, postgres: false, variant: 'slim' } });
    const dockerfile = read(result.cwd, 'Dockerfile');
    assertClean(dockerfile);
    assert.doesNotMatch(dockerfile, /libpq/);
  });

  it('requirements in requirements/ with -r includes: the whole folder is bind-mounted where pip runs', async () => {
    const result = await runGenerator('docker', {
      options: { yes: true },
      cwd: projectDir(djangoProject({ extra: REQUIREMENTS_FOLDER })),
    });
    const dockerfile = read(result.cwd, 'Dockerfile');
    const builder = stage(dockerfile, 'builder');
    assert.match(builder, /--mount=type=bind,source=requirements,target=\/app\/requirements /);
    assert.match(
      builder,
      /pip wheel --only-binary=:all: --wheel-dir \/opt\/wheels -r \/app\/requirements\/base\.txt/,
    );
    // Only the manifests before the install: the source comes later, in other stages.
    assert.doesNotMatch(builder, /^COPY \. /m);
    assert.match(builder, /--mount=type=cache,target=\/root\/.cache\/pip/);
  });

  it('a root requirements.txt that includes a file in a folder brings both', async () => {
    const result = await runGenerator('docker', {
      options: { yes: true },
      cwd: projectDir(
        djangoProject({
          extra: {
            'requirements.txt': '-r deps/common.txt\n',
            'deps/common.txt': '-c ../constraints.txt\nDjango==4.2.20\ngunicorn==23.0.0\n',
            'constraints.txt': 'asgiref==3.8.1\n',
          },
        }),
      ),
    });
    const builder = stage(read(result.cwd, 'Dockerfile'), 'builder');
    for (const mount of [
      'requirements.txt,target=/app/requirements.txt',
      'constraints.txt,target=/app/constraints.txt',
      'deps,target=/app/deps',
    ])
      assert.ok(builder.includes(`--mount=type=bind,source=${mount} `), mount);
    assert.doesNotMatch(builder, /^COPY /m);
  });

  it('an empty PIP_INDEX_URL (compose passes empty args) is unset before pip runs, a set one is used', async () => {
    const result = await runGenerator('docker', { options: { yes: true } });
    const dockerfile = read(result.cwd, 'Dockerfile');
    assert.match(stage(dockerfile, 'builder'), /^ARG PIP_INDEX_URL=$/m);
    assert.match(stage(dockerfile, 'builder'), /^ARG PIP_TRUSTED_HOST=$/m);
    const install = runs(dockerfile, 'builder').find((r) => r.includes('pip install'))!;
    // Run the RUN's shell prologue for real, with pip replaced by a probe that prints what it sees.
    const probe = (env: Record<string, string>): string => {
      const script = install.replace(
        /if \[ "\$\(python[\s\S]*$/,
        'echo "index=${PIP_INDEX_URL-unset} host=${PIP_TRUSTED_HOST-unset}"',
      );
      return execFileSync('/bin/sh', ['-e', '-c', script], { env: { PATH: '/usr/bin:/bin', ...env } })
        .toString()
        .trim();
    };
    assert.equal(probe({ PIP_INDEX_URL: '', PIP_TRUSTED_HOST: '' }), 'index=unset host=unset');
    assert.equal(
      probe({ PIP_INDEX_URL: 'http://127.0.0.1:3141/simple/', PIP_TRUSTED_HOST: '127.0.0.1' }),
      'index=http://127.0.0.1:3141/simple/ host=127.0.0.1',
    );
  });

  it('pyproject mode installs [project] dependencies from pyproject.toml alone, no build backend', async () => {
    const pyproject = [
      '[project]',
      'name = "shop"',
      'version = "1.0"',
      'dependencies = ["Django==4.2.20", "gunicorn==23.0.0"]',
      '[project.optional-dependencies]',
      'dev = ["pytest-django==4.9.0"]',
      '[dependency-groups]',
      'test = ["coverage==7.6.0", {include-group = "dev"}]',
      '',
    ].join('\n');
    const result = await runGenerator('docker', {
      options: { yes: true },
      cwd: projectDir(djangoProject({ extra: { 'pyproject.toml': pyproject } })),
    });
    const dockerfile = read(result.cwd, 'Dockerfile');
    assertClean(dockerfile);
    const builder = stage(dockerfile, 'builder');
    assert.match(builder, /--mount=type=bind,source=pyproject\.toml,target=\/app\/pyproject\.toml /);
    // The development stage reads its groups from its own copy.
    assert.match(stage(dockerfile, 'development'), /^COPY pyproject\.toml \/app\/$/m);
    assert.doesNotMatch(dockerfile, /pip install \./);
    assert.match(
      builder,
      /pip wheel --only-binary=:all: --wheel-dir \/opt\/wheels -r \/tmp\/requirements\.txt/,
    );
    // The script the Dockerfile runs, run here for real on the same file (tomllib, then pip's tomli).
    const file = join(result.cwd, 'pyproject.toml');
    const deps = (script: string, ...groups: string[]): string[] =>
      execFileSync('/usr/bin/python3', ['-c', script, file, ...groups])
        .toString()
        .trim()
        .split('\n');
    assert.deepEqual(deps(PYPROJECT_DEPS_SCRIPT), ['Django==4.2.20', 'gunicorn==23.0.0']);
    assert.deepEqual(deps(PYPROJECT_DEPS_SCRIPT, 'dev', 'test'), ['pytest-django==4.9.0', 'coverage==7.6.0']);
    const fallback = PYPROJECT_DEPS_SCRIPT.replace('sys.version_info >= (3, 11)', 'False');
    assert.notEqual(fallback, PYPROJECT_DEPS_SCRIPT);
    assert.deepEqual(deps(fallback), ['Django==4.2.20', 'gunicorn==23.0.0']);
    assert.ok(
      dockerfile.includes(`python -c '${PYPROJECT_DEPS_SCRIPT}' /app/pyproject.toml > /tmp/requirements.txt`),
    );
    assert.match(stage(dockerfile, 'development'), /pyproject\.toml dev test > \/tmp\/requirements-dev\.txt/);
  });

  it('uv mode exports uv.lock without network and pip installs it, uv kept out of the venv', async () => {
    const result = await runGenerator('docker', {
      options: { yes: true },
      cwd: projectDir(
        djangoProject({
          extra: {
            'pyproject.toml': '[project]\nname = "shop"\nversion = "1"\ndependencies = ["Django==4.2.20"]\n',
            'uv.lock': 'version = 1\n',
          },
        }),
      ),
    });
    const dockerfile = read(result.cwd, 'Dockerfile');
    assertClean(dockerfile);
    const builder = stage(dockerfile, 'builder');
    assert.match(
      builder,
      /--mount=type=bind,source=pyproject\.toml,target=\/app\/pyproject\.toml\s+--mount=type=bind,source=uv\.lock,target=\/app\/uv\.lock /,
    );
    assert.match(stage(dockerfile, 'development'), /^COPY pyproject\.toml uv\.lock \/app\/$/m);
    assert.match(builder, /^ARG UV_VERSION=\d+\.\d+\.\d+$/m);
    assert.match(builder, /python -m venv \/opt\/uv/);
    assert.match(builder, /\/opt\/uv\/bin\/pip install "uv==\$\{UV_VERSION\}"/);
    assert.match(
      builder,
      /uv export --project \/app --frozen --no-emit-project --no-header --no-dev --output-file \/tmp\/requirements\.txt/,
    );
    assert.doesNotMatch(dockerfile, /uv sync|uv pip install/);
    assert.match(stage(dockerfile, 'development'), /uv export .* --output-file \/tmp\/requirements-dev\.txt/);
    assert.doesNotMatch(stage(dockerfile, 'production'), /\/opt\/uv/);
  });

  it('a src/ layout: collectstatic, runserver and gunicorn run manage.py where it is', async () => {
    const result = await runGenerator('docker', {
      options: { yes: true },
      cwd: projectDir(
        djangoProject({
          appDir: 'src',
          nodeDir: 'src',
          extra: { 'src/requirements.txt': 'Django==4.2.20\ngunicorn\n' },
        }),
      ),
    });
    const dockerfile = read(result.cwd, 'Dockerfile');
    assertClean(dockerfile);
    assert.match(runs(dockerfile, 'production').join('\n'), /python src\/manage\.py collectstatic --noinput/);
    assert.match(stage(dockerfile, 'development'), /"python", "src\/manage\.py", "runserver"/);
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(stage(dockerfile, 'production'))![1]!) as string[];
    assert.equal(cmd[cmd.indexOf('--chdir') + 1], '/app/src');
    assert.equal(cmd.at(-1), 'shop.wsgi:application');
    const assets = stage(dockerfile, 'assets');
    assert.match(assets, /^WORKDIR \/app\/src$/m);
    assert.match(assets, /^COPY src\/package\.json src\/package-lock\.json \/app\/src\/$/m);
    assert.match(
      stage(dockerfile, 'builder'),
      /--mount=type=bind,source=src\/requirements\.txt,target=\/app\/src\/requirements\.txt /,
    );
  });

  it('supervisord mode: the image runs supervisord, installed into the venv', async () => {
    const result = await runGenerator('docker', {
      options: { yes: true, 'process-manager': 'supervisord', celery: true, redis: true },
    });
    const dockerfile = read(result.cwd, 'Dockerfile');
    assertClean(dockerfile);
    assert.match(
      stage(dockerfile, 'production'),
      /^CMD \["supervisord", "-c", "\/app\/docker\/supervisord\.conf"\]$/m,
    );
    // supervisor comes pinned exactly from the container's own requirements, installed with the project's.
    assert.match(
      stage(dockerfile, 'builder'),
      /pip wheel --only-binary=:all: --wheel-dir \S+ -r \S+ -r \/app\/docker\/requirements\.txt/,
    );
    assert.match(read(result.cwd, 'docker/requirements.txt'), /^supervisor==4\.2\.5$/m);
  });

  it('an image repository on ghcr.io becomes the OCI source label', async () => {
    const result = await runGenerator('docker', { options: { yes: true, image: 'ghcr.io/acme/shop' } });
    assert.match(
      read(result.cwd, 'Dockerfile'),
      /org\.opencontainers\.image\.source="https:\/\/github\.com\/acme\/shop"/,
    );
  });

  it('a different port is the one exposed, bound and checked', async () => {
    const result = await runGenerator('docker', { options: { yes: true, port: '9000' } });
    const dockerfile = read(result.cwd, 'Dockerfile');
    assertClean(dockerfile, 9000);
    assert.match(stage(dockerfile, 'production'), /"0\.0\.0\.0:9000"/);
    assert.match(stage(dockerfile, 'production'), /PORT=9000/);
    assert.ok(dockerfileFindings(dockerfile, { port: 8000 }).some((f) => f.startsWith('EXPOSE')));
  });

  it('a bad flag stops before anything is written', async () => {
    const error = await runExpectingError('docker', { options: { yes: true, variant: 'ubuntu' } });
    assert.match(error.message, /--variant: .*allowed: alpine, slim/);
  });

  it('running it again finds every file identical: nothing is rewritten, nothing asked', async () => {
    const first = await runLogged(
      { yes: true, variant: 'slim' },
      djangoProject({ extra: REQUIREMENTS_FOLDER }),
    );
    const before = snapshotFolder(first.cwd);
    const mtimes = (): number[] =>
      ['Dockerfile', '.dockerignore'].map((f) => statSync(join(first.cwd, f)).mtimeMs);
    const written = mtimes();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The stored answers (variant slim) are reused; yeoman's conflicter sees identical content and
    // skips the write, so not even the modification times change.
    const second = await runLogged({ yes: true }, first.cwd);
    assert.deepEqual(snapshotFolder(first.cwd), before);
    assert.deepEqual(mtimes(), written);
    assert.doesNotMatch(second.log, /py-docker-new|has your changes|conflict/i);
  });
});

describe('py-docker:docker .dockerignore', () => {
  it('keeps .git, .env and secret env files out of the build context, but not .env.example', async () => {
    const result = await runGenerator('docker', { options: { yes: true } });
    const rules = parseIgnore(read(result.cwd, '.dockerignore'));
    for (const path of [
      '.git/config',
      '.env',
      '.env.local',
      'k8s/overlays/production/secrets.env',
      'node_modules/x/index.js',
      'frontend/node_modules/x.js',
      'shop/__pycache__/a.pyc',
      '.venv/bin/python',
      'venv/bin/python',
      'htmlcov/index.html',
      '.coverage',
      '.pytest_cache/v',
      'frontend/dist/main.js',
      'staticfiles/admin/x.css',
    ]) {
      assert.ok(isIgnored(rules, path), `${path} is ignored`);
    }
    assert.ok(!isIgnored(rules, '.env.example'), '.env.example stays');
  });

  it('excludes nothing the Dockerfile copies from the context, nor anything the image runs', async () => {
    const files = djangoProject({ extra: REQUIREMENTS_FOLDER });
    const result = await runGenerator('docker', { options: { yes: true }, cwd: projectDir(files) });
    const dockerfile = read(result.cwd, 'Dockerfile');
    const rules = parseIgnore(read(result.cwd, '.dockerignore'));
    const sources = contextCopySources(dockerfile);
    assert.ok(sources.includes('requirements/') && sources.includes('.'), sources.join(' '));
    for (const source of sources) {
      const prefix = source === '.' ? '' : source.replace(/\/$/, '');
      // The project's files and what the run generated beside them (docker/requirements.txt); of
      // `COPY .`, all but the Dockerfile and .dockerignore, which the image never reads.
      const covered = Object.keys(snapshotFolder(result.cwd)).filter(
        (f) =>
          (prefix === '' || f === prefix || f.startsWith(`${prefix}/`)) &&
          !/^(Dockerfile|\.dockerignore)$/.test(f),
      );
      assert.ok(covered.length > 0, `${source} names fixture files`);
      for (const file of covered)
        assert.ok(!isIgnored(rules, file), `${file} (COPY ${source}) is not ignored`);
    }
  });

  it('a new user runs `yo py-docker --yes` in an empty folder: manifests, pipeline, dev container, compose files, Dockerfiles and docs stay out of the build context, everything the image runs is in it', async () => {
    const result = await runGenerator('app', { options: { yes: true, celery: true, redis: true } });
    const rules = parseIgnore(read(result.cwd, '.dockerignore'));
    const all = Object.keys(snapshotFolder(result.cwd));
    const context = all.filter((f) => !isIgnored(rules, f));
    const never =
      /^(k8s|\.github|\.devcontainer|docs)\/|^(docker-compose[^/]*\.ya?ml|Dockerfile[^/]*|\.dockerignore|README[^/]*|container-structure-test\.yaml)$/;
    // Each kind is generated, and none of it reaches the image: editing it keeps the COPY layers cached.
    for (const kind of [
      'k8s/',
      '.github/',
      '.devcontainer/',
      'docker-compose.prod.yml',
      'Dockerfile.test',
      'README.Docker.md',
    ])
      assert.ok(
        all.some((f) => f.startsWith(kind)),
        `${kind} is generated`,
      );
    assert.deepEqual(
      context.filter((f) => never.test(f)),
      [],
    );
    // What the build and the image read stays: the scripts, the settings bridge, the requirement files.
    for (const needed of [
      'manage.py',
      'requirements.txt',
      'docker/requirements.txt',
      'docker/requirements-dev.txt',
      'docker/entrypoint.sh',
      'docker/healthcheck.sh',
      'docker/gunicorn.conf.py',
      'docker/python/docker_settings.py',
      'package.json',
      'package-lock.json',
    ])
      assert.ok(context.includes(needed), `${needed} is in the build context`);
    for (const source of contextCopySources(read(result.cwd, 'Dockerfile')).filter((s) => s !== '.'))
      assert.ok(!isIgnored(rules, source.replace(/\/$/, '')), `COPY ${source} is in the build context`);
  });

  it('a Django app named docs/, or an npm build that reads docs/, keeps docs/ in the build context', async () => {
    const app = await runGenerator('docker', {
      options: { yes: true },
      cwd: projectDir(djangoProject({ extra: { 'docs/__init__.py': '', 'docs/models.py': '' } })),
    });
    assert.ok(!isIgnored(parseIgnore(read(app.cwd, '.dockerignore')), 'docs/models.py'));
    const build = await runGenerator('docker', {
      options: { yes: true, assetsSources: 'docs,src' },
      cwd: projectDir(djangoProject({ extra: { 'docs/index.md': '', 'src/main.js': '' } })),
    });
    const rules = parseIgnore(read(build.cwd, '.dockerignore'));
    assert.ok(!isIgnored(rules, 'docs/index.md'));
    assert.ok(isIgnored(rules, 'k8s/base/deployment.yaml') && isIgnored(rules, 'README.md'));
    // Without either, docs/ is documentation and stays out.
    const plain = await runGenerator('docker', {
      options: { yes: true },
      cwd: projectDir(djangoProject({ extra: { 'docs/index.md': '' } })),
    });
    assert.ok(isIgnored(parseIgnore(read(plain.cwd, '.dockerignore')), 'docs/index.md'));
  });

  it('merges into an existing .dockerignore without losing or reordering the user lines', async () => {
    const mine = '# mine\nsecrets/\n*.sqlite3\n.env\n';
    const result = await runGenerator('docker', {
      options: { yes: true },
      cwd: projectDir({ '.dockerignore': mine }),
    });
    const merged = read(result.cwd, '.dockerignore');
    assert.ok(merged.startsWith(mine), merged);
    assert.equal(merged.match(/^\.env$/gm)!.length, 1, '.env is not added twice');
    assert.match(merged, /^\.git$/m);
    const before = snapshotFolder(result.cwd);
    await runGenerator('docker', { cwd: result.cwd, options: { yes: true } });
    assert.deepEqual(snapshotFolder(result.cwd), before);
  });

  it('warns when the user .dockerignore leaves out a file the image needs', async () => {
    const files = djangoProject({
      extra: { 'requirements.txt': 'Django\ngunicorn\n', '.dockerignore': '*.txt\n' },
    });
    const { cwd, log } = await runLogged({ yes: true }, files);
    assert.ok(isIgnored(parseIgnore(read(cwd, '.dockerignore')), 'requirements.txt'));
    assert.match(log, /warning .*\.dockerignore leaves out requirements\.txt/);
    const clean = await runLogged(
      { yes: true },
      djangoProject({ extra: { 'requirements.txt': 'Django\ngunicorn\n' } }),
    );
    assert.doesNotMatch(clean.log, /warning .*(dockerignore|gunicorn|package-lock)/);
  });

  it('warns about a missing package-lock.json; what the container needs and the project lacks goes into docker/requirements.txt', async () => {
    const files = djangoProject({
      extra: { 'requirements.txt': 'Django==4.2.20\npsycopg2-binary==2.9.10\n' },
    });
    delete files['package-lock.json'];
    const { cwd, log } = await runLogged({ yes: true }, files);
    assert.match(log, /warning package-lock\.json is missing/);
    assert.match(
      log,
      /docker\/requirements\.txt: the image adds gunicorn==23\.0\.0, whitenoise==6\.8\.2, which/,
    );
    // psycopg2-binary is a PostgreSQL driver already: no second one.
    assert.deepEqual(
      read(cwd, 'docker/requirements.txt')
        .split('\n')
        .filter((l) => l && !l.startsWith('#')),
      ['gunicorn==23.0.0', 'whitenoise==6.8.2'],
    );
    assert.equal(read(cwd, 'requirements.txt'), 'Django==4.2.20\npsycopg2-binary==2.9.10\n', 'never edited');
  });
});

describe('.dockerignore matching (Docker patternmatcher semantics)', () => {
  const rules = parseIgnore(
    [
      '# comment',
      '/build/',
      '**/*.log',
      '.env.*',
      '!.env.example',
      'docs/*.md',
      '!docs/keep.md',
      'a?c',
      'x[0-9]',
    ].join('\n'),
  );
  for (const [path, ignored] of [
    ['build/out.js', true],
    ['src/build/out.js', false],
    ['app.log', true],
    ['deep/er/app.log', true],
    ['.env.production', true],
    ['.env.example', false],
    ['docs/a.md', true],
    ['docs/keep.md', false],
    ['docs/sub/a.md', false],
    ['abc', true],
    ['abbc', false],
    ['x7', true],
    ['xa', false],
  ] as const) {
    it(`${path} is ${ignored ? '' : 'not '}ignored`, () => assert.equal(isIgnored(rules, path), ignored));
  }
});

/**
 * Runs py-docker:docker in `folder` (files to write into a fresh folder, or an existing folder) as yo
 * does, without yeoman-test's forced writes, and returns everything it and yeoman's conflicter logged.
 */
async function runLogged(
  options: Record<string, unknown>,
  folder: Record<string, string> | string,
): Promise<{ cwd: string; log: string }> {
  const lines: string[] = [];
  const cwd = typeof folder === 'string' ? folder : projectDir(folder);
  await helpers
    .run(generatorPath('docker'), { namespace: 'py-docker:docker' }, { force: false })
    .withOptions({ today: TODAY, skipInstall: true, force: false, ...options } as never)
    .withAdapterOptions({
      spyFactory:
        ({ returns }: { returns?: unknown }) =>
        (...args: unknown[]) => {
          lines.push(args.map(String).join(' '));
          return returns;
        },
    })
    .cd(cwd);
  return { cwd, log: lines.join('\n') };
}

async function defaults(): Promise<import('../../../../lib/settings.js').Settings> {
  const resolved = await resolveSettings({
    flags: {},
    stored: {},
    detection: emptyDetection(),
    askable: new Set(),
  });
  return resolved.settings;
}

describe('Dockerfile rules (test/support/dockerfile-rules.ts)', () => {
  const BAD = [
    'FROM python AS Build',
    'FROM node:latest as assets',
    'FROM python:3.12-slim AS build',
    'ARG DB_PASSWORD=x',
    'ENV API_TOKEN abc',
    'ADD . /app',
    'WORKDIR app',
    'RUN cd /app && make',
    'RUN apt-get install gcc',
    'RUN apk add curl',
    'RUN pip install django',
    'RUN npm install',
    'RUN npm install -g yarn',
    'RUN curl -s https://x | sh',
    'RUN useradd -u 12345 app',
    'COPY --from=assets /usr/local/bin/node /usr/local/bin/node',
    'COPY --chown=app:app . /app',
    'RUN chown -R 10001:10001 /app',
    'RUN pip install --no-cache-dir "supervisor>=4.2" celery==5.5.2',
    'USER app',
    'EXPOSE 80',
    'CMD gunicorn app.wsgi',
    'ENTRYPOINT /entry.sh',
  ].join('\n');

  it('finds every rule a deliberately bad Dockerfile breaks', () => {
    const findings = dockerfileFindings(BAD, { port: 8000 });
    const rules = new Set(findings.map((f) => f.split(' ')[0]));
    for (const rule of [
      'DL3006',
      'DL3007',
      'StageNameCasing',
      'DuplicateStageName',
      'FromAsCasing',
      'SecretsUsedInArgOrEnv',
      'LegacyKeyValueFormat',
      'DL3020',
      'DL3000',
      'DL3003',
      'DL3009',
      'DL3014',
      'DL3015',
      'DL3019',
      'DL3042',
      'DL3016',
      'DL4006',
      'DL3046',
      'ProductionToolchain',
      'DL3002',
      'DL3012',
      'EXPOSE',
      'DL3025',
      'DL3013',
      'AppCodeOwnership',
    ]) {
      assert.ok(rules.has(rule), `${rule} found in:\n${findings.join('\n')}`);
    }
    assert.ok(findings.some((f) => /npm global install of yarn/.test(f)));
    // Ranges and bare names are findings; an exact pin or a requirement file is not.
    const pip = findings.filter((f) => f.startsWith('DL3013'));
    assert.ok(
      pip.some((f) => /pip install django /.test(f)),
      pip.join('\n'),
    );
    assert.ok(
      pip.some((f) => /supervisor>=4\.2/.test(f)),
      pip.join('\n'),
    );
    assert.ok(!pip.some((f) => /celery/.test(f)), pip.join('\n'));
    const owners = findings.filter((f) => f.startsWith('AppCodeOwnership'));
    assert.equal(owners.length, 2, owners.join('\n'));
  });

  it('accepts a small clean Dockerfile', () => {
    const good = [
      'FROM python:3.12-slim AS production',
      'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
      'RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*',
      'RUN pip install --no-cache-dir django==4.2.20 && echo ok | cat',
      'RUN pip install --no-cache-dir --upgrade "pip==25.1.1" -r /app/requirements.txt',
      'WORKDIR /app',
      'COPY . /app/',
      'COPY --chown=root:root docker/ /app/docker/',
      'USER 10001:10001',
      'EXPOSE 8000',
      'HEALTHCHECK CMD ["/app/health.sh"]',
      'CMD ["gunicorn"]',
    ].join('\n');
    assert.deepEqual(dockerfileFindings(good, { port: 8000 }), []);
  });

  it('a pipe without pipefail, a root USER and a missing HEALTHCHECK each fail the clean Dockerfile', () => {
    const base = 'FROM python:3.12-slim\nRUN echo a | cat\nUSER 0\nCMD ["x"]\n';
    const rules = dockerfileFindings(base).map((f) => f.split(' ')[0]);
    assert.deepEqual([...new Set(rules)].sort(), ['DL3002', 'DL3012', 'DL4006']);
  });
});

describe('README.Docker.md: the image section', () => {
  it('renders the targets, build args and run commands for the settings', async () => {
    const template = distPath('generators', 'docker', 'templates', 'readme.md.ejs');
    const s = { ...(await defaults()), pythonDeps: 'uv' as const, processManager: 'supervisord' as const };
    const text = ejs.render(readFileSync(template, 'utf8'), { m: buildModel(s), s });
    for (const needle of [
      '`production`',
      '`development`',
      'PIP_INDEX_URL',
      'HOST_UID',
      'UV_VERSION',
      'docker build --target development',
      'supervisord -c /app/docker/supervisord.conf',
      'python:3.9.21-alpine3.21',
    ]) {
      assert.ok(text.includes(needle), needle);
    }
    assert.doesNotMatch(text, /undefined|\[object Object\]/);
  });
});

describe('a project without an npm build (--frontend none)', () => {
  it('gets no assets stage, no Node.js in development, no assets service and no npm in the dev container; the folder passes every in-process check', async () => {
    const files = djangoProject({ extra: { 'requirements.txt': 'Django==4.2.20\n' } });
    for (const path of ['package.json', 'package-lock.json']) delete files[path];
    const result = await runGenerator('app', { options: { yes: true }, cwd: projectDir(files) });
    const stored = JSON.parse(read(result.cwd, '.yo-rc.json'))['generator-py-docker'];
    assert.equal(stored.frontend, 'none', 'detected: no package.json');
    assert.equal(stored.nodeVersion, undefined, 'Node.js is not a setting of this project');
    const dockerfile = read(result.cwd, 'Dockerfile');
    assertClean(dockerfile);
    assert.doesNotMatch(dockerfile, /^FROM node|AS assets$|--from=assets|npm /m);
    assert.doesNotMatch(dockerfile, /DJANGO_ASSETS_DIR/);
    assert.doesNotMatch(read(result.cwd, 'docker-compose.override.yml'), /^ {2}assets:/m);
    assert.doesNotMatch(read(result.cwd, '.devcontainer/post-create.sh'), /npm/);
    const devcontainer = JSON.parse(read(result.cwd, '.devcontainer/devcontainer.json'));
    assert.ok(!devcontainer.runServices.includes('assets'), devcontainer.runServices);
    assert.doesNotMatch(read(result.cwd, 'README.Docker.md'), /npm ci|`assets`/);
    assert.deepEqual(await validateProject(result.cwd, { external: new Set() }), []);
  });

  it('--frontend npm without a package.json is said before anything is built', async () => {
    const files = djangoProject({ extra: { 'requirements.txt': 'Django==4.2.20\n' } });
    delete files['package.json'];
    delete files['package-lock.json'];
    const { log } = await runLogged({ yes: true, frontend: 'npm' }, files);
    assert.match(log, /package\.json is missing: .*or choose --frontend none/);
  });
});
