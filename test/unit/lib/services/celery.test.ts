/**
 * Exactly one Celery beat in every combination: gunicorn or supervisord in the image, each compose
 * combination (`docker compose config --format json`) and each Kubernetes overlay (`kubectl kustomize`),
 * counted as data by the validation layer's rule (test/support/beat-count.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeMerged, type MergedCompose } from '../../../support/compose-check.js';
import {
  beatFinding,
  beatsIn,
  composeBeats,
  k8sBeats,
  supervisordPrograms,
} from '../../../support/beat-count.js';
import { kustomizeBuild, type K8sObject } from '../../../support/k8s-check.js';
import { runGenerator } from '../../../support/run.js';
import { requireTool } from '../../../support/tools.js';
import { validateProject } from '../../../support/validate-project.js';

const PROJECT = 'shop';
const REPOSITORY = 'ghcr.io/example/shop';

describe('one Celery beat in every combination', function () {
  let compose: string;
  let kubectl: string;
  before(function () {
    compose = requireTool(this, 'docker-compose');
    kubectl = requireTool(this, 'kubectl');
  });

  for (const manager of ['supervisord', 'gunicorn'] as const) {
    describe(`a new user runs \`yo py-docker --yes --celery --process-manager ${manager}\` in an empty folder`, () => {
      let cwd: string;
      let context: (isAppImage: (image?: string) => boolean) => Parameters<typeof composeBeats>[1];
      before(async () => {
        const options = {
          yes: true,
          'project-name': PROJECT,
          image: REPOSITORY,
          celery: true,
          redis: true,
          'process-manager': manager,
        };
        cwd = (await runGenerator('app', { options })).cwd;
        const dockerfile = readFileSync(join(cwd, 'Dockerfile'), 'utf8');
        const cmd = [...dockerfile.matchAll(/^CMD (\[.*\])$/gm)].at(-1)![1]!;
        const conf =
          manager === 'supervisord' ? readFileSync(join(cwd, 'docker/supervisord.conf'), 'utf8') : '';
        context = (isAppImage) => ({
          imageCmd: JSON.parse(cmd) as string[],
          isAppImage,
          supervisordBeats: beatsIn(supervisordPrograms(conf)),
        });
      });

      it('the image never runs beat itself', () => {
        assert.equal(context(() => true).supervisordBeats, 0);
      });

      for (const [label, files] of [
        ['development', ['docker-compose.yml', 'docker-compose.override.yml']],
        ['production', ['docker-compose.yml', 'docker-compose.prod.yml']],
      ] as const) {
        it(`compose ${label} runs one beat, in the beat service`, () => {
          const merged = composeMerged(compose, cwd, [...files]);
          const beats = composeBeats(
            merged,
            context((i) => !!i && i.split(':')[0] === PROJECT),
          );
          assert.deepEqual([...beats], [['beat', 1]]);
        });
      }

      it('in development worker and beat restart on code changes: watchfiles runs Celery with the production arguments, from the development image that installs it', () => {
        const merged = composeMerged(compose, cwd, ['docker-compose.yml', 'docker-compose.override.yml']);
        const production = composeMerged(compose, cwd, ['docker-compose.yml', 'docker-compose.prod.yml']);
        for (const name of ['worker', 'beat']) {
          const command = merged.services[name].command as string[];
          assert.deepEqual(command.slice(0, 5), [
            'watchfiles',
            '--filter',
            'python',
            'celery.__main__.main',
            '--args',
          ]);
          // The same Celery arguments as production, as one line for watchfiles to split.
          assert.equal(command[5], (production.services[name].command as string[]).slice(1).join(' '));
          assert.equal(
            merged.services[name].image,
            merged.services.web.image,
            `${name} runs the development image`,
          );
        }
        const dockerfile = readFileSync(join(cwd, 'Dockerfile'), 'utf8');
        const development = dockerfile.slice(
          dockerfile.indexOf('AS development'),
          dockerfile.indexOf('AS production'),
        );
        assert.match(development, /pip install .*-r \/app\/docker\/requirements-dev\.txt/);
        assert.match(
          readFileSync(join(cwd, 'docker/requirements-dev.txt'), 'utf8'),
          /^watchfiles==\d+\.\d+\.\d+$/m,
        );
        assert.doesNotMatch(dockerfile.slice(dockerfile.indexOf('AS production')), /requirements-dev/);
      });

      for (const env of ['staging', 'production']) {
        it(`Kubernetes ${env} runs one beat, in the one-replica beat Deployment`, () => {
          const docs = kustomizeBuild(kubectl, join(cwd, `k8s/overlays/${env}`));
          const beats = k8sBeats(
            docs,
            context((i) => !!i?.startsWith(`${REPOSITORY}:`)),
          );
          assert.deepEqual([...beats], [[`Deployment/${PROJECT}-beat`, 1]]);
        });
      }

      it('the validation layer finds nothing to say about beat', async () => {
        const findings = await validateProject(cwd, { external: new Set(['compose', 'kustomize']) });
        assert.deepEqual(
          findings.filter((f) => f.check === 'consistency:celery-beat'),
          [],
        );
      });
    });
  }

  describe('the rule catches a second scheduler', () => {
    const ctx = (supervisordBeats: number): Parameters<typeof composeBeats>[1] => ({
      imageCmd: ['supervisord', '-c', '/app/docker/supervisord.conf'],
      isAppImage: (image) => image === 'shop:latest',
      supervisordBeats,
    });
    const beatService = { image: 'shop:latest', command: ['celery', '-A', 'shop', 'beat'] };
    const compose = (services: MergedCompose['services']) => ({ services });

    it('beat inside supervisord beside a beat service (the all-in-one image as it was)', () => {
      const merged = compose({ web: { image: 'shop:latest' }, beat: beatService });
      assert.match(
        beatFinding(composeBeats(merged, ctx(1)), true)!,
        /2 Celery beat schedulers .*web ×1.*beat ×1/,
      );
      assert.equal(beatFinding(composeBeats(merged, ctx(0)), true), undefined);
    });

    it('a worker with an embedded scheduler, or a scaled beat service', () => {
      const worker = { image: 'shop:latest', command: ['celery', '-A', 'shop', 'worker', '-B'] };
      assert.match(beatFinding(composeBeats(compose({ worker, beat: beatService }), ctx(0)), true)!, /^2 /);
      const scaled = { ...beatService, deploy: { replicas: 2 } } as MergedCompose['services'][string];
      assert.match(beatFinding(composeBeats(compose({ beat: scaled }), ctx(0)), true)!, /beat ×2/);
      assert.match(beatFinding(composeBeats(compose({ beat: beatService }), ctx(0)), false)!, /expected 0/);
      assert.match(
        beatFinding(composeBeats(compose({}), ctx(0)), true)!,
        /0 Celery beat schedulers \(none\)/,
      );
    });

    it('a beat Deployment with two replicas, or web pods an HPA scales running supervisord with beat', () => {
      const deployment = (name: string, replicas: number | undefined, args?: string[]): K8sObject => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name },
        spec: {
          ...(replicas === undefined ? {} : { replicas }),
          template: {
            spec: { containers: [{ name: 'app', image: 'shop:sha-0000000', ...(args ? { args } : {}) }] },
          },
        },
      });
      const hpa: K8sObject = {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web' },
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4 },
      };
      const k8sCtx = { ...ctx(1), isAppImage: (image?: string) => !!image?.startsWith('shop:') };
      assert.match(
        beatFinding(k8sBeats([deployment('beat', 2, ['celery', '-A', 'shop', 'beat'])], k8sCtx), true)!,
        /Deployment\/beat ×2/,
      );
      assert.match(
        beatFinding(k8sBeats([deployment('web', undefined), hpa], k8sCtx), true)!,
        /Deployment\/web ×4/,
      );
    });

    it('in a generated folder: a beat program added to supervisord.conf is a validation finding', async () => {
      const { cwd } = await runGenerator('app', {
        options: { yes: true, celery: true, redis: true, 'process-manager': 'supervisord' },
      });
      const file = join(cwd, 'docker/supervisord.conf');
      writeFileSync(
        file,
        `${readFileSync(file, 'utf8')}\n[program:beat]\ncommand=celery -A app beat --loglevel=INFO\n`,
      );
      const findings = await validateProject(cwd, { external: new Set(['compose']) });
      const beat = findings.filter((f) => f.check === 'consistency:celery-beat');
      assert.ok(
        beat.some(
          (f) => f.artifact === 'docker-compose.yml + docker-compose.prod.yml' && /^2 /.test(f.message),
        ),
        JSON.stringify(beat),
      );
    });
  });
});
