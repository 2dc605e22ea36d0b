import { defineKind, definePlugin, serviceToken } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { DuplicateKindError } from '../registry/kind-registry.js';
import { DependencyCycleError, DuplicatePluginError, InvalidPluginError, MissingDependencyError } from './errors.js';
import { loadPlugins, sortPlugins } from './loader.js';
import { ServiceAlreadyProvidedError, ServiceNotFoundError } from './container.js';

const p = (name: string, dependsOn: string[] = []) => definePlugin({ name, dependsOn });
const kind = (k: string, plural: string) => defineKind({ group: 'x.io', version: 'v1', kind: k, plural, namespaced: true });

describe('plugin loader', () => {
  it('orders by dependsOn and keeps the given order among independent plugins', () => {
    const order = sortPlugins([p('deployment', ['replicaset', 'core']), p('metrics'), p('replicaset', ['core']), p('core')]).map((x) => x.name);
    expect(order).toEqual(['core', 'replicaset', 'deployment', 'metrics']);
  });

  it('names every loading mistake', () => {
    expect(() => sortPlugins([p('a', ['b'])])).toThrow(MissingDependencyError);
    expect(() => sortPlugins([p('a', ['b'])])).toThrow('plugin "a" depends on "b", which is not in the plugin list');
    expect(() => sortPlugins([p('a', ['b']), p('b', ['c']), p('c', ['a'])])).toThrow(DependencyCycleError);
    expect(() => sortPlugins([p('a', ['b']), p('b', ['c']), p('c', ['a'])])).toThrow('plugin dependency cycle: a -> b -> c -> a');
    expect(() => sortPlugins([p('a'), p('a')])).toThrow(DuplicatePluginError);
    expect(() => sortPlugins([{ name: 'Bad Name' }])).toThrow(InvalidPluginError);
    const k = kind('Widget', 'widgets');
    expect(() => loadPlugins([definePlugin({ name: 'one', kinds: [k] }), definePlugin({ name: 'two', kinds: [kind('Widget', 'others')] })])).toThrow(DuplicateKindError);
    expect(() => loadPlugins([definePlugin({ name: 'one', kinds: [k] }), definePlugin({ name: 'two', kinds: [kind('Other', 'widgets')] })])).toThrow(/plugins "one" and "two"/);
  });

  it('collects contributions in load order, provides services, runs setup in order and dispose in reverse', async () => {
    const calls: string[] = [];
    const Greeter = serviceToken<{ greet(): string }>('test.greeter');
    const base = definePlugin({
      name: 'base',
      kinds: [kind('A', 'as')],
      provides: [{ token: Greeter, create: (ctx) => ({ greet: () => `hello from ${String(ctx.options.who)}` }) }],
      setup: () => void calls.push('setup base'),
      dispose: () => void calls.push('dispose base'),
    });
    const top = definePlugin({
      name: 'top',
      dependsOn: ['base'],
      kinds: [kind('B', 'bs')],
      setup: (ctx) => {
        calls.push(`setup top: ${ctx.get(Greeter).greet()} (${ctx.contributions('kinds').length} kinds, options ${JSON.stringify(ctx.options)})`);
      },
      dispose: () => void calls.push('dispose top'),
    });
    const loaded = loadPlugins([top, base], { options: { base: { who: 'base' }, top: { n: 1 } } });
    expect(loaded.order).toEqual(['base', 'top']);
    expect(loaded.contributions('kinds').map((k) => k.kind)).toEqual(['A', 'B']);
    await loaded.setupAll();
    await loaded.disposeAll();
    expect(calls).toEqual(['setup base', 'setup top: hello from base (2 kinds, options {"n":1})', 'dispose top', 'dispose base']);
    expect(() => loaded.container.get(serviceToken('test.none'))).toThrow(ServiceNotFoundError);
    expect(() => loaded.container.provide(Greeter, { greet: () => '' })).toThrow(ServiceAlreadyProvidedError);
  });
});
