// The Markdown report of a bench run: the machine, then one table per part, targets marked met or missed.
import { fmt, mb, ms, ratio, sec, table, verdict, x } from './lib.mjs';

const kib = (v) => (Number.isFinite(v) ? `${(v / 1024).toFixed(0)} MiB` : 'n/a');

function head(r) {
  const m = r.machine;
  return [
    `# generator-py-docker benchmark`,
    '',
    `Run ${r.date} (${r.totalSeconds} s in all): ${r.runs} runs per figure (image builds: ${r.buildRuns}), ` +
      'variants interleaved (A B A B ...), figures are median (min-max).',
    '',
    table(
      ['machine', ''],
      [
        ['CPU', `${m.cpu}, ${m.cores} cores (load average at start ${m.loadAverageAtStart.join(' ')})`],
        ['memory', `${m.memoryGiB} GiB`],
        ['OS', m.os],
        ['Node.js', m.node],
        [
          'Docker',
          `engine ${m.docker.engine ?? 'n/a'}, client ${m.docker.client ?? 'n/a'}, compose ${m.docker.compose ?? 'n/a'}, ${m.docker.buildx ?? 'no buildx'}`,
        ],
        ...Object.entries(m.versions).map(([k, v]) => [k, v ?? 'n/a']),
      ],
    ),
  ].join('\n');
}

function generation(g) {
  const out = ['', '## Generation', ''];
  const w = g.wholeProcess;
  if (w.skipped) out.push(`Whole process: not measured (${w.skipped}).`, '');
  else {
    const extra = w.generate.ms.median - w.version.ms.median;
    const ours = w.generate.ms.median - w.floor.ms.median;
    out.push(
      `Whole process, cold (a new \`yo\` process each time, run as ${w.user}; yo ${w.yo}; ${w.filesWritten} files written):`,
      '',
      table(
        ['command', 'wall time ms', 'peak memory', 'target'],
        [
          ['`yo --version`', fmt(w.version.ms), kib(w.version.peakKiB.median), ''],
          [
            '`yo py-docker --yes` (empty folder)',
            fmt(w.generate.ms),
            kib(w.generate.peakKiB.median),
            `+${ms(extra)} ms over \`yo --version\`: within 500 ms ${verdict(extra <= 500)}`,
          ],
          [
            '`yo pdfloor`: a bare generator writing the same files',
            fmt(w.floor.ms),
            kib(w.floor.peakKiB.median),
            `+${ms(w.floor.ms.median - w.version.ms.median)} ms over \`yo --version\`: what yo costs to run any generator`,
          ],
        ],
      ),
      '',
      `The part that is ours (\`yo py-docker --yes\` minus \`yo pdfloor\`): ${ms(ours)} ms${ours < 0 ? ' (the bare generator was no faster: no cost of ours stands out of the run-to-run spread)' : ''}; within 500 ms ${verdict(ours <= 500)}.`,
      '',
    );
  }
  const c = g.coldProcess;
  const phases = [
    ['node start (to the first line of the script)', c.nodeStart],
    ['import yeoman-environment', c.yeomanEnvironment],
    ['import yeoman-generator', c.yeomanGenerator],
    ['import our generators and lib/ (and their own dependencies)', c.ourModules],
    ['first `py-docker:app --yes` run (cold code)', c.firstRun],
    ['second run in the same process (warm code)', c.secondRun],
  ];
  out.push(
    'Where a cold process spends its time (`node bench/cold.mjs`, one new process per run):',
    '',
    table(
      ['phase', 'ms'],
      phases.map(([label, s]) => [label, fmt(s)]),
    ),
    '',
  );
  const p = g.inProcess;
  const own = p.app.median - p.yeomanFloor.median;
  out.push(
    `In process through yeoman-environment (a fresh environment per run, \`--yes --skip-install\`, empty folder; ` +
      `${p.files} files, ${(p.bytes / 1024).toFixed(0)} KiB). First run in a new process (loads every module): ${ms(p.firstRunInProcessMs)} ms.`,
    '',
    table(
      ['what', 'ms', 'vs node floor', 'target'],
      [
        [
          'full set (`py-docker:app`)',
          fmt(p.app),
          x(ratio(p.app, p.nodeFloor)),
          `under 150 ms ${verdict(p.app.median < 150)}; within 3x the floor ${verdict(ratio(p.app, p.nodeFloor) <= 3)}`,
        ],
        [
          'yeoman floor: a bare generator writing the same files',
          fmt(p.yeomanFloor),
          x(ratio(p.yeomanFloor, p.nodeFloor)),
          '',
        ],
        ['node floor: plain `fs` writing the same bytes', fmt(p.nodeFloor), '1.00x', ''],
        ['our own work: full set minus the yeoman floor', ms(own), '', ''],
        ...Object.entries(p.parts).map(([part, s]) => [
          `\`py-docker:${part}\` alone`,
          fmt(s),
          x(ratio(s, p.nodeFloor)),
          '',
        ]),
      ],
    ),
    '',
    'How it grows: a Django project with N apps and N+1 requirement files (one per app included from ' +
      'requirements.txt, plus requirements/dev.txt).',
    '',
    table(
      [
        'apps',
        'requirement files',
        'files in project',
        'packages found',
        'detection ms',
        'per app µs',
        'full run ms',
      ],
      g.growth.map((row) => [
        row.apps,
        row.requirementFiles,
        row.fixtureFiles,
        row.packagesDetected,
        fmt(row.detect, (v) => v.toFixed(2)),
        ((row.detect.median / row.apps) * 1000).toFixed(0),
        fmt(row.fullRun),
      ]),
    ),
    '',
  );
  return out.join('\n');
}

function images(i) {
  if (i.skipped) return `\n## Images\n\nNot measured: ${i.skipped}\n`;
  const g = i.generated;
  const n = i.naive;
  const row = (label, a, b, unit, target) => [
    label,
    fmt(a, unit),
    fmt(b, unit),
    x(ratio(a, b)),
    target ?? '',
  ];
  const out = [
    '',
    '## Images',
    '',
    `The starter app (\`${i.generateCommand}\`), production target, against a naive single-stage Dockerfile ` +
      'for the same app written by the bench (below). Builds: `docker build --network host` with the ' +
      `offline package index; ${i.buildRuns} cold builds and ${i.runs} of everything else, interleaved.`,
    '',
    table(
      ['', 'generated', 'naive', 'ratio', 'target'],
      [
        [
          'image size MB',
          mb(g.size),
          mb(n.size),
          x(g.size / n.size),
          `at most 0.6x ${verdict(g.size / n.size <= 0.6)}`,
        ],
        [
          `above the base image (${mb(i.baseSize)} MB)`,
          mb(g.size - i.baseSize),
          mb(n.size - i.baseSize),
          x((g.size - i.baseSize) / (n.size - i.baseSize)),
          '',
        ],
        row('cold build s (no cache, base images kept)', g.cold, n.cold, sec),
        row(
          'rebuild after a one-line Python change s',
          g.python,
          n.python,
          sec,
          `at most 0.3x ${verdict(ratio(g.python, n.python) <= 0.3)}, under 10 s ${verdict(g.python.median < 10000)}`,
        ),
        row('rebuild after a dependency change s', g.dependency, n.dependency, sec),
        row('rebuild after a front-end asset change s', g.asset, n.asset, sec),
        row('`up` to web healthy s (whole stack, fresh database)', g.upHealthy, n.upHealthy, sec),
        row(
          'web container start to healthy s',
          g.startHealthy,
          n.startHealthy,
          sec,
          `within 5 s ${verdict(g.startHealthy.median <= 5000)}`,
        ),
        row(
          '`docker stop` web s',
          g.stop,
          n.stop,
          sec,
          `within 2 s, exit 0 ${verdict(g.stop.median <= 2000 && g.stopExitCodes.every((c) => c === 0))}`,
        ),
        ['exit codes after stop', g.stopExitCodes.join(' '), n.stopExitCodes.join(' '), '', ''],
        row('idle memory of web MB', g.idleMemory, n.idleMemory, mb),
      ],
    ),
    '',
    'The naive Dockerfile:',
    '',
    '```Dockerfile',
    i.naiveDockerfile.trim(),
    '```',
    '',
    'Largest layers above the base image:',
    '',
    table(
      ['generated', 'naive'],
      Array.from({ length: Math.max(g.layers.length, n.layers.length) }, (_, k) => [
        g.layers[k] ? `${mb(g.layers[k].size)} MB ${g.layers[k].step}` : '',
        n.layers[k] ? `${mb(n.layers[k].size)} MB ${n.layers[k].step}` : '',
      ]),
    ),
    '',
  ];
  return out.join('\n');
}

export function markdown(r) {
  return (
    [head(r), r.generation ? generation(r.generation) : '', r.images ? images(r.images) : ''].join('\n') +
    '\n'
  );
}
