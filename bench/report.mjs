// The Markdown report of a bench run: the machine, then one table per part, targets marked met or missed.
import { fmt, mb, ms, ratio, sec, table, verdict, x } from './lib.mjs';

const kib = (v) => (Number.isFinite(v) ? `${(v / 1024).toFixed(0)} MiB` : 'n/a');

function head(r) {
  const m = r.machine;
  return [
    `# generator-py-docker benchmark`,
    '',
    `Run ${r.date} (${r.totalSeconds} s in all): ${r.runs} runs per figure (image builds: ${r.buildRuns}), ` +
      'variants interleaved, the order rotated each run (A B C, B C A, ...), figures are median (min-max).',
    ...(r.note ? ['', `**${r.note}**`] : []),
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

/**
 * "No worse than today" against an earlier run (--today): the generated image's own figure, which is
 * what the target is about. Met when its median now is at most the earlier one, or the earlier one
 * lies inside this run's min-max (the two cannot be told apart: runtime figures of an unchanged image
 * move that much between runs). The ratio to the hand-written image is shown beside it, not judged:
 * the rival's own figure moves between runs too, and would decide the verdict.
 */
function againstToday(i, key, unit) {
  const t = i.today;
  const label = 'no worse than today';
  if (!t) return `${label}: n/a (no earlier run given, --today NAME)`;
  const now = i.generated[key];
  const then = t.generated?.[key];
  if (!Number.isFinite(then)) return `${label}: n/a (${t.name} has no such figure)`;
  const met = now.median <= then || (then >= now.min && then <= now.max);
  const how = now.median <= then ? '' : ", inside this run's range";
  const thenHand = t.handwritten?.[key];
  const ratios = Number.isFinite(thenHand)
    ? ` (vs the hand-written: ${x(then / thenHand)} then, ${x(now.median / i.handwritten[key].median)} now)`
    : '';
  return `${label}: ${unit(now.median)} against ${unit(then)} in ${t.name}${how}${ratios} ${verdict(met)}`;
}

function images(i) {
  if (i.skipped) return `\n## Images\n\nNot measured: ${i.skipped}\n`;
  const g = i.generated;
  const h = i.handwritten;
  const n = i.naive;
  const vsHand = (key, limit) => {
    const r = ratio(g[key], h[key]);
    return `at most ${limit.toFixed(1)}x ${verdict(r <= limit)}`;
  };
  const row = (label, key, unit, target = '', naiveTarget = '') => [
    label,
    fmt(g[key], unit),
    fmt(h[key], unit),
    fmt(n[key], unit),
    x(ratio(g[key], h[key])),
    x(ratio(g[key], n[key])),
    target,
    naiveTarget,
  ];
  const sizeRow = (label, value) => [
    label,
    mb(value(g)),
    mb(value(h)),
    mb(value(n)),
    x(value(g) / value(h)),
    x(value(g) / value(n)),
  ];
  const over = (s) => s.floor.over;
  const out = [
    '',
    '## Images',
    '',
    `The starter app (\`${i.generateCommand}\`), production target, against two Dockerfiles for the same ` +
      'app: a competent hand-written one in the style of `docker init` (bench/Dockerfile.handwritten) and a ' +
      'naive single-stage one written by the bench (both below). Builds: `docker build --network host` ' +
      `with the offline package index; ${i.buildRuns} cold builds and ${i.runs} of everything else, the ` +
      'three interleaved, each timed step after a `sync`. Ratios are generated / baseline; the targets against the hand-written image are ' +
      "issue #17's.",
    '',
    table(
      [
        '',
        'generated',
        'hand-written',
        'naive',
        'vs hand-written',
        'vs naive',
        'target (vs hand-written)',
        'target (vs naive)',
      ],
      [
        [...sizeRow('image size MB', (s) => s.size), '', `at most 0.6x ${verdict(g.size / n.size <= 0.6)}`],
        [...sizeRow(`above the base image (${mb(i.baseSize)} MB)`, (s) => s.size - i.baseSize), '', ''],
        [
          ...sizeRow('over the floor MB (table below)', over),
          `generated within 5 MB of its floor: ${mb(over(g))} MB ${verdict(over(g) <= 5e6)}`,
          '',
        ],
        row('cold build s (no cache, base images kept)', 'cold', sec, vsHand('cold', 1.1)),
        row(
          'rebuild after a one-line Python change s',
          'python',
          sec,
          vsHand('python', 1.0),
          `at most 0.3x ${verdict(ratio(g.python, n.python) <= 0.3)}, under 10 s ${verdict(g.python.median < 10000)}`,
        ),
        row('rebuild after a dependency change s', 'dependency', sec, vsHand('dependency', 1.0)),
        row('rebuild after a front-end asset change s', 'asset', sec, vsHand('asset', 1.0)),
        row('`up` to web healthy s (whole stack, fresh database)', 'upHealthy', sec),
        row(
          'web container start to healthy s',
          'startHealthy',
          sec,
          '',
          `within 5 s ${verdict(g.startHealthy.median <= 5000)}`,
        ),
        row(
          'web container start to the first 200 of `/` s',
          'first200',
          sec,
          againstToday(i, 'first200', sec),
        ),
        row(
          '`docker stop` web s',
          'stop',
          sec,
          againstToday(i, 'stop', sec),
          `within 2 s, exit 0 ${verdict(g.stop.median <= 2000 && g.stopExitCodes.every((c) => c === 0))}`,
        ),
        [
          'exit codes after stop',
          g.stopExitCodes.join(' '),
          h.stopExitCodes.join(' '),
          n.stopExitCodes.join(' '),
          '',
          '',
          '',
          '',
        ],
        row('idle memory of web MB', 'idleMemory', mb, againstToday(i, 'idleMemory', mb)),
      ],
    ),
    '',
    i.today
      ? `"Today" is the run in results/${i.today.name}.json (${i.today.date}).`
      : '"No worse than today" needs an earlier run of the image before the change: `--today NAME`.',
    '',
    "The floor, from each image's own files (`docker image inspect` for the base image, bench/floor.py run " +
      "by the image's Python for the rest; apparent sizes, as Docker counts layers): the base image, what " +
      'the image adds to site-packages without the installer (pip, setuptools, wheel: the app does not ' +
      'import them), the app (WORKDIR without the static files) and the collected static files (STATIC_ROOT).',
    '',
    table(
      ['MB', 'generated', 'hand-written', 'naive'],
      [
        ['base image', ...[g, h, n].map((s) => mb(s.floor.base))],
        [
          'site-packages added (without the installer)',
          ...[g, h, n].map((s) => `${mb(s.floor.sitePackages)} (${s.floor.sitePackagesFolders.join(', ')})`),
        ],
        ['app', ...[g, h, n].map((s) => `${mb(s.floor.app)} (${s.floor.workdir})`)],
        ['static files', ...[g, h, n].map((s) => `${mb(s.floor.static)} (${s.floor.staticRoot})`)],
        ['**floor**', ...[g, h, n].map((s) => mb(s.floor.floor))],
        ['image size', ...[g, h, n].map((s) => mb(s.size))],
        ['**over the floor**', ...[g, h, n].map((s) => `${mb(s.floor.over)} (${x(s.size / s.floor.floor)})`)],
        ['of which an installer added above the base image', ...[g, h, n].map((s) => mb(s.floor.installer))],
      ],
    ),
    '',
    'The hand-written Dockerfile (bench/Dockerfile.handwritten; built with `--build-arg PYTHON_IMAGE=` and ' +
      '`NODE_IMAGE=` the stand-in tags, and the same package index arguments):',
    '',
    '```Dockerfile',
    i.handwrittenDockerfile.trim(),
    '```',
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
      ['generated', 'hand-written', 'naive'],
      Array.from({ length: Math.max(g.layers.length, h.layers.length, n.layers.length) }, (_, k) =>
        [g, h, n].map((s) => (s.layers[k] ? `${mb(s.layers[k].size)} MB ${s.layers[k].step}` : '')),
      ),
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
