/** A required setting is missing from the function's environment. */
export class MissingConfigurationError extends Error {
  public readonly variable: string;

  public constructor(variable: string) {
    super(`environment variable ${variable} is not set`);
    this.name = 'MissingConfigurationError';
    this.variable = variable;
  }
}

/**
 * A list cursor that no list of this project and filter handed out (forged, truncated, or from
 * another list). The HTTP layer answers it with a 400 on `cursor`.
 */
export class InvalidCursorError extends Error {
  public readonly list: string;

  public constructor(list: string) {
    super(`not a cursor from this ${list} list's nextCursor`);
    this.name = 'InvalidCursorError';
    this.list = list;
  }
}

/** A message on the ingest queue that does not have the envelope shape; it goes to the DLQ. */
export class MalformedMessageError extends Error {
  public readonly messageId: string;

  public constructor(messageId: string, reason: string) {
    super(`message ${messageId} is malformed: ${reason}`);
    this.name = 'MalformedMessageError';
    this.messageId = messageId;
  }
}
