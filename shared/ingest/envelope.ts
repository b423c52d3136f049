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
