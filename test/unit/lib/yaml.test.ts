/**
 * One YAML serializer (lib/yaml.ts) for every YAML file: a YAML 1.1 reader (PyYAML, Go's yaml.v2, older
 * kubectl plugins) reads exactly the data a YAML 1.2 reader does, whatever words the answers are.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { needsQuotes, plainIsAmbiguous, toYaml } from '../../../lib/yaml.js';
import { runGenerator, snapshotFolder } from '../../support/run.js';
import { formatFindings, validateProject } from '../../support/validate-project.js';

const WORDS = ['yes', 'No', 'ON', 'off', 'y', 'n', 'Y', 'true', 'False', 'null', '~', ''];
const NUMBERS = [
  '010',
  '0o17',
  '0x1F',
  '0b101',
  '1_000',
  '1:20',
  '1.5',
  '.5',
  '1e3',
  '.inf',
  '-.inf',
  '.NaN',
];
const STRINGS = ['app', 'sha-0000000', 'ghcr.io/o/r', '3.x', '1.2.3.4.5', 'on-call', '=', 'a b'];

describe('lib/yaml.ts: one serializer, YAML 1.1 words quoted', () => {
  it('quotes exactly the strings a YAML 1.1 or 1.2 reader would take for something else', () => {
    for (const value of [...WORDS.filter(Boolean), ...NUMBERS, '2001-12-14'])
      assert.equal(plainIsAmbiguous(value), true, value);
    for (const value of STRINGS) assert.equal(plainIsAmbiguous(value), false, value);
  });

  it('the one quoting rule: YAML 1.1 booleans, nulls, octal- and float-looking values, times and tags are written double-quoted', () => {
    const quoted = [
      'yes',
      'no',
      'on',
      'off',
      'y',
      'n',
      'Y',
      'N',
      '1.10',
      '0755',
      '~',
      'null',
      '12:30',
      '1:20:30',
    ];
    const tags = ['=', '<<']; // PyYAML reads these plain as its value and merge tags, and refuses them
    for (const value of [...quoted, ...tags]) {
      assert.equal(needsQuotes(value), true, value);
      assert.equal(toYaml({ key: value }, { header: [] }), `key: "${value}"\n`, value);
      assert.equal(toYaml({ [value]: 1 }, { header: [] }), `"${value}": 1\n`, `${value} as a key`);
    }
    for (const value of quoted)
      for (const version of ['1.1', '1.2'] as const)
        assert.deepEqual(parse(toYaml({ key: value }, { header: [] }), { version }), { key: value }, value);
    for (const value of [
      ...STRINGS.filter((s) => s !== '=' && s !== 'a b'),
      '/health/',
      'v1.10',
      '=x',
      '<<x',
    ])
      assert.equal(toYaml({ key: value }, { header: [] }), `key: ${value}\n`, `${value} stays plain`);
    assert.equal(
      toYaml({ uid: 10001, debug: false, none: null }, { header: [] }),
      'uid: 10001\ndebug: false\nnone: null\n',
    );
  });

  it('every value and key round-trips as a string under both YAML versions, and real numbers stay numbers', () => {
    const data = {
      strings: Object.fromEntries([...WORDS, ...NUMBERS, ...STRINGS].map((v) => [`k${v}`, v])),
      list: [...WORDS, ...NUMBERS],
      keys: Object.fromEntries([...WORDS.filter(Boolean), ...NUMBERS].map((v) => [v, 1])),
      typed: { port: 8000, replicas: 2, debug: false, none: null },
    };
    const text = toYaml(data, { header: ['header'] });
    assert.match(text, /^# header\n/);
    for (const version of ['1.1', '1.2'] as const)
      assert.deepEqual(parse(text, { version }), data, `YAML ${version}`);
    assert.match(text, /^ {2}port: 8000$/m);
  });

  it('a new user runs `yo py-docker --yes --project-name no --k8s-namespace off --celery` in an empty folder: every YAML file means the same to a YAML 1.1 reader', async () => {
    const options = { yes: true, 'project-name': 'no', 'k8s-namespace': 'off', celery: true, redis: true };
    const { cwd } = await runGenerator('app', { options });
    const files = Object.keys(snapshotFolder(cwd)).filter((f) => /\.ya?ml$/.test(f));
    assert.ok(files.length > 20, files.join());
    for (const file of files) {
      const text = readFileSync(join(cwd, file), 'utf8');
      const read = (version: '1.1' | '1.2'): unknown[] =>
        parseAllDocuments(text, { version }).map((d) => JSON.parse(JSON.stringify(d.toJS())) as unknown);
      assert.deepEqual(read('1.1'), read('1.2'), file);
    }
    const deployment = parse(readFileSync(join(cwd, 'k8s/base/deployment.yaml'), 'utf8'), { version: '1.1' });
    assert.equal(deployment.metadata.labels['app.kubernetes.io/name'], 'no');
    assert.match(readFileSync(join(cwd, 'docker-compose.yml'), 'utf8'), /^name: "no"$/m);
    const overlay = readFileSync(join(cwd, 'k8s/overlays/production/kustomization.yaml'), 'utf8');
    assert.match(overlay, /^namespace: off-production$/m);
    const findings = await validateProject(cwd, { external: new Set() });
    assert.deepEqual(findings, [], formatFindings(findings));
  });

  it('the validation layer reports a bare YAML 1.1 word', async () => {
    const { cwd } = await runGenerator('k8s', { options: { yes: true, 'project-name': 'no' } });
    const file = join(cwd, 'k8s/base/service.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/: "no"$/gm, ': no'));
    const findings = await validateProject(cwd, { external: new Set() });
    assert.ok(
      findings.some((f) => f.artifact === 'k8s/base/service.yaml' && f.check === 'yaml:1.1'),
      formatFindings(findings),
    );
  });
});
