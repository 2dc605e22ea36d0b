import { describe, expect, it } from 'vitest';
import { setup, widget } from './fixtures.js';

describe('patches whose result no longer decodes as the kind', () => {
  it.each([
    ['a label of the wrong type', 'merge', { metadata: { labels: { a: 5 } } }, /patch: Invalid value: json: cannot unmarshal number into Go struct field \.metadata\.labels\[a\] of type string/],
    ['metadata replaced by a string', 'json', [{ op: 'replace', path: '/metadata', value: 'x' }], /\.metadata of type struct/],
    ['another kind', 'merge', { kind: 'Gadget' }, /kind in the data \(Gadget\)/],
    ['another apiVersion', 'strategic', { apiVersion: 'v9' }, /API version in the data \(v9\)/],
    ['finalizers as a string', 'merge', { metadata: { finalizers: 'x' } }, /finalizers of type \[\]string/],
  ])('422 for %s (was stored, or a 500)', async (_what, type, patch, want) => {
    const { widgets } = setup();
    await widgets.create(widget('a'));
    await expect(widgets.patch('a', type as 'merge', patch)).rejects.toMatchObject({ code: 422, reason: 'Invalid', message: expect.stringMatching(want) });
  });

  it('400 for a patch nested deeper than kube decodes', async () => {
    const { widgets } = setup();
    await widgets.create(widget('a'));
    const deep = '{"metadata":' + '{"a":'.repeat(10_001) + '1' + '}'.repeat(10_002);
    await expect(widgets.patch('a', 'merge', deep)).rejects.toMatchObject({ code: 400, message: expect.stringMatching(/exceeded max depth/) });
  });

  it.each(['merge', 'strategic'])('a 4xx for a %s patch nested just under the limit, which overflowed the stack (a 500)', async (type) => {
    const { widgets } = setup();
    await widgets.create(widget('a'));
    const deep = '{"metadata":{"labels":{"x":' + '{"a":'.repeat(9_990) + '1' + '}'.repeat(9_993);
    // 400 where the merge runs out of stack, 422 (a label that is not a string) where it does not.
    const err = (await widgets.patch('a', type as 'merge', deep).catch((e: unknown) => e)) as { code?: number; message?: string };
    expect([400, 422], err.message).toContain(err.code);
  });

  it('normalises nulls in the result as Go decoding does (a null label value is "")', async () => {
    const { widgets } = setup();
    await widgets.create(widget('a'));
    const patched = await widgets.patch('a', 'json', [{ op: 'add', path: '/metadata/labels', value: { a: null } }]);
    expect(patched.metadata.labels).toEqual({ a: '' });
  });
});

describe('list options kube refuses', () => {
  it.each([
    [{ resourceVersionMatch: 'Bogus', resourceVersion: '1' }, /resourceVersionMatch: Unsupported value: "Bogus"/],
    [{ resourceVersionMatch: 'Exact' }, /forbidden unless resourceVersion is provided/],
    [{ resourceVersionMatch: 'Exact', resourceVersion: '0' }, /"exact" is forbidden for resourceVersion "0"/],
    [{ resourceVersionMatch: 'NotOlderThan', resourceVersion: '1', continue: 'x' }, /forbidden when continue is provided/],
  ])('422 for %j', async (opts, want) => {
    const { widgets } = setup();
    await expect(widgets.list(opts as never)).rejects.toMatchObject({ code: 422, message: expect.stringMatching(want) });
  });

  it('400 for a resourceVersion past 64 bits (it was a 504 "too large")', async () => {
    const { widgets } = setup();
    await expect(widgets.list({ resourceVersion: '18446744073709551616' })).rejects.toMatchObject({ code: 400 });
    await expect(widgets.list({ resourceVersion: '-5' })).rejects.toMatchObject({ code: 400 });
  });
});

describe('annotations (kube ValidateAnnotations)', () => {
  it('422 for invalid keys and more than 256 KiB in all', async () => {
    const { widgets } = setup();
    await expect(widgets.create(widget('a', { metadata: { name: 'a', annotations: { '/x': 'v' } } }))).rejects.toMatchObject({ code: 422, message: expect.stringMatching(/metadata\.annotations: Invalid value: "\/x"/) });
    await expect(widgets.create(widget('a', { metadata: { name: 'a', annotations: { a: 'x'.repeat(256 * 1024) } } }))).rejects.toMatchObject({ code: 422, message: expect.stringMatching(/metadata\.annotations: Too long: may not be more than 262144 bytes/) });
    await expect(widgets.create(widget('a', { metadata: { name: 'a', annotations: { 'Example.com/Key': 'x'.repeat(1000) } } }))).resolves.toBeDefined();
  });
});

describe('server-side apply of a mistyped configuration', () => {
  it.each([
    ['a number label', 'metadata:\n  name: a\n  labels:\n    x: 5\n', /\.metadata\.labels\[x\] of type string/],
    ['finalizers as a string (a 500 in the validation)', 'metadata:\n  name: a\n  finalizers: x\n', /finalizers of type \[\]string/],
    ['an annotation map', 'metadata:\n  name: a\n  annotations:\n    x: {b: c}\n', /annotations\[x\] of type string/],
  ])('400 for %s (it was stored as sent)', async (_what, yaml, want) => {
    const { widgets } = setup();
    await widgets.create(widget('a'));
    const body = `apiVersion: example.com/v1\nkind: Widget\n${yaml}`;
    await expect(widgets.patch('a', 'apply', body, { fieldManager: 'test' })).rejects.toMatchObject({ code: 400, message: expect.stringMatching(want) });
    expect((await widgets.get('a')).metadata).not.toHaveProperty('finalizers');
  });

  it('still applies a null (it means something to apply)', async () => {
    const { widgets } = setup();
    await widgets.create(widget('a'));
    await expect(widgets.patch('a', 'apply', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: a\n  labels: null\n', { fieldManager: 'test' })).resolves.toBeDefined();
  });
});
