import { deployRegion } from '../../infra/region';

describe('deployRegion', () => {
  it.each([
    [{ context: 'eu-north-1', env: { AWS_REGION: 'eu-west-1' }, profileRegion: 'us-west-2' }, 'eu-north-1'],
    [
      { env: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' }, profileRegion: 'us-west-2' },
      'eu-west-1',
    ],
    [{ env: { AWS_DEFAULT_REGION: 'eu-west-2' }, profileRegion: 'us-west-2' }, 'eu-west-2'],
    [{ env: { AWS_REGION: ' ' }, profileRegion: 'us-west-2' }, 'us-west-2'],
    [{ env: {} }, undefined],
  ])(
    'picks the deployer’s region in order: context, AWS_REGION, AWS_DEFAULT_REGION, profile (%j)',
    (sources, expected) => {
      expect(deployRegion(sources)).toBe(expected);
    },
  );
});
