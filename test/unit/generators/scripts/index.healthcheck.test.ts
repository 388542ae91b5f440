import assert from 'node:assert/strict';
import { sandboxEnv, script, scriptsProject, shells, type Shell } from '../../../support/scripts-fixture.js';
import {
  closedPort,
  httpServer,
  run,
  type Finished,
  type HttpBehaviour,
} from '../../../support/scripts-servers.js';
import { findTool, requireTool } from '../../../support/tools.js';

/**
 * Django's host validation (django.http.request.split_domain_port + validate_host), mirrored so the test
 * proves the Host header the health check sends is one Django serves instead of answering 400.
 */
function djangoAcceptsHost(host: string, allowedHosts: string[]): boolean {
  const match = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:[0-9]+)?$/.exec(host.toLowerCase());
  if (!match) return false;
  const domain = match[1]!.endsWith('.') ? match[1]!.slice(0, -1) : match[1]!;
  return allowedHosts.some((raw) => {
    const pattern = raw.toLowerCase();
    return (
      pattern === '*' ||
      (pattern.startsWith('.') && (domain.endsWith(pattern) || domain === pattern.slice(1))) ||
      pattern === domain
    );
  });
}

describe('py-docker:scripts healthcheck.sh', function () {
  let healthcheck: string;
  let shellList: Shell[];
  /** `python` on PATH is the system Python 3, as the venv's python is in the image. */
  let python: Record<string, string>;

  before(async function () {
    requireTool(this, 'busybox');
    requireTool(this, 'dash');
    requireTool(this, 'python3');
    shellList = shells();
    python = { python: findTool('python3')! };
    healthcheck = script(await scriptsProject({ 'health-path': '/healthz/' }), 'healthcheck.sh');
  });

  it("the test's copy of Django's ALLOWED_HOSTS check accepts and rejects what Django does", () => {
    assert.ok(djangoAcceptsHost('shop.example.com', ['.example.com']));
    assert.ok(djangoAcceptsHost('example.com', ['.example.com']));
    assert.ok(!djangoAcceptsHost('badexample.com', ['.example.com']));
    assert.ok(djangoAcceptsHost('anything', ['*']));
    assert.ok(!djangoAcceptsHost('127.0.0.1', ['localhost']));
    assert.ok(djangoAcceptsHost('[::1]', ['[::1]']));
  });

  for (const shellIndex of [0, 1]) {
    describe(`under ${['busybox ash', 'dash'][shellIndex]}`, function () {
      const check = async (
        port: number,
        vars: Record<string, string> = {},
        args: string[] = [],
      ): Promise<Finished> => {
        const shell = shellList[shellIndex]!;
        const result = await run([...shell.argv, healthcheck, ...args], {
          env: sandboxEnv({ ...shell.tools, ...python }, { PORT: String(port), ...vars }),
        });
        // Docker reserves 2; anything but 0 and 1 is a bug in the script.
        assert.ok(result.code === 0 || result.code === 1, `exit code ${result.code}: ${result.stderr}`);
        return result;
      };

      const withServer = async (
        behaviour: HttpBehaviour,
        body: (server: Awaited<ReturnType<typeof httpServer>>) => Promise<void>,
      ): Promise<void> => {
        const server = await httpServer(behaviour);
        try {
          await body(server);
        } finally {
          await server.close();
        }
      };

      it('a ready app (200 on the readiness path) is healthy: exit 0', () =>
        withServer({ status: 200 }, async (server) => {
          const result = await check(server.port);
          assert.equal(result.code, 0, result.stderr);
          assert.equal(server.requests.length, 1);
          assert.equal(server.requests[0]!.url, '/healthz/ready/');
        }));

      it('READINESS_PATH and PORT override the generated defaults; --live checks HEALTH_PATH instead', () =>
        withServer({ status: 204 }, async (server) => {
          const result = await check(server.port, { READINESS_PATH: '/ready', HEALTH_PATH: '/alive' });
          assert.equal(result.code, 0, result.stderr);
          assert.equal(server.requests[0]!.url, '/ready');
          const live = await check(server.port, { HEALTH_PATH: '/alive' }, ['--live']);
          assert.equal(live.code, 0, live.stderr);
          assert.equal(server.requests[1]!.url, '/alive');
        }));

      it('a container whose app is not listening yet is unhealthy: exit 1', async () => {
        const result = await check(await closedPort());
        assert.equal(result.code, 1);
        assert.match(result.stderr, /healthcheck: .* failed/);
      });

      it('an app answering 500 is unhealthy: exit 1', () =>
        withServer({ status: 500 }, async (server) => {
          assert.equal((await check(server.port)).code, 1);
        }));

      it('a 301 (e.g. an HTTPS redirect) is unhealthy and is not followed', () =>
        withServer({ status: 301, headers: { location: '/healthz/ok/' } }, async (server) => {
          assert.equal((await check(server.port)).code, 1);
          assert.equal(server.requests.length, 1, 'the redirect was followed');
        }));

      it('an app slower than HEALTHCHECK_TIMEOUT is unhealthy, and the check gives up on time', () =>
        withServer({ status: 200, delayMs: 5000 }, async (server) => {
          const result = await check(server.port, { HEALTHCHECK_TIMEOUT: '1' });
          assert.equal(result.code, 1);
          assert.ok(result.ms < 3500, `took ${result.ms} ms with a 1 s timeout`);
        }));

      it('an image without python on PATH reports unhealthy (1), not 127', async () => {
        const shell = shellList[shellIndex]!;
        const result = await run([...shell.argv, healthcheck], {
          env: sandboxEnv(shell.tools, { PORT: '1' }),
        });
        assert.equal(result.code, 1, result.stderr);
      });

      const hostCases: { allowed: string; sent: string }[] = [
        { allowed: 'app.example.com,localhost', sent: 'app.example.com' },
        { allowed: ' shop.example.org , localhost', sent: 'shop.example.org' },
        { allowed: ' .example.com,localhost', sent: 'example.com' },
        { allowed: '*', sent: 'localhost' },
        { allowed: '* ,localhost', sent: 'localhost' },
        { allowed: '', sent: 'localhost' },
        { allowed: '[::1],localhost', sent: '[::1]' },
      ];
      for (const { allowed, sent } of hostCases) {
        it(`with DJANGO_ALLOWED_HOSTS=${JSON.stringify(allowed)} it sends Host ${sent}, which Django accepts, and X-Forwarded-Proto https`, () =>
          withServer({ status: 200 }, async (server) => {
            const result = await check(server.port, { DJANGO_ALLOWED_HOSTS: allowed });
            assert.equal(result.code, 0, result.stderr);
            const headers = server.requests[0]!.headers;
            assert.equal(headers.host, sent);
            const list = allowed
              .split(',')
              .map((h) => h.trim())
              .filter(Boolean);
            // Empty ALLOWED_HOSTS: Django (with DEBUG on) checks against these instead.
            const effective = list.length ? list : ['.localhost', '127.0.0.1', '[::1]'];
            assert.ok(djangoAcceptsHost(headers.host!, effective), headers.host);
            assert.equal(headers['x-forwarded-proto'], 'https');
          }));
      }
    });
  }
});
