/**
 * CDK context is read in one place (infra/context.ts, called by app.ts) into the stack's typed
 * props; no construct reads it or imports the stack.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { readContext } from '../../infra/context';
import { DEFAULT_SCALE_SETTINGS } from '../../infra/scale-settings';

const INFRA = join(__dirname, '..', '..', 'infra');

function sourcesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

const contextOf = (context: Record<string, unknown>) => readContext(new App({ context }).node);

describe('readContext', () => {
  it('gives the documented defaults without context', () => {
    const { stage, region, deploying, stackProps } = contextOf({});
    expect({ stage, region, deploying }).toEqual({ stage: 'dev', region: undefined, deploying: false });
    expect(stackProps).toMatchObject({
      retainData: true,
      apiRateLimit: 500,
      apiBurstLimit: 1000,
      retentionDays: 0,
      tracing: 'off',
      billing: 'on-demand',
      scale: DEFAULT_SCALE_SETTINGS,
    });
    expect(stackProps.logRetentionDays).toBeUndefined();
    expect(stackProps.alarmEmail).toBeUndefined();
  });

  it('reads every key into typed props', () => {
    const { stage, deploying, stackProps } = contextOf({
      'tokentrail:stage': 'prod',
      'tokentrail:deploying': 'true',
      'tokentrail:retainData': 'false',
      'tokentrail:logRetentionDays': '90',
      'tokentrail:apiRateLimit': '50',
      'tokentrail:tracing': 'xray',
      'tokentrail:billing': 'provisioned',
      'tokentrail:dayIndexShards': '32',
      'tokentrail:reservedConcurrency': 'ingest=5',
      'tokentrail:alarmEmail': 'ops@example.com',
      'tokentrail:errorRateAlarmPercent': '2',
      'tokentrail:rollupTagKeys': 'team',
      'tokentrail:analysisMaxAttempts': 4,
    });
    expect({ stage, deploying }).toEqual({ stage: 'prod', deploying: true });
    expect(stackProps).toMatchObject({
      retainData: false,
      logRetentionDays: logs.RetentionDays.THREE_MONTHS,
      apiRateLimit: 50,
      tracing: 'xray',
      billing: 'provisioned',
      scale: { dayIndexShards: 32, mapConcurrency: 32, reservedConcurrency: { ingest: 5 } },
      alarmEmail: 'ops@example.com',
      alarmThresholds: { functionErrorRatePercent: 2 },
      analytics: { rollupTagKeys: 'team' },
      batchAnalysis: { maxAttempts: 4 },
    });
  });

  it('refuses values the stack could not deploy', () => {
    expect(() => contextOf({ 'tokentrail:billing': 'reserved' })).toThrow(/billing/);
    expect(() => contextOf({ 'tokentrail:logRetentionDays': '8' })).toThrow(/logRetentionDays/);
    expect(() => contextOf({ 'tokentrail:analysisMaxAttempts': '0' })).toThrow(/analysisMaxAttempts/);
    expect(() => contextOf({ 'tokentrail:apiRateLimit': 'fast' })).toThrow(/apiRateLimit/);
  });

  it('is the only reader of context in infra/, and no construct imports the stack', () => {
    const readers = sourcesUnder(INFRA).filter((file) =>
      readFileSync(file, 'utf8').includes('tryGetContext'),
    );
    expect(readers.map((file) => file.slice(INFRA.length + 1))).toEqual(['context.ts']);
    const importers = sourcesUnder(join(INFRA, 'constructs')).filter((file) =>
      /from '\.\.\/stack'/.test(readFileSync(file, 'utf8')),
    );
    expect(importers).toEqual([]);
  });
});
