// The yeoman floor: a generator that does nothing but write the bytes a full `py-docker:app` run wrote,
// through the same mem-fs editor, conflicter and commit. Our own work is the full run minus this.
import Generator from 'yeoman-generator';

/** Filled by the bench before it runs `bench:floor` (same module instance: same file URL). */
export const files = [];

export default class FloorGenerator extends Generator {
  writing() {
    for (const file of files) {
      const stat = file.mode & 0o111 ? { stat: { mode: 0o100755 } } : undefined;
      this.fs.write(this.destinationPath(file.path), file.content, stat);
    }
  }
}
