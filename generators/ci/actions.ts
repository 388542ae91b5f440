/**
 * THE table of third-party code the workflows run: every GitHub Action pinned to a full commit SHA with
 * its release tag, and the one binary release the pipeline downloads. The generated
 * `.github/workflows/docker-build.yml` takes its `uses:` values from here, and a test holds this
 * repository's own `.github/workflows/ci.yml` to the same table. Dependabot (github-actions ecosystem)
 * proposes newer SHAs; update a row here when you take one.
 *
 * How each row was checked (no network on the machines that wrote this): the SHA was looked up in
 * public sources and accepted only when independent repositories agree on the SHA <-> tag pair, with
 * at least one of them saying it resolved the tag itself (`git ls-remote` / the GitHub tags API) or a
 * runner log showing the tag resolving to it. The `verified` field says which evidence was found.
 *
 * Node 20 left the hosted runners on 2026-09-16, so every JavaScript action here is a release that
 * runs on Node 24 (checkout v5+, setup-node v5+, the 2026-03 Docker action majors).
 */

export interface PinnedAction {
  /** What comes before the `@` in `uses:` (owner/repo or owner/repo/path). */
  name: string;
  /** Full 40-hex commit SHA of the release tag (the commit, not an annotated tag object). */
  sha: string;
  /** The release tag, written as the `# vX.Y.Z` comment after `uses:`. */
  version: string;
  /** How the SHA <-> tag pair was checked. */
  verified: string;
}

export const ACTIONS = {
  checkout: {
    name: 'actions/checkout',
    sha: 'de0fac2e4500dabe0009e67214ff5f5447ce83dd',
    version: 'v6.0.2',
    verified:
      'public code search: the same SHA pinned as "# v6.0.2" in many unrelated workflows, and in a ' +
      'tag -> SHA allowlist whose author resolved it with git ls-remote (it also lists v4.2.2 = ' +
      '11bd71901bbe5b1630ceea73d27597364c9af683, the well-known pair)',
  },
  setupNode: {
    name: 'actions/setup-node',
    sha: '6044e13b5dc448c55e2357c09f80417699197238',
    version: 'v6.2.0',
    verified: 'public code search: pinned as "# v6.2.0" by many unrelated workflows, no conflicting tag',
  },
  setupQemu: {
    name: 'docker/setup-qemu-action',
    sha: 'ce360397dd3f832beb865e1373c09c0e9f86d70a',
    version: 'v4.0.0',
    verified:
      'public code search: git ls-remote allowlist (v4.0.0) and several workflows and action-SHA ' +
      'tables marking it "verified" for v4.0.0',
  },
  setupBuildx: {
    name: 'docker/setup-buildx-action',
    sha: '4d04d5d9486b7bd6fa91e7baf45bbb4f8b9deedd',
    version: 'v4.0.0',
    verified:
      'public code search: git ls-remote allowlist (v4.0.0), workflows pinning it as "# v4.0.0"; ' +
      'its v4 release notes (no `install` input any more) read in the issues corpus',
  },
  login: {
    name: 'docker/login-action',
    sha: 'b45d80f862d83dbcd57f89517bcf500b2ab88fb2',
    version: 'v4.0.0',
    verified: 'public code search: several independent SHA tables and workflows pin it as v4.0.0',
  },
  metadata: {
    name: 'docker/metadata-action',
    sha: '030e881283bb7a6894de51c315a6bfe6a94e05cf',
    version: 'v6.0.0',
    verified:
      'public code search: git ls-remote allowlist (v6.0.0 = this SHA, v6.1.0 another) and workflows ' +
      'pinning it as "# v6.0.0"; v6.0.0 release notes read (Node 24, inputs unchanged)',
  },
  buildPush: {
    name: 'docker/build-push-action',
    sha: 'd08e5c354a6adb9ed34480a06d141179aa583294',
    version: 'v7.0.0',
    verified:
      'public code search: pinned as v7.0.0 in independent SHA tables and workflows; a review of a ' +
      'v6 -> v7 bump names this SHA as the v7.0.0 release commit',
  },
  trivy: {
    name: 'aquasecurity/trivy-action',
    sha: 'ed142fd0673e97e23eac54620cfb913e5ce36c25',
    version: 'v0.36.0',
    verified:
      'public code search: git ls-remote allowlist and several workflows ("v0.36.0 peeled commit"). ' +
      'On 2026-03-19 the tags 0.0.1-0.34.2 of this action were force-pushed to malicious commits ' +
      '(aquasecurity/trivy-action#541, GHSA-69fq-xp46-6x23); releases from v0.35.0 on are clean',
  },
  uploadSarif: {
    name: 'github/codeql-action/upload-sarif',
    sha: '8aad20d150bbac5944a9f9d289da16a4b0d87c1e',
    version: 'v4.36.2',
    verified:
      'public code search: git ls-remote allowlist (v4.36.2), a changelog naming it "the peeled commit ' +
      'behind v4.36.2", workflows pinning init/analyze/upload-sarif to it',
  },
} as const satisfies Record<string, PinnedAction>;

export type ActionKey = keyof typeof ACTIONS;

/** Every pinned action, for lookups and the tests. */
export const PINNED_ACTIONS: readonly PinnedAction[] = Object.values(ACTIONS);

/** The `uses:` value of a pinned action. */
export const usesRef = (action: PinnedAction): string => `${action.name}@${action.sha}`;

/** The table row a `uses:` value refers to, if it is one of ours. */
export function pinOf(uses: string): PinnedAction | undefined {
  return PINNED_ACTIONS.find((a) => usesRef(a) === uses);
}

/**
 * container-structure-test (GoogleContainerTools) has no official action: the pipeline downloads this
 * release and checks the binary against these SHA-256 sums before running it. The sums are the ones
 * the project itself pins in its Bazel rules (repositories.bzl at v1.21.0, SRI `sha256-...` values,
 * read from the action repository and converted to hex here).
 */
export const CONTAINER_STRUCTURE_TEST = {
  repository: 'GoogleContainerTools/container-structure-test',
  version: 'v1.21.0',
  /** Keyed by the runner's RUNNER_ARCH. */
  sha256: {
    X64: {
      asset: 'container-structure-test-linux-amd64',
      sum: '36fdfc3df1ceb42349992e62e802c6ec257e48c5c0de221738fd881b347be9ce',
    },
    ARM64: {
      asset: 'container-structure-test-linux-arm64',
      sum: 'a8135192dfd8c3b9b5568a20e83a422d25c3df87dde191d2b5166f3ce2a1eb4f',
    },
  },
} as const;
