/** The pod the API benchmarks write (shared by the HTTP load generator and the client-http bench). */

/** A realistic pod manifest (~1 KB as sent): a web container with probes, env and a sidecar. */
export function podManifest(ns: string, name: string, extraAnnotations: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d9f8c6b5d', release: 'stable' },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9113', ...extraAnnotations },
    },
    spec: {
      containers: [
        {
          name: 'nginx',
          image: 'nginx:1.27.3',
          ports: [{ name: 'http', containerPort: 80 }],
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'UPSTREAM', value: 'http://api.default.svc.cluster.local:8080' },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 5 },
          volumeMounts: [{ name: 'config', mountPath: '/etc/nginx/conf.d', readOnly: true }],
        },
        {
          name: 'exporter',
          image: 'nginx/nginx-prometheus-exporter:1.3.0',
          args: ['--nginx.scrape-uri=http://localhost/stub_status'],
          ports: [{ name: 'metrics', containerPort: 9113 }],
          resources: { requests: { cpu: '10m', memory: '16Mi' } },
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'nginx-config' } }],
      serviceAccountName: 'default',
    },
  };
}
