import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { RunResult } from 'yeoman-test';
import { printed, runGenerator, snapshotFolder } from '../../support/run.js';

const stored = (dir: string): Record<string, unknown> =>
  (JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8')) as Record<string, Record<string, unknown>>)[
    'generator-py-docker'
  ]!;

interface Asked {
  message: string;
  default: unknown;
}

/**
 * An interactive re-run (no --yes): `reply` answers each question by its text (undefined: the default,
 * as Enter does); every question asked is recorded with the default it offered.
 */
async function rerun(
  dir: string,
  reply: (message: string) => unknown,
  options: Record<string, unknown> = {},
): Promise<{ result: RunResult; asked: Asked[] }> {
  const asked: Asked[] = [];
  const result = await runGenerator('app', {
    cwd: dir,
    options,
    answerCallback: (answer, { question }) => {
      const q = question as { message?: string; default?: unknown };
      asked.push({ message: String(q.message), default: q.default });
      return reply(String(q.message)) ?? answer;
    },
  });
  return { result, asked };
}

describe('a user changes an answer with a re-run of `yo py-docker`', function () {
  this.timeout(120_000);
  let dir = '';
  beforeEach(async () => {
    dir = (await runGenerator('app', { options: { yes: true, redis: true } })).cwd;
  });

  it('a new user runs `yo py-docker --yes`, then `yo py-docker`: the stored answers are listed in words and kept with Enter', async () => {
    const before = snapshotFolder(dir);
    const { result, asked } = await rerun(dir, () => undefined);
    assert.deepEqual(
      asked.map((q) => q.message),
      ['Keep these answers? (no: each question again, with these as defaults)'],
    );
    const out = printed(result);
    assert.match(out, /^Your answers from the last run \(\.yo-rc\.json\):$/m);
    const name = String(stored(dir).projectName);
    assert.match(out, new RegExp(`^ {2}Project name: +${name}$`, 'm'));
    assert.match(out, /^ {2}Use Redis: +yes$/m);
    assert.match(out, /^ {2}Use PostgreSQL: +yes$/m);
    // Words, not keys or JSON values.
    assert.doesNotMatch(out, /projectName|: true$|: false$/m);
    assert.deepEqual(snapshotFolder(dir), before);
  });

  it('answers "no", changes the project name, and every file follows; the other questions offered the stored answers', async () => {
    const old = stored(dir);
    const { asked } = await rerun(dir, (message) =>
      message.startsWith('Keep these answers?')
        ? false
        : message.startsWith('Project name')
          ? 'renamed-site'
          : undefined,
    );
    assert.equal(stored(dir).projectName, 'renamed-site');
    assert.equal(stored(dir).redis, true);
    const compose = parse(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')) as { name: string };
    assert.equal(compose.name, 'renamed-site');
    const offered = new Map(asked.map((q) => [q.message.replace(/ \(.*\)$|\?$/g, ''), q.default]));
    assert.equal(offered.get('Project name'), old.projectName);
    assert.equal(offered.get('App port'), String(old.port));
    assert.equal(offered.get('Use Redis'), true);
    assert.equal(offered.get('Python version'), old.pythonVersion);
  });

  it('`yo py-docker --ask-answered` asks every question again without the keep question', async () => {
    const { asked } = await rerun(dir, (message) => (message.startsWith('App port') ? '9000' : undefined), {
      'ask-answered': true,
    });
    const messages = asked.map((q) => q.message);
    assert.ok(!messages.some((m) => m.startsWith('Keep these answers?')), messages.join('\n'));
    for (const question of ['Project name', 'Base image variant', 'App port', 'Use Redis?'])
      assert.ok(
        messages.some((m) => m.startsWith(question)),
        `${question} was not asked: ${messages.join(', ')}`,
      );
    assert.equal(stored(dir).port, 9000);
  });

  it('a flag given with the re-run is not asked and not listed', async () => {
    const { result, asked } = await rerun(dir, () => undefined, { 'ask-answered': true, port: '8100' });
    assert.ok(!asked.some((q) => q.message.startsWith('App port')));
    assert.equal(stored(dir).port, 8100);
    const plain = await rerun(dir, () => undefined, { port: '8200' });
    assert.doesNotMatch(printed(plain.result), /^ {2}App port:/m);
    assert.doesNotMatch(printed(result), /Your answers from the last run/);
  });

  it('`yo py-docker --yes` re-runs stay silent: no list, no question', async () => {
    // throwOnMissingAnswer (runGenerator with --yes) fails the run on any question.
    const result = await runGenerator('app', { cwd: dir, options: { yes: true } });
    assert.deepEqual(result.askedQuestions, []);
    assert.doesNotMatch(printed(result), /Your answers from the last run|Keep these answers/);
  });
});
