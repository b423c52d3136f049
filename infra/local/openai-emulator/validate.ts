/**
 * Batch input file validation as OpenAI does it while a batch is `validating`: problems do
 * not fail the create call, they fail the batch with `errors.data[]` entries
 * (`code`, `message`, `param`, 1-based `line`).
 */

export interface BatchInputLine {
  customId: string;
  body: Record<string, unknown>;
}

export interface BatchValidationError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

export interface BatchInputLimits {
  maxRequestsPerFile: number;
  maxBytesPerFile: number;
}

export type BatchInputValidation =
  | { ok: true; lines: BatchInputLine[]; model: string }
  | { ok: false; errors: BatchValidationError[] };

// The real API lists many errors; a cap keeps a broken 50k-line file from building a huge answer.
const MAX_REPORTED_ERRORS = 100;

/**
 * Validates a batch input file against the batch's endpoint.
 *
 * @example
 * validateBatchInput(Buffer.from(jsonl), '/v1/chat/completions', { maxRequestsPerFile: 50_000, maxBytesPerFile: 200 * 1024 * 1024 });
 */
export function validateBatchInput(
  content: Buffer,
  endpoint: string,
  limits: BatchInputLimits,
): BatchInputValidation {
  if (content.byteLength > limits.maxBytesPerFile) {
    return fail({
      code: 'file_too_large',
      message: `The input file is larger than the maximum of ${limits.maxBytesPerFile} bytes.`,
      param: null,
      line: null,
    });
  }
  const text = content.toString('utf8');
  const rawLines = text.split('\n');
  // One trailing newline is normal; other blank lines are not.
  if (rawLines.at(-1) === '') rawLines.pop();
  if (rawLines.length === 0) {
    return fail({ code: 'empty_file', message: 'The batch input file is empty.', param: null, line: null });
  }
  if (rawLines.length > limits.maxRequestsPerFile) {
    return fail({
      code: 'too_many_tasks',
      message: `The batch input file has ${rawLines.length} requests; the maximum is ${limits.maxRequestsPerFile}.`,
      param: null,
      line: null,
    });
  }

  const errors: BatchValidationError[] = [];
  const lines: BatchInputLine[] = [];
  const customIds = new Set<string>();
  let model: string | undefined;
  rawLines.forEach((raw, index) => {
    const line = index + 1;
    const report = (code: string, message: string, param: string | null) => {
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ code, message, param, line });
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.replace(/\r$/, ''));
    } catch {
      report('invalid_json_line', 'This line is not parseable as valid JSON.', null);
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      report('invalid_json_line', 'This line is not a JSON object.', null);
      return;
    }
    const record = parsed as Record<string, unknown>;
    if (typeof record.custom_id !== 'string' || record.custom_id === '') {
      report('missing_required_parameter', 'Missing required parameter: custom_id.', 'custom_id');
      return;
    }
    if (customIds.has(record.custom_id)) {
      report(
        'duplicate_custom_id',
        'The custom_id for this request is a duplicate of another request.',
        'custom_id',
      );
      return;
    }
    customIds.add(record.custom_id);
    if (record.method === undefined) {
      report('missing_required_parameter', 'Missing required parameter: method.', 'method');
      return;
    }
    if (record.method !== 'POST') {
      report('invalid_value', 'Only the POST method is supported.', 'method');
      return;
    }
    if (record.url !== endpoint) {
      report('url_mismatch', `The url of this request does not match the batch endpoint ${endpoint}.`, 'url');
      return;
    }
    const body = record.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      report('missing_required_parameter', 'Missing required parameter: body.', 'body');
      return;
    }
    const lineModel = (body as Record<string, unknown>).model;
    if (typeof lineModel !== 'string' || lineModel === '') {
      report('missing_required_parameter', 'Missing required parameter: body.model.', 'body.model');
      return;
    }
    model ??= lineModel;
    if (lineModel !== model) {
      report('model_mismatch', 'All requests in a batch must use the same model.', 'body.model');
      return;
    }
    lines.push({ customId: record.custom_id, body: body as Record<string, unknown> });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, lines, model: model! };
}

function fail(error: BatchValidationError): BatchInputValidation {
  return { ok: false, errors: [error] };
}
