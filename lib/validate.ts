/**
 * Pure validators shared by CLI flags and prompts: each returns `true` or a message saying what is
 * wrong and what is allowed. They are strict on purpose: every value ends up in YAML, shell scripts or
 * a Dockerfile, so the character sets are whitelists, never blacklists.
 */
export type Validation = true | string;
export type Validator<T> = (value: T) => Validation;

const show = (value: unknown): string => JSON.stringify(value);

/** DNS-1123 label: used for compose project, image, container and Kubernetes object names. */
export const dnsLabel =
  (maxLength: number): Validator<string> =>
  (value) => {
    if (value.length === 0) return `must not be empty; allowed: lowercase letters, digits and "-"`;
    if (value.length > maxLength) return `is ${value.length} characters long; allowed: at most ${maxLength}`;
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
      return `${show(value)} is not a DNS-1123 label; allowed: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit`;
    }
    return true;
  };

/** A dotted version with a fixed number of parts ("3.9.21"), or within [min, max] parts. */
export const version =
  (minParts: number, maxParts: number, example: string): Validator<string> =>
  (value) => {
    const parts = value.split('.');
    if (
      parts.length < minParts ||
      parts.length > maxParts ||
      !parts.every((part) => /^(0|[1-9][0-9]{0,3})$/.test(part))
    ) {
      const parts = example.split('.');
      // Every version setting takes a major, a major.minor line or a full version (lib/versions.ts).
      if (minParts === 1 && maxParts === 3)
        return `${show(value)} is not a version; allowed: a major (${parts[0]!}), a line (${parts.slice(0, 2).join('.')}) or a full version (${example})`;
      const shape = minParts === maxParts ? `${minParts} numbers` : `${minParts} to ${maxParts} numbers`;
      return `${show(value)} is not a version; allowed: ${shape} separated by dots, e.g. ${example}`;
    }
    return true;
  };

/** A version whose major.minor lies in an inclusive range, e.g. Python 3.8 to 3.14. */
export const versionInRange =
  (minParts: number, maxParts: number, example: string, lowest: string, highest: string): Validator<string> =>
  (value) => {
    const shape = version(minParts, maxParts, example)(value);
    if (shape !== true) return shape;
    if (
      compareVersions(value, lineOfBound(lowest, value)) < 0 ||
      compareVersions(majorMinorOf(value, highest), highest) > 0
    ) {
      return `${show(value)} is not supported; allowed: ${lowest} to ${highest}.x`;
    }
    return true;
  };

/**
 * A version from `lowest` on, with no upper bound: a release newer than the lifecycle data knows (a
 * project pinning it, or a flag) is a warning at generation time (lib/lifecycle.ts), not a stop.
 */
export const versionFrom =
  (minParts: number, maxParts: number, example: string, lowest: string): Validator<string> =>
  (value) => {
    const shape = version(minParts, maxParts, example)(value);
    if (shape !== true) return shape;
    return compareVersions(value, lineOfBound(lowest, value)) < 0
      ? `${show(value)} is not supported; allowed: ${lowest} or newer, e.g. ${example}`
      : true;
  };

const majorMinorOf = (value: string, like: string): string =>
  value.split('.').slice(0, like.split('.').length).join('.');

/** A bound cut to the parts a release line has: "3" is checked against "3" of "3.8", not against 3.8. */
const lineOfBound = (bound: string, value: string): string =>
  bound.split('.').slice(0, value.split('.').length).join('.');

/** Compares dotted numeric versions; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export const oneOf =
  <T extends string>(choices: readonly T[]): Validator<T> =>
  (value: string) =>
    (choices as readonly string[]).includes(value)
      ? true
      : `${show(value)} is not a known choice; allowed: ${choices.join(', ')}`;

export const integerRange =
  (min: number, max: number): Validator<number> =>
  (value) =>
    Number.isInteger(value) && value >= min && value <= max
      ? true
      : `${show(value)} is out of range; allowed: a whole number from ${min} to ${max}`;

const PY_IDENT = '[A-Za-z_][A-Za-z0-9_]*';

/** Dotted Python module path, e.g. `config.settings.production`. */
export const pythonModule: Validator<string> = (value) =>
  new RegExp(`^${PY_IDENT}(\\.${PY_IDENT})*$`).test(value) && value.length <= 200
    ? true
    : `${show(value)} is not a Python module path; allowed: dotted Python identifiers, e.g. config.settings`;

/** WSGI/ASGI application reference, `module.path:attribute`. */
export const pythonAppRef: Validator<string> = (value) =>
  new RegExp(`^${PY_IDENT}(\\.${PY_IDENT})*:${PY_IDENT}$`).test(value) && value.length <= 200
    ? true
    : `${show(value)} is not an application reference; allowed: module.path:attribute, e.g. config.wsgi:application`;

/** URL path for the health endpoint: absolute, plain characters, no query. */
export const urlPath: Validator<string> = (value) =>
  /^\/([A-Za-z0-9._~-]+\/?)*$/.test(value) && value.length <= 100 && !value.split('/').includes('..')
    ? true
    : `${show(value)} is not a plain URL path; allowed: "/" followed by segments of letters, digits, ".", "_", "~" and "-", e.g. /health/`;

/**
 * A path relative to the project root (e.g. `src`, `requirements/base.txt`, `frontend/dist`): no
 * absolute paths, no `..`, no characters that need quoting in a shell, YAML or Dockerfile.
 */
export const relativePath: Validator<string> = (value) => {
  if (value.length === 0 || value.length > 200) return `must be 1 to 200 characters long`;
  if (value.startsWith('/'))
    return `${show(value)} is absolute; allowed: a path relative to the project root`;
  const segments = value.split('/');
  if (segments.some((s) => s === '..'))
    return `${show(value)} leaves the project folder; ".." is not allowed`;
  if (!segments.every((s) => /^[A-Za-z0-9._-]+$/.test(s))) {
    return `${show(value)} has characters that are not allowed; allowed: letters, digits, ".", "_", "-" and "/" between names`;
  }
  return true;
};

/** Comma-separated relative paths without repeats; "." (the whole project) only on its own. */
export const pathList: Validator<string> = (value) => {
  const list = value.split(',');
  if (list.includes('.') && list.length > 1)
    return `${show(value)} lists "." with other paths; allowed: "." alone (the whole project) or a list of paths`;
  if (new Set(list).size !== list.length) return `${show(value)} names a path twice`;
  for (const path of list) {
    const problem = relativePath(path);
    if (problem !== true) return path === value ? problem : `${show(path)} in the list: ${problem}`;
  }
  return true;
};

/**
 * DNS host name (RFC 1123). No wildcard: the ingress host is probed, prefixed with "staging." and
 * served as one ALLOWED_HOSTS entry, and one rule holds in every part that stores it.
 */
export const hostname: Validator<string> = (value) => {
  if (value.startsWith('*.'))
    return `${show(value)} is a wildcard; allowed: one plain host name for the Kubernetes ingress, e.g. app.example.com`;
  const labels = value.split('.');
  const ok =
    value.length > 0 &&
    value.length <= 253 &&
    labels.length >= 2 &&
    labels.every((label) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(label));
  return ok
    ? true
    : `${show(value)} is not a host name; allowed: lowercase DNS names with at least one dot, e.g. app.example.com`;
};

/** Container image repository without tag: `[registry[:port]/]path`, lowercase. */
export const imageRepository: Validator<string> = (value) => {
  const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
  const registry =
    '(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*(?::[0-9]{1,5})?/)?';
  const re = new RegExp(`^${registry}${component}(?:/${component})*$`);
  if (!re.test(value) || value.length > 255)
    return `${show(value)} is not an image repository; allowed: lowercase [registry/]owner/name without a tag, e.g. ghcr.io/acme/shop`;
  // Docker reads a first component with a dot or a port as the registry host ("a_b.c/x" is no path).
  const host = imageRegistry(value);
  return host === 'docker.io' || registryHost(host) === true
    ? true
    : `${show(value)} starts with ${show(host)}, which Docker reads as a registry host but is not one; allowed: a host name like registry.example.com, or a path without dots in its first part`;
};

/**
 * The registry an image repository lives in, as Docker reads the name: the first component is a
 * registry only when more follow and it has a dot, a port or is localhost; otherwise Docker Hub.
 */
export function imageRegistry(image: string): string {
  const first = image.split('/')[0]!;
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first
    : 'docker.io';
}

/** Registry host, e.g. ghcr.io or registry.example.com:5000. */
export const registryHost: Validator<string> = (value) =>
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+|localhost)(:[0-9]{1,5})?$/.test(value) &&
  value.length <= 253
    ? true
    : `${show(value)} is not a registry host; allowed: a lowercase host name with an optional :port, e.g. ghcr.io`;

/** Kubernetes CPU quantity: millicores (`250m`) or cores (`1`, `0.5`). */
export const cpuQuantity: Validator<string> = (value) =>
  /^([1-9][0-9]{0,5}m|[0-9]{1,3}(\.[0-9]{1,3})?)$/.test(value) && value !== '0' && !/^0+(\.0+)?$/.test(value)
    ? true
    : `${show(value)} is not a CPU quantity; allowed: millicores like 250m or cores like 1 or 0.5`;

/** Kubernetes memory quantity with a binary or decimal suffix (decimal kilo is lowercase `k` there). */
export const memoryQuantity: Validator<string> = (value) =>
  /^[1-9][0-9]{0,6}(Ki|Mi|Gi|k|M|G)$/.test(value)
    ? true
    : `${show(value)} is not a memory quantity; allowed: a whole number with Ki, Mi, Gi, k, M or G, e.g. 512Mi`;

/** Comma-separated Docker platforms, e.g. `linux/amd64,linux/arm64`. */
export const platforms: Validator<string> = (value) => {
  const allowed = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le', 'linux/s390x'];
  const list = value.split(',');
  if (list.length === 0 || list.some((p) => !allowed.includes(p)) || new Set(list).size !== list.length) {
    return `${show(value)} is not a platform list; allowed: comma-separated, no repeats, from ${allowed.join(', ')}`;
  }
  return true;
};

/** Kubernetes namespace (DNS-1123 label, 63 characters) that is not a system namespace. */
export const namespace: Validator<string> = (value) => {
  const label = dnsLabel(63)(value);
  if (label !== true) return label;
  return ['kube-system', 'kube-public', 'kube-node-lease'].includes(value)
    ? `${show(value)} is a Kubernetes system namespace; allowed: a namespace of your own`
    : true;
};
