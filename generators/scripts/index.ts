import { commandLine, gunicornArgs } from '../../lib/commands.js';
import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { BRIDGE_DIR, BRIDGE_MODULE, HEALTH_MODULE, type Model } from '../../lib/model.js';
import { BUILD_ONLY_SECRET_KEY } from '../../lib/names.js';
import { enabledServices, type SupervisedProgram } from '../../lib/services/index.js';

/**
 * gunicorn and what the enabled services run beside it (lib/services/: with Celery, a worker, never beat).
 */
export function supervisedPrograms(m: Model): SupervisedProgram[] {
  return [
    { name: m.services.web, command: commandLine(gunicornArgs(m)) },
    ...enabledServices(m, 'supervised').flatMap((svc) => svc.supervised!(m)),
  ];
}

/**
 * `yo py-docker:scripts`: the container scripts in docker/ (entrypoint, health check, wait-for-it), the
 * gunicorn settings file and, in supervisord mode, the supervisord.conf of the all-in-one image.
 */
export default class ScriptsGenerator extends PyDockerGenerator {
  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'scripts');
  }

  writing(): void {
    for (const script of ['entrypoint.sh', 'healthcheck.sh', 'wait-for-it.sh']) {
      this.writeGenerated(`docker/${script}`, this.render(`${script}.ejs`), { executable: true });
    }
    this.writeGenerated('docker/gunicorn.conf.py', this.render('gunicorn.conf.py.ejs'));
    // The settings bridge and the health middleware: DJANGO_SETTINGS_MODULE everywhere points at them.
    const python = { lit: (value: string) => JSON.stringify(value), buildSecret: BUILD_ONLY_SECRET_KEY };
    for (const module of [BRIDGE_MODULE, HEALTH_MODULE]) {
      this.writeGenerated(`${BRIDGE_DIR}/${module}.py`, this.render(`python/${module}.py.ejs`, python));
    }
    if (this.settings.processManager === 'supervisord') {
      const m = this.model;
      this.writeGenerated(
        'docker/supervisord.conf',
        this.render('supervisord.conf.ejs', { programs: supervisedPrograms(m) }),
      );
    }
  }
}
