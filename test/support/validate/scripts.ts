/**
 * The shell scripts (syntax, shellcheck, executable bits) and docker/supervisord.conf.
 */
import { readinessPathOf } from '../../../lib/model.js';
import { SUPERVISOR_PARSE, type SupervisorConf } from '../supervisor-parse.js';
import { shellcheckAnswer } from '../workflow-check.js';
import { type Context } from './context.js';
import { type Finding } from './findings.js';
import { type CheckJob, cached, runChecks, runTool, tool, toolOutput } from './tool-runner.js';

const SHELL_DIRS = ['docker/', '.devcontainer/'];

export async function scriptChecks(ctx: Context): Promise<Finding[]> {
  const { p, s } = ctx;
  const scripts = p.files.filter((f) => SHELL_DIRS.some((d) => f.startsWith(d)) && f.endsWith('.sh'));
  if (scripts.length === 0) return [];
  const out: Finding[] = [];
  for (const file of scripts) {
    const text = p.read(file)!;
    if (!p.executable(file)) out.push({ artifact: file, check: 'scripts', message: 'not executable' });
    if (!text.startsWith('#!/bin/sh\n'))
      out.push({ artifact: file, check: 'scripts', message: 'does not start with #!/bin/sh' });
    if (!/^set -eu$/m.test(text)) out.push({ artifact: file, check: 'scripts', message: 'no `set -eu`' });
  }
  const health = p.read('docker/healthcheck.sh');
  if (health !== undefined) {
    const port = /^port=\$\{PORT:-([^}]*)\}$/m.exec(health)?.[1];
    // The Docker health check probes readiness; `--live` the health path.
    const path = /^path=\$\{READINESS_PATH:-([^}]*)\}$/m.exec(health)?.[1];
    const live = /^ {2}path=\$\{HEALTH_PATH:-([^}]*)\}$/m.exec(health)?.[1];
    if (live !== s.healthPath)
      out.push({
        artifact: 'docker/healthcheck.sh',
        check: 'consistency:health-path',
        message: `default liveness path ${live}, not ${s.healthPath}`,
      });
    if (port !== String(s.port))
      out.push({
        artifact: 'docker/healthcheck.sh',
        check: 'consistency:port',
        message: `default port ${port}, not ${s.port}`,
      });
    if (path !== readinessPathOf(s.healthPath!))
      out.push({
        artifact: 'docker/healthcheck.sh',
        check: 'consistency:health-path',
        message: `default path ${path}, not ${readinessPathOf(s.healthPath!)}`,
      });
  }
  // Syntax under Alpine's shell (busybox ash) and Debian's (dash): cheap, always run; shellcheck on
  // request. All in one batch of processes.
  const jobs: CheckJob[] = [];
  const busybox = tool('busybox', 'docker/*.sh', out);
  const dash = tool('dash', 'docker/*.sh', out);
  const shells: [string, string[]][] = [];
  if (busybox) shells.push(['busybox sh -n', [busybox, 'sh', '-n']]);
  if (dash) shells.push(['dash -n', [dash, '-n']]);
  for (const file of scripts)
    for (const [name, argv] of shells)
      jobs.push({
        key: name,
        inputs: [file, p.read(file)!],
        argv: [...argv, file],
        cwd: p.dir,
        findings: (r) => (r.code === 0 ? [] : [{ artifact: file, check: name, message: toolOutput(r) }]),
      });
  if (ctx.external.has('shellcheck')) {
    const shellcheck = tool('shellcheck', 'docker/*.sh', out);
    if (shellcheck)
      jobs.push({
        key: 'shellcheck',
        inputs: scripts.flatMap((f) => [f, p.read(f)!]),
        argv: [shellcheck, '-s', 'sh', '-f', 'json', ...scripts],
        cwd: p.dir,
        findings: (r) => {
          // Its JSON, not only its exit code: a shellcheck that crashes or prints nothing checked nothing.
          const answer = shellcheckAnswer(r);
          if (typeof answer === 'string')
            return [{ artifact: scripts.join(' '), check: 'shellcheck', message: answer }];
          return answer.map((i) => ({
            artifact: i.file ?? scripts.join(' '),
            check: 'shellcheck',
            message: `line ${i.line}: SC${i.code} ${i.message}`,
          }));
        },
      });
  }
  return [...out, ...(await runChecks(jobs))];
}

export async function supervisorChecks(ctx: Context, k8sWebArgs: string[] | undefined): Promise<Finding[]> {
  const { p, s } = ctx;
  const file = 'docker/supervisord.conf';
  const out: Finding[] = [];
  const text = p.read(file);
  if ((text !== undefined) !== (s.processManager === 'supervisord'))
    out.push({
      artifact: file,
      check: 'consistency:process-manager',
      message: `${text === undefined ? 'missing' : 'present'} with --process-manager ${s.processManager}`,
    });
  if (text === undefined || !ctx.external.has('supervisord')) return out;
  const python = tool('python3', file, out);
  if (!python) return out;
  const parsed = await cached('supervisord', [text], async () => {
    const r = await runTool(python, ['-c', SUPERVISOR_PARSE, file], {
      cwd: p.dir,
      env: { PATH: '/usr/bin:/bin' },
    });
    if (r.code !== 0) return [{ artifact: file, check: 'supervisor', message: toolOutput(r) }];
    return [{ artifact: file, check: 'supervisor:parsed', message: r.stdout }];
  });
  const result = parsed.find((f) => f.check === 'supervisor:parsed');
  if (!result) return [...out, ...parsed];
  const conf = JSON.parse(result.message) as SupervisorConf;
  if (!conf.nodaemon)
    out.push({ artifact: file, check: 'supervisor', message: 'supervisord does not run in the foreground' });
  const names = conf.programs.map((prog) => prog.name).sort();
  const want = ['web', ...(s.celery ? ['worker'] : [])].sort();
  if (names.join() !== want.join())
    out.push({
      artifact: file,
      check: 'supervisor',
      message: `programs [${names.join(', ')}], expected [${want.join(', ')}]`,
    });
  const web = conf.programs.find((prog) => prog.name === 'web')?.argv;
  if (!web || web[0] !== 'gunicorn' || !web.includes(`0.0.0.0:${s.port}`))
    out.push({ artifact: file, check: 'consistency:command', message: `web runs ${JSON.stringify(web)}` });
  else if (k8sWebArgs && JSON.stringify(k8sWebArgs) !== JSON.stringify(web))
    out.push({
      artifact: `${file} + k8s/base/deployment.yaml`,
      check: 'consistency:command',
      message: `web runs ${JSON.stringify(web)}, the Kubernetes web container ${JSON.stringify(k8sWebArgs)}`,
    });
  for (const prog of conf.programs.filter((x) => x.name !== 'web'))
    if (prog.argv[0] !== 'celery')
      out.push({ artifact: file, check: 'supervisor', message: `${prog.name} runs ${prog.argv.join(' ')}` });
  return out;
}
