import assert from 'node:assert/strict';
import { decideRemoval, decideWrite, hashOf, type FileRecord } from '../../../lib/drift.js';

const record = (content: string): FileRecord => ({ hash: hashOf(content), version: '0.1.0', part: 'env' });

describe('safe re-run rules (lib/drift)', () => {
  it('writes a new file and updates one the user never touched', () => {
    assert.equal(decideWrite({ onDisk: undefined, content: 'new', record: undefined }), 'write');
    assert.equal(decideWrite({ onDisk: 'old', content: 'new', record: record('old') }), 'write');
  });

  it('reports identical content as identical', () => {
    assert.equal(decideWrite({ onDisk: 'same', content: 'same', record: record('other') }), 'identical');
  });

  it('never replaces a file written once (.env), even with --force', () => {
    assert.equal(
      decideWrite({ onDisk: 'secret', content: 'x', record: record('secret'), once: true, force: true }),
      'keep',
    );
  });

  it('keeps an edited file: side by side with --yes, asks interactively, overwrites with --force', () => {
    const input = { onDisk: 'edited', content: 'new', record: record('old') };
    assert.equal(decideWrite(input), 'side-by-side');
    assert.equal(decideWrite({ ...input, interactive: true }), 'ask');
    assert.equal(decideWrite({ ...input, force: true }), 'overwrite');
  });

  it('treats a file that was there before the generator as the user’s', () => {
    assert.equal(decideWrite({ onDisk: 'theirs', content: 'ours', record: undefined }), 'side-by-side');
  });

  it('does not recreate a deleted file unless asked', () => {
    assert.equal(decideWrite({ onDisk: undefined, content: 'x', record: record('x') }), 'skip-deleted');
    assert.equal(
      decideWrite({ onDisk: undefined, content: 'x', record: record('x'), restore: true }),
      'write',
    );
  });

  it('merged files (ignore files) are always written', () => {
    assert.equal(decideWrite({ onDisk: 'a', content: 'a\nb', record: record('zzz'), merge: true }), 'write');
  });

  it('removes a file no longer generated only when untouched', () => {
    assert.equal(decideRemoval('x', record('x')), 'delete');
    assert.equal(decideRemoval('edited', record('x')), 'keep-edited');
    assert.equal(decideRemoval(undefined, record('x')), 'gone');
  });
});
