import { startTestCluster } from '@keelson/testing';
import { describe, expect, it } from 'vitest';
import nodeLifecyclePlugin, { NodeLifecycleOptionsToken, parseNodeLifecycleOptions } from './index.js';

describe('node-lifecycle options', () => {
  it('defaults as kube-controller-manager, overridable by plugin options; unknown keys are errors', async () => {
    expect(parseNodeLifecycleOptions({})).toMatchObject({ nodeMonitorPeriodMs: 5000, nodeMonitorGracePeriodMs: 40000, nodeStartupGracePeriodMs: 60000, evictionLimiterQPS: 0.1 });
    expect(parseNodeLifecycleOptions({ nodeMonitorGracePeriodMs: 50000 }).nodeMonitorGracePeriodMs).toBe(50000);
    expect(() => parseNodeLifecycleOptions({ gracePeriod: 1 })).toThrow(/unknown option "gracePeriod"/);
    expect(() => parseNodeLifecycleOptions({ nodeMonitorPeriodMs: '5s' })).toThrow(/non-negative number/);
    const c = await startTestCluster({ plugins: [nodeLifecyclePlugin], pluginOptions: { 'node-lifecycle': { evictionLimiterQPS: 1 } } });
    try {
      expect(c.get(NodeLifecycleOptionsToken).evictionLimiterQPS).toBe(1);
    } finally {
      await c.stop();
    }
  });
});
