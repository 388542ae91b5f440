/**
 * Project-relative POSIX paths as detection, the Dockerfile and the parts write them: "." is the
 * project root, no leading "./" and no trailing "/".
 */

/** The folder of `path`, "." for a file at the root. */
export const dirOf = (path: string): string =>
  path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';

/** `path` inside `dir` ("." or "" is the root). */
export const under = (dir: string, path: string): string =>
  dir === '.' || dir === '' ? path : `${dir}/${path}`;

/** `path` with `.` and empty parts dropped and `..` applied: "./a//b/../c" is "a/c". */
export function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
