import { afterEach, describe, expect, it, vi } from 'vitest';
import { setup, type Widget, widget } from './fixtures.js';

afterEach(() => vi.restoreAllMocks());

describe('create', () => {
  it('stamps the Clock time to the second and the store revision as resourceVersion', async () => {
    const { widgets, clock, store } = setup();
    await clock.advance(1234);
    const a = await widgets.create(widget('a'));
    expect(a.metadata.creationTimestamp).toBe('2025-01-01T00:00:01Z');
    expect(a.metadata.resourceVersion).toBe(String(await store.currentRevision()));
    expect(a).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Widget' });
  });

  it('ignores system fields sent by the caller', async () => {
    const { widgets } = setup();
    const a = await widgets.create(
      widget('a', {
        metadata: { name: 'a', uid: 'mine', resourceVersion: '77', generation: 5, creationTimestamp: '2000-01-01T00:00:00Z', deletionTimestamp: '2000-01-01T00:00:00Z', deletionGracePeriodSeconds: 3 },
      }),
    );
    expect(a.metadata.uid).not.toBe('mine');
    expect(a.metadata).toMatchObject({ generation: 1, creationTimestamp: '2025-01-01T00:00:00Z' });
    expect(a.metadata.deletionTimestamp).toBeUndefined();
    expect(a.metadata.deletionGracePeriodSeconds).toBeUndefined();
  });

  it('draws a new generated name on a collision, and gives up with AlreadyExists after 8 tries', async () => {
    const { widgets } = setup();
    const random = vi.spyOn(Math, 'random').mockReturnValue(0);
    const first = await widgets.create({ ...widget(''), metadata: { generateName: 'web-' } });
    expect(first.metadata.name).toBe('web-bbbbb');
    // Next draw: five times "b" again (collides), then a fresh name.
    random.mockReset();
    const draws = [...Array(5).fill(0), ...Array(5).fill(0.99)];
    random.mockImplementation(() => draws.shift() ?? 0);
    const second = await widgets.create({ ...widget(''), metadata: { generateName: 'web-' } });
    expect(second.metadata.name).toBe('web-99999');
    random.mockReset();
    random.mockReturnValue(0);
    await expect(widgets.create({ ...widget(''), metadata: { generateName: 'web-' } })).rejects.toMatchObject({ code: 409, message: 'widgets.example.com "web-bbbbb" already exists' });
    expect(random).toHaveBeenCalledTimes(8 * 5);
  });

  it('validates generateName and a name given with it', async () => {
    const { widgets } = setup();
    await expect(widgets.create({ ...widget(''), metadata: { generateName: 'Web_' } })).rejects.toMatchObject({
      code: 422,
      status: { details: { causes: expect.arrayContaining([expect.objectContaining({ field: 'metadata.generateName' })]) } },
    });
    const named = await widgets.create({ ...widget('fixed'), metadata: { name: 'fixed', generateName: 'ignored-' } });
    expect(named.metadata.name).toBe('fixed');
  });

  it('reports every invalid field at once with kube wording', async () => {
    const { widgets } = setup();
    const err = await widgets.create(widget('Bad!', { metadata: { name: 'Bad!', labels: { ok: 'no way' } }, spec: { size: -2 } })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 422, reason: 'Invalid' });
    const causes = (err as { status: { details: { causes: { field: string }[] } } }).status.details.causes.map((c) => c.field);
    expect(causes).toEqual(['metadata.name', 'metadata.labels', 'spec.size']);
    expect((err as Error).message).toMatch(/^Widget.example.com "Bad!" is invalid: \[metadata.name: Invalid value: "Bad!": .*, spec.size: Invalid value: -2: must be greater than or equal to 0\]$/);
  });

  it('dry run answers AlreadyExists for a taken name and writes nothing', async () => {
    const { widgets, store } = setup();
    await widgets.create(widget('a'));
    const rev = await store.currentRevision();
    await expect(widgets.create(widget('a'), { dryRun: true })).rejects.toMatchObject({ code: 409 });
    const dry = await widgets.create(widget('b'), { dryRun: true });
    expect(dry.metadata.uid).toBeDefined();
    expect(await store.currentRevision()).toBe(rev);
  });

  it('runs admission after defaults: mutate, then the kind validation, then validate; a rejection stops the write', async () => {
    const order: string[] = [];
    const { widgets, store } = setup([
      {
        name: 'first',
        mutate: (req) => {
          order.push(`first.mutate color=${(req.object as Widget).spec?.color}`);
          if (req.object.metadata.name === 'shrink') (req.object as Widget).spec = { size: -1 };
        },
        validate: () => void order.push('first.validate'),
      },
      {
        name: 'second',
        mutate: () => void order.push('second.mutate'),
        validate: (req) => {
          order.push('second.validate');
          if (req.object.metadata.labels?.deny) throw Object.assign(new Error('denied by second'), { code: 403 });
        },
      },
    ]);
    await widgets.create(widget('a'));
    expect(order).toEqual(['first.mutate color=blue', 'second.mutate', 'first.validate', 'second.validate']);
    order.length = 0;
    await expect(widgets.create(widget('shrink'))).rejects.toMatchObject({ code: 422 });
    expect(order).toEqual(['first.mutate color=blue', 'second.mutate']);
    const rev = await store.currentRevision();
    await expect(widgets.create(widget('d', { metadata: { name: 'd', labels: { deny: 'x' } } }))).rejects.toThrow('denied by second');
    expect(await store.currentRevision()).toBe(rev);
  });
});
