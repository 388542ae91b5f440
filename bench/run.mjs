// `npm run bench`: how fast the generator is and how good the images it generates are, each side by side
// with a baseline measured in the same run (A B C, B C A, ...). A script, not a test: it asserts nothing and
// prints figures; the targets are reported as met or missed.
//
//   node bench/run.mjs [--runs N] [--build-runs N] [--only generation|images] [--out NAME]
//                      [--today NAME] [--note TEXT]
//
// Writes bench/results/<NAME>.md and <NAME>.json (NAME: bench). --today: an earlier results/NAME.json
// (the image before a change) that the "no worse than today" targets compare with. --note: a line
// for the head of the report (say where and how the run was made, e.g. a smoke run on a loaded machine). The image half needs the Docker engine,
// stand-in images and wheelhouse of scripts/provision/all.sh (README.md, "Testing for real").
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generationBench } from './generation.mjs';
import { imagesBench } from './images.mjs';
import { log, machine, ROOT } from './lib.mjs';
import { markdown } from './report.mjs';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'build-runs': { type: 'string', default: '3' },
    only: { type: 'string' },
    out: { type: 'string', default: 'bench' },
    today: { type: 'string' },
    note: { type: 'string' },
  },
});
const dir = join(ROOT, 'bench', 'results');
let today;
if (args.today) {
  const file = join(dir, `${args.today.replace(/\.json$/, '')}.json`);
  if (!existsSync(file)) {
    process.stderr.write(
      `--today ${args.today}: ${file} does not exist (a results file of an earlier run)\n`,
    );
    process.exit(2);
  }
  const earlier = JSON.parse(readFileSync(file, 'utf8'));
  if (!earlier.images?.generated) {
    process.stderr.write(
      `--today ${args.today}: ${file} holds no image figures (a run without --only generation)\n`,
    );
    process.exit(2);
  }
  // The medians the "no worse than today" targets need (first200 is missing in runs before it existed).
  const medians = (side) =>
    side && Object.fromEntries(['idleMemory', 'first200', 'stop'].map((k) => [k, side[k]?.median ?? null]));
  today = {
    name: args.today.replace(/\.json$/, ''),
    date: earlier.date,
    generated: medians(earlier.images.generated),
    handwritten: medians(earlier.images.handwritten),
  };
}
const runs = Math.max(1, Number(args.runs));
const buildRuns = Math.max(1, Number(args['build-runs']));

const started = Date.now();
const results = { date: new Date().toISOString(), note: args.note, machine: machine(), runs, buildRuns };
log(
  `machine: ${results.machine.cpu}, ${results.machine.cores} cores, load ${results.machine.loadAverageAtStart}`,
);
if (args.only !== 'images') results.generation = await generationBench({ runs });
if (args.only !== 'generation') {
  results.images = await imagesBench({ runs, buildRuns });
  if (today && !results.images.skipped) results.images.today = today;
}
results.totalSeconds = Math.round((Date.now() - started) / 1000);

mkdirSync(dir, { recursive: true });
const md = markdown(results);
writeFileSync(join(dir, `${args.out}.json`), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(dir, `${args.out}.md`), md);
process.stdout.write(md);
log(`wrote bench/results/${args.out}.md and .json in ${results.totalSeconds} s`);
