import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FLAGS_BEGIN, FLAGS_END, flagsTable } from '../../lib/flags-table.js';
import { SETTINGS } from '../../lib/settings.js';
import { APP_UID, HEALTH_PATH, READINESS_PATH } from '../support/defaults.js';
import { sampleReport } from '../../lib/verify-report.js';
import { repoPath } from '../support/repo.js';

const readme = readFileSync(repoPath('README.md'), 'utf8');

describe('README.md', () => {
  it('documents every flag with its default, exactly as the settings model declares them', () => {
    const block = readme.slice(readme.indexOf(FLAGS_BEGIN), readme.indexOf(FLAGS_END) + FLAGS_END.length);
    assert.equal(
      block,
      flagsTable(),
      'README flag block is stale: run `npm run build && npm run readme:flags`',
    );
    for (const setting of SETTINGS) assert.ok(block.includes(`\`--${setting.flag}`), setting.flag);
  });

  it("shows verify's report with the current defaults (health path, uid), as README.Docker.md renders it", () => {
    const from = readme.indexOf('```text\nstep ');
    assert.ok(from >= 0, 'no sample report of yo py-docker:verify in README.md');
    const sample = readme.slice(from + '```text\n'.length, readme.indexOf('\n```', from));
    assert.equal(sample, sampleReport({ healthPath: HEALTH_PATH, appUid: APP_UID }));
  });

  it('names the default health and readiness paths', () => {
    assert.ok(
      readme.includes(`The health probes (\`${HEALTH_PATH}\`, and \`${READINESS_PATH}\`, which also`),
      'the health probes sentence of README.md',
    );
  });
});
