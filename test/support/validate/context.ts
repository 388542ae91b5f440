/**
 * The generated folder as the checks read it, and what they share: the settings, the env
 * catalogue, strict YAML parsing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Settings } from '../../../lib/settings.js';
import { type ExternalCheck, type Finding } from './findings.js';

export type Obj = Record<string, unknown>;
// Parsed YAML walked as plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;

export class Project {
  readonly files: string[];
  constructor(readonly dir: string) {
    this.files = [];
    const walk = (rel: string): void => {
      for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!['.git', 'node_modules'].includes(entry.name)) walk(path);
        } else this.files.push(path);
      }
    };
    walk('');
    this.files.sort();
  }

  has(path: string): boolean {
    return this.files.includes(path);
  }

  read(path: string): string | undefined {
    return this.has(path) ? readFileSync(join(this.dir, path), 'utf8') : undefined;
  }

  executable(path: string): boolean {
    return (statSync(join(this.dir, path)).mode & 0o111) === 0o111;
  }
}

/** KEY=value lines of an env file (comments and blank lines skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) out[match[1]!] = match[2]!;
  }
  return out;
}

/** Every document of a YAML text, strictly (duplicate keys are errors); errors become findings. */
export function yamlDocs(artifact: string, text: string, out: Finding[]): unknown[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true, strict: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const values: unknown[] = [];
  for (const doc of list) {
    for (const e of [...doc.errors, ...doc.warnings])
      out.push({ artifact, check: 'yaml', message: e.message });
    if (doc.errors.length === 0) values.push(doc.toJS());
  }
  // A YAML 1.1 reader (PyYAML, Go's yaml.v2) must read the same data: `name: no` is false there.
  const old = parseAllDocuments(text, { version: '1.1', logLevel: 'silent' });
  (Array.isArray(old) ? old : [old]).forEach((doc, i) => {
    const where = doc.errors.length === 0 ? firstDifference(doc.toJS(), values[i], '') : undefined;
    if (where !== undefined)
      out.push({
        artifact,
        check: 'yaml:1.1',
        message: `a YAML 1.1 reader reads ${where || 'the document'} differently`,
      });
  });
  return values;
}

/** The path of the first value that differs between two parses ('' for the root), or undefined. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (a instanceof Date || typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b))
    return `${path} (${JSON.stringify(a)} instead of ${JSON.stringify(b)})`;
  if (a === null || b === null || typeof a !== 'object')
    return a === b ? undefined : `${path} (${JSON.stringify(a)} instead of ${JSON.stringify(b)})`;
  const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
  for (const key of keys) {
    if (!(key in x) || !(key in y)) return `${path}.${key} (a key ${key in x ? 'only 1.1' : 'only 1.2'} has)`;
    const found = firstDifference(x[key], y[key], `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

export const asObj = (v: unknown): Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};

export interface Context {
  p: Project;
  s: Partial<Settings>;
  external: ReadonlySet<ExternalCheck>;
  /** Keys of .env.example: the catalogue every other file's variables must come from. */
  catalogue: Set<string>;
  /** Catalogue keys that are secrets (placeholders in .env.example). */
  secretKeys: Set<string>;
  /** What the Dockerfile says, for the files that must agree with it. */
  image?: { user?: string; cmd?: string[]; entrypoint?: string[]; env: Record<string, string> };
}

export const uidPair = (s: Partial<Settings>): string => `${s.appUid}:${s.appUid}`;

export function jsonArray(text: string | undefined): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text ?? '');
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** The generator's entry of .yo-rc.json: stored answers and the records of generated files. */
export function storedRaw(p: Project): unknown {
  const text = p.read('.yo-rc.json');
  return text === undefined ? undefined : asObj(JSON.parse(text))['generator-py-docker'];
}

export const storedSettings = (p: Project): Partial<Settings> | undefined =>
  storedRaw(p) === undefined ? undefined : (storedRaw(p) as Partial<Settings>);
