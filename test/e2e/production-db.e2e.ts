/**
 * The production database paths in real containers: without PostgreSQL, migrate and web share the
 * sqlite file on a volume under a read-only root filesystem; with PostgreSQL, the Kubernetes migration
 * gate (the init container's own command, as written in k8s/base/deployment.yaml) holds a web container
 * back from readiness while a migration is pending, and lets it start once migrate has run.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  buildImage,
  composeDown,
  freePort,
  generate,
  must,
  projectName,
  requireEngine,
  run,
  starterProject,
  waitFor,
  type E2eMode,
} from '../support/e2e-docker.js';
import { parseComposePs } from '../../generators/verify/steps.js';

const TAG = 'e2e';
const PROD_FILES = ['-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml'];

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request to the published web port, as the TLS proxy in front would send it. */
function http(port: number, path: string, init: { method?: string; cookie?: string; form?: string } = {}) {
  return new Promise<Response>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        headers: {
          Host: 'localhost',
          'X-Forwarded-Proto': 'https',
          ...(init.cookie ? { Cookie: init.cookie } : {}),
          ...(init.form
            ? {
                'Content-Type': 'application/x-www-form-urlencoded',
                'Content-Length': Buffer.byteLength(init.form),
                Origin: 'https://localhost',
                Referer: `https://localhost${path}`,
              }
            : {}),
        },
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within 10 s`)));
    if (init.form) req.write(init.form);
    req.end();
  });
}

/** name=value of a Set-Cookie header. */
const cookie = (res: Response, name: string): string => {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const line = lines.find((l) => l.startsWith(`${name}=`));
  assert.ok(line, `no ${name} cookie in ${JSON.stringify(lines)}`);
  return line.split(';')[0]!;
};

describe('the production database paths in real containers', function () {
  let mode: E2eMode;
  before(async function () {
    this.timeout(120_000);
    mode = await requireEngine(this);
  });

  it('`--no-postgres` production: migrate writes the sqlite file on the shared volume, and web, read-only, serves the admin, which reads a user another container created there', async function () {
    this.timeout(1_500_000);
    const dir = await generate({ ...mode.flags.starter, postgres: false });
    await buildImage(mode, dir, 'production', TAG);
    const port = await freePort();
    const project = `${projectName(dir)}-sqlite`;
    const env = { ...process.env, IMAGE_TAG: TAG, WEB_PORT: String(port) };
    const compose = (args: string[], timeoutMs = 120_000) =>
      must('docker', ['compose', '-p', project, ...PROD_FILES, ...args], timeoutMs, { cwd: dir, env });
    try {
      await compose(['up', '-d', '--no-build'], 600_000);
      await waitFor('a healthy web service', 180_000, async () => {
        const ps = parseComposePs((await compose(['ps', '--all', '--format', 'json'])).stdout);
        return ps.find((s) => s.Service === 'web')?.Health === 'healthy' ? true : undefined;
      });
      const ps = parseComposePs((await compose(['ps', '--all', '--format', 'json'])).stdout);
      const migrate = ps.find((s) => s.Service === 'migrate')!;
      assert.deepEqual([migrate.State, migrate.ExitCode], ['exited', 0]);
      assert.match(
        (await compose(['logs', '--no-color', 'migrate'])).stdout,
        /Applying auth\.0001_initial\.\.\. OK/,
      );
      // The web container's root filesystem is read-only: the database can only live on the volume.
      const webId = (await compose(['ps', '-q', 'web'])).stdout.trim();
      const inspect = JSON.parse(
        (await must('docker', ['inspect', '--format', '{{json .}}', webId], 30_000)).stdout,
      ) as {
        HostConfig: { ReadonlyRootfs: boolean };
        Mounts: { Type: string; Name?: string; Destination: string }[];
      };
      assert.equal(inspect.HostConfig.ReadonlyRootfs, true);
      assert.ok(
        inspect.Mounts.some(
          (mnt) =>
            mnt.Type === 'volume' && mnt.Name === `${project}_sqlite-data` && mnt.Destination === '/data',
        ),
        JSON.stringify(inspect.Mounts),
      );

      // Another one-off container of the migrate service writes a user into the shared file...
      const password = 'e2e-Passw0rd-not-secret';
      await compose(
        [
          'run',
          '--rm',
          '--no-deps',
          '-e',
          `DJANGO_SUPERUSER_PASSWORD=${password}`,
          'migrate',
          'python',
          'manage.py',
          'createsuperuser',
          '--noinput',
          '--username',
          'e2e-admin',
          '--email',
          'e2e@example.com',
        ],
        300_000,
      );
      // ...and web reads it: the admin login finds the user and its session, then the index greets it.
      const form = await http(port, '/admin/login/');
      assert.equal(form.status, 200, form.body.slice(0, 500));
      const csrf = cookie(form, 'csrftoken');
      const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(form.body)?.[1];
      assert.ok(token, 'the login form has a CSRF token');
      const fields = new URLSearchParams({
        csrfmiddlewaretoken: token,
        username: 'e2e-admin',
        password,
        next: '/admin/',
      }).toString();
      const login = await http(port, '/admin/login/', { method: 'POST', cookie: csrf, form: fields });
      assert.equal(login.status, 302, login.body.slice(0, 800));
      assert.equal(login.headers.location, '/admin/');
      const session = cookie(login, 'sessionid');
      const index = await http(port, '/admin/', { cookie: session });
      assert.equal(index.status, 200);
      assert.match(index.body, /e2e-admin/);
      // A wrong password is refused by the same lookup: no session.
      const wrong = await http(port, '/admin/login/', {
        method: 'POST',
        cookie: csrf,
        form: fields.replace(encodeURIComponent(password), 'wrong'),
      });
      assert.equal(wrong.status, 200);
      assert.equal(
        ([] as string[]).concat(wrong.headers['set-cookie'] ?? []).some((c) => c.startsWith('sessionid=')),
        false,
      );

      // The data outlives the containers: a new stack on the same volume still knows the user.
      await compose(['down'], 180_000);
      await compose(['up', '-d', '--no-build'], 600_000);
      await waitFor('web healthy again', 180_000, async () => {
        const again = parseComposePs((await compose(['ps', '--all', '--format', 'json'])).stdout);
        return again.find((s) => s.Service === 'web')?.Health === 'healthy' ? true : undefined;
      });
      const relogin = await http(port, '/admin/login/', { method: 'POST', cookie: csrf, form: fields });
      assert.equal(relogin.status, 302);
    } finally {
      await composeDown(project);
    }
  });

  it('the migrate gate: a web container started behind the wait-for-migrations command of k8s/base/deployment.yaml stays unhealthy while a migration is pending, and serves once migrate has run', async function () {
    this.timeout(1_500_000);
    const dir = await starterProject(mode);
    await buildImage(mode, dir, 'production', TAG);
    const deployment = parse(readFileSync(join(dir, 'k8s/base/deployment.yaml'), 'utf8'));
    const pod = deployment.spec.template.spec;
    const gate = pod.initContainers.find((c: { name: string }) => c.name === 'wait-for-migrations');
    const [shell, flag, script] = gate.args as string[];
    assert.deepEqual([shell, flag], ['sh', '-c']);
    assert.match(script!, /migrate --check/);
    // The pod in one container: the init container's command, then the web container's own.
    const webArgs = pod.containers[0].args as string[];
    const project = `${projectName(dir)}-gate`;
    const env = { ...process.env, IMAGE_TAG: TAG };
    const compose = (args: string[], timeoutMs = 120_000) =>
      must('docker', ['compose', '-p', project, ...PROD_FILES, ...args], timeoutMs, { cwd: dir, env });
    const migrate = (args: string[]) =>
      compose(['run', '--rm', '--no-deps', 'migrate', 'python', 'manage.py', 'migrate', ...args], 300_000);
    const name = `${project}-pod`;
    try {
      await compose(['up', '-d', '--wait', 'db'], 300_000);
      // Every migration applied, then one taken back: exactly one is pending.
      await migrate(['--noinput']);
      await migrate(['sessions', 'zero', '--noinput']);
      const check = await run(
        'docker',
        [
          'compose',
          '-p',
          project,
          ...PROD_FILES,
          'run',
          '--rm',
          '--no-deps',
          'migrate',
          'python',
          'manage.py',
          'migrate',
          '--check',
        ],
        300_000,
        { cwd: dir, env },
      );
      assert.notEqual(check.code, 0, 'migrate --check passes with a pending migration');

      await compose(
        [
          'run',
          '-d',
          '--no-deps',
          '--name',
          name,
          'web',
          'sh',
          '-c',
          `${script} && exec "$@"`,
          'sh',
          ...webArgs,
        ],
        300_000,
      );
      const state = async (): Promise<{ health: string; running: boolean }> => {
        const out = await must('docker', ['inspect', '--format', '{{json .State}}', name], 30_000);
        const s = JSON.parse(out.stdout) as { Running: boolean; Health?: { Status: string } };
        return { health: s.Health?.Status ?? 'none', running: s.Running };
      };
      // 40 s: longer than the health check's start period (30 s), so "starting" has turned into a verdict.
      const until = Date.now() + 40_000;
      while (Date.now() < until) {
        const now = await state();
        assert.equal(now.running, true, 'the gate keeps waiting, it does not give up');
        assert.notEqual(now.health, 'healthy', 'healthy while a migration is pending');
        await new Promise((r) => setTimeout(r, 2000));
      }
      const waiting = await must('docker', ['logs', name], 30_000);
      assert.match(`${waiting.stdout}${waiting.stderr}`, /unapplied migrations: waiting for the migrate Job/);
      assert.doesNotMatch(`${waiting.stdout}${waiting.stderr}`, /Booting worker|Listening at/);

      // The release's migrate Job (here the migrate service): the gate opens and gunicorn starts.
      await migrate(['--noinput']);
      await waitFor('the gated web container healthy', 180_000, async () =>
        (await state()).health === 'healthy' ? true : undefined,
      );
      const started = await must('docker', ['logs', name], 30_000);
      assert.match(`${started.stdout}${started.stderr}`, /Listening at/);
    } finally {
      await run('docker', ['rm', '-f', name], 60_000);
      await composeDown(project);
    }
  });
});
