/**
 * Errors of the analytics stores and the notifier (rollups, anomalies, budgets). The jobs' own
 * input error is `InvalidJobInputError` in shared/domain/analytics/jobs/input.ts. Each carries the
 * context needed to act on it: ids, names, dates — never record content.
 */

/** A notification could not be published (EventBridge refused the entry). */
export class NotificationFailedError extends Error {
  public readonly channel: 'eventbridge' | 'sns';
  public readonly notificationId: string;
  public readonly errorCode: string | undefined;

  public constructor(channel: 'eventbridge' | 'sns', notificationId: string, errorCode?: string) {
    super(`${channel} did not accept notification ${notificationId}${errorCode ? `: ${errorCode}` : ''}`);
    this.name = 'NotificationFailedError';
    this.channel = channel;
    this.notificationId = notificationId;
    this.errorCode = errorCode;
  }
}

/** DynamoDB kept returning unprocessed items of a batch write after every retry. */
export class BatchWriteIncompleteError extends Error {
  public readonly project: string;
  public readonly remaining: number;

  public constructor(project: string, remaining: number) {
    super(`${remaining} rollup writes for project ${project} stayed unprocessed after retries`);
    this.name = 'BatchWriteIncompleteError';
    this.project = project;
    this.remaining = remaining;
  }
}

/** A stored budget section does not fit the budget schema (edited by hand, or an old shape). */
export class InvalidBudgetSettingsError extends Error {
  public readonly project: string;

  public constructor(project: string) {
    super(`the budget settings of project ${project} are invalid; save them again with PUT /admin/budget`);
    this.name = 'InvalidBudgetSettingsError';
    this.project = project;
  }
}
