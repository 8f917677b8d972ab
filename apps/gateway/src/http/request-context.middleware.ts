import { runWithPrincipalSlot } from '@ir/messaging';
import { acceptClientAddress, acceptOrCreateCorrelationId, metricsRegistry, runWithRequestContext } from '@ir/platform';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type pino from 'pino';
import { Histogram } from 'prom-client';

export const REQUEST_ID_HEADER = 'x-request-id';

const tracer = trace.getTracer('index-registry/gateway');
const httpDuration = new Histogram({
  name: 'index_registry_http_request_duration_seconds',
  help: 'HTTP requests handled by the gateway, by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

interface RequestLocals {
  correlationId: string;
  span: Span;
  parent: Context;
}

/**
 * First middleware: gives each request its correlation id (the caller's
 * `x-request-id` when it is plain, else a new one, echoed back), a server span
 * continuing the caller's `traceparent`, an access log line and a latency sample.
 */
export function beginRequest(accessLog: pino.Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const correlationId = acceptOrCreateCorrelationId(req.header(REQUEST_ID_HEADER));
    res.setHeader(REQUEST_ID_HEADER, correlationId);
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      `HTTP ${req.method}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path
        ? `${req.baseUrl}${(req.route as { path: string }).path}`
        : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      accessLog.info(
        {
          correlation_id: correlationId,
          trace_id: span.spanContext().traceId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          duration_ms: Math.round(seconds * 1000),
        },
        'request',
      );
    });
    const locals: RequestLocals = { correlationId, span, parent };
    res.locals.request = locals;
    next();
  };
}

/**
 * Enters the request's context for everything after body parsing: body-parser
 * reads the socket in callbacks that lose async context, so this runs after it.
 */
export function enterRequestContext(req: Request, res: Response, next: NextFunction): void {
  const { correlationId, span, parent } = res.locals.request as RequestLocals;
  // The address the audit trail records: Express's view of the peer (behind a proxy, as `trust proxy` allows).
  const clientAddress = acceptClientAddress(req.ip);
  const request = { correlationId, ...(clientAddress ? { clientAddress } : {}) };
  // The principal slot is filled by the authentication guard, once it knows the caller.
  context.with(trace.setSpan(parent, span), () => runWithRequestContext(request, () => runWithPrincipalSlot(next)));
}

export function correlationIdOf(res: Response): string | undefined {
  return (res.locals.request as RequestLocals | undefined)?.correlationId;
}
