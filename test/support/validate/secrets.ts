/**
 * No generated secret in a file that is committed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIgnored, parseIgnore } from '../../../lib/ignore-files.js';
import { type Context, asObj, parseEnvFile, storedRaw } from './context.js';
import { type Finding } from './findings.js';

/** Base64url tokens as long as the generated secrets, with mixed case and digits (hex hashes are not). */
const SECRET_SHAPE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/g;
const looksGenerated = (token: string): boolean =>
  /[A-Z]/.test(token) && /[a-z]/.test(token) && /[0-9]/.test(token);

export function secretChecks(ctx: Context): Finding[] {
  const { p, secretKeys } = ctx;
  const out: Finding[] = [];
  const add = (artifact: string, message: string): void =>
    void out.push({ artifact, check: 'secrets', message });
  const local = parseEnvFile(p.read('.env') ?? '');
  const values = [...secretKeys].map((k) => local[k]).filter((v): v is string => !!v && v.length >= 8);
  const key = local.DJANGO_SECRET_KEY;
  if (p.has('.env') && key !== undefined) {
    if (key.length < 50) add('.env', `DJANGO_SECRET_KEY is ${key.length} characters long, not 50+`);
    if (key.startsWith('django-insecure-')) add('.env', 'DJANGO_SECRET_KEY starts with django-insecure-');
    if (key.startsWith('change-me-')) add('.env', 'DJANGO_SECRET_KEY is the placeholder');
  }
  for (const ignoreFile of ['.gitignore', '.dockerignore']) {
    const text = p.read(ignoreFile);
    if (text === undefined) continue;
    const rules = parseIgnore(text);
    if (!isIgnored(rules, '.env')) add(ignoreFile, '.env is not ignored');
    if (!isIgnored(rules, 'k8s/deploy/production/secrets.env'))
      add(ignoreFile, 'k8s secrets.env files are not ignored');
    if (ignoreFile === '.gitignore' && isIgnored(rules, '.env.example'))
      add(ignoreFile, '.env.example is ignored (it must be committed)');
  }
  // Generated files: those .yo-rc.json records (the user's own files may hold lockfile hashes and such).
  const records = Object.keys(asObj(asObj(storedRaw(p)).files));
  const generated = new Set(records.length > 0 ? [...records, '.yo-rc.json'] : p.files);
  for (const file of p.files.filter((f) => f !== '.env')) {
    const text = readFileSync(join(p.dir, file), 'latin1');
    for (const value of values) if (text.includes(value)) add(file, 'holds a secret value of .env');
    if (!generated.has(file)) continue;
    for (const [token] of text.matchAll(SECRET_SHAPE))
      if (looksGenerated(token)) add(file, `holds ${token.slice(0, 6)}..., shaped like a generated secret`);
  }
  return out;
}
