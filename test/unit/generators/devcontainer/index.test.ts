import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { EXTENSIONS } from '../../../../generators/devcontainer/devcontainer.js';
import { composeMerged, dockerfileStage } from '../../../support/compose-check.js';
import { generatorPath, runGenerator, snapshotFolder } from '../../../support/run.js';
import { requireTool } from '../../../support/tools.js';

const JSON_FILE = '.devcontainer/devcontainer.json';
const SCRIPTS = ['.devcontainer/post-create.sh', '.devcontainer/post-start.sh'];

interface DevContainerJson {
  dockerComposeFile: string[];
  service: string;
  runServices: string[];
  workspaceFolder: string;
  remoteUser: string;
  updateRemoteUserUID: boolean;
  overrideCommand: boolean;
  forwardPorts: number[];
  portsAttributes: Record<string, { label: string }>;
  postCreateCommand: string;
  postStartCommand: string;
  features?: unknown;
  customizations: { vscode: { extensions: string[]; settings: Record<string, unknown> } };
}

function readJsonc(path: string): { value: DevContainerJson; errors: ParseError[] } {
  const errors: ParseError[] = [];
  const value = parseJsonc(readFileSync(path, 'utf8'), errors) as DevContainerJson;
  return { value, errors };
}

/** shellcheck -s sh: the findings (empty when clean). */
function shellcheck(tool: string, file: string): string {
  const result = spawnSync(tool, ['-s', 'sh', '-f', 'gcc', file], { encoding: 'utf8' });
  return result.status === 0 ? '' : `${result.stdout}${result.stderr}`;
}

describe('py-docker:devcontainer', function () {
  let compose: string;
  let check: string;
  let dir: string;

  before(async function () {
    compose = requireTool(this, 'docker-compose');
    check = requireTool(this, 'shellcheck');
    // The parts VS Code needs, in one folder, as `yo py-docker` writes them.
    const options = { yes: true, redis: true, celery: true };
    const env = await runGenerator('env', { options });
    for (const part of ['compose', 'devcontainer']) await runGenerator(part, { cwd: env.cwd, options });
    if (existsSync(generatorPath('docker'))) await runGenerator('docker', { cwd: env.cwd, options });
    dir = env.cwd;
  });

  it('a user runs `yo py-docker:devcontainer --yes`: devcontainer.json parses as JSONC, with no features to download', () => {
    const { value, errors } = readJsonc(join(dir, JSON_FILE));
    assert.deepEqual(errors, []);
    assert.equal(value.features, undefined, 'nothing is downloaded when the container opens');
    assert.deepEqual(value.customizations.vscode.extensions, EXTENSIONS);
    assert.equal(
      value.customizations.vscode.settings['python.defaultInterpreterPath'],
      '/opt/venv/bin/python',
    );
    assert.equal(value.overrideCommand, true);
    assert.equal(value.updateRemoteUserUID, true);
    assert.deepEqual(value.forwardPorts, [8000, 5678]);
    for (const port of value.forwardPorts)
      assert.ok(value.portsAttributes[String(port)]?.label, `label of ${port}`);
    // The check can fail: a broken file reports errors.
    const broken = join(mkdtempSync(join(tmpdir(), 'dc-')), 'devcontainer.json');
    writeFileSync(broken, '{ "service": "web", }\n{');
    assert.ok(readJsonc(broken).errors.length > 0);
  });

  it('its service, workspace folder and run services exist in the compose development setup it names', () => {
    const { value } = readJsonc(join(dir, JSON_FILE));
    const files = value.dockerComposeFile.map((f) => resolve(dirname(join(dir, JSON_FILE)), f));
    for (const file of files) assert.ok(existsSync(file), file);
    const merged = composeMerged(compose, dir, files);
    const service = merged.services[value.service];
    assert.ok(service, `service ${value.service}`);
    assert.equal(service.build?.target, 'development');
    assert.ok(
      service.volumes?.some(
        (v) => v.type === 'bind' && v.source === dir && v.target === value.workspaceFolder,
      ),
      'the workspace folder is the bind mount of the project',
    );
    for (const name of value.runServices) assert.ok(merged.services[name], `run service ${name}`);
    assert.deepEqual(value.runServices, ['web', 'db', 'redis', 'assets']);
  });

  it('the remote user is the non-root user of the Dockerfile`s development stage', function () {
    const { value } = readJsonc(join(dir, JSON_FILE));
    assert.notEqual(value.remoteUser, 'root');
    if (!existsSync(join(dir, 'Dockerfile'))) {
      console.log('      skipped: the docker part is not built');
      this.skip();
    }
    const stage = dockerfileStage(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'development');
    assert.equal(stage.get('USER'), value.remoteUser);
    assert.equal(stage.get('WORKDIR') ?? '/app', value.workspaceFolder);
  });

  it('post-create.sh and post-start.sh are executable POSIX sh with `set -eu`, shellcheck-clean', () => {
    const { value } = readJsonc(join(dir, JSON_FILE));
    assert.deepEqual([value.postCreateCommand, value.postStartCommand], SCRIPTS);
    for (const script of SCRIPTS) {
      const path = join(dir, script);
      assert.equal(statSync(path).mode & 0o111, 0o111, `${script} is executable`);
      const text = readFileSync(path, 'utf8');
      assert.match(text, /^#!\/bin\/sh\n/);
      assert.match(text, /^set -eu$/m);
      assert.equal(shellcheck(check, path), '', script);
      for (const shell of ['/usr/bin/dash', '/bin/busybox']) {
        if (!existsSync(shell)) continue;
        const args = shell.endsWith('busybox') ? ['sh', '-n', path] : ['-n', path];
        execFileSync(shell, args);
      }
    }
    assert.match(readFileSync(join(dir, SCRIPTS[1]!), 'utf8'), /python manage\.py migrate --noinput/);
    // node_modules is the assets service's to install (one install, never two at once).
    assert.doesNotMatch(readFileSync(join(dir, SCRIPTS[0]!), 'utf8'), /npm (ci|install)|yarn|pnpm/);
    assert.match(readFileSync(join(dir, SCRIPTS[1]!), 'utf8'), /^mkdir -p \/app\/frontend\/dist$/m);
    // The check can fail: shellcheck flags an unquoted expansion.
    const broken = join(mkdtempSync(join(tmpdir(), 'dc-')), 'broken.sh');
    writeFileSync(broken, '#!/bin/sh\nset -eu\ncd $1\n');
    assert.notEqual(shellcheck(check, broken), '');
  });

  it('post-start.sh waits for every WAIT_FOR entry with wait-for-it.sh before migrating', () => {
    const sandbox = mkdtempSync(join(tmpdir(), 'dc-run-'));
    const text = readFileSync(join(dir, SCRIPTS[1]!), 'utf8')
      .replace('/app/docker/wait-for-it.sh', `${sandbox}/wait-for-it.sh`)
      .replace(/^cd \/app$/m, `cd ${sandbox}`)
      .replace(/^python /m, `${sandbox}/python `);
    writeFileSync(join(sandbox, 'post-start.sh'), text);
    writeFileSync(join(sandbox, 'wait-for-it.sh'), `#!/bin/sh\necho "wait $*" >> ${sandbox}/log\n`, {
      mode: 0o755,
    });
    writeFileSync(join(sandbox, 'python'), `#!/bin/sh\necho "python $*" >> ${sandbox}/log\n`, {
      mode: 0o755,
    });
    execFileSync('/bin/sh', [join(sandbox, 'post-start.sh')], {
      env: { PATH: process.env.PATH, WAIT_FOR: 'db:5432,redis:6379' },
    });
    assert.equal(
      readFileSync(join(sandbox, 'log'), 'utf8'),
      'wait db:5432 -t 60 -s\nwait redis:6379 -t 60 -s\npython manage.py migrate --noinput\n',
    );
  });

  it('re-running `yo py-docker:devcontainer` leaves its files identical', async () => {
    const before = snapshotFolder(dir);
    await runGenerator('devcontainer', { cwd: dir, options: { yes: true } });
    const after = snapshotFolder(dir);
    for (const file of [JSON_FILE, ...SCRIPTS]) assert.deepEqual(after[file], before[file], file);
  });
});
