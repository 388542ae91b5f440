/**
 * The one YAML serializer of the generator: compose files, Kubernetes manifests, workflows, dependabot
 * and the structure tests all go through `toYaml`. A string that a YAML 1.1 or 1.2 reader would take for
 * something else when written plain (yes/no/on/off/y/n, true/false, null/~, 010, 0o10, 1_000, 1:20, 1.5,
 * 1e3, .inf, a date) is double-quoted, so `--project-name no` stays the string "no" for PyYAML, Go's
 * yaml.v2 and kubectl alike; so are `=` and `<<`, which PyYAML reads as its value and merge tags and
 * refuses. Shared objects are written out in full (no anchors); lines are never folded. The options are
 * what a file type needs on top: a header comment (every file), comments before keys (compose) and last
 * touches such as the pin comments of a workflow.
 */
import { Document, isMap, isScalar, parse, visit, type YAMLMap } from 'yaml';

/** A comment placed before the key at `path` (e.g. ['services', 'web', 'healthcheck']). */
export interface KeyComment {
  path: string[];
  text: string;
}

export interface YamlOptions {
  /** Lines of the comment on top (an empty line stays an empty `#`). */
  header: readonly string[];
  comments?: readonly KeyComment[];
  /** Last touches on the document before it is written (comments on values, blank lines). */
  decorate?: (doc: Document) => void;
}

const VERSIONS = ['1.1', '1.2'] as const;

/** Whether a YAML 1.1 or 1.2 reader resolves `value`, written as a plain scalar, to a non-string. */
export function plainIsAmbiguous(value: string): boolean {
  if (value.includes('\n')) return false; // block scalars and quoted forms only: never plain
  return VERSIONS.some((version) => {
    try {
      const read: unknown = parse(value, { version, logLevel: 'silent' });
      return read === null || typeof read === 'number' || typeof read === 'boolean' || read instanceof Date;
    } catch {
      return false; // not a plain scalar at all: the stringifier quotes it by itself
    }
  });
}

/** YAML 1.1 tags PyYAML resolves a plain scalar to and cannot construct (`a: =` fails to load). */
const YAML11_TAGS = new Set(['=', '<<']);

/** The one quoting rule: a string is double-quoted when its plain form would not read back as itself. */
export function needsQuotes(value: string): boolean {
  return YAML11_TAGS.has(value) || plainIsAmbiguous(value);
}

/** Typed data as YAML text, with a header comment and comments before chosen keys. */
export function toYaml(value: unknown, options: YamlOptions): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  doc.commentBefore = options.header.map((line) => (line ? ` ${line}` : '')).join('\n');
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && needsQuotes(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  for (const { path, text } of options.comments ?? []) {
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    if (!isMap(parent)) throw new Error(`yaml comment: no mapping at ${path.slice(0, -1).join('.')}`);
    const pair = (parent as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === path.at(-1));
    if (!pair || !isScalar(pair.key)) throw new Error(`yaml comment: no key ${path.join('.')}`);
    pair.key.commentBefore = text;
  }
  options.decorate?.(doc);
  return doc.toString({ lineWidth: 0 });
}
