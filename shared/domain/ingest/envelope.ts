/**
 * The message the ingest function puts on the queue for the processor. It carries the
 * interaction as accepted (not yet redacted: the queue and staging objects are encrypted,
 * short-lived transport) or, when too large for a queue message, a claim check pointing at
 * a staging object.
 */
import * as z from 'zod';

export const ENVELOPE_VERSION = 1;

/** Above this size a message goes through a claim-check object (SQS allows 1 MiB; we keep headroom for batches). */
export const CLAIM_CHECK_THRESHOLD_BYTES = 192 * 1024;

const base = {
  v: z.literal(ENVELOPE_VERSION),
  project: z.string().min(1),
  id: z.string().min(1),
  receivedAt: z.iso.datetime({ offset: true }),
};

export const inlineEnvelopeSchema = z.object({ ...base, interaction: z.record(z.string(), z.unknown()) });
export const claimCheckEnvelopeSchema = z.object({
  ...base,
  claimCheck: z.object({ key: z.string().min(1) }),
});
export const envelopeSchema = z.union([inlineEnvelopeSchema, claimCheckEnvelopeSchema]);

/** The interaction travels as accepted by ingest; the processor validates it again before use. */
export type InlineEnvelope = z.output<typeof inlineEnvelopeSchema>;
export type ClaimCheckEnvelope = z.output<typeof claimCheckEnvelopeSchema>;
export type Envelope = InlineEnvelope | ClaimCheckEnvelope;

export function isClaimCheck(envelope: Envelope): envelope is ClaimCheckEnvelope {
  return 'claimCheck' in envelope;
}

/**
 * Serializes an envelope as ASCII-only JSON: every character outside printable ASCII becomes a
 * `\uXXXX` escape. SQS refuses U+FFFE, U+FFFF and lone surrogates in message bodies (and the local
 * emulator refuses characters beyond the BMP too), so escaping them is what lets every valid JSON
 * string travel; `JSON.parse` restores them exactly. Sizes are measured on this encoding.
 *
 * @example
 * encodeEnvelope(envelope); // '{"v":1,…,"interaction":{…"content":"hi \\ud83d\\ude00"}}'
 */
export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
