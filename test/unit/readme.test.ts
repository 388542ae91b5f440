import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FLAGS_BEGIN, FLAGS_END, flagsTable } from '../../lib/flags-table.js';
import { SETTINGS } from '../../lib/settings.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

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
});
