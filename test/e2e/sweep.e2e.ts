/**
 * Root hook of the end-to-end suite: once every case has run (passed or not), remove the compose
 * projects, containers, volumes, networks, images and folders the suite created.
 */
import { sweep } from '../support/e2e-docker.js';

after(async function () {
  this.timeout(900_000);
  await sweep();
});
