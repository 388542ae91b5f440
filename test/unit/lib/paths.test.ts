/** lib/paths.ts: the project-relative paths detection, the Dockerfile and the parts share. */
import assert from 'node:assert/strict';
import { dirOf, under } from '../../../lib/paths.js';

describe('lib/paths.ts: project-relative folders', () => {
  it('dirOf gives the folder of a file, "." at the project root', () => {
    assert.equal(dirOf('manage.py'), '.');
    assert.equal(dirOf('requirements/base.txt'), 'requirements');
    assert.equal(dirOf('src/shop/settings/base.py'), 'src/shop/settings');
  });

  it('under puts a path inside a folder, the root written "." or ""', () => {
    assert.equal(under('.', 'package.json'), 'package.json');
    assert.equal(under('', 'package.json'), 'package.json');
    assert.equal(under('web', 'package.json'), 'web/package.json');
    assert.equal(under(dirOf('requirements/dev.txt'), 'base.txt'), 'requirements/base.txt');
  });
});
