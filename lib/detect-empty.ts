import { type Detection } from './detection.js';

/** What detection returns for an empty folder (used to show plain defaults). */
export function emptyDetection(): Detection {
  return { django: false, pythonDeps: { kind: 'none' }, pythonPackages: new Set(), notes: [] };
}
