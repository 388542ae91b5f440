import assert from 'node:assert/strict';
import { detectProject } from '../../lib/detect.js';
import { MemoryTree } from '../../lib/file-tree.js';
import { satisfies, versionForSpec } from '../../lib/specifiers.js';

const DJANGO_LINES = ['3.2', '4.0', '4.1', '4.2', '5.0', '5.1', '5.2', '6.0', '6.1'];

describe('version ranges of requirement lines', () => {
  it('reads the comparison operators of PEP 440 on release numbers', () => {
    assert.equal(satisfies('6.0.3', '>=6.0,<6.1'), true);
    assert.equal(satisfies('6.1', '>=6.0,<6.1'), false);
    assert.equal(satisfies('5.2.8', '~=5.2'), true);
    assert.equal(satisfies('6.0', '~=5.2'), false);
    assert.equal(satisfies('5.2.8', '~=5.2.1'), true);
    assert.equal(satisfies('5.3.0', '~=5.2.1'), false);
    assert.equal(satisfies('4.2.20', '==4.2.*'), true);
    assert.equal(satisfies('4.2.20', '!=4.2.*'), false);
    assert.equal(satisfies('4.2.20', '>=3.2,<4'), false);
    assert.equal(satisfies('4.2', 'latest'), undefined);
  });

  it('the mission default when it fits the range, otherwise the newest known line that does', () => {
    assert.equal(versionForSpec('>=4.2,<5.0', '4.2.20', DJANGO_LINES), '4.2.20');
    assert.equal(versionForSpec('>=6.0,<6.1', '4.2.20', DJANGO_LINES), '6.0');
    assert.equal(versionForSpec('~=5.2', '4.2.20', DJANGO_LINES), '5.2');
    assert.equal(versionForSpec('>=3.2,<4', '4.2.20', DJANGO_LINES), '3.2');
    assert.equal(versionForSpec('>=5.2.3,<5.2.5', '4.2.20', DJANGO_LINES), '5.2');
    assert.equal(versionForSpec('>=9', '4.2.20', DJANGO_LINES), undefined);
  });

  it('detection takes Django from a range in requirements.txt or pyproject.toml, saying which range', () => {
    const managed = {
      'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
      'shop/__init__.py': '',
      'shop/settings.py': '',
    };
    const fromRequirements = detectProject(
      new MemoryTree({ ...managed, 'requirements.txt': 'Django>=6.0,<6.1\ngunicorn\n' }),
    );
    assert.deepEqual(fromRequirements.djangoVersion, {
      value: '6.0',
      source: 'requirements.txt (Django>=6.0,<6.1)',
    });
    const fromPyproject = detectProject(
      new MemoryTree({
        ...managed,
        'pyproject.toml':
          '[project]\nname = "shop"\ndependencies = ["django~=5.2", "psycopg[binary]>=3.2"]\n',
      }),
    );
    assert.deepEqual(fromPyproject.djangoVersion, { value: '5.2', source: 'pyproject.toml (Django~=5.2)' });
    const pinned = detectProject(new MemoryTree({ ...managed, 'requirements.txt': 'Django==5.1.4\n' }));
    assert.equal(pinned.djangoVersion?.value, '5.1.4');
  });
});
