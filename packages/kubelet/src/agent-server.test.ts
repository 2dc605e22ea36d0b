import { ApiError } from '@keelson/api';
import { type ContainerLogsRequest, HttpNodeEndpoint } from '@keelson/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type NodeAgentServer, serveNodeAgent } from './agent-server.js';

async function text(stream: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk;
  return out;
}

describe("the node agent's HTTP endpoint, through HttpNodeEndpoint (the API server's side)", () => {
  let server: NodeAgentServer | undefined;
  afterEach(() => server?.close());
  const asked: ContainerLogsRequest[] = [];
  const never = new AbortController().signal;
  const req = (options: ContainerLogsRequest['options'] = {}): ContainerLogsRequest => ({ namespace: 'ns', podName: 'web', podUID: 'u1', containerName: 'c', options });

  it('passes the request and its options through, and streams the answer', async () => {
    asked.length = 0;
    server = await serveNodeAgent(
      {
        async containerLogs(r) {
          asked.push(r);
          return (async function* () {
            yield 'a\n';
            yield 'b\n';
          })();
        },
      },
      '127.0.0.1',
    );
    const http = new HttpNodeEndpoint('127.0.0.1', server.port);
    const options = { tailLines: 3, timestamps: true, sinceTime: Date.UTC(2026, 0, 1), limitBytes: 9 };
    expect(await text(await http.containerLogs(req(options), never))).toBe('a\nb\n');
    expect(asked).toEqual([{ ...req(options) }]);
  });

  it('follow: chunks arrive as they are written; the reader going away reaches the agent', async () => {
    let push: ((s: string) => void) | undefined;
    let gone: (() => void) | undefined;
    const agentSawAbort = new Promise<void>((r) => (gone = r));
    server = await serveNodeAgent(
      {
        async containerLogs(_r, signal) {
          signal.addEventListener('abort', () => gone!());
          const queue: string[] = [];
          let wake: (() => void) | undefined;
          push = (s) => {
            queue.push(s);
            wake?.();
          };
          return (async function* () {
            for (;;) {
              while (queue.length) yield queue.shift()!;
              if (signal.aborted) return;
              await new Promise<void>((r) => (wake = r));
            }
          })();
        },
      },
      '127.0.0.1',
    );
    const abort = new AbortController();
    const stream = (await new HttpNodeEndpoint('127.0.0.1', server.port).containerLogs(req({ follow: true }), abort.signal))[Symbol.asyncIterator]();
    push!('one\n');
    expect(await stream.next()).toEqual({ value: 'one\n', done: false });
    push!('two\n');
    expect(await stream.next()).toEqual({ value: 'two\n', done: false });
    abort.abort();
    await agentSawAbort;
    expect((await stream.next()).done).toBe(true);
  });

  it("keeps the agent's Status errors, and answers bad options and unknown paths with a Status", async () => {
    server = await serveNodeAgent(
      {
        async containerLogs() {
          throw new ApiError(400, 'BadRequest', 'container "c" in pod "web" is waiting to start: ContainerCreating');
        },
      },
      '127.0.0.1',
    );
    const http = new HttpNodeEndpoint('127.0.0.1', server.port);
    await expect(http.containerLogs(req(), never)).rejects.toMatchObject({ code: 400, reason: 'BadRequest', message: 'container "c" in pod "web" is waiting to start: ContainerCreating' });
    await expect(http.containerLogs(req({ tailLines: -1 }), never)).rejects.toMatchObject({ code: 422, reason: 'Invalid' });
    const res = await fetch(`http://127.0.0.1:${server.port}/pods`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('an agent that does not answer: 500 naming the URL', async () => {
    server = await serveNodeAgent({ containerLogs: async () => (async function* () {})() }, '127.0.0.1');
    const port = server.port;
    await server.close();
    server = undefined;
    await expect(new HttpNodeEndpoint('127.0.0.1', port).containerLogs(req(), never)).rejects.toMatchObject({
      code: 500,
      message: expect.stringMatching(new RegExp(`^Get "http://127\\.0\\.0\\.1:${port}/containerLogs/ns/web/c": .*ECONNREFUSED`)),
    });
  });
});
