/**
 * What Debian's supervisor makes of a supervisord.conf: the parser supervisord itself runs at startup,
 * printed as JSON. Used by the validation layer and by the supervisord.conf tests.
 *   python3 -c SUPERVISOR_PARSE <file>
 */
export const SUPERVISOR_PARSE = `
import json, shlex, sys
from supervisor.options import ServerOptions
o = ServerOptions()
o.realize(['-c', sys.argv[1]])
programs = []
for group in o.process_group_configs:
    for p in group.process_configs:
        programs.append({
            'name': p.name, 'argv': shlex.split(p.command), 'directory': p.directory,
            'stopsignal': int(p.stopsignal), 'stopwaitsecs': p.stopwaitsecs,
            'stopasgroup': p.stopasgroup, 'killasgroup': p.killasgroup,
            'stdout': [p.stdout_logfile, p.stdout_logfile_maxbytes],
            'stderr': [p.stderr_logfile, p.stderr_logfile_maxbytes],
        })
print(json.dumps({'nodaemon': o.nodaemon, 'logfile': o.logfile, 'pidfile': o.pidfile, 'programs': programs}))
`;

export interface SupervisorConf {
  nodaemon: boolean;
  logfile: string;
  pidfile: string;
  programs: {
    name: string;
    argv: string[];
    directory: string;
    stopsignal: number;
    stopwaitsecs: number;
    stopasgroup: boolean;
    killasgroup: boolean;
    stdout: [string, number];
    stderr: [string, number];
  }[];
}
