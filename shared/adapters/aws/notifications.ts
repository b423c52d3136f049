/**
 * Notifications for cost anomalies and budget thresholds: an EventBridge event (source
 * `tokentrail`) and an SNS message in AWS; a recorded ledger item locally, where no
 * EventBridge or SNS emulator runs. Which one is chosen by the environment: the stack sets
 * `TOKENTRAIL_ALERT_TOPIC_ARN`, the local twin does not.
 *
 * Notifications carry names, ids and amounts only, never payload text.
 */
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Notification,
  Notifier as NotificationPort,
  NotificationType,
} from '../../domain/analytics/jobs';
import { NOTIFY_ENV } from '../../domain/env-names';
import { notificationPartition } from '../../domain/table/keys';
import { NotificationFailedError } from './analytics-errors';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';

/** Environment variables of the notifier (set by infra/constructs/analytics.ts). */
export { NOTIFY_ENV };

/** EventBridge `source` of every tokentrail event. */
export const EVENT_SOURCE = 'tokentrail';

export type { Notification, NotificationType } from '../../domain/analytics/jobs';

/** Where notifications go, and which kind of place that is. */
export interface Notifier extends NotificationPort {
  readonly kind: 'aws' | 'local';
}

/** Publishes to EventBridge and SNS. */
export class AwsNotifier implements Notifier {
  public readonly kind = 'aws';
  readonly #events = new EventBridgeClient({});
  readonly #sns = new SNSClient({});

  public constructor(
    private readonly topicArn: string,
    private readonly eventBusName = 'default',
  ) {}

  public async publish(notification: Notification): Promise<void> {
    const result = await this.#events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: EVENT_SOURCE,
            DetailType: notification.detailType,
            EventBusName: this.eventBusName,
            Detail: JSON.stringify({
              id: notification.id,
              project: notification.project,
              ...notification.detail,
            }),
          },
        ],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) {
      throw new NotificationFailedError('eventbridge', notification.id, result.Entries?.[0]?.ErrorCode);
    }
    await this.#sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: notification.subject.slice(0, 100),
        Message: notification.message,
        MessageAttributes: {
          detailType: { DataType: 'String', StringValue: notification.detailType },
          project: { DataType: 'String', StringValue: notification.project },
        },
      }),
    );
  }
}

/**
 * Records each notification as a ledger item (`NOTIFICATION#<project>`), one item per publish,
 * so a test or a developer can see exactly what would have been sent and how often.
 */
export class LocalNotifier implements Notifier {
  public readonly kind = 'local';

  public async publish(notification: Notification): Promise<void> {
    await dynamo().send(
      new PutCommand({
        TableName: requireEnv(ENV.ledgerTable),
        Item: {
          pk: notificationPartition(notification.project),
          sk: `${notification.id}#${randomUUID()}`,
          entity: 'notification',
          source: EVENT_SOURCE,
          ...notification,
          recordedAt: new Date().toISOString(),
        },
      }),
    );
  }
}

/**
 * The notifications recorded locally for a project (local stack and tests).
 *
 * @example
 * const sent = await listLocalNotifications('default');
 */
export async function listLocalNotifications(project: string): Promise<Notification[]> {
  const found: Notification[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: requireEnv(ENV.ledgerTable),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': notificationPartition(project) },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      found.push({
        id: item.id as string,
        detailType: item.detailType as NotificationType,
        project: item.project as string,
        subject: item.subject as string,
        message: item.message as string,
        detail: item.detail as Record<string, unknown>,
      });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}

let cached: Notifier | undefined;

/**
 * The notifier for this environment: AWS when `TOKENTRAIL_ALERT_TOPIC_ARN` is set, else local.
 *
 * @example
 * await notifier().publish({ id, detailType: 'Cost Anomaly Detected', project, subject, message, detail });
 */
export function notifier(): Notifier {
  const topicArn = process.env[NOTIFY_ENV.topicArn];
  if (!topicArn) return new LocalNotifier();
  cached ??= new AwsNotifier(topicArn, process.env[NOTIFY_ENV.eventBus] || 'default');
  return cached;
}
