import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a watch stream into its JSON documents. kube-apiserver writes one event per line, but the
 * bytes reach the client in arbitrary chunks: a chunk may end inside a line, inside a multi-byte
 * UTF-8 character, or hold many lines. The decoder keeps the unfinished tail until the rest
 * arrives and hands out each complete line, parsed. Blank lines (keep-alives) are skipped.
 */
export class JsonLineDecoder {
  private readonly text = new StringDecoder('utf8');
  private tail = '';

  /** The documents completed by this chunk, in order. A line that is not JSON throws a SyntaxError. */
  push(chunk: Buffer | string): unknown[] {
    const data = this.tail + (typeof chunk === 'string' ? chunk : this.text.write(chunk));
    const out: unknown[] = [];
    let start = 0;
    for (let nl = data.indexOf('\n', start); nl >= 0; nl = data.indexOf('\n', start)) {
      const line = data.slice(start, nl);
      start = nl + 1;
      if (line.trim() !== '') out.push(JSON.parse(line));
    }
    this.tail = data.slice(start);
    return out;
  }

  /** The end of the stream: a last document without a trailing newline, if any. */
  end(): unknown[] {
    const rest = this.tail + this.text.end();
    this.tail = '';
    return rest.trim() === '' ? [] : [JSON.parse(rest)];
  }
}
