import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { representativeItem, SAMPLE_TEXT_FILE } from '../../../infra/cost-model/interaction-item';
import { compressForBucket, compressInline, decompressPayload } from '../../../shared/domain/ledger/record';

describe('payload part compression', () => {
  it('round-trips any JSON text, inline (brotli) and for the bucket (gzip)', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (json) => {
        expect(decompressPayload(compressInline(json))).toBe(json);
        expect(decompressPayload(compressForBucket(json))).toBe(json);
      }),
      { numRuns: 300 },
    );
  });

  it('never makes an inline part that reads as gzip', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40_000 }), (text) => {
        const data = compressInline(text);
        expect([data[0], data[1], data[2]]).not.toEqual([0x1f, 0x8b, 0x08]);
      }),
      { numRuns: 300 },
    );
  });

  it('still reads parts stored gzip-compressed', () => {
    expect(decompressPayload(gzipSync('{"messages":[]}'))).toBe('{"messages":[]}');
  });

  it('stores a 2 KB chat completion smaller than gzip would', () => {
    const { prepared } = representativeItem({
      payloadBytes: 2048,
      text: readFileSync(SAMPLE_TEXT_FILE, 'utf8'),
      withSession: false,
    });
    for (const json of [prepared.requestJson!, prepared.responseJson!]) {
      expect(compressInline(json).byteLength).toBeLessThan(gzipSync(json).byteLength * 0.9);
    }
  });

  it('serves the bucket standard gzip', () => {
    const data = compressForBucket('{}');
    expect([data[0], data[1]]).toEqual([0x1f, 0x8b]);
  });
});
