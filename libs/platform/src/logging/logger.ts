import type { LoggerService, LogLevel } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import pino from 'pino';
import { currentRequestContext } from './request-context';
import { redactSecrets } from './redact';

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * One JSON line per event on stdout, with the service, the correlation id and
 * the trace id of the current request, and secrets redacted.
 */
export function createRootLogger(service: string, level: Level, destination: pino.DestinationStream = pino.destination(1)): pino.Logger {
  return pino(
    {
      level,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'message',
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redactFields(fields, 0) as Record<string, unknown>,
      },
      redact: { paths: ['password', '*.password', 'refresh_token', '*.refresh_token', 'authorization', '*.authorization'], censor: '****' },
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        return {
          correlation_id: currentRequestContext()?.correlationId,
          trace_id: span?.traceId,
        };
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** Connection-string passwords hidden in every string of a log object, a few levels deep. */
function redactFields(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactFields(v, depth + 1)]));
}

/** Nest's logger interface over pino, so framework messages are JSON lines too. */
export class JsonLogger implements LoggerService {
  constructor(private readonly root: pino.Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, traceOrContext?: string, context?: string): void {
    const ctx = context ?? (traceOrContext && !traceOrContext.includes('\n') ? traceOrContext : undefined);
    const stack = traceOrContext?.includes('\n') ? traceOrContext : undefined;
    this.root.error({ context: ctx, stack }, stringify(message));
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  setLogLevels(levels: LogLevel[]): void {
    if (levels.includes('debug')) this.root.level = 'debug';
  }

  private write(level: Level, message: unknown, context?: string): void {
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
      this.root[level]({ context, ...message });
    } else {
      this.root[level]({ context }, stringify(message));
    }
  }
}

function stringify(message: unknown): string {
  if (message instanceof Error) return message.message;
  return typeof message === 'string' ? message : JSON.stringify(message);
}
