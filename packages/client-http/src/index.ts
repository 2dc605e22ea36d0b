export { HttpClient, type HttpClientOptions, patchContentTypes } from './http-client.js';
export { type ConnectionConfig, KubeconfigError, kubeconfigPaths, loadKubeconfig } from './kubeconfig.js';
export { type ResourceInfo, ResourceResolver, resourcePath } from './resources.js';
export { errorFromResponse, isStatus } from './status-error.js';
export { type Reply, type RequestSpec, Transport, type TransportOptions } from './transport.js';
export { openWatch } from './watch.js';
export { JsonLineDecoder } from './watch-decoder.js';
