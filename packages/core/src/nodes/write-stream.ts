import type { ServerResponse } from 'node:http';

/**
 * Writes a streamed body (a log) to a response whose headers are sent, chunk by chunk, respecting
 * back-pressure (a slow reader holds the stream, not the server's memory), until the body ends or
 * the signal aborts (the client went away); then ends the response.
 */
export async function writeStream(res: ServerResponse, body: AsyncIterable<string | Uint8Array>, signal: AbortSignal): Promise<void> {
  try {
    for await (const chunk of body) {
      if (signal.aborted) break;
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
    }
  } finally {
    res.end();
  }
}
