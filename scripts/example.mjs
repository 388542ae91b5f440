// Runs the built generator the way `yo py-docker` does, without needing yo installed: every
// sub-generator is registered under py-docker:<name> and `app` runs in the target folder.
// Usage: node scripts/example.mjs [folder] [-- generator flags]   (default folder: ./example, flags: --yes)
import { mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnv } from 'yeoman-environment';

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const folder = resolve(split === 0 ? 'example' : (argv[0] ?? 'example'));
const flags = split === -1 ? ['--yes'] : argv.slice(split + 1);

const generators = fileURLToPath(new URL('../dist/generators/', import.meta.url));
mkdirSync(folder, { recursive: true });
process.chdir(folder);
const env = createEnv({ cwd: folder });
for (const name of readdirSync(generators)) {
  env.register(`${generators}${name}/index.js`, { namespace: `py-docker:${name}` });
}
await env.run(['py-docker:app', ...flags]);
console.log(`\nGenerated into ${folder}`);
