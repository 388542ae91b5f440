// Copies each sub-generator's templates next to its compiled index.js, keeping file modes (scripts stay
// executable) so dist/ is what npm publishes and yo runs.
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

for (const name of readdirSync('generators')) {
  const from = join('generators', name, 'templates');
  const to = join('dist', 'generators', name, 'templates');
  rmSync(to, { recursive: true, force: true });
  if (existsSync(from)) cpSync(from, to, { recursive: true, preserveTimestamps: true });
}
