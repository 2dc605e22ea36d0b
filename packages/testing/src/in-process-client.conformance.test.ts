import { describeClientConformance } from './client-conformance.js';
import { startTestCluster } from './test-cluster.js';

describeClientConformance('in-process', async () => {
  const cluster = await startTestCluster();
  return { client: cluster.client, cluster, cleanup: () => cluster.stop() };
});
