import assert from 'node:assert/strict';
import { argsProblem, nearestFlag } from '../../../lib/cli-args.js';
import { runExpectingError, runGenerator, snapshotFolder } from '../../support/run.js';

describe('the command line: unknown flags and values of yes/no flags stop the run', () => {
  it('suggests the nearest flag for a typo or a familiar name', () => {
    assert.equal(nearestFlag('prot', ['port', 'postgres', 'project-name']), 'port');
    assert.equal(nearestFlag('namespace', ['k8s-namespace', 'port']), 'k8s-namespace');
    assert.equal(nearestFlag('zzzzzz', ['port']), undefined);
  });

  it('a yes/no flag takes no value, or only true/false; its --no- form takes none', () => {
    const options = [
      { name: 'postgres', boolean: true },
      { name: 'port', boolean: false },
    ];
    assert.equal(argsProblem(['--postgres', '--port=9000'], options, 'yo py-docker'), undefined);
    assert.equal(argsProblem(['--postgres=false', '--no-postgres'], options, 'yo py-docker'), undefined);
    assert.match(
      argsProblem(['--no-postgres=true'], options, 'yo py-docker')!,
      /^--no-postgres: takes no value/,
    );
    assert.match(
      argsProblem(['--postgres=maybe'], options, 'yo py-docker')!,
      /^--postgres: "maybe" is not a yes\/no value/,
    );
    assert.equal(argsProblem(['--', '--anything'], options, 'yo py-docker'), undefined);
  });

  const cases: [string[], RegExp][] = [
    [['--prot', '9000'], /^--prot: not a flag of yo py-docker; did you mean --port\?/],
    [
      ['--namespace', 'kube-system'],
      /^--namespace: not a flag of yo py-docker; did you mean --k8s-namespace\?/,
    ],
    [['--no-postgres=true'], /^--no-postgres: takes no value; allowed: --postgres or --no-postgres/],
    [['--no-postgres=yes'], /^--no-postgres: takes no value/],
    [['--force=maybe'], /^--force: "maybe" is not a yes\/no value/],
  ];
  for (const [args, message] of cases) {
    it(`\`yo py-docker --yes ${args.join(' ')}\` stops with a clear message and writes nothing`, async () => {
      const error = await runExpectingError('app', { options: { yes: true }, args });
      assert.match(error.message, message);
    });
  }

  it('every flag the help lists is accepted (our own, --force, --restore, --dry-run, --help is not run here)', async () => {
    const result = await runGenerator('app', {
      options: { yes: true },
      args: ['--postgres', '--no-redis', '--force=false', '--restore', '--port', '9000', '-y'],
    });
    assert.ok(Object.keys(snapshotFolder(result.cwd)).includes('Dockerfile'));
  });
});
