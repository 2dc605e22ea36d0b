import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';
import { pluginSpecifier } from './plugin-resolver.js';

describe('keelson.yaml', () => {
  it('reads plugin names, options and the store', () => {
    const c = parseConfig('plugins:\n  - core\n  - name: deployment\n    options: {workers: 5}\nstore: memory\n');
    expect(c.plugins).toEqual([{ name: 'core' }, { name: 'deployment', options: { workers: 5 } }]);
    expect(c.store).toBe('memory');
  });

  it('defaults to the full plugin list and the SQLite store in the data directory', () => {
    const c = parseConfig('');
    expect(c.plugins.map((p) => p.name)).toContain('core');
    expect(c.store).toBe('sqlite:');
  });

  it.each([
    ['plugin: [core]', /unknown key "plugin"/],
    ['plugins: core', /"plugins" must be a list/],
    ['plugins: [{options: {}}]', /plugins\[0\] must be a name/],
    ['plugins: [{name: x, options: [1]}]', /plugins\[0\]\.options must be a mapping/],
    ['store: 3', /"store" must be a URL string/],
    ['plugins: [a\n b: c', /keelson\.yaml: /],
  ])('rejects %s', (text, message) => {
    expect(() => parseConfig(text)).toThrow(ConfigError);
    expect(() => parseConfig(text)).toThrow(message);
  });
});

describe('plugin names', () => {
  it('maps short names to @keelson/plugin-<name> and keeps packages and paths', () => {
    expect(pluginSpecifier('deployment', '/x')).toBe('@keelson/plugin-deployment');
    expect(pluginSpecifier('@acme/keelson-widgets', '/x')).toBe('@acme/keelson-widgets');
    expect(pluginSpecifier('./my-plugin.js', '/srv/cluster')).toBe('file:///srv/cluster/my-plugin.js');
  });
});
