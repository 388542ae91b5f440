/**
 * System packages that common Python packages need to build (no wheel for the platform) or to run
 * (a shared library loaded at run time), for apk (Alpine) and apt (Debian, per release: library
 * names changed in trixie's 64-bit time_t transition). The Debian names are checked against apt-cache
 * in test/unit/generators/docker/system-packages.test.ts; the Alpine names are Alpine's own (pkgs.alpinelinux.org).
 */
import type { Model } from '../../lib/model.js';

type Target = 'alpine' | 'bookworm' | 'trixie';
type Names = Record<Target, readonly string[]>;

const same = (debian: readonly string[], alpine: readonly string[]): Names => ({
  alpine,
  bookworm: debian,
  trixie: debian,
});

export interface SystemNeeds {
  /** Headers and tools to compile it (the builder stage only). */
  build: Names;
  /** Shared libraries it loads at run time (the production image too). */
  runtime: Names;
}

/** By distribution name (lower case, `-` for `_` and `.`). */
export const SYSTEM_PACKAGES: Record<string, SystemNeeds> = {
  // No Linux wheels: built from source against the MariaDB client library.
  mysqlclient: {
    build: same(['default-libmysqlclient-dev', 'pkg-config'], ['mariadb-dev', 'pkgconf']),
    runtime: same(['libmariadb3'], ['mariadb-connector-c']),
  },
  // No Linux wheels: built against libcurl.
  pycurl: {
    build: same(['libcurl4-openssl-dev', 'libssl-dev'], ['curl-dev']),
    runtime: { alpine: ['libcurl'], bookworm: ['libcurl4'], trixie: ['libcurl4t64'] },
  },
  // python-xmlsec (SAML): built against libxmlsec1.
  xmlsec: {
    build: same(['libxmlsec1-dev', 'pkg-config'], ['xmlsec-dev', 'pkgconf']),
    runtime: {
      alpine: ['xmlsec'],
      bookworm: ['libxmlsec1-openssl'],
      trixie: ['libxmlsec1t64-openssl'],
    },
  },
  'python-ldap': {
    build: same(['libldap2-dev', 'libsasl2-dev'], ['openldap-dev']),
    runtime: { alpine: ['libldap'], bookworm: ['libldap-2.5-0'], trixie: ['libldap2'] },
  },
  // psycopg2 from source (psycopg2-binary bundles libpq).
  psycopg2: { build: same(['libpq-dev'], ['libpq-dev']), runtime: same(['libpq5'], ['libpq']) },
  pyodbc: { build: same(['unixodbc-dev'], ['unixodbc-dev']), runtime: same(['unixodbc'], ['unixodbc']) },
  // Loaded with ctypes/cffi at run time: wheels do not bundle these.
  'python-magic': {
    build: same([], []),
    runtime: { alpine: ['libmagic'], bookworm: ['libmagic1'], trixie: ['libmagic1t64'] },
  },
  weasyprint: {
    build: same([], []),
    runtime: same(['libcairo2', 'libpango-1.0-0', 'libpangoft2-1.0-0'], ['cairo', 'pango']),
  },
  cairocffi: { build: same([], []), runtime: same(['libcairo2'], ['cairo']) },
};

/** Packages with no musl (Alpine) wheels that cannot reasonably be built there. */
export const NO_MUSL_WHEELS = ['torch', 'tensorflow', 'onnxruntime', 'jaxlib'];

const targetOf = (m: Model): Target => (m.s.variant === 'alpine' ? 'alpine' : m.s.debianRelease);

/** The system packages the project's Python packages need, for the build or at run time. */
export function systemPackagesFor(m: Model, packages: Iterable<string>, kind: keyof SystemNeeds): string[] {
  const out = new Set<string>();
  for (const name of packages) for (const p of SYSTEM_PACKAGES[name]?.[kind][targetOf(m)] ?? []) out.add(p);
  return [...out].sort();
}

/** A warning per package that has no Alpine wheels, naming the variant that has them. */
export function muslWarnings(m: Model, packages: Iterable<string>): string[] {
  if (m.s.variant !== 'alpine') return [];
  return [...packages]
    .filter((name) => NO_MUSL_WHEELS.includes(name))
    .map(
      (name) =>
        `${name} publishes no wheels for Alpine (musl) and does not build there reasonably: use --variant slim`,
    );
}
