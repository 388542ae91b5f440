import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { APP_UID, HEALTH_PATH } from '../../../support/defaults.js';
import { runGenerator } from '../../../support/run.js';
import { requireTool } from '../../../support/tools.js';
import { sampleReport } from '../../../../lib/verify-report.js';

const readme = (dir: string): string => readFileSync(join(dir, 'README.Docker.md'), 'utf8');

/** The fenced block of `lang` that follows `marker` in the README (its indentation removed). */
function blockAfter(text: string, marker: string, lang: string): string {
  const from = text.indexOf(marker);
  assert.ok(from >= 0, `${marker} is not in README.Docker.md`);
  const match = new RegExp(`^( *)\`\`\`${lang}\\n([\\s\\S]*?)^\\1\`\`\`$`, 'm').exec(text.slice(from));
  assert.ok(match, `no ${lang} block after ${marker}`);
  return match[2]!.replace(new RegExp(`^${match[1]}`, 'gm'), '');
}

describe('README.Docker.md answers what a new user asks next', function () {
  this.timeout(120_000);
  let dir = '';
  let text = '';
  before(async () => {
    dir = (await runGenerator('app', { options: { yes: true, 'project-name': 'shop' } })).cwd;
    text = readme(dir);
  });

  it('how to open the production stack locally, though env.production turns on the HTTPS redirect', () => {
    assert.match(readFileSync(join(dir, 'env.production'), 'utf8'), /^DJANGO_SECURE_SSL_REDIRECT=true$/m);
    assert.match(text, /http:\/\/localhost:8000\/ redirects to https:\/\/localhost:8000\//);
    assert.ok(text.includes("curl -H 'X-Forwarded-Proto: https' http://localhost:8000/"));
    // The local override it shows really turns the redirect off for the web service only.
    const override = parse(blockAfter(text, 'turn the redirect off for local runs only', 'yaml')) as {
      services: Record<string, { environment: Record<string, string> }>;
    };
    assert.deepEqual(override, {
      services: { web: { environment: { DJANGO_SECURE_SSL_REDIRECT: 'false' } } },
    });
    assert.ok(
      text.includes(
        'docker compose -f docker-compose.yml -f docker-compose.prod.yml -f docker-compose.local.yml up -d --build',
      ),
    );
  });

  it('that setting a release tag needs the kustomize CLI, and what to do without it', () => {
    assert.match(text, /The first command needs the `kustomize` CLI\. Without it, set `newTag:`/);
    assert.doesNotMatch(text, /is all you need/);
  });

  it('what the database is in Kubernetes: managed, or a StatefulSet the user adds', () => {
    assert.match(text, /nothing here runs PostgreSQL/);
    assert.match(text, /managed PostgreSQL/);
    assert.match(text, /as a StatefulSet with a PersistentVolumeClaim/);
  });

  it('that ghcr.io/example/<name> is a placeholder, with the flag that replaces it', async () => {
    assert.match(
      text,
      /`ghcr\.io\/example\/shop` is a placeholder \(no git remote was found to take the repository from\):\n {2}set yours with `yo py-docker --image ghcr\.io\/<owner>\/<name>`/,
    );
    const named = await runGenerator('app', {
      options: { yes: true, 'project-name': 'shop', image: 'ghcr.io/acme/shop' },
    });
    assert.doesNotMatch(readme(named.cwd), /is a placeholder \(no git remote/);
  });

  it('imagePullSecrets for a private registry: the patch it shows gives every pod of the app the pull secret', function () {
    const kubectl = requireTool(this, 'kubectl');
    assert.match(text, /create secret docker-registry registry-credentials/);
    const deploy = join(dir, 'k8s', 'deploy', 'production');
    copyFileSync(join(deploy, 'secrets.env.example'), join(deploy, 'secrets.env'));
    appendFileSync(join(deploy, 'kustomization.yaml'), blockAfter(text, '4. A private registry', 'yaml'));
    const built = spawnSync(kubectl, ['kustomize', deploy], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const docs = parseAllDocuments(built.stdout).map(
      (d) =>
        d.toJS() as { kind: string; metadata: { name: string }; imagePullSecrets?: unknown; spec?: unknown },
    );
    const account = docs.find((d) => d.kind === 'ServiceAccount')!;
    assert.deepEqual(account.imagePullSecrets, [{ name: 'registry-credentials' }]);
    // Every workload runs as that ServiceAccount, so the pull secret reaches all of them.
    const workloads = docs.filter((d) => d.kind === 'Deployment' || d.kind === 'Job');
    assert.ok(workloads.length >= 2);
    for (const w of workloads) {
      const spec = w.spec as { template: { spec: { serviceAccountName?: string } } };
      assert.equal(spec.template.spec.serviceAccountName, account.metadata.name, w.metadata.name);
    }
  });

  it("what verify's report looks like, with this setup's health path and uid", () => {
    assert.equal(
      blockAfter(text, 'Its report', 'text').trimEnd(),
      sampleReport({ healthPath: HEALTH_PATH, appUid: APP_UID }),
    );
  });

  it("verify's hint at the docker group when Docker cannot be reached", () => {
    assert.match(text, /joins the `docker` group \(`sudo usermod -aG docker "\$USER"`/);
  });

  it('without PostgreSQL, what the database is instead', async () => {
    const result = await runGenerator('app', { options: { yes: true, postgres: false } });
    const without = readme(result.cwd);
    assert.match(without, /nothing here runs a database/);
    assert.doesNotMatch(without, /StatefulSet/);
  });
});
