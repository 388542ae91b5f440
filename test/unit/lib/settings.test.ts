import assert from 'node:assert/strict';
import { emptyDetection } from '../../../lib/detect-empty.js';
import { checkValue, resolveSettings, SettingError, type ResolveInput } from '../../../lib/resolve.js';
import { crossCheck, SETTINGS, settingByKey, type SettingKey, type Settings } from '../../../lib/settings.js';
import { runGenerator } from '../../support/run.js';
import { BAD_VALUES } from '../../fixtures/bad-values.js';
import { type Detection } from '../../../lib/detection.js';

const resolve = (input: Partial<ResolveInput>) =>
  resolveSettings({ flags: {}, stored: {}, detection: emptyDetection(), askable: new Set(), ...input });

const defaults = async (): Promise<Settings> => (await resolve({})).settings;

const setting = (key: SettingKey) => settingByKey.get(key)!;

describe('the settings model', () => {
  it('gives every setting a unique key and a unique kebab-case flag', () => {
    const flags = SETTINGS.map((s) => s.flag);
    assert.equal(new Set(flags).size, flags.length, 'duplicate flag');
    assert.equal(new Set(SETTINGS.map((s) => s.key)).size, SETTINGS.length, 'duplicate key');
    for (const flag of flags) assert.match(flag, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, flag);
    // yeoman's own options would shadow these.
    for (const reserved of ['help', 'namespace', 'force', 'yes', 'skip-install', 'dry-run'])
      assert.ok(!flags.includes(reserved), reserved);
  });

  it('has a rejected value for every flag in the bad-value table, and no stale entries', () => {
    assert.deepEqual(Object.keys(BAD_VALUES).sort(), SETTINGS.map((s) => s.flag).sort());
  });

  for (const def of SETTINGS) {
    it(`--${def.flag}: the validator rejects ${JSON.stringify(BAD_VALUES[def.flag])} and accepts the default`, async () => {
      assert.throws(
        () => checkValue(def, BAD_VALUES[def.flag], `--${def.flag}`),
        (error: unknown) =>
          error instanceof SettingError &&
          error.message.startsWith(`--${def.flag}: `) &&
          /allowed|must/.test(error.problem),
      );
      const resolved = await defaults();
      const value = resolved[def.key];
      assert.equal((def.validate as (v: unknown) => true | string)(value), true, `default ${String(value)}`);
      assert.equal((def.validate as (v: unknown) => true | string)(def.default({}, emptyDetection())), true);
    });
  }

  it('declares choices only for settings whose validator accepts exactly those choices', () => {
    for (const def of SETTINGS.filter((s) => s.choices)) {
      for (const choice of def.choices!)
        assert.equal((def.validate as (v: string) => true | string)(choice), true, `${def.flag} ${choice}`);
    }
  });
});

describe('resolution precedence: flag > .yo-rc.json > detected > default', () => {
  const detection: Detection = {
    ...emptyDetection(),
    pythonVersion: { value: '3.11', source: '.python-version' },
  };

  it('uses the default when nothing else says anything', async () => {
    const { settings, origins } = await resolve({});
    assert.equal(settings.pythonVersion, '3.9.21');
    assert.equal(origins.pythonVersion, 'default');
  });

  it('a detected value beats the default and records where it came from', async () => {
    const { settings, origins, sources } = await resolve({ detection });
    // The project's line, as its newest known release with an image for the default base.
    assert.equal(settings.pythonVersion, '3.11.14');
    assert.equal(origins.pythonVersion, 'detected');
    assert.equal(
      sources.pythonVersion,
      '.python-version: Python 3.11 as 3.11.14, the newest known 3.11 release with an image for alpine3.21',
    );
  });

  it('a stored answer beats the detected value', async () => {
    const { settings, origins } = await resolve({ detection, stored: { pythonVersion: '3.12.1' } });
    assert.equal(settings.pythonVersion, '3.12.1');
    assert.equal(origins.pythonVersion, 'stored');
  });

  it('a flag beats the stored answer', async () => {
    const { settings, origins } = await resolve({
      detection,
      stored: { pythonVersion: '3.12.1' },
      flags: { pythonVersion: '3.13.0' },
    });
    assert.equal(settings.pythonVersion, '3.13.0');
    assert.equal(origins.pythonVersion, 'flag');
  });

  it('defaults follow earlier settings (project name -> settings module -> WSGI app)', async () => {
    const { settings } = await resolve({ flags: { projectName: 'my-shop' } });
    assert.equal(settings.settingsModule, 'my_shop.settings');
    assert.equal(settings.wsgiApplication, 'my_shop.wsgi:application');
    assert.equal(settings.imageRepository, 'ghcr.io/example/my-shop');
  });

  it('a bad stored value names .yo-rc.json and the key', async () => {
    await assert.rejects(
      resolve({ stored: { port: 'eighty' } }),
      /^SettingError: \.yo-rc\.json \(generator-py-docker\.port\): "eighty" is not a whole number/,
    );
  });

  it('a bad flag fails before any question is asked', async () => {
    let asked = 0;
    await assert.rejects(
      resolve({
        flags: { port: '80' },
        askable: new Set(SETTINGS.map((s) => s.key)),
        ask: async (_s, fallback) => {
          asked += 1;
          return fallback;
        },
      }),
      /--port: 80 is out of range/,
    );
    assert.equal(asked, 0);
  });
});

describe('questions', () => {
  it('ask() is called only for askable settings that have a prompt and matter', async () => {
    const asked: SettingKey[] = [];
    const askable = new Set<SettingKey>(['projectName', 'port', 'appUid', 'postgresVersion', 'postgres']);
    await resolve({
      askable,
      ask: async (def, fallback) => {
        asked.push(def.key);
        return def.key === 'postgres' ? false : fallback;
      },
    });
    // appUid has no prompt (flag only); postgresVersion does not matter once PostgreSQL is off.
    assert.deepEqual(asked, ['projectName', 'port', 'postgres']);
  });

  it('a setting given by flag, stored or detected is never asked', async () => {
    const asked: SettingKey[] = [];
    await resolve({
      askable: new Set<SettingKey>(['projectName', 'port', 'pythonVersion']),
      flags: { port: '9000' },
      stored: { projectName: 'kept' },
      detection: { ...emptyDetection(), pythonVersion: { value: '3.12', source: '.python-version' } },
      ask: async (def, fallback) => {
        asked.push(def.key);
        return fallback;
      },
    });
    assert.deepEqual(asked, []);
  });

  it('an answer is validated like a flag', async () => {
    await assert.rejects(
      resolve({ askable: new Set<SettingKey>(['port']), ask: async () => '22' }),
      /^SettingError: port: 22 is out of range/,
    );
  });

  it('`yo py-docker:env --yes` asks nothing; without --yes it asks the questions of its part', async () => {
    const quiet = await runGenerator('env', { options: { yes: true } });
    assert.deepEqual(quiet.askedQuestions, []);
    const interactive = await runGenerator('env', { options: { yes: false } });
    const names = interactive.askedQuestions.map((q) => q.name);
    assert.ok(names.length > 0, 'the interactive run asked nothing');
    const envPrompts = SETTINGS.filter((s) => s.parts.includes('env') && s.prompt).length;
    assert.ok(names.length <= envPrompts, `asked ${names.length} questions, env has ${envPrompts} prompts`);
  });
});

describe('cross-checks between settings', () => {
  const base = async (over: Partial<Settings>): Promise<Settings> => ({ ...(await defaults()), ...over });

  it('Celery without Redis is refused with the flag to change', async () => {
    assert.deepEqual(crossCheck(await base({ celery: true, redis: false })), {
      flag: 'redis',
      message: 'Celery needs Redis as its broker; allowed: --redis with --celery, or --no-celery',
    });
    assert.equal(crossCheck(await base({ celery: true, redis: true })), undefined);
  });

  it('--celery turns Redis on by default, and --celery --no-redis fails resolution', async () => {
    assert.equal((await resolve({ flags: { celery: true } })).settings.redis, true);
    await assert.rejects(
      resolve({ flags: { celery: true, redis: false } }),
      /^SettingError: --redis: Celery needs Redis/,
    );
  });

  it('a CPU or memory request above its limit is refused', async () => {
    assert.match(
      crossCheck(await base({ cpuRequest: '1500m', cpuLimit: '1' }))!.message,
      /1500m is above the limit 1/,
    );
    assert.equal(crossCheck(await base({ cpuRequest: '1500m', cpuLimit: '1' }))!.flag, 'cpu-request');
    assert.equal(crossCheck(await base({ cpuRequest: '1000m', cpuLimit: '1' })), undefined);
    const memory = crossCheck(await base({ memoryRequest: '1Gi', memoryLimit: '512Mi' }));
    assert.equal(memory?.flag, 'memory-request');
    assert.equal(crossCheck(await base({ memoryRequest: '512Mi', memoryLimit: '512Mi' })), undefined);
  });

  it('the defaults pass every cross-check', async () => {
    assert.equal(crossCheck(await defaults()), undefined);
    assert.equal(setting('redis').default({ celery: true }, emptyDetection()), true);
  });
});
