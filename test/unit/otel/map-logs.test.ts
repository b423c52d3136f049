import { parseInteraction } from '../../../shared/domain/interaction/schema';
import { InvalidOtlpRequestError, mapOtlpLogs, otelInteractionId } from '../../../shared/domain/otel';
import { anyValue, attributes, type Plain, SPAN_ID, TRACE_ID } from './spans';

function logRecord(
  eventName: string,
  body: Plain | undefined,
  extra: Record<string, Plain> = {},
  ids = true,
) {
  return {
    timeUnixNano: '1740830400123456789',
    attributes: attributes({ 'event.name': eventName, 'gen_ai.system': 'openai', ...extra }),
    ...(body === undefined ? {} : { body: anyValue(body) }),
    ...(ids ? { traceId: TRACE_ID, spanId: SPAN_ID } : {}),
  };
}

const exportOf = (logRecords: unknown[]) => ({ resourceLogs: [{ scopeLogs: [{ logRecords }] }] });

describe('mapOtlpLogs', () => {
  it('gathers the GenAI events of one span into one content item for its interaction', () => {
    const result = mapOtlpLogs(
      exportOf([
        logRecord('gen_ai.system.message', { content: 'Be brief.' }),
        logRecord('gen_ai.user.message', { content: 'Hi' }),
        logRecord('gen_ai.choice', { index: 0, finish_reason: 'stop', message: { content: 'Hello' } }),
        { body: anyValue('an application log line') },
      ]),
    );
    expect(result.ignoredLogRecords).toBe(1);
    expect(result.rejected).toEqual([]);
    expect(result.interactions).toEqual([
      {
        id: otelInteractionId(TRACE_ID, SPAN_ID),
        provider: 'openai',
        phase: 'content',
        traceId: TRACE_ID,
        request: {
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Hi' },
          ],
        },
        response: { messages: [{ index: 0, finish_reason: 'stop', message: { content: 'Hello' } }] },
      },
    ]);
    expect(() => parseInteraction(result.interactions[0])).not.toThrow();
  });

  it('reads the operation-details event (eventName field, semconv ≥ 1.37)', () => {
    const record = {
      ...logRecord('ignored', undefined, {
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: 'Yo' }] },
        ]),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
      }),
      eventName: 'gen_ai.client.inference.operation.details',
    };
    const [item] = mapOtlpLogs(exportOf([record])).interactions;
    expect(item).toMatchObject({
      // gen_ai.provider.name before the legacy gen_ai.system.
      provider: 'anthropic',
      request: {
        systemInstructions: [{ type: 'text', content: 'Be brief.' }],
        messages: [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }],
      },
      response: { messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Yo' }] }] },
    });
  });

  it('rejects GenAI events that name no span, and envelopes that are not logs exports', () => {
    const result = mapOtlpLogs(exportOf([logRecord('gen_ai.user.message', { content: 'Hi' }, {}, false)]));
    expect(result.interactions).toEqual([]);
    expect(result.rejected).toEqual([
      { spanId: '', reason: "gen_ai.user.message event without its span's traceId and spanId" },
    ]);
    expect(() => mapOtlpLogs({ resourceLogs: 'nope' })).toThrow(InvalidOtlpRequestError);
  });
});
