// @ts-check
'use strict';
/**
 * `npm start`: builds dist/ when it is missing or older than the sources
 * (scripts/build.js, with progress), then runs the compiled server
 * (dist/src/main.js) in this same process, so that SIGINT and SIGTERM sent to
 * `npm start` reach Sitrep directly (the npm script `exec`s node, and npm
 * forwards both signals to it).
 */
const path = require('node:path');
const { build } = require('./build');

process.stderr.write(`[sitrep] starting (node ${process.version}, pid ${process.pid})\n`);
// Until the server installs its own handlers, a Ctrl-C during the build just ends the launcher.
build({ onlyIfStale: true }).then(
  () => require(path.join(__dirname, '..', 'dist', 'src', 'main.js')),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
