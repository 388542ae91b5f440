import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyDetection } from '../../../../lib/detect-empty.js';
import { buildModel } from '../../../../lib/model.js';
import { resolveSettings } from '../../../../lib/resolve.js';
import {
  NO_MUSL_WHEELS,
  SYSTEM_PACKAGES,
  muslWarnings,
  systemPackagesFor,
} from '../../../../generators/docker/system-packages.js';
import { runGenerator } from '../../../support/run.js';
import { CACHE, missing } from '../../../support/tools.js';

const modelOf = async (flags: Record<string, unknown>) =>
  buildModel(
    (await resolveSettings({ flags, stored: {}, detection: emptyDetection(), askable: new Set() })).settings,
  );

/** Names apt-cache knows in a package list (the system's bookworm lists, or the private trixie ones). */
function aptKnows(names: string[], opts: string[]): string[] {
  const result = spawnSync('apt-cache', [...opts, 'show', '--no-all-versions', ...names], {
    encoding: 'utf8',
  });
  return [...result.stdout.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]!);
}

describe('system packages of common Python packages (generators/docker/system-packages.ts)', () => {
  it("every Debian name exists in its release's archive (apt-cache)", function () {
    const trixieDir = join(CACHE, 'apt', 'trixie');
    const trixie = [
      '-o',
      `Dir::Etc::SourceList=${join(trixieDir, 'sources.list')}`,
      '-o',
      'Dir::Etc::SourceParts=/dev/null',
      '-o',
      `Dir::State::Lists=${join(trixieDir, 'lists')}`,
      '-o',
      `Dir::State::status=${join(trixieDir, 'status')}`,
      '-o',
      `Dir::Cache=${join(trixieDir, 'cache')}`,
    ];
    const releases: [string, string[]][] = [
      ['bookworm', []],
      ['trixie', trixie],
    ];
    for (const [release, opts] of releases) {
      const names = [
        ...new Set(
          Object.values(SYSTEM_PACKAGES).flatMap((n) => [
            ...n.build[release as 'bookworm'],
            ...n.runtime[release as 'bookworm'],
          ]),
        ),
      ];
      const known = aptKnows(names, opts);
      if (known.length === 0)
        missing(this, `apt-cache knows no packages of ${release} (run scripts/provision/tools.sh)`);
      assert.deepEqual(
        names.filter((n) => !known.includes(n)),
        [],
        `${release}: not in the archive`,
      );
    }
  });

  it('a project depending on mysqlclient gets its headers in the builder and its library in production, per variant', async () => {
    const packages = new Set(['django', 'mysqlclient', 'pycurl']);
    const slim = await modelOf({ variant: 'slim', debianRelease: 'trixie' });
    assert.deepEqual(systemPackagesFor(slim, packages, 'runtime'), ['libcurl4t64', 'libmariadb3']);
    const alpine = await modelOf({ variant: 'alpine' });
    assert.deepEqual(systemPackagesFor(alpine, packages, 'build'), ['curl-dev', 'mariadb-dev', 'pkgconf']);
  });

  it('a package without musl wheels on Alpine is a warning naming --variant slim; not on slim', async () => {
    assert.ok(NO_MUSL_WHEELS.includes('torch'));
    assert.match(muslWarnings(await modelOf({ variant: 'alpine' }), ['torch'])[0]!, /torch .*--variant slim/);
    assert.deepEqual(muslWarnings(await modelOf({ variant: 'slim' }), ['torch']), []);
  });

  it('through `yo py-docker:docker --yes`: the Dockerfile installs the libraries of the requirements', async () => {
    const dir = (
      await runGenerator('docker', {
        options: { yes: true, variant: 'slim', 'debian-release': 'bookworm' },
        files: {
          'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
          'shop/__init__.py': '',
          'shop/settings.py': '',
          'requirements.txt': 'Django==4.2.20\nmysqlclient==2.2.7\npython-magic==0.4.27\n',
        },
      })
    ).cwd;
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    assert.match(
      dockerfile,
      /apt-get install -y --no-install-recommends build-essential libpq-dev default-libmysqlclient-dev pkg-config/,
    );
    assert.match(dockerfile, /apt-get install -y --no-install-recommends libpq5 libmagic1 libmariadb3/);
  });
});
