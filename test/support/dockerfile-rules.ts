/**
 * The Dockerfile rules of docs checklist.md ("Dockerfile, Dockerfile.test"), checked over the parsed
 * Dockerfile (dockerfile-ast), because hadolint and `docker build --check` cannot run here. Each finding
 * names its rule (hadolint code or Docker build check) and the line, so a failing test says what to fix.
 */
import {
  DockerfileParser,
  type From,
  type Instruction,
  type ModifiableInstruction,
  type PropertyInstruction,
} from 'dockerfile-ast';

export interface RuleOptions {
  /** The app port: EXPOSE in the final stage must be exactly this. */
  port?: number;
  /** Lowest UID/GID the final USER may have (kube-score, restricted PSS). */
  minUid?: number;
}

export interface Stage {
  /** Stage name (`AS name`), lowercased as Docker treats it. */
  name?: string;
  from: From;
  /** Base image text, or the parent stage's name. */
  base: string;
  parent?: Stage;
  instructions: Instruction[];
}

const line = (i: Instruction): number => i.getRange().start.line + 1;
const keyword = (i: Instruction): string => i.getKeyword().toUpperCase();

/** Splits a Dockerfile into its stages; `FROM <stage>` links a stage to its parent. */
export function parseStages(text: string): Stage[] {
  const dockerfile = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (keyword(instruction) === 'FROM') {
      const from = instruction as From;
      const base = from.getImage() ?? '';
      const parent = stages.find((s) => s.name !== undefined && s.name === base.toLowerCase());
      stages.push({ name: from.getBuildStage()?.toLowerCase(), from, base, parent, instructions: [] });
    } else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

/** A stage's instructions with those it inherits from parent stages first. */
function lineage(stage: Stage): Instruction[] {
  return [...(stage.parent ? lineage(stage.parent) : []), ...stage.instructions];
}

/** The command text of a RUN without its flags, continuation lines joined. */
export function runCommand(run: Instruction): string {
  return run.getArgumentsContent() ?? '';
}

/** `--mount=...` values of a RUN. */
function mounts(run: Instruction): string[] {
  return (run as ModifiableInstruction)
    .getFlags()
    .filter((f) => f.getName() === 'mount')
    .map((f) => f.getValue() ?? '');
}

/** Shell text with quoted strings blanked out, so `|` or `cd` inside quotes do not count. */
function unquoted(command: string): string {
  return command.replace(/'[^']*'/g, "''").replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

const hasPipe = (command: string): boolean => /(^|[^|])\|([^|]|$)/.test(unquoted(command));

/** Segments of a shell command split at `;`, `&&`, `||`, `|` and newlines. */
function segments(command: string): string[] {
  return unquoted(command)
    .split(/;|&&|\|\||\||\n|\bthen\b|\bdo\b|\belse\b/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function jsonArray(text: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Docker's SecretsUsedInArgOrEnv pattern (build check), with its allowance for public keys. */
export function looksSecret(name: string): boolean {
  return (
    /(?:^|_)(?:apikey|auth|credential|credentials|key|password|pass|pword|passwd|secret|token)(?:_|$)/i.test(
      name,
    ) && !/public/i.test(name)
  );
}

/** Packages no production image should install: compilers, headers, Node.js. */
const TOOLCHAIN =
  /^(build-base|build-essential|gcc|g\+\+|clang|make|musl-dev|libc6?-dev|[a-z0-9.+-]+-dev|nodejs|npm|yarn)$/;

/** Package names an `apk add` / `apt-get install` segment installs. */
function installedPackages(segment: string): string[] {
  const match = /^(?:\S+=\S+\s+)*(?:apk\s+add|apt-get\s+install|apt\s+install)\s+(.*)$/.exec(segment);
  if (!match) return [];
  return match[1]!
    .split(/\s+/)
    .filter((t) => t !== '' && !t.startsWith('-'))
    .map((t) => t.replace(/[=<>].*$/, ''));
}

/**
 * Every rule violation of the Dockerfile `text` (empty when it is clean). `options` add the checks
 * that depend on the settings.
 */
export function dockerfileFindings(text: string, options: RuleOptions = {}): string[] {
  const findings: string[] = [];
  const add = (rule: string, at: Instruction, message: string): void => {
    findings.push(`${rule} line ${line(at)}: ${message}`);
  };
  const stages = parseStages(text);
  if (stages.length === 0) return ['DL3061: no FROM instruction'];
  const final = stages.at(-1)!;
  const names = new Set<string>();

  for (const stage of stages) {
    const { from } = stage;
    // DL3006/DL3007: a base image has an explicit tag (or digest) that is not `latest`.
    if (!stage.parent) {
      if (stage.base.includes('$')) add('DL3006', from, `base image ${stage.base} is not a literal tag`);
      else if (!from.getImageDigest()) {
        const tag = from.getImageTag();
        if (!tag) add('DL3006', from, `base image ${stage.base} has no tag`);
        else if (tag === 'latest') add('DL3007', from, `base image ${stage.base} uses latest`);
      }
    }
    // StageNameCasing, DuplicateStageName, FromAsCasing.
    const raw = from.getBuildStage();
    if (raw !== null) {
      if (raw !== raw.toLowerCase()) add('StageNameCasing', from, `stage name ${raw} is not lowercase`);
      if (names.has(raw.toLowerCase())) add('DuplicateStageName', from, `stage name ${raw} is used twice`);
      names.add(raw.toLowerCase());
      const as = (from.getArgumentsContent() ?? '').split(/\s+/).find((t) => /^as$/i.test(t)) ?? '';
      const fromUpper = from.getInstruction() === from.getInstruction().toUpperCase();
      if ((as === as.toUpperCase()) !== fromUpper)
        add('FromAsCasing', from, `"${as}" casing differs from FROM`);
    }

    let shellPipefail = false;
    for (const ancestor of stage.parent ? lineage(stage.parent) : []) {
      if (keyword(ancestor) === 'SHELL') shellPipefail = pipefail(ancestor);
    }
    for (const instruction of stage.instructions) {
      const kw = keyword(instruction);
      const args = instruction.getArgumentsContent() ?? '';
      switch (kw) {
        case 'SHELL':
          shellPipefail = pipefail(instruction);
          break;
        case 'ADD':
          add('DL3020', instruction, 'use COPY, not ADD');
          break;
        case 'MAINTAINER':
          add('DL4000', instruction, 'MAINTAINER is deprecated; use a LABEL');
          break;
        case 'WORKDIR':
          if (!args.startsWith('/') && !args.startsWith('$')) {
            add('DL3000', instruction, `WORKDIR ${args} is not absolute`);
          }
          break;
        case 'CMD':
        case 'ENTRYPOINT':
          if (!jsonArray(args)) add('DL3025', instruction, `${kw} is not in JSON (exec) form`);
          break;
        case 'HEALTHCHECK': {
          const command = args.replace(/^(--\S+\s+)*/, '');
          if (/^CMD\s/i.test(command) && !jsonArray(command.replace(/^CMD\s+/i, ''))) {
            add('DL3025', instruction, 'HEALTHCHECK CMD is not in JSON (exec) form');
          }
          break;
        }
        case 'ARG':
        case 'ENV':
        case 'LABEL':
          for (const property of (instruction as PropertyInstruction).getProperties()) {
            if (kw !== 'LABEL' && looksSecret(property.getName())) {
              add('SecretsUsedInArgOrEnv', instruction, `${kw} ${property.getName()} looks like a secret`);
            }
            if (kw !== 'ARG' && property.getAssignmentOperator() !== '=') {
              add('LegacyKeyValueFormat', instruction, `${kw} ${property.getName()} is not key=value`);
            }
          }
          break;
        case 'RUN':
          checkRun(instruction, shellPipefail, add);
          break;
        default:
      }
    }
  }

  // The final stage: who it runs as, its health check, its port, and nothing to build with.
  const finalLineage = lineage(final);
  const users = finalLineage.filter((i) => keyword(i) === 'USER');
  const lastUser = users.at(-1);
  const minUid = options.minUid ?? 10000;
  if (!lastUser) add('DL3002', final.from, 'the final stage sets no USER (runs as root)');
  else {
    const value = lastUser.getArgumentsContent() ?? '';
    const match = /^([0-9]+)(?::([0-9]+))?$/.exec(value);
    if (!match) add('DL3002', lastUser, `last USER ${value} is not numeric uid[:gid]`);
    else if (Number(match[1]) < minUid || (match[2] !== undefined && Number(match[2]) < minUid)) {
      add('DL3002', lastUser, `last USER ${value} is below ${minUid}`);
    }
  }
  const healthchecks = finalLineage.filter((i) => keyword(i) === 'HEALTHCHECK');
  if (healthchecks.length !== 1) {
    add('DL3012', final.from, `the final stage has ${healthchecks.length} HEALTHCHECK instructions, not 1`);
  }
  if (options.port !== undefined) {
    const exposed = finalLineage
      .filter((i) => keyword(i) === 'EXPOSE')
      .flatMap((i) => (i.getArgumentsContent() ?? '').split(/\s+/));
    if (exposed.join(' ') !== String(options.port)) {
      add('EXPOSE', final.from, `the final stage exposes [${exposed.join(', ')}], not ${options.port}`);
    }
  }
  for (const instruction of finalLineage) {
    if (keyword(instruction) === 'RUN') {
      for (const segment of segments(runCommand(instruction))) {
        for (const pkg of installedPackages(segment).filter((p) => TOOLCHAIN.test(p))) {
          add('ProductionToolchain', instruction, `the final stage installs ${pkg}`);
        }
      }
    }
    if (keyword(instruction) === 'COPY' && copyFrom(instruction)) {
      const sources = (instruction.getArgumentsContent() ?? '').split(/\s+/).slice(0, -1);
      for (const source of sources.filter((s) => /(^|\/)(node|nodejs|node_modules|npm)(\/|$)/.test(s))) {
        add('ProductionToolchain', instruction, `the final stage copies ${source} (Node.js)`);
      }
    }
  }
  // Application code owned by root, read-only to the app user (docker init; checklist.md): no COPY into
  // the final stage hands files to another owner, and no RUN gives a whole tree away (chown -R).
  for (const instruction of final.instructions) {
    if (keyword(instruction) === 'COPY' || keyword(instruction) === 'ADD') {
      const chown = (instruction as ModifiableInstruction).getFlags().find((f) => f.getName() === 'chown');
      const owner = chown?.getValue() ?? '';
      if (chown && !/^(0|root)(:(0|root))?$/.test(owner))
        add('AppCodeOwnership', instruction, `COPY --chown=${owner}: the app user could change its own code`);
    }
    if (keyword(instruction) === 'RUN') {
      for (const segment of segments(runCommand(instruction)).filter((s) =>
        /^chown\s+(-\S*R|--recursive)/.test(s),
      ))
        add('AppCodeOwnership', instruction, `${segment}: a whole tree handed to another owner`);
    }
  }
  if (/^node(:|$)/.test(final.base) || /(^|\/)node:/.test(final.base)) {
    add('ProductionToolchain', final.from, `the final stage is based on ${final.base}`);
  }
  return findings;
}

/** The `--from` of a COPY (getFromFlag() misses it when other flags follow). */
function copyFrom(copy: Instruction): string | undefined {
  const flag = (copy as ModifiableInstruction).getFlags().find((f) => f.getName() === 'from');
  return flag ? (flag.getValue() ?? '') : undefined;
}

function pipefail(shell: Instruction): boolean {
  const args = jsonArray(shell.getArgumentsContent() ?? '') ?? [];
  const at = args.indexOf('pipefail');
  return at > 0 && /^-[a-z]*o$/.test(args[at - 1]!);
}

function checkRun(
  run: Instruction,
  shellPipefail: boolean,
  add: (rule: string, at: Instruction, message: string) => void,
): void {
  const command = runCommand(run);
  const parts = segments(command);
  const cacheMounts = mounts(run).filter((m) => /type=cache/.test(m));
  if (hasPipe(command) && !shellPipefail) {
    add('DL4006', run, 'RUN with a pipe, but no SHELL with -o pipefail before it');
  }
  if (parts.some((s) => /^cd(\s|$)/.test(s))) add('DL3003', run, 'cd in RUN; use WORKDIR');
  if (parts.some((s) => /^sudo\s/.test(s))) add('DL3004', run, 'sudo in RUN');
  // apt (DL3008/DL3009/DL3014/DL3015/DL3027).
  const installAt = parts.findIndex((s) => /^apt-get\s+install\b/.test(s));
  if (parts.some((s) => /^apt\s/.test(s))) add('DL3027', run, 'use apt-get, not apt');
  if (installAt >= 0) {
    const install = parts[installAt]!;
    const updateAt = parts.findIndex((s) => /^apt-get\s+update\b/.test(s));
    if (updateAt < 0 || updateAt > installAt)
      add('DL3009', run, 'apt-get install without apt-get update first');
    if (!/\s(-y|--yes|-qq|--assume-yes)\b/.test(install)) add('DL3014', run, 'apt-get install without -y');
    if (!install.includes('--no-install-recommends')) {
      add('DL3015', run, 'apt-get install without --no-install-recommends');
    }
    const cleanAt = parts.findIndex((s) => /^rm\s+-(rf|fr)\s+\/var\/lib\/apt\/lists\/?\*?/.test(s));
    if (cleanAt < installAt) add('DL3009', run, 'apt lists are not removed after apt-get install');
  }
  // apk (DL3018/DL3019).
  for (const segment of parts.filter((s) => /^apk\s+add\b/.test(s))) {
    if (!/\s--no-cache\b/.test(segment)) add('DL3019', run, 'apk add without --no-cache');
  }
  // pip (DL3042): no cache left in the layer.
  const pipCache = cacheMounts.some((m) => /target=[^,]*\.cache\/pip/.test(m));
  for (const segment of parts.filter((s) => /(^|\s|\/)(pip3?|python3?\s+-m\s+pip)\s+install\b/.test(s))) {
    if (!pipCache && !segment.includes('--no-cache-dir')) {
      add('DL3042', run, 'pip install without --no-cache-dir or a pip cache mount');
    }
  }
  // DL3013: every package pip installs by name is pinned exactly (requirement files pin their own).
  for (const segment of rawSegments(command).filter((s) =>
    /(^|\s|\/)(pip3?|python3?\s+-m\s+pip)\s+install\b/.test(s),
  )) {
    const tokens = segment
      .replace(/^.*?\binstall\s*/, '')
      .split(/\s+/)
      .filter(Boolean);
    for (let i = 0; i < tokens.length; i += 1) {
      const token = tokens[i]!.replace(/^["']|["']$/g, '');
      if (
        /^-(r|c|e|f)$|^--(requirement|constraint|editable|index-url|extra-index-url|trusted-host|target|prefix|find-links)$/.test(
          token,
        )
      ) {
        i += 1; // the option's value
        continue;
      }
      if (token.startsWith('-') || token === '') continue;
      // A path (a wheel file the build made) pins itself, as a requirement file does.
      if (token.includes('/')) continue;
      if (!/^[A-Za-z0-9._-]+(\[[^\]]*\])?==[^=*]+$/.test(token))
        add('DL3013', run, `pip install ${token} is not pinned exactly (name==version)`);
    }
  }
  // npm (DL3016): npm ci from the lockfile; global installs pinned.
  for (const segment of parts.filter((s) => /(^|\s)npm\s+(install|i|add)(\s|$)/.test(s))) {
    const tokens = segment
      .replace(/^.*?npm\s+(install|i|add)\s*/, '')
      .split(/\s+/)
      .filter(Boolean);
    if (!tokens.includes('-g') && !tokens.includes('--global')) {
      add('DL3016', run, 'npm install in an image; use npm ci with the lockfile');
      continue;
    }
    const packages = tokens.filter((t) => !t.startsWith('-') && t !== 'fi');
    const unpinned = packages.filter((t) => !/^(?:""|'')$/.test(t) && !/.@\d/.test(t));
    // Quoted package names were blanked out: read them from the raw command instead.
    const quoted = [...command.matchAll(/npm\s+(?:install|i|add)\s[^;&|]*?"([^"]+)"/g)].map((m) => m[1]!);
    for (const name of [...unpinned, ...quoted.filter((q) => !/.@\d/.test(q))]) {
      add('DL3016', run, `npm global install of ${name} without a pinned version`);
    }
  }
  // DL3046: useradd with a high UID needs -l (no huge lastlog file).
  for (const segment of parts.filter((s) => /^useradd\s/.test(s))) {
    if (/\s-u\s/.test(segment) && !/\s-l\b/.test(segment)) add('DL3046', run, 'useradd -u without -l');
  }
}

/** Segments of a shell command with its quotes kept (split at `;`, `&&`, `||`, `|`, newlines). */
function rawSegments(command: string): string[] {
  return command
    .split(/;|&&|\|\||\||\n|\bthen\b/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Sources of the COPY instructions that read the build context (no --from), as written. */
export function contextCopySources(text: string): string[] {
  const sources: string[] = [];
  for (const stage of parseStages(text)) {
    for (const instruction of stage.instructions) {
      if (keyword(instruction) !== 'COPY' || copyFrom(instruction)) continue;
      const args = (instruction as ModifiableInstruction).getArguments().map((a) => a.getValue());
      sources.push(...args.slice(0, -1));
    }
  }
  return sources;
}

/** A RUN's `--mount` values as key=value records. */
function mountRecords(run: Instruction): Record<string, string>[] {
  return mounts(run).map((m) =>
    Object.fromEntries(
      m.split(',').map((kv) => {
        const at = kv.indexOf('=');
        return at < 0 ? [kv, ''] : [kv.slice(0, at), kv.slice(at + 1)];
      }),
    ),
  );
}

/**
 * No pip in the production venv (checklist.md, "Nothing in the production image that does not run"):
 * the final stage makes its venv `--without-pip`, copies no venv in from another stage, installs no
 * pip, setuptools or wheel by name, and runs pip only from a bind mount (PYTHONPATH=<mount target>),
 * never one that stays in the image.
 */
export function productionPipFindings(text: string, venv: string): string[] {
  const findings: string[] = [];
  const final = parseStages(text).at(-1);
  if (!final) return ['no FROM instruction'];
  if (final.parent) findings.push(`line ${line(final.from)}: the final stage is built on ${final.base}`);
  let madeWithoutPip = false;
  for (const instruction of final.instructions) {
    const kw = keyword(instruction);
    if (kw === 'COPY' && copyFrom(instruction) !== undefined) {
      const sources = (instruction as ModifiableInstruction).getArguments().map((a) => a.getValue());
      for (const source of sources.slice(0, -1).filter((s) => s.replace(/\/$/, '') === venv))
        findings.push(
          `line ${line(instruction)}: COPY --from=${copyFrom(instruction)} ${source} (a venv with its pip)`,
        );
    }
    if (kw !== 'RUN') continue;
    const targets = mountRecords(instruction)
      .filter((m) => m.type === 'bind')
      .map((m) => m.target ?? m.dst ?? m.destination ?? '');
    for (const segment of rawSegments(runCommand(instruction))) {
      if (new RegExp(`^python3? -m venv\\b.*\\s${venv}$`).test(segment)) {
        if (/\s--without-pip\b/.test(segment)) madeWithoutPip = true;
        else findings.push(`line ${line(instruction)}: ${segment}: the venv gets pip`);
      }
      const pip =
        /^(?:(\w+)=(\S*)\s+)*(?:\S*\/)?(?:pip3?|python3?\s+-m\s+pip)\s+(?:--\S+\s+)*(\w+)(.*)$/.exec(segment);
      if (!pip) continue;
      const [, , , subcommand, rest = ''] = pip;
      if (subcommand === 'uninstall') continue;
      const pythonPath = /(?:^|\s)PYTHONPATH=(\S+)/.exec(segment)?.[1];
      if (!pythonPath || !targets.includes(pythonPath))
        findings.push(`line ${line(instruction)}: ${segment}: pip that is not a bind mount`);
      for (const name of rest.split(/\s+/).filter((t) => /^["']?(pip|setuptools|wheel)\b/i.test(t)))
        findings.push(`line ${line(instruction)}: installs ${name}`);
    }
  }
  if (!madeWithoutPip) findings.push(`the final stage makes no venv ${venv} with --without-pip`);
  return findings;
}

/**
 * The builder makes wheels without a venv of its own: no `python -m venv <venv>` in the stage named
 * builder, and every `pip wheel` there runs the pinned pip in `installer` (PYTHONPATH=<installer>), not
 * the base image's. Making a venv and upgrading its pip cost a cold build seconds before any wheel.
 */
export function builderVenvFindings(text: string, venv: string, installer: string): string[] {
  const builder = parseStages(text).find((s) => s.name === 'builder');
  if (!builder) return ['no stage named builder'];
  const findings: string[] = [];
  for (const instruction of builder.instructions) {
    if (keyword(instruction) !== 'RUN') continue;
    for (const segment of rawSegments(runCommand(instruction))) {
      const at = `line ${line(instruction)}: ${segment}`;
      if (new RegExp(`^python3? -m venv\\b.*\\s${venv}$`).test(segment))
        findings.push(`${at}: a venv in the builder`);
      const wheel = /(?:^|\s)(?:\S*\/)?(?:pip3?|python3?\s+-m\s+pip)\s+wheel\b/.test(segment);
      if (wheel && !new RegExp(`(?:^|\\s)PYTHONPATH=${installer}\\s`).test(segment))
        findings.push(`${at}: not the pinned pip in ${installer}`);
    }
  }
  return findings;
}

/**
 * The dependency layers are independent of the code: before the RUN that installs (or builds) the
 * dependencies, in its stage and the stages it is built on, no COPY from the build context and no
 * bind mount of the context brings anything but the dependency manifests (`manifests`: files, or
 * folders written with a trailing `/`). `isInstall` picks the RUNs that install dependencies.
 */
export function dependencyLayerFindings(
  text: string,
  manifests: readonly string[],
  isInstall: (command: string) => boolean,
): string[] {
  const findings: string[] = [];
  // A folder is bind-mounted as `folder`, copied as `folder/`.
  const allowed = (source: string): boolean => manifests.includes(source) || manifests.includes(`${source}/`);
  for (const stage of parseStages(text)) {
    const seen = stage.parent ? lineage(stage.parent) : [];
    for (const instruction of stage.instructions) {
      seen.push(instruction);
      if (keyword(instruction) !== 'RUN' || !isInstall(runCommand(instruction))) continue;
      for (const before of seen) {
        if (keyword(before) === 'COPY' && copyFrom(before) === undefined) {
          const sources = (before as ModifiableInstruction).getArguments().map((a) => a.getValue());
          for (const source of sources.slice(0, -1).filter((s) => !allowed(s)))
            findings.push(
              `line ${line(before)}: COPY ${source} before the dependency install on line ${line(instruction)}`,
            );
        }
        if (keyword(before) !== 'RUN') continue;
        for (const m of mountRecords(before).filter((r) => r.type === 'bind' && r.from === undefined)) {
          const source = m.source ?? m.src ?? '.';
          if (!allowed(source))
            findings.push(
              `line ${line(before)}: binds ${source} of the build context at the dependency install`,
            );
        }
      }
    }
  }
  return findings;
}

/**
 * The production venv is byte-compiled: a pip install there with `--no-compile` is followed, in the
 * same RUN, by a compile of the venv (else every start compiles Django again) on every CPU, the point
 * of skipping pip's own compile. Either compileall's `-j 0` over the venv, or the venv's .py files
 * dealt into one list per CPU (`find <venv>` into awk with `nproc`) and one compileall per list run in
 * the background (`compileall -i <list> &`).
 */
export function productionBytecodeFindings(text: string, venv: string): string[] {
  const final = parseStages(text).at(-1);
  if (!final) return ['no FROM instruction'];
  const findings: string[] = [];
  const overVenv = new RegExp(`^python3? -m compileall\\b.*\\s${venv}(/\\S*)?(\\s|$)`);
  const findVenv = new RegExp(`^\\{?\\s*find ${venv}(/\\S*)? -name '\\*\\.py'`);
  for (const instruction of final.instructions) {
    if (keyword(instruction) !== 'RUN') continue;
    const segments = rawSegments(runCommand(instruction)).map((s) => s.replace(/^\{\s*/, ''));
    segments.forEach((segment, at) => {
      if (!/(?:pip3?|python3?\s+-m\s+pip)\s+(?:--\S+\s+)*install\b.*\s--no-compile\b/.test(segment)) return;
      const after = segments.slice(at + 1);
      const direct = after.find((s) => overVenv.test(s));
      const listed = after.findIndex((s) => findVenv.test(s));
      const lists =
        listed >= 0 &&
        /^awk\b.*\$\(nproc\)/.test(after[listed + 1] ?? '') &&
        after.slice(listed + 2).some((s) => /^python3? -m compileall\b.*\s-i\s+\S+\s*&(?!&)/.test(s));
      if (lists || (direct && /\s-j\s*0\b/.test(direct))) return;
      const where = `line ${line(instruction)}`;
      if (direct) findings.push(`${where}: ${direct}: compiles on one CPU (no -j 0)`);
      else if (listed >= 0)
        findings.push(`${where}: ${after[listed]}: not one compileall per CPU in the background`);
      else findings.push(`${where}: ${segment}: nothing compiles the venv after it`);
    });
  }
  return findings;
}

/** The variables a shell command sets for itself (`A=1 B= cmd ...`), and the command after them. */
function inlineEnv(segment: string): { env: Record<string, string>; command: string } {
  const env: Record<string, string> = {};
  let rest = segment.replace(/^(?:(?:\{|if|!)\s+)+/, '');
  for (let m = /^(\w+)=(\S*)\s+/.exec(rest); m; m = /^(\w+)=(\S*)\s+/.exec(rest)) {
    env[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  return { env, command: rest };
}

/**
 * The build's Python runs keep their bytecode in a cache mount: every `pip wheel` of the builder and
 * every pip install and `manage.py` command of the final stage sets PYTHONPYCACHEPREFIX to the target
 * of a cache mount of its RUN and may write there (PYTHONDONTWRITEBYTECODE empty). The official images'
 * standard library and pip have no .pyc files, so without it each run compiles what it imports from
 * source again. And the prefix never reaches a compileall or the stage's ENV: the venv's bytecode
 * would then go to the cache, not into the image.
 */
export function buildBytecodeFindings(text: string): string[] {
  const stages = parseStages(text);
  const final = stages.at(-1);
  if (!final) return ['no FROM instruction'];
  const builder = stages.find((s) => s.name === 'builder');
  const findings: string[] = [];
  for (const stage of [builder, final]) {
    if (!stage) continue;
    const isFinal = stage === final;
    for (const instruction of stage.instructions) {
      const at = `line ${line(instruction)}`;
      if (
        keyword(instruction) === 'ENV' &&
        /(^|\s)PYTHONPYCACHEPREFIX=/.test(instruction.getArgumentsContent() ?? '')
      )
        findings.push(
          `${at}: ENV PYTHONPYCACHEPREFIX: every Python run of the stage writes its bytecode there`,
        );
      if (keyword(instruction) !== 'RUN') continue;
      const caches = mountRecords(instruction)
        .filter((m) => m.type === 'cache')
        .map((m) => m.target ?? m.dst ?? m.destination ?? '');
      for (const segment of rawSegments(runCommand(instruction))) {
        const { env, command } = inlineEnv(segment);
        if (/^(?:export\s+)?PYTHONPYCACHEPREFIX=/.test(command))
          findings.push(`${at}: ${segment}: sets PYTHONPYCACHEPREFIX for the rest of the RUN`);
        if (/^python3? -m compileall\b/.test(command) && 'PYTHONPYCACHEPREFIX' in env)
          findings.push(`${at}: ${segment}: compiles into the cache, not the image`);
        const pip = /^python3? -m pip\s+(?:--\S+\s+)*(\w+)/.exec(command)?.[1];
        const runsPython =
          (stage === builder && pip === 'wheel') ||
          (isFinal && (pip === 'install' || /^python3? \S*manage\.py\s/.test(command)));
        if (!runsPython) continue;
        const prefix = env.PYTHONPYCACHEPREFIX;
        if (prefix === undefined || !caches.includes(prefix))
          findings.push(`${at}: ${segment}: its bytecode is not kept in a cache mount`);
        else if (env.PYTHONDONTWRITEBYTECODE !== '')
          findings.push(
            `${at}: ${segment}: PYTHONDONTWRITEBYTECODE is not emptied, nothing is written to the cache`,
          );
      }
    }
  }
  return findings;
}

/** What an apt-get install leaves that nothing in the image reads; removed in the same RUN. */
const APT_LEFTOVERS: Record<string, string> = {
  'the package lists': '/var/lib/apt/lists/*',
  "apt's logs": '/var/log/apt/*',
  "dpkg's log": '/var/log/dpkg.log',
  "dpkg's database backups": '/var/lib/dpkg/*-old',
  "debconf's database backups": '/var/cache/debconf/*-old',
};

/** Each RUN of the final stage that runs apt-get install removes APT_LEFTOVERS after it. */
export function aptLeftoverFindings(text: string): string[] {
  const final = parseStages(text).at(-1);
  if (!final) return ['no FROM instruction'];
  const findings: string[] = [];
  for (const instruction of final.instructions) {
    if (keyword(instruction) !== 'RUN') continue;
    const segments = rawSegments(runCommand(instruction));
    const installAt = segments.findIndex((s) => /^apt-get\s+install\b/.test(s));
    if (installAt < 0) continue;
    const removed = segments
      .slice(installAt + 1)
      .filter((s) => /^rm\s+-(rf|fr)\s/.test(s))
      .flatMap((s) => s.split(/\s+/).slice(2));
    for (const [what, path] of Object.entries(APT_LEFTOVERS).filter(([, p]) => !removed.includes(p)))
      findings.push(`line ${line(instruction)}: apt-get install leaves ${what} (${path})`);
  }
  return findings;
}
