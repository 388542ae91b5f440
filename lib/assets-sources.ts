/** The --assets-sources value: what the npm build reads, as paths of the project. */
import { normalize } from './paths.js';

/** The --assets-sources paths, normalized ("./frontend" is "frontend"; "." stays the whole project). */
export function assetsSourceList(value: string): string[] {
  return value.split(',').map((p) => normalize(p) || '.');
}

/** The first --assets-sources path that is not in the project (`has`: a file or folder exists there). */
export function missingAssetsSource(value: string, has: (path: string) => boolean): string | undefined {
  return assetsSourceList(value).find((p) => p !== '.' && !has(p));
}
