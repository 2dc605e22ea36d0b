/** Minimal structured logger; components take it from the container. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(name: string): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** A logger writing `level name: msg k=v` lines to stderr (or a given sink). */
export function createLogger(opts: { level?: LogLevel; name?: string; sink?: (line: string) => void } = {}): Logger {
  const level = order[opts.level ?? (process.env.KEELSON_LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? order.info;
  const sink = opts.sink ?? ((line: string) => process.stderr.write(line + '\n'));
  const make = (name: string): Logger => {
    const write = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
      if (order[lvl] < level) return;
      const kv = fields
        ? Object.entries(fields)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : v instanceof Error ? JSON.stringify(v.message) : JSON.stringify(v)}`)
            .join(' ')
        : '';
      sink(`${lvl.toUpperCase().padEnd(5)} ${name ? name + ': ' : ''}${msg}${kv ? ' ' + kv : ''}`);
    };
    return {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (n: string) => make(name ? `${name}/${n}` : n),
    };
  };
  return make(opts.name ?? '');
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
