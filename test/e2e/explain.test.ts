/**
 * Real kubectl (v1.32, /usr/bin/kubectl) reading keelson's OpenAPI v3 documents: `kubectl explain`
 * (which fetches /openapi/v3 and the group/version's document), and apply/create/edit, which now
 * compute strategic merge patches from the published schemas and validate fields on the server.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RunningCluster, up } from 'keelson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keelson-explain-'));
let cluster: RunningCluster;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 20_000 });
  return stdout;
}

async function kubectlFails(...args: string[]): Promise<string> {
  try {
    await kubectl(...args);
  } catch (err) {
    return String((err as { stderr?: string }).stderr);
  }
  throw new Error(`kubectl ${args.join(' ')} succeeded`);
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  cluster = await up({ port: 0, store: 'memory', kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubectl explain', () => {
  it('explains a kind: KIND, VERSION, DESCRIPTION and typed FIELDS', async () => {
    const out = await kubectl('explain', 'pods');
    expect(out).toMatch(/^KIND: +Pod\nVERSION: +v1\n\nDESCRIPTION:\n +Pod is a collection of containers that can run on a host\./);
    expect(out).toMatch(/^FIELDS:$/m);
    expect(out).toMatch(/^  apiVersion\t<string>$/m);
    expect(out).toMatch(/^  metadata\t<ObjectMeta>$/m);
    expect(out).toMatch(/^  spec\t<PodSpec>$/m);
    expect(out).toMatch(/^  status\t<PodStatus>$/m);
  });

  it('explains a nested list field with its element type and the fields of Container', async () => {
    const out = await kubectl('explain', 'pods.spec.containers');
    expect(out).toMatch(/^KIND: +Pod\nVERSION: +v1\n\nFIELD: containers <\[\]Container>\n/);
    expect(out).toMatch(/DESCRIPTION:\n +List of containers belonging to the pod\./);
    expect(out).toMatch(/A single application container that you want to run within a pod\./);
    for (const line of [
      'image\t<string>',
      'name\t<string> -required-',
      'ports\t<[]ContainerPort>',
      'env\t<[]EnvVar>',
      'envFrom\t<[]EnvFromSource>',
      'resources\t<ResourceRequirements>',
      'volumeMounts\t<[]VolumeMount>',
      'livenessProbe\t<Probe>',
      'lifecycle\t<Lifecycle>',
      'securityContext\t<SecurityContext>',
      'command\t<[]string>',
    ]) {
      expect(out).toContain(`\n  ${line}\n`);
    }
    expect(out).toMatch(/^  imagePullPolicy\t<string>\n  enum: Always, IfNotPresent, Never$/m);
  });

  it('explains resources.limits as a map of Quantity', async () => {
    const out = await kubectl('explain', 'pods.spec.containers.resources.limits');
    expect(out).toMatch(/^FIELD: limits <map\[string\]Quantity>$/m);
    expect(out).toMatch(/Limits describes the maximum amount of compute resources allowed\./);
  });

  it('explains pod scheduling, volumes and status fields', async () => {
    expect(await kubectl('explain', 'pods.spec')).toMatch(/^  affinity\t<Affinity>\n[\s\S]*^  tolerations\t<\[\]Toleration>\n[\s\S]*^  topologySpreadConstraints\t<\[\]TopologySpreadConstraint>\n[\s\S]*^  volumes\t<\[\]Volume>$/m);
    expect(await kubectl('explain', 'pods.spec.affinity.podAntiAffinity')).toMatch(/^  requiredDuringSchedulingIgnoredDuringExecution\t<\[\]PodAffinityTerm>$/m);
    expect(await kubectl('explain', 'pods.spec.volumes')).toMatch(/^  persistentVolumeClaim\t<PersistentVolumeClaimVolumeSource>$/m);
    expect(await kubectl('explain', 'pods.status.containerStatuses.state.terminated.exitCode')).toMatch(/^FIELD: exitCode <integer>$/m);
    expect(await kubectl('explain', 'pods.spec.containers.livenessProbe.httpGet.port')).toMatch(/^FIELD: port <IntOrString>$/m);
  });

  it('explains a kind of another group', async () => {
    const out = await kubectl('explain', 'leases.spec');
    expect(out).toMatch(/^GROUP: +coordination\.k8s\.io\nKIND: +Lease\nVERSION: +v1\n\nFIELD: spec <LeaseSpec>\n/);
    expect(out).toMatch(/^  holderIdentity\t<string>$/m);
    expect(out).toMatch(/^  leaseDurationSeconds\t<integer>$/m);
    expect(out).toMatch(/^  renewTime\t<string>$/m);
  });

  it('explains recursively', async () => {
    const out = await kubectl('explain', 'configmap', '--recursive');
    expect(out).toMatch(/^KIND: +ConfigMap\nVERSION: +v1\n/);
    expect(out).toContain('FIELDS:\n  apiVersion\t<string>\n  binaryData\t<map[string]string>\n  data\t<map[string]string>\n  immutable\t<boolean>\n  kind\t<string>\n  metadata\t<ObjectMeta>\n');
    expect(out).toMatch(/^    ownerReferences\t<\[\]OwnerReference>\n      apiVersion\t<string> -required-$/m);
  });

  it('explains every core kind and rejects unknown fields', async () => {
    for (const r of ['nodes', 'namespaces', 'secrets', 'events', 'serviceaccounts', 'nodes.status.nodeInfo']) expect(await kubectl('explain', r)).toMatch(/^KIND: /);
    expect(await kubectlFails('explain', 'pods.spec.nosuch')).toMatch(/field "nosuch" does not exist/);
  });

  it('explains the workload kinds: Deployment strategy, ReplicaSet template, ReplicationController selector', async () => {
    const deploy = await kubectl('explain', 'deployment.spec.strategy');
    expect(deploy).toMatch(/^GROUP: +apps\nKIND: +Deployment\nVERSION: +v1\n\nFIELD: strategy <DeploymentStrategy>\n/);
    expect(deploy).toMatch(/^  rollingUpdate\t<RollingUpdateDeployment>$/m);
    expect(deploy).toMatch(/^  type\t<string>\n  enum: Recreate, RollingUpdate$/m);
    expect(await kubectl('explain', 'deploy.spec')).toMatch(/^  selector\t<LabelSelector> -required-$/m);
    expect(await kubectl('explain', 'rs.spec.template.spec.containers')).toMatch(/^FIELD: containers <\[\]Container>$/m);
    expect(await kubectl('explain', 'rc.spec.selector')).toMatch(/^FIELD: selector <map\[string\]string>$/m);
    expect(await kubectl('explain', 'services.spec.ports')).toMatch(/^FIELD: ports <\[\]ServicePort>$/m);
  });
});

describe('writes with the published schemas', () => {
  // No token volume: with the kube-api-access volume the ServiceAccount admission adds, the live
  // volumes outnumber the file's, and kubectl's three-way patch then always carries
  // $setElementOrder/volumes (as against kube), so a re-apply would never say "unchanged".
  const podYaml = (image: string, extra = '') =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  automountServiceAccountToken: false\n  containers:\n  - name: app\n    image: ${image}\n    ports:\n    - containerPort: 80\n    env:\n    - {name: A, value: "1"}\n  - name: side\n    image: busybox\n${extra}  volumes:\n  - name: data\n    emptyDir: {}\n`;

  it('applies a pod, then patches only the changed container image (strategic merge from the schema)', async () => {
    const f = file('pod.yaml', podYaml('nginx:1.25'));
    expect(await kubectl('apply', '-f', f)).toBe('pod/web created\n');
    writeFileSync(f, podYaml('nginx:1.26'));
    expect(await kubectl('apply', '-f', f)).toBe('pod/web configured\n');
    const pod = JSON.parse(await kubectl('get', 'pod', 'web', '-o', 'json'));
    expect(pod.spec.containers.map((c: { image: string }) => c.image)).toEqual(['nginx:1.26', 'busybox']);
    expect(pod.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(pod.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    expect(await kubectl('apply', '-f', f)).toBe('pod/web unchanged\n');
  });

  it('creates from a file and edits', async () => {
    const f = file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\ndata:\n  a: "1"\n');
    expect(await kubectl('create', '-f', f)).toBe('configmap/conf created\n');
    const editor = file('editor.sh', '#!/bin/sh\nsed -i \'s/^  a: "1"$/  a: "edited"/\' "$1"\n');
    chmodSync(editor, 0o755);
    const { stdout } = await exec('kubectl', ['edit', 'cm', 'conf'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig, EDITOR: editor }, timeout: 20_000 });
    expect(stdout).toBe('configmap/conf edited\n');
    expect(await kubectl('get', 'cm', 'conf', '-o', 'jsonpath={.data.a}')).toBe('edited');
  });

  it('rejects unknown fields with a strict decoding error, or warns and drops them with --validate=warn', async () => {
    const bad = file('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a: "1"\nbogus: 1\n');
    const strict = /Error from server \(BadRequest\): error when creating ".*bad\.yaml": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"/;
    expect(await kubectlFails('apply', '-f', bad)).toMatch(strict);
    expect(await kubectlFails('create', '-f', bad)).toMatch(strict);
    const badPod = file('badpod.yaml', podYaml('nginx', '    bogus: true\n').replace('name: web', 'name: badpod'));
    expect(await kubectlFails('apply', '-f', badPod)).toMatch(/strict decoding error: unknown field "spec\.containers\[1\]\.bogus"/);
    const { stdout, stderr } = await exec('kubectl', ['create', '-f', bad, '--validate=warn'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 20_000 });
    expect(stdout).toBe('configmap/bad created\n');
    expect(stderr).toMatch(/Warning: unknown field "bogus"/);
    expect(JSON.parse(await kubectl('get', 'cm', 'bad', '-o', 'json'))).not.toHaveProperty('bogus');
  });
});
