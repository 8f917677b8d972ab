import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';

let provider: NodeTracerProvider | undefined;

/**
 * Registers the global tracer with the W3C trace-context propagator and async
 * context. Spans are exported over OTLP/HTTP only when an endpoint is configured;
 * without one, trace ids are still made and logged, and travel across the bus.
 */
export function setupTracing(service: string, otlpEndpoint?: string): void {
  if (provider) return;
  const spanProcessors: SpanProcessor[] = otlpEndpoint
    ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/$/, '')}/v1/traces` }))]
    : [];
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `index-registry-${service}` }),
    spanProcessors,
  });
  provider.register();
}

export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}
