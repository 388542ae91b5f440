// One cold process, phase by phase: where the time of a first `py-docker:app` run goes (node start,
// yeoman-environment, yeoman-generator, our modules, the first run, then a second, warm run).
// Usage: node bench/cold.mjs DIR   (prints one JSON line; DIR/first and DIR/second must not exist)
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';

const t0 = performance.now();
const { createEnv } = await import('yeoman-environment');
const t1 = performance.now();
await import('yeoman-generator');
const t2 = performance.now();
const generators = new URL('../dist/generators/', import.meta.url).pathname;
const names = readdirSync(generators);
for (const name of names) await import(join(generators, name, 'index.js'));
const t3 = performance.now();

const devNull = () => new Writable({ write: (_chunk, _enc, done) => done() });
async function generate(dir) {
  mkdirSync(dir, { recursive: true });
  const env = createEnv({ cwd: dir, stdout: devNull(), stderr: devNull(), skipInstall: true });
  for (const name of names)
    env.register(join(generators, name, 'index.js'), { namespace: `py-docker:${name}` });
  process.chdir(dir);
  const start = performance.now();
  await env.run(['py-docker:app', '--yes', '--skip-install']);
  return performance.now() - start;
}
const first = await generate(join(process.argv[2], 'first'));
const second = await generate(join(process.argv[2], 'second'));
process.stdout.write(
  `${JSON.stringify({ nodeStart: t0, yeomanEnvironment: t1 - t0, yeomanGenerator: t2 - t1, ourModules: t3 - t2, firstRun: first, secondRun: second })}\n`,
);
