// `npm run bench`: how fast the generator is and how good the images it generates are, each side by side
// with a baseline measured in the same run (A B A B ...). A script, not a test: it asserts nothing and
// prints figures; the targets are reported as met or missed.
//
//   node bench/run.mjs [--runs N] [--build-runs N] [--only generation|images] [--out NAME]
//
// Writes bench/results/<NAME>.md and <NAME>.json (NAME: bench). The image half needs the Docker engine,
// stand-in images and wheelhouse of scripts/provision/all.sh (README.md, "Testing for real").
import { mkdirSync, writeFileSync } from 'node:fs';
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
  },
});
const runs = Math.max(1, Number(args.runs));
const buildRuns = Math.max(1, Number(args['build-runs']));

const started = Date.now();
const results = { date: new Date().toISOString(), machine: machine(), runs, buildRuns };
log(
  `machine: ${results.machine.cpu}, ${results.machine.cores} cores, load ${results.machine.loadAverageAtStart}`,
);
if (args.only !== 'images') results.generation = await generationBench({ runs });
if (args.only !== 'generation') results.images = await imagesBench({ runs, buildRuns });
results.totalSeconds = Math.round((Date.now() - started) / 1000);

const dir = join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const md = markdown(results);
writeFileSync(join(dir, `${args.out}.json`), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(dir, `${args.out}.md`), md);
process.stdout.write(md);
log(`wrote bench/results/${args.out}.md and .json in ${results.totalSeconds} s`);
