/** docker-compose.test.yml, built from the compose kit (lib/compose.ts) and the services' test parts. */
import type { ComposeDoc, Service } from '../../lib/compose-file.js';
import {
  addParts,
  backingDependencies,
  composeKit,
  healthy,
  testEnvironment,
  webHealthcheck,
  withDeps,
} from '../../lib/compose.js';
import type { Model } from '../../lib/model.js';
import { testImage, testsImage, TESTS_SERVICE } from '../../lib/names.js';

/**
 * docker-compose.test.yml: standalone (no .env needed, nothing published), its own project name.
 * `web` builds the production image (<name>:test) and must come up healthy; `tests` builds
 * Dockerfile.test on top of it (depends_on orders the builds) and runs the test suite.
 */
export function testCompose(m: Model): ComposeDoc {
  const svc = m.services;
  const services: Record<string, Service> = {};
  const env = testEnvironment(m);
  addParts(m, 'test', composeKit(m), { services, comments: [] });
  services[svc.web] = {
    build: { context: '.', target: 'production' },
    image: testImage(m),
    environment: env,
    ...withDeps(backingDependencies(m)),
    healthcheck: webHealthcheck(m),
  };
  services[TESTS_SERVICE] = {
    build: { context: '.', dockerfile: 'Dockerfile.test' },
    image: testsImage(m),
    environment: env,
    depends_on: { ...backingDependencies(m), [svc.web]: healthy },
    healthcheck: { disable: true },
  };
  return {
    file: { name: `${m.s.projectName}-test`, services },
    header: [
      'The test suite in containers, against a throwaway database (tmpfs: gone when the run ends).',
      'Standalone: needs no .env and publishes no port. The exit code is the test run`s:',
      `  docker compose -f docker-compose.test.yml up --build --abort-on-container-exit --exit-code-from ${TESTS_SERVICE}`,
      `  docker compose -f docker-compose.test.yml down -v`,
    ],
    comments: [
      {
        path: ['services', svc.web],
        text: ` The production image, which must start healthy; Dockerfile.test builds FROM it (${testImage(m)}).`,
      },
    ],
  };
}
