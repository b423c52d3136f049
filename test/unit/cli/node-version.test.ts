import { MINIMUM, nodeVersionProblem } from '../../../shared/cli/node-version.cjs';

describe('nodeVersionProblem (the first thing every entry point runs)', () => {
  it.each(['20.19.0', 'v18.20.4', '22.5.0', '22.22.1', '16.0.0'])('refuses Node %s plainly', (version) => {
    const problem = nodeVersionProblem(version);
    expect(problem).toContain('tokentrail needs Node.js 22.x or newer');
    expect(problem).toContain(`this is Node.js ${version.replace(/^v/, '')}`);
  });

  it.each([MINIMUM, '22.23.3', '23.0.0', '24.1.0', 'v26.0.0'])('accepts Node %s', (version) => {
    expect(nodeVersionProblem(version)).toBeUndefined();
  });

  it('asks for what package.json engines says', () => {
    const { engines } = require('../../../package.json') as { engines: { node: string } };
    expect(engines.node).toBe(`>=${MINIMUM}`);
  });
});
