/**
 * The configuration structs of the real container-structure-test, at the release the generated
 * workflow installs (generators/ci/actions.ts CONTAINER_STRUCTURE_TEST.version, v1.21.0), as data: each field's
 * YAML key and Go type, read from the tool's public source (GoogleContainerTools/container-structure-test,
 * pkg/types/v2/{structure,metadata,command,file_existence,file_content,licenses}.go and
 * pkg/types/unversioned/types.go).
 *
 * How the tool reads a .yaml config (cmd/container-structure-test/app/cmd/test/util.go `Parse`): it
 * takes schemaVersion first, then decodes the whole file with gopkg.in/yaml.v2 `UnmarshalStrict`
 * into v2.StructureTest. So a key that is no field is an error ("field x not found in type
 * v2.MetadataTest") and the whole run fails; a field without a `yaml:` tag is read under its name in
 * lower case (EnvVar.Key is `key`); YAML 1.1 rules decide what a scalar is (yes/no/on/off are
 * booleans); any scalar fills a Go string, only a boolean fills a bool, only an integer an int.
 * `structFindings` decodes a config the same way and reports what the tool would refuse.
 */
import { parseDocument } from 'yaml';

export type GoType =
  | 'string'
  | 'bool'
  | 'int'
  | { list: GoType }
  /** Pointer fields (`*[]string`): nil when absent, else the element type. */
  | { pointer: GoType }
  | { struct: string };

export interface GoStruct {
  /** File of the tool's repository that declares it. */
  source: string;
  /** YAML key -> Go type. */
  fields: Record<string, GoType>;
}

const list = (of: GoType): GoType => ({ list: of });
const struct = (name: string): GoType => ({ struct: name });

/** The structs at v1.21.0. v2.StructureTest also has DriverImpl and DriverArgs: set by the tool, not by a config. */
export const STRUCTS: Record<string, GoStruct> = {
  'v2.StructureTest': {
    source: 'pkg/types/v2/structure.go',
    fields: {
      schemaVersion: 'string',
      globalEnvVars: list(struct('unversioned.EnvVar')),
      commandTests: list(struct('v2.CommandTest')),
      fileExistenceTests: list(struct('v2.FileExistenceTest')),
      fileContentTests: list(struct('v2.FileContentTest')),
      metadataTest: struct('v2.MetadataTest'),
      licenseTests: list(struct('v2.LicenseTest')),
      containerRunOptions: struct('unversioned.ContainerRunOptions'),
    },
  },
  'v2.MetadataTest': {
    source: 'pkg/types/v2/metadata.go',
    fields: {
      envVars: list(struct('unversioned.EnvVar')),
      unboundEnvVars: list(struct('unversioned.EnvVar')),
      exposedPorts: list('string'),
      unexposedPorts: list('string'),
      entrypoint: { pointer: list('string') },
      cmd: { pointer: list('string') },
      workdir: 'string',
      volumes: list('string'),
      unmountedVolumes: list('string'),
      labels: list(struct('unversioned.Label')),
      user: 'string',
    },
  },
  'v2.CommandTest': {
    source: 'pkg/types/v2/command.go',
    fields: {
      name: 'string',
      setup: list(list('string')),
      teardown: list(list('string')),
      envVars: list(struct('unversioned.EnvVar')),
      exitCode: 'int',
      command: 'string',
      args: list('string'),
      expectedOutput: list('string'),
      excludedOutput: list('string'),
      expectedError: list('string'),
      excludedError: list('string'),
    },
  },
  'v2.FileExistenceTest': {
    source: 'pkg/types/v2/file_existence.go',
    fields: {
      name: 'string',
      path: 'string',
      shouldExist: 'bool',
      permissions: 'string',
      uid: 'int',
      gid: 'int',
      isExecutableBy: 'string',
    },
  },
  'v2.FileContentTest': {
    source: 'pkg/types/v2/file_content.go',
    fields: {
      name: 'string',
      path: 'string',
      expectedContents: list('string'),
      excludedContents: list('string'),
    },
  },
  'v2.LicenseTest': {
    source: 'pkg/types/v2/licenses.go',
    fields: { debian: 'bool', files: list('string') },
  },
  // Key and Value carry no yaml tag: yaml.v2 reads them as "key" and "value".
  'unversioned.EnvVar': {
    source: 'pkg/types/unversioned/types.go',
    fields: { key: 'string', value: 'string', isRegex: 'bool' },
  },
  'unversioned.Label': {
    source: 'pkg/types/unversioned/types.go',
    fields: { key: 'string', value: 'string', isRegex: 'bool' },
  },
  'unversioned.ContainerRunOptions': {
    source: 'pkg/types/unversioned/types.go',
    fields: {
      user: 'string',
      privileged: 'bool',
      allocateTty: 'bool',
      envVars: list('string'),
      envFile: 'string',
      capabilities: list('string'),
      bindMounts: list('string'),
    },
  },
};

export const typeName = (t: GoType): string =>
  typeof t === 'string'
    ? t
    : 'list' in t
      ? `[]${typeName(t.list)}`
      : 'pointer' in t
        ? `*${typeName(t.pointer)}`
        : t.struct;

const kindOf = (value: unknown): string =>
  Array.isArray(value)
    ? 'a list'
    : typeof value === 'object'
      ? 'a mapping'
      : `the ${typeof value} ${JSON.stringify(value)}`;

function decode(value: unknown, type: GoType, path: string, out: string[]): void {
  // null (or ~) leaves the Go zero value.
  if (value === null || value === undefined) return;
  const refuse = (): void => void out.push(`${path}: ${kindOf(value)} cannot fill Go ${typeName(type)}`);
  if (type === 'string') {
    if (typeof value === 'object') refuse();
  } else if (type === 'bool') {
    if (typeof value !== 'boolean') refuse();
  } else if (type === 'int') {
    if (!Number.isInteger(value)) refuse();
  } else if ('pointer' in type) {
    decode(value, type.pointer, path, out);
  } else if ('list' in type) {
    if (!Array.isArray(value)) refuse();
    else value.forEach((item, i) => decode(item, type.list, `${path}[${i}]`, out));
  } else {
    if (typeof value !== 'object' || Array.isArray(value)) return refuse();
    const { fields } = STRUCTS[type.struct]!;
    for (const [key, child] of Object.entries(value)) {
      const field = fields[key];
      if (!field) out.push(`${path ? `${path}.` : ''}${key}: field ${key} not found in type ${type.struct}`);
      else decode(child, field, path ? `${path}.${key}` : key, out);
    }
  }
}

/**
 * What the real tool would refuse in a container-structure-test.yaml, decoding it as it does
 * (YAML 1.1, strict fields, Go types); [] when it reads every key we wrote.
 */
export function structFindings(text: string): string[] {
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true });
  if (doc.errors.length > 0) return doc.errors.map((e) => `YAML: ${e.message}`);
  const config: unknown = doc.toJS();
  const out: string[] = [];
  decode(config, struct('v2.StructureTest'), '', out);
  const version = (config as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== '2.0.0') out.push(`schemaVersion: ${JSON.stringify(version)} is not 2.0.0`);
  return out;
}
