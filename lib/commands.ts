/**
 * The commands the image runs, as argv lists (program first). The Dockerfile CMD, supervisord.conf,
 * compose services and Kubernetes containers all take them from here, so the production web server is
 * the same command everywhere.
 */
import type { Model } from './model.js';

/** gunicorn's worker class for ASGI applications, shipped with uvicorn. */
export const UVICORN_WORKER = 'uvicorn.workers.UvicornWorker';

/** gunicorn serving the WSGI app; workers come from WEB_CONCURRENCY, which gunicorn reads itself. */
export function gunicornArgs(m: Model): string[] {
  return [
    'gunicorn',
    // Preloading and a fast clean worker exit (docker/gunicorn.conf.py); the rest is on this line.
    '--config',
    `${m.scriptsDir}/gunicorn.conf.py`,
    '--bind',
    `0.0.0.0:${m.s.port}`,
    // /dev/shm: a tmpfs, so worker heartbeats never block on a slow or read-only disk.
    '--worker-tmp-dir',
    '/dev/shm',
    '--access-logfile',
    '-',
    '--error-logfile',
    '-',
    '--graceful-timeout',
    String(m.gracefulTimeout),
    '--timeout',
    '60',
    '--chdir',
    m.appRoot,
    // ASGI (--server uvicorn): gunicorn manages uvicorn workers, so signals, preloading and the
    // worker count behave as with WSGI.
    ...(m.s.server === 'uvicorn'
      ? ['--worker-class', UVICORN_WORKER, m.s.asgiApplication]
      : [m.s.wsgiApplication]),
  ];
}

/**
 * One command line for shell-like parsers (supervisord splits with shlex). Values are validated
 * upstream; anything outside a plain character set is single-quoted all the same.
 */
export function commandLine(args: readonly string[]): string {
  return args
    .map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'"'"'`)}'`))
    .join(' ');
}
