import { describe, expect, it } from 'vitest';
import { JsonLineDecoder } from './watch-decoder.js';

describe('JsonLineDecoder', () => {
  const events = [
    { type: 'ADDED', object: { metadata: { name: 'a', annotations: { note: 'ünïcødé ✓ 🚀' } } } },
    { type: 'MODIFIED', object: { metadata: { name: 'b' } } },
    { type: 'BOOKMARK', object: { metadata: { resourceVersion: '42' } } },
  ];
  const wire = Buffer.from(events.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8');

  it('decodes every event whatever the chunk boundaries, also inside multi-byte characters', () => {
    for (let size = 1; size <= wire.length; size++) {
      const d = new JsonLineDecoder();
      const out: unknown[] = [];
      for (let i = 0; i < wire.length; i += size) out.push(...d.push(wire.subarray(i, i + size)));
      out.push(...d.end());
      expect(out, `chunks of ${size} bytes`).toEqual(events);
    }
  });

  it('hands out nothing before a line is complete, and a last line without newline at the end', () => {
    const d = new JsonLineDecoder();
    expect(d.push('{"type":"ADD')).toEqual([]);
    expect(d.push('ED","object":{}}\n\n  \n{"type":"DELETED"')).toEqual([{ type: 'ADDED', object: {} }]);
    expect(d.push(',"object":{}}')).toEqual([]);
    expect(d.end()).toEqual([{ type: 'DELETED', object: {} }]);
  });

  it('throws on a line that is not JSON', () => {
    const d = new JsonLineDecoder();
    expect(() => d.push('<html>oops</html>\n')).toThrow(SyntaxError);
  });
});
