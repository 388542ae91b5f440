import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { hashOf } from '../../lib/drift.js';
import { composeYaml } from '../../lib/compose-file.js';
import { STRUCTURE_TEST_HEADER, structureTest, testRunner } from './structure-test.js';
import { testCompose } from './test-compose.js';
import { toYaml } from '../../lib/yaml.js';
import { testImage, TESTS_SERVICE } from '../../lib/names.js';
import { pytestInstalled } from '../../lib/requirements.js';
import { type Detection } from '../../lib/detection.js';

/** `yo py-docker:testing`: Dockerfile.test, docker-compose.test.yml, container-structure-test.yaml. */
export default class TestingGenerator extends PyDockerGenerator {
  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'testing');
  }

  writing(): void {
    const m = this.model;
    const { s } = m;
    const read = (path: string): string | undefined =>
      this.fs.exists(this.destinationPath(path)) ? this.fs.read(this.destinationPath(path)) : undefined;
    // The dev requirements (and the runtime file they usually include with -r) on top of the image;
    // only files that exist, so the COPY cannot fail.
    const installFiles =
      s.pythonDeps === 'requirements' && s.devRequirementsFile !== 'none' && read(s.devRequirementsFile)
        ? [s.requirementsFile, s.devRequirementsFile].filter((file) => read(file) !== undefined)
        : [];
    this.writeGenerated(
      'Dockerfile.test',
      this.render('Dockerfile.test.ejs', {
        baseImage: testImage(m),
        testsService: TESTS_SERVICE,
        installFiles,
        command: testRunner(pytestInstalled(m, read)),
      }),
    );
    this.writeGenerated('docker-compose.test.yml', composeYaml(testCompose(m)));
    this.writeGenerated(
      'container-structure-test.yaml',
      toYaml(structureTest(m, this.projectDjango()), { header: STRUCTURE_TEST_HEADER }),
    );
  }

  /**
   * What the project's own files say its images install of Django; undefined when the file naming it is
   * one the generator wrote and the user has not changed (the starter's, or the one written for a
   * project without dependencies): that file follows --django-version.
   */
  private projectDjango(): Detection['djangoInstall'] {
    const installed = this.detection.djangoInstall;
    if (!installed) return undefined;
    const record = this.storedRecords[installed.source];
    const onDisk = record ? this.readGenerated(installed.source) : undefined;
    return onDisk !== undefined && hashOf(onDisk) === record!.hash ? undefined : installed;
  }
}
