import chalk from 'chalk';
import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { dockerfileView, type DockerfileInputs, type DockerfileView } from './dockerfile.js';
import {
  CONTAINER_DEV_REQUIREMENTS,
  CONTAINER_REQUIREMENTS,
  containerDevRequirements,
  containerRequirements,
  containerRequirementsFile,
  djangoRequirementsFile,
  hasContainerDevRequirements,
  requirementClosure,
  requirementNames,
  requirementPins,
} from '../../lib/requirements.js';
import { muslWarnings } from './system-packages.js';
import { isIgnored, mergeLines, parseIgnore, SECRET_FILES } from '../../lib/ignore-files.js';
import { printable } from '../../lib/safe-fs.js';
import type { MustFix } from '../../lib/summary.js';
import { dirOf } from '../../lib/paths.js';
import { TRACKED_ENV_SECRETS_FILE } from '../../lib/secrets-file.js';
import { dockerignoreLines } from './dockerignore.js';

/** Secrets files as they are named in a project (lib/ignore-files.ts SECRET_FILES): never in an image. */
const SECRET_PATHS = [
  '.env',
  '.env.local',
  '.env.production',
  TRACKED_ENV_SECRETS_FILE,
  'k8s/overlays/production/secrets.env',
];

/**
 * `yo py-docker:docker`: the multi-stage Dockerfile (assets, builder, development, production) and the
 * `.dockerignore` entries it relies on (merged into the user's file).
 */
export default class DockerGenerator extends PyDockerGenerator {
  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'docker');
  }

  /** A project file as this run sees it (files other parts write in the same run included). */
  private readText(path: string): string | undefined {
    const full = this.destinationPath(path);
    return this.fs.exists(full) ? this.fs.read(full) : undefined;
  }

  /** Where package.json, pyproject.toml and the requirement files are (detected; the root by default). */
  private inputs(): DockerfileInputs {
    const s = this.settings;
    const deps = this.detection.pythonDeps;
    const read = (path: string): string | undefined => this.readText(path);
    return {
      nodeDir: this.detection.node?.dir ?? '.',
      pyprojectDir: (deps.kind === 'pyproject' || deps.kind === 'uv') && deps.file ? dirOf(deps.file) : '.',
      requirements: requirementClosure(read, s.requirementsFile),
      devRequirements:
        s.devRequirementsFile === 'none' ? [] : requirementClosure(read, s.devRequirementsFile),
      imageRepositoryKnown: this.resolution.origins.imageRepository !== 'default',
    };
  }

  /**
   * An existing project with no dependency file gets a requirements.txt pinning its Django (written
   * once, never replaced); the starter writes its own in the app part.
   */
  private writeProjectRequirements(): void {
    const s = this.settings;
    if (!this.detection.django || this.detection.pythonDeps.kind !== 'none') return;
    if (s.pythonDeps !== 'requirements' || this.readText(s.requirementsFile) !== undefined) return;
    this.writeGenerated(s.requirementsFile, djangoRequirementsFile(s), { once: true });
    this.log.info(
      `${s.requirementsFile}: the project declares no dependencies; wrote one with Django==${s.djangoVersion}`,
    );
  }

  /**
   * The project's dependencies from its files as this run sees them, read once: the distribution names
   * (with detection's) and their exact pins.
   */
  private projectDependencies(inputs: DockerfileInputs): { names: Set<string>; pins: Map<string, string> } {
    const names = new Set(this.detection.pythonPackages);
    const pins = new Map<string, string>();
    for (const file of [...inputs.requirements, ...inputs.devRequirements]) {
      const text = this.readText(file) ?? '';
      for (const name of requirementNames(text)) names.add(name);
      for (const [name, pin] of requirementPins(text)) pins.set(name, pin);
    }
    return { names, pins };
  }

  writing(): void {
    const m = this.model;
    this.writeProjectRequirements();
    const inputs = this.inputs();
    const { names: packages, pins } = this.projectDependencies(inputs);
    // What the container needs and the project lacks, as docker/requirements.txt pins.
    const extra = containerRequirements(
      this.settings,
      (name) => packages.has(name),
      (name) => pins.get(name),
    );
    this.writeGenerated(CONTAINER_REQUIREMENTS, containerRequirementsFile(extra));
    if (extra.length > 0 && this.detection.django)
      this.log.info(
        `${CONTAINER_REQUIREMENTS}: the image adds ${extra.map((r) => `${r.name}==${r.version}`).join(', ')}, which the project's dependencies lack`,
      );
    if (hasContainerDevRequirements(this.settings))
      this.writeGenerated(
        CONTAINER_DEV_REQUIREMENTS,
        containerRequirementsFile(
          containerDevRequirements(this.settings, (name) => packages.has(name)),
          true,
        ),
      );
    // System libraries of the project's packages (generators/docker/system-packages.ts), and Alpine's gaps.
    const view = dockerfileView(m, { ...inputs, pythonPackages: packages });
    for (const warning of muslWarnings(m, packages)) this.mustFix(warning, 'yo py-docker --variant slim');
    this.writeGenerated('Dockerfile', this.render('Dockerfile.ejs', { d: view }));
    // A Django app named docs/ is code, not documentation: it stays in the context.
    const needed = [
      ...view.required,
      ...(this.readText('docs/__init__.py') === undefined ? [] : ['docs/__init__.py']),
    ];
    const dockerignore = mergeLines(this.readMerged('.dockerignore'), dockerignoreLines(m, needed));
    this.checkSecretsIgnored(dockerignore);
    this.writeGenerated('.dockerignore', dockerignore, { merge: true });
    for (const { problem, fix } of this.warnings(view, dockerignore)) this.mustFix(problem, fix);
  }

  /**
   * `COPY . ` sends the whole build context into the image: a line of the user's `.dockerignore` that
   * lets a secrets file back in (`!.env`) would bake its secrets into every image, so the run stops.
   */
  private checkSecretsIgnored(dockerignore: string): void {
    const rules = parseIgnore(dockerignore);
    const leaked = SECRET_PATHS.find((path) => !isIgnored(rules, path));
    if (!leaked) return;
    const line = [...rules].reverse().find((r) => r.exception && r.regex.test(leaked));
    throw new Error(
      `.dockerignore: ${line ? `the line "!${printable(line.pattern)}"` : 'a line'} puts ${leaked} back into the build context, so the image would contain its secrets; allowed: exceptions that keep ${SECRET_FILES.filter((f) => !f.startsWith('!')).join(', ')} out: remove that line`,
    );
  }

  /** Things that would make the image fail to build or start, found now rather than in `docker build`. */
  private warnings(view: DockerfileView, dockerignore: string): MustFix[] {
    const warnings: MustFix[] = [];
    const rules = parseIgnore(dockerignore);
    const ignored = view.required.filter((path) => isIgnored(rules, path));
    if (ignored.length > 0) {
      warnings.push({
        problem: `.dockerignore leaves out ${ignored.join(', ')}, which the image needs: remove the line that matches`,
        fix: `remove the lines of .dockerignore that match ${ignored.join(', ')}`,
      });
    }
    const node = this.detection.node;
    // Read now, not at detection: the starter writes its package.json in this same run.
    const manifest = view.required.find((p) => p.endsWith('package.json'));
    if (manifest && this.readText(manifest) === undefined) {
      warnings.push({
        problem: `${manifest} is missing: the image builds the front-end assets with "npm ci" and "npm run ${this.settings.buildScript}"; add package.json and package-lock.json (npm install) before building, or choose --frontend none`,
        fix: 'yo py-docker --frontend none     (or add package.json, then npm install)',
      });
    } else if (manifest && node && !node.lockfile) {
      const lockfile = view.required.find((p) => p.endsWith('package-lock.json')) ?? 'package-lock.json';
      const folder = lockfile.includes('/') ? lockfile.slice(0, lockfile.lastIndexOf('/')) : '';
      warnings.push({
        problem: `${lockfile} is missing: run "npm install" once, the image runs "npm ci"`,
        fix: folder ? `(cd ${folder} && npm install)` : 'npm install',
      });
    }
    return warnings;
  }

  override end(): void {
    super.end();
    if (this.options.composed || this.readText('docker/entrypoint.sh') !== undefined) return;
    this.log(
      `The Dockerfile runs the scripts in docker/ (entrypoint, health check): generate them with ${chalk.cyan('yo py-docker:scripts')}.`,
    );
  }
}
