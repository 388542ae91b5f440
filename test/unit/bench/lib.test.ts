/**
 * The benchmark's interleaving: every variant runs once per run, the order rotated by one each run,
 * the untimed hooks in their places, and each variant's results kept in run order whatever its place.
 */
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { repoPath } from '../../support/repo.js';

type Variant = (i: number) => unknown;
interface Hooks {
  before?: (i: number) => unknown;
  settle?: () => unknown;
}
const { interleave } = (await import(pathToFileURL(repoPath('bench', 'lib.mjs')).href)) as {
  interleave: (
    runs: number,
    variants: Record<string, Variant>,
    hooks?: Hooks,
  ) => Promise<Record<string, unknown[]>>;
};

describe('bench/lib.mjs interleave', () => {
  it('rotates the order by one each run, so no variant always follows the same one', async () => {
    const calls: string[] = [];
    const variant = (name: string) => (i: number) => (calls.push(`${name}${i}`), `${name}${i}`);
    await interleave(4, { a: variant('a'), b: variant('b'), c: variant('c') });
    assert.deepEqual(calls, ['a0', 'b0', 'c0', 'b1', 'c1', 'a1', 'c2', 'a2', 'b2', 'a3', 'b3', 'c3']);
  });

  it('gives each variant every place equally often when the runs are a multiple of the variants', async () => {
    const places: Record<string, number[]> = { a: [0, 0, 0], b: [0, 0, 0], c: [0, 0, 0] };
    let place = 0;
    const variant = (name: string) => () => (places[name]![place++ % 3]! += 1);
    await interleave(6, { a: variant('a'), b: variant('b'), c: variant('c') });
    assert.deepEqual(places, { a: [2, 2, 2], b: [2, 2, 2], c: [2, 2, 2] });
  });

  it('keeps results[v][i] for run i, runs `before` once ahead of each run and `settle` ahead of each variant', async () => {
    const calls: string[] = [];
    const results = await interleave(
      2,
      { x: (i) => (calls.push(`x${i}`), i * 10), y: (i) => (calls.push(`y${i}`), i * 10 + 1) },
      { before: (i) => calls.push(`before${i}`), settle: () => calls.push('settle') },
    );
    assert.deepEqual(results, { x: [0, 10], y: [1, 11] });
    assert.deepEqual(calls, [
      'before0',
      'settle',
      'x0',
      'settle',
      'y0',
      'before1',
      'settle',
      'y1',
      'settle',
      'x1',
    ]);
  });

  it('waits for asynchronous variants and hooks before the next one starts', async () => {
    const calls: string[] = [];
    const later = (name: string) => async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      calls.push(name);
      return name;
    };
    await interleave(1, { p: later('p'), q: later('q') }, { before: later('before') });
    assert.deepEqual(calls, ['before', 'p', 'q']);
  });
});
