import { createApiServer } from '@keelson/apiserver';
import { describeClientConformance, startTestCluster } from '@keelson/testing';
import { HttpClient } from './http-client.js';

// The same behaviour as the in-process client (packages/testing), through a real API server on
// 127.0.0.1: requests, Status errors and watch streams cross HTTP. The client resolves kinds
// through the server's discovery (no local KindRegistry).
describeClientConformance('HTTP', async () => {
  const cluster = await startTestCluster();
  const api = createApiServer({ cluster });
  const { url } = await api.listen(0, '127.0.0.1');
  const client = new HttpClient({ server: url });
  return {
    client,
    cluster,
    cleanup: async () => {
      client.close();
      await api.close();
      await cluster.stop();
    },
  };
});
