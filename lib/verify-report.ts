/** verify's report: its table, the step names that hold a setting, and the sample the READMEs show. */
import type { Settings } from './settings.js';

export type StepStatus = 'pass' | 'fail' | 'skip';

export interface StepResult {
  name: string;
  status: StepStatus;
  /** Milliseconds. */
  duration: number;
  detail: string;
}

/** Step names that hold a setting: the run and the sample report in README.Docker.md name them alike. */
export const healthStep = (healthPath: string): string => `GET ${healthPath} on 127.0.0.1`;

export const uidStep = (uid: number): string => `web runs as non-root uid ${uid}`;

/**
 * The report README.Docker.md (and README.md, with the defaults) shows: a run of the end-to-end suite on
 * the starter project, development build cached, with this setup's health path and uid.
 */
export function sampleReport(s: Pick<Settings, 'healthPath' | 'appUid'>): string {
  const row = (name: string, seconds: number, detail = '', status: StepStatus = 'pass'): StepResult => ({
    name,
    status,
    duration: seconds * 1000,
    detail,
  });
  const rows = [
    row('Docker Engine 25+ and Compose 2.20+', 0.3, 'engine 26.1.5+dfsg1, compose 2.26.1-4'),
    ...['base', 'development (base + override)', 'production (base + prod)', 'tests'].map((files) =>
      row(`compose config: ${files}`, 0.3),
    ),
    row('build development target', 3.2, '3 s'),
    row('build production target', 13.4, '13 s'),
    row('start base + prod stack', 6.3, 'project shop-verify-341b23'),
    row('all services healthy', 3.6, 'db, web healthy'),
    row(healthStep(s.healthPath), 0.4, `http://127.0.0.1:37839${s.healthPath} answered 200`),
    row('manage.py check --deploy (production env)', 1.1, 'no issues'),
    row(uidStep(s.appUid), 0.5, `uid ${s.appUid}`),
    row('docker stop web: graceful', 1.0, 'exit 0 after 0.6 s'),
    row('test suite (docker-compose.test.yml)', 11.7, 'passed'),
    row('container-structure-test', 0, 'container-structure-test is not installed', 'skip'),
  ];
  // The table pads an empty detail; a README line ends without the spaces.
  return formatTable(rows).replace(/ +$/gm, '');
}

export function formatTable(results: StepResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length), 4);
  const rows = results.map(
    (r) =>
      `${r.name.padEnd(width)}  ${r.status.toUpperCase().padEnd(4)}  ${`${(r.duration / 1000).toFixed(1)} s`.padStart(8)}  ${r.detail}`,
  );
  return [`${'step'.padEnd(width)}  ${'result'}  ${'time'.padStart(6)}  detail`, ...rows].join('\n');
}
