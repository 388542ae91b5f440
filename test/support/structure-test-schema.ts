/**
 * JSON schema of a container-structure-test config, schemaVersion 2.0.0, written for the tests from
 * the tool's v2 types (pkg/types/v2 and pkg/types/unversioned), stricter than the tool where a value
 * would test nothing (empty keys, relative paths, malformed permissions). Every object is closed, as
 * the tool's strict YAML decoding is: an unknown key fails the whole run. The tests of the testing part
 * (test/unit/generators/testing/index.test.ts) hold this schema to the real structs
 * (structure-test-structs.ts).
 */
const keyValue = {
  type: 'object',
  required: ['key', 'value'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', minLength: 1 },
    value: { type: 'string', minLength: 1 },
    isRegex: { type: 'boolean' },
  },
};

const strings = { type: 'array', items: { type: 'string' } };
const argv = { type: 'array', items: { type: 'string' }, minItems: 1 };

export const structureTestSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'container-structure-test config (schemaVersion 2.0.0)',
  type: 'object',
  required: ['schemaVersion'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: '2.0.0' },
    globalEnvVars: { type: 'array', items: keyValue },
    metadataTest: {
      type: 'object',
      additionalProperties: false,
      properties: {
        envVars: { type: 'array', items: keyValue },
        // Only the key counts: the variable must not be set at all.
        unboundEnvVars: { type: 'array', items: keyValue },
        labels: { type: 'array', items: keyValue },
        exposedPorts: { type: 'array', items: { type: 'string', pattern: '^[0-9]+(/(tcp|udp))?$' } },
        unexposedPorts: { type: 'array', items: { type: 'string', pattern: '^[0-9]+(/(tcp|udp))?$' } },
        entrypoint: strings,
        cmd: strings,
        workdir: { type: 'string' },
        volumes: strings,
        unmountedVolumes: strings,
        user: { type: 'string' },
      },
    },
    fileExistenceTests: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'path'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          path: { type: 'string', pattern: '^/' },
          shouldExist: { type: 'boolean' },
          permissions: { type: 'string', pattern: '^[-dlcbpsDLugtT?][-rwxsStT]{9}$' },
          uid: { type: 'integer' },
          gid: { type: 'integer' },
          isExecutableBy: { enum: ['owner', 'group', 'other', 'any'] },
        },
      },
    },
    fileContentTests: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'path'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          path: { type: 'string', pattern: '^/' },
          expectedContents: strings,
          excludedContents: strings,
        },
      },
    },
    commandTests: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'command'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          command: { type: 'string', minLength: 1 },
          args: strings,
          envVars: { type: 'array', items: keyValue },
          setup: { type: 'array', items: argv },
          teardown: { type: 'array', items: argv },
          expectedOutput: strings,
          excludedOutput: strings,
          expectedError: strings,
          excludedError: strings,
          exitCode: { type: 'integer' },
        },
      },
    },
    containerRunOptions: {
      type: 'object',
      additionalProperties: false,
      properties: {
        user: { type: 'string' },
        privileged: { type: 'boolean' },
        allocateTty: { type: 'boolean' },
        envVars: strings,
        envFile: { type: 'string' },
        capabilities: strings,
        bindMounts: strings,
      },
    },
    licenseTests: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { debian: { type: 'boolean' }, files: strings },
      },
    },
  },
} as const;
