/**
 * End of life, said once where it helps: at the question whose default (or choice) is past its end of
 * life, and once in the final summary of the run (the app's, or the part run alone), never once per
 * part. Every version warned about can be answered: the Alpine and Debian releases are questions too.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { endOfLifeLines, questionNote } from '../../../lib/lifecycle.js';
import { SETTINGS } from '../../../lib/settings.js';
import { LIFECYCLE_OF } from '../../../lib/lifecycle.js';
import { printed, runGenerator, TODAY } from '../../support/run.js';

const today = new Date(`${TODAY}T12:00:00Z`);

/** How many lines of `text` match `pattern`. */
const count = (text: string, pattern: RegExp): number =>
  text.split('\n').filter((l) => pattern.test(l)).length;

interface Asked {
  message: string;
  choices?: { name: string; value: string }[];
}

/** An interactive run (no --yes) that answers every question with its default, recording the questions. */
async function interactive(answers: Record<string, unknown> = {}, name = 'app') {
  const asked: Asked[] = [];
  const result = await runGenerator(name, {
    options: { yes: false, ...(name === 'app' ? { starter: true } : {}) },
    answerCallback: (answer, { question }) => {
      const q = question as { name?: string; message?: string; choices?: { name: string; value: string }[] };
      if (q.name !== 'value') return answer;
      asked.push({ message: String(q.message), choices: q.choices });
      const key = Object.keys(answers).find((prompt) => String(q.message).startsWith(prompt));
      return key === undefined ? answer : answers[key];
    },
  });
  return { asked, result, log: printed(result) };
}

describe('the end-of-life note at a question', () => {
  it('a default past its end of life: the date and a supported line', () => {
    assert.equal(
      questionNote('pythonVersion', '3.9.21', today),
      '3.9.21: end of life since 2025-10-31; Python 3.14 is supported',
    );
    assert.equal(
      questionNote('debianRelease', 'bookworm', today),
      'bookworm: end of life since 2026-06-10; Debian trixie is supported',
    );
  });

  it('a value near its end of life says when; a supported one, one newer than the data, or a setting without a lifecycle says nothing', () => {
    assert.equal(
      questionNote('pythonVersion', '3.10.19', new Date('2026-08-01T12:00:00Z')),
      '3.10.19: end of life on 2026-10-31; Python 3.14 is supported',
    );
    assert.equal(questionNote('pythonVersion', '3.14.1', today), undefined);
    assert.equal(questionNote('djangoVersion', '7.0', today), undefined);
    assert.equal(questionNote('npmVersion', '10.8.2', today), undefined);
  });

  it('every setting with a lifecycle has a question, so what is warned about can be answered', () => {
    for (const key of Object.keys(LIFECYCLE_OF)) {
      const def = SETTINGS.find((s) => s.key === key)!;
      assert.ok(def.prompt, `${def.flag} has no question`);
    }
  });

  it('the summary lines name the flag that changes each version, and nothing for supported ones', () => {
    const lines = endOfLifeLines(
      [
        { key: 'pythonVersion', flag: 'python-version', value: '3.9.21' },
        { key: 'nodeVersion', flag: 'node-version', value: '24.1.0' },
        { key: 'port', flag: 'port', value: '8000' },
      ],
      today,
    );
    assert.deepEqual(lines, [
      'Python 3.9.21 reached its end of life on 2025-10-31 and gets no security fixes; consider Python 3.14 (--python-version)',
    ]);
  });
});

describe('an interactive `yo py-docker` in an empty folder', () => {
  let run: Awaited<ReturnType<typeof interactive>>;
  before(async () => {
    run = await interactive();
  });

  it('shows the end of life beside the default at the Python, Node.js, Django and Alpine questions', () => {
    const message = (prompt: string): string => run.asked.find((q) => q.message.startsWith(prompt))!.message;
    assert.equal(
      message('Python version'),
      'Python version (3.9.21: end of life since 2025-10-31; Python 3.14 is supported)',
    );
    assert.match(message('Node.js version'), /^Node\.js version \(18\.20\.7: end of life since 2025-04-30;/);
    assert.match(message('Django version'), /^Django version \(4\.2\.20: end of life since 2026-04-30;/);
    assert.equal(
      message('Alpine Linux release'),
      'Alpine Linux release (3.21: end of life since 2026-11-01; Alpine Linux 3.22 is supported)',
    );
    // A supported default says nothing more.
    assert.equal(message('PostgreSQL version'), 'PostgreSQL version');
  });

  it('says each end of life once, in the final summary, and not after the questions of each part', () => {
    for (const product of ['Python 3.9.21', 'Node.js 18.20.7', 'Django 4.2.20', 'Alpine Linux 3.21'])
      assert.equal(count(run.log, new RegExp(`${product} reached its end of life`)), 1, run.log);
    assert.equal(count(run.log, /^End of life:$/), 1);
    // In the summary: after the file list, before the next commands.
    const summary = run.log.slice(run.log.indexOf('Done.'));
    assert.ok(
      summary.indexOf('End of life:') > 0 && summary.indexOf('End of life:') < summary.indexOf('Next:'),
    );
  });
});

describe('every version warned about can be answered', () => {
  it('the Alpine release is asked; answering 3.22 builds on it and leaves no Alpine warning', async () => {
    const { result, log } = await interactive({ 'Alpine Linux release': '3.22' });
    assert.match(readFileSync(join(result.cwd, 'Dockerfile'), 'utf8'), /FROM python:[0-9.]+-alpine3\.22/);
    assert.doesNotMatch(log, /Alpine Linux 3\.\d+ reached its end of life/);
    assert.equal(count(log, /Python 3\.9\.21 reached its end of life/), 1);
  });

  it('the slim variant asks the Debian release, marking bookworm as past its end of life', async () => {
    const { asked, result } = await interactive({ 'Base image variant': 'slim', 'Debian release': 'trixie' });
    const debian = asked.find((q) => q.message === 'Debian release')!;
    assert.deepEqual(debian.choices, [
      { name: 'bookworm (end of life since 2026-06-10; Debian trixie is supported)', value: 'bookworm' },
      { name: 'trixie', value: 'trixie' },
    ]);
    assert.match(readFileSync(join(result.cwd, 'Dockerfile'), 'utf8'), /FROM python:[0-9.]+-slim-trixie/);
  });
});

describe('a part run alone', () => {
  it('`yo py-docker:k8s --yes` ends with the end of life of what it uses (the Alpine base), once, and nothing about Python', async () => {
    const log = printed(await runGenerator('k8s', { options: { yes: true } }));
    assert.equal(count(log, /Alpine Linux 3\.21 reached its end of life/), 1, log);
    assert.doesNotMatch(log, /Python 3\.9\.21 reached/);
  });

  it('`yo py-docker:docker --yes` says each of its versions once', async () => {
    const log = printed(await runGenerator('docker', { options: { yes: true } }));
    for (const product of ['Python 3.9.21', 'Node.js 18.20.7', 'Django 4.2.20', 'Alpine Linux 3.21'])
      assert.equal(count(log, new RegExp(`${product} reached its end of life`)), 1, log);
  });

  it('a part without an npm build says nothing about Node.js', async () => {
    const log = printed(await runGenerator('docker', { options: { yes: true, frontend: 'none' } }));
    assert.doesNotMatch(log, /Node\.js/);
  });
});
