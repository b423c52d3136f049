/**
 * AWS list prices the cost model uses: us-east-1, on-demand, first pricing tier, checked on
 * 2026-11-22 against the pages named in `source`. Update a row (and its date) when AWS changes a
 * price; every figure the model prints follows from this table.
 */

export interface Price {
  /** USD per `unit`. */
  usd: number;
  unit: string;
  source: string;
}

export const PRICES_CHECKED_ON = '2026-11-22';
export const PRICES_REGION = 'us-east-1';

export const PRICES = {
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second (arm64)',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'request', source: 'https://aws.amazon.com/lambda/pricing/' },
  httpApiRequest: {
    usd: 1.0 / 1e6,
    unit: 'request (each 512 KB counts as one; first 300 M per month)',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
  },
  sqsRequest: {
    usd: 0.4 / 1e6,
    unit: 'request (each 64 KB chunk of a request counts as one; standard queue)',
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  dynamoWriteRequestUnit: {
    usd: 0.625 / 1e6,
    unit: 'write request unit (on-demand; 1 KB of item per write, each GSI write too)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoReadRequestUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit (on-demand; 4 KB strongly consistent)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoWriteCapacityUnitHour: {
    usd: 0.00065,
    unit: 'WCU-hour (provisioned)',
    source: 'https://aws.amazon.com/dynamodb/pricing/provisioned/',
  },
  dynamoStorageGbMonth: {
    usd: 0.25,
    unit: 'GB-month (Standard table class)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoPitrGbMonth: {
    usd: 0.2,
    unit: 'GB-month (continuous backups)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  s3Put: {
    usd: 0.005 / 1000,
    unit: 'PUT/COPY/POST/LIST request',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  s3Get: { usd: 0.0004 / 1000, unit: 'GET request', source: 'https://aws.amazon.com/s3/pricing/' },
  s3StorageGbMonth: { usd: 0.023, unit: 'GB-month (Standard)', source: 'https://aws.amazon.com/s3/pricing/' },
  logsIngestedGb: {
    usd: 0.5,
    unit: 'GB ingested (Standard log class)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  customMetricMonth: {
    usd: 0.3,
    unit: 'custom metric-month (first 10,000; EMF metrics are custom metrics)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  alarmMetricMonth: {
    usd: 0.1,
    unit: 'standard-resolution alarm metric-month (a math alarm pays per metric)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  dashboardMonth: {
    usd: 3.0,
    unit: 'dashboard-month (beyond the 3 free)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  stepFunctionsTransition: {
    usd: 0.025 / 1000,
    unit: 'state transition (standard workflow: the rollup run itself)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  stepFunctionsExpressRequest: {
    usd: 1.0 / 1e6,
    unit: 'express execution (each map child: one slice)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  kmsKeyMonth: {
    usd: 1.0,
    unit: 'customer managed key-month',
    source: 'https://aws.amazon.com/kms/pricing/',
  },
} as const satisfies Record<string, Price>;

export type PriceList = Record<keyof typeof PRICES, Price>;
