/**
 * Each setting declares the parts that use it (`parts` in lib/settings.ts): they register its flag,
 * ask its question and store its answer. These tests record which settings every part reads while it
 * writes (through the settings and the model it is given, the templates included), in full runs of
 * `yo py-docker --yes` for configurations that turn PostgreSQL, Redis, Celery, the front-end build,
 * Kubernetes TLS and the deploy job on and off, and fail when a part reads a setting that does not
 * name it.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { PyDockerGenerator } from '../../../lib/base-generator.js';
import { buildModel, type Model } from '../../../lib/model.js';
import { SUB_GENERATORS } from '../../../lib/parts.js';
import { SETTINGS, type Part, type SettingKey, type Settings } from '../../../lib/settings.js';
import { fixtureFiles, generatorPath, runGenerator } from '../../support/run.js';

/** The settings each part read while it wrote, over every run of this file. */
type Reads = Map<Part, Set<SettingKey>>;

/** The same value changed, so that whatever is derived from it changes too. */
function changed(value: unknown): unknown {
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value + 1;
  return `x${String(value)}`;
}

const SOURCES = new Map<string, Map<string, SettingKey[]>>();

/**
 * Which settings each derived value of the model comes from (lib/model.ts), found by changing one
 * setting at a time: a model field that changes with it reads it, for these settings.
 */
function modelSources(s: Settings): Map<string, SettingKey[]> {
  const known = SOURCES.get(JSON.stringify(s));
  if (known) return known;
  const base = buildModel(s) as unknown as Record<string, unknown>;
  const sources = new Map<string, SettingKey[]>();
  for (const key of Object.keys(s) as SettingKey[]) {
    const other = buildModel({ ...s, [key]: changed(s[key]) }) as unknown as Record<string, unknown>;
    for (const field of Object.keys(base)) {
      if (field === 's' || isDeepStrictEqual(base[field], other[field])) continue;
      sources.set(field, [...(sources.get(field) ?? []), key]);
    }
  }
  SOURCES.set(JSON.stringify(s), sources);
  return sources;
}

/** The settings with every read noted for `part`. */
function recordingSettings(settings: Settings, part: Part, reads: Reads): Settings {
  return new Proxy(settings, {
    get(target, key, receiver) {
      if (typeof key === 'string' && key in target) reads.get(part)!.add(key as SettingKey);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/** The model with every read noted for `part`: `m.s.<key>` directly, a derived value by its sources. */
function recordingModel(model: Model, part: Part, reads: Reads): Model {
  const sources = modelSources(model.s);
  const settings = recordingSettings(model.s, part, reads);
  return new Proxy(model, {
    get(target, key, receiver) {
      if (key === 's') return settings;
      if (typeof key === 'string') for (const source of sources.get(key) ?? []) reads.get(part)!.add(source);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/**
 * Records, while each part's `writing` runs, what it reads of `this.settings` and `this.model`. The
 * generators are the built ones the runs load (dist/generators), so the patch is on their classes.
 */
async function recordWhileWriting(reads: Reads): Promise<() => void> {
  const base = PyDockerGenerator.prototype;
  const settingsGetter = Object.getOwnPropertyDescriptor(base, 'settings')!.get!;
  const modelGetter = Object.getOwnPropertyDescriptor(base, 'model')!.get!;
  let writing: Part | undefined;
  const restore: (() => void)[] = [];
  for (const part of SUB_GENERATORS) {
    reads.set(part, new Set());
    const generator = ((await import(generatorPath(part))) as { default: { prototype: object } }).default;
    const proto = generator.prototype as { writing(this: unknown): void };
    const original = proto.writing;
    proto.writing = function (this: unknown): void {
      writing = part;
      try {
        original.call(this);
      } finally {
        writing = undefined;
      }
    };
    restore.push(() => (proto.writing = original));
  }
  Object.defineProperty(base, 'settings', {
    configurable: true,
    get(this: PyDockerGenerator) {
      const settings = settingsGetter.call(this) as Settings;
      return writing ? recordingSettings(settings, writing, reads) : settings;
    },
  });
  Object.defineProperty(base, 'model', {
    configurable: true,
    get(this: PyDockerGenerator) {
      const model = modelGetter.call(this) as Model;
      return writing ? recordingModel(model, writing, reads) : model;
    },
  });
  return () => {
    for (const undo of restore) undo();
    Object.defineProperty(base, 'settings', { configurable: true, get: settingsGetter });
    Object.defineProperty(base, 'model', { configurable: true, get: modelGetter });
  };
}

/**
 * Reads that are not uses, with the reason. docker writes the OCI source label from the image
 * repository only when the user gave one (flag or answer): naming docker would make `yo py-docker:docker`
 * store the default, and its re-run would then write the label for a repository no one chose.
 */
const NOT_A_USE: Partial<Record<Part, SettingKey[]>> = { docker: ['imageRepository'] };

/** Each setting a part read whose `parts` does not name that part (NOT_A_USE left out). */
function undeclared(
  reads: Reads,
  settings: readonly { key: SettingKey; parts: readonly Part[] }[],
): string[] {
  const problems: string[] = [];
  for (const [part, keys] of reads)
    for (const key of keys) {
      if (NOT_A_USE[part]?.includes(key)) continue;
      const setting = settings.find((s) => s.key === key)!;
      if (!setting.parts.includes(part))
        problems.push(`${part} reads ${key}, whose parts are [${setting.parts.join(', ')}]`);
    }
  return problems.sort();
}

const CONFIGURATIONS: { what: string; options: Record<string, unknown>; fixture?: string }[] = [
  { what: 'the defaults (PostgreSQL, npm build)', options: {} },
  {
    what: 'Celery and Redis on slim under supervisord, deploy job on',
    options: { celery: true, variant: 'slim', processManager: 'supervisord', deployJob: true },
  },
  {
    what: 'no PostgreSQL, no front-end build, uvicorn',
    options: { postgres: false, frontend: 'none', server: 'uvicorn', redis: true },
  },
  {
    what: 'its own image, ingress and TLS secret, deploy job off',
    options: {
      image: 'registry.example.com/team/shop',
      ingressHost: 'shop.example.org',
      tls: 'cert-manager',
      deployJob: false,
    },
  },
  { what: 'an existing flat project with npm', options: {}, fixture: 'flat' },
  { what: 'an existing uv project', options: { celery: true }, fixture: 'pyproject-uv' },
];

describe('the parts each setting declares', function () {
  const reads: Reads = new Map();
  let undo: (() => void) | undefined;

  before(async function () {
    undo = await recordWhileWriting(reads);
    for (const configuration of CONFIGURATIONS)
      await runGenerator('app', {
        options: { yes: true, ...configuration.options },
        files: configuration.fixture ? fixtureFiles(configuration.fixture) : undefined,
      });
  });

  after(() => undo?.());

  it(`records what every part reads while it writes, in ${CONFIGURATIONS.length} configurations of \`yo py-docker --yes\``, function () {
    for (const part of SUB_GENERATORS)
      assert.ok(reads.get(part)!.size > 0, `${part}: no setting read was recorded while it wrote`);
    // Both ways of reading are seen: m.s.<key> and a derived value of the model (the image tag).
    assert.ok(reads.get('docker')!.has('pythonVersion'));
    assert.ok(reads.get('k8s')!.has('ingressHost'));
  });

  it('every setting a part reads while it writes names that part in its `parts`', function () {
    assert.deepEqual(undeclared(reads, SETTINGS), []);
  });

  it('a declaration that leaves out a part that reads it is found', function () {
    const withoutK8s = SETTINGS.map((s) =>
      s.key === 'ingressHost' ? { key: s.key, parts: s.parts.filter((p) => p !== 'k8s') } : s,
    );
    assert.deepEqual(
      undeclared(reads, withoutK8s).filter((problem) => problem.startsWith('k8s reads ingressHost')),
      [
        `k8s reads ingressHost, whose parts are [${withoutK8s.find((s) => s.key === 'ingressHost')!.parts.join(', ')}]`,
      ],
    );
  });
});
