import assert from 'node:assert/strict';
import { emptyDetection } from '../../lib/detect-empty.js';
import {
  containerNeeds,
  containerRequirements,
  containerRequirementsFile,
  REQUIREMENT_PINS,
  requirementNames,
} from '../../lib/requirements.js';
import { resolveSettings } from '../../lib/resolve.js';
import type { Settings } from '../../lib/settings.js';

const settingsWith = async (flags: Partial<Record<keyof Settings, unknown>>): Promise<Settings> =>
  (await resolveSettings({ flags, stored: {}, detection: emptyDetection(), askable: new Set() })).settings;

describe('what the container needs and a project lacks (docker/requirements.txt)', () => {
  it('gunicorn and WhiteNoise always; a PostgreSQL driver, Redis, Celery and supervisor with their settings', async () => {
    assert.deepEqual(containerNeeds(await settingsWith({ postgres: false })), ['gunicorn', 'whitenoise']);
    assert.deepEqual(
      containerNeeds(await settingsWith({ redis: true, celery: true, processManager: 'supervisord' })),
      ['gunicorn', 'whitenoise', 'psycopg', 'redis', 'celery', 'supervisor'],
    );
  });

  it('a project that has a package (or another that does its job) gets no second one', async () => {
    const s = await settingsWith({ redis: true });
    const has = (names: string[]) => (name: string) => names.includes(name);
    assert.deepEqual(
      containerRequirements(s, has(['django', 'gunicorn', 'psycopg2-binary', 'django-redis'])).map(
        (r) => r.name,
      ),
      ['whitenoise'],
    );
    assert.deepEqual(
      containerRequirements(s, has(['django'])).map((r) => `${r.name}==${r.version}`),
      [
        `gunicorn==${REQUIREMENT_PINS.gunicorn.version}`,
        `whitenoise==${REQUIREMENT_PINS.whitenoise.version}`,
        `psycopg==${REQUIREMENT_PINS.psycopg.version}`,
        `redis==${REQUIREMENT_PINS.redis.version}`,
      ],
    );
  });

  it('Django before 4.2 gets psycopg2 (it cannot use psycopg 3), from 4.2 on psycopg', async () => {
    const names = async (django: string) =>
      containerRequirements(await settingsWith({ djangoVersion: django }), () => false).map((r) => r.name);
    assert.ok((await names('3.2.25')).includes('psycopg2-binary'));
    assert.ok(!(await names('3.2.25')).includes('psycopg'));
    assert.ok((await names('4.2.20')).includes('psycopg'));
    assert.ok((await names('6.1')).includes('psycopg'));
  });

  it('reads distribution names from requirement lines, skipping comments, options and includes', () => {
    assert.deepEqual(
      requirementNames(
        '# c\n-r base.txt\n--index-url x\nDjango>=4.2  # web\npsycopg[binary]==3.2.6\nWhite_Noise\n',
      ),
      ['django', 'psycopg', 'white-noise'],
    );
  });

  it('the file pins each package exactly, and says so when there is nothing to add', () => {
    const file = containerRequirementsFile([{ name: 'gunicorn', version: '23.0.0', python: '3.7' }]);
    assert.match(file, /^gunicorn==23\.0\.0$/m);
    assert.equal(file.split('\n').filter((l) => l && !l.startsWith('#')).length, 1);
    assert.match(containerRequirementsFile([]), /nothing: the project has everything/);
  });
});
