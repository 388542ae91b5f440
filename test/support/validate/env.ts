/**
 * The env files: every variable from the .env.example catalogue.
 */
import { type Context, parseEnvFile } from './context.js';
import { type Finding } from './findings.js';

export function envChecks(ctx: Context): Finding[] {
  const { p, catalogue, secretKeys } = ctx;
  const out: Finding[] = [];
  if (!p.has('.env.example')) return out;
  for (const file of ['env.development', 'env.staging', 'env.production', 'env.test']) {
    const text = p.read(file);
    if (text === undefined) continue;
    for (const key of Object.keys(parseEnvFile(text))) {
      if (!catalogue.has(key))
        out.push({ artifact: file, check: 'consistency:env', message: `${key} is not in .env.example` });
      if (secretKeys.has(key))
        out.push({ artifact: file, check: 'secrets', message: `${key} is a secret, in a committed file` });
    }
  }
  const local = p.read('.env');
  if (local !== undefined) {
    const keys = Object.keys(parseEnvFile(local));
    const missing = [...catalogue].filter((k) => !keys.includes(k));
    if (missing.length > 0)
      out.push({ artifact: '.env', check: 'consistency:env', message: `missing ${missing.join(', ')}` });
  }
  return out;
}
