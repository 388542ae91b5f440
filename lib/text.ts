/** Plain-text layout for the run's output. */

/** `  <head> a, b, c` wrapped before `width` columns, continued under the first path. */
export function wrapList(head: string, paths: string[], width = 100): string[] {
  const indent = ' '.repeat(head.length + 3);
  const lines: string[] = [];
  let line = `  ${head} `;
  paths.forEach((path, i) => {
    const item = i < paths.length - 1 ? `${path},` : path;
    const empty = line.trim() === '' || line === `  ${head} `;
    if (!empty && line.length + 1 + item.length > width) {
      lines.push(line);
      line = `${indent}${item}`;
    } else line = empty ? `${line}${item}` : `${line} ${item}`;
  });
  return [...lines, line];
}
