// The OpenTelemetry SDK with the real OTLP/HTTP exporter pointed at tokentrail, as an application sets it up.
// Environment: TOKENTRAIL_URL, TOKENTRAIL_API_KEY, OTLP_ENCODING (json | proto).
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export function tokentrailTracerProvider() {
  const Exporter = process.env.OTLP_ENCODING === 'proto' ? ProtoExporter : JsonExporter;
  const exporter = new Exporter({
    url: `${process.env.TOKENTRAIL_URL}/v1/traces`,
    headers: { Authorization: `Bearer ${process.env.TOKENTRAIL_API_KEY}` },
    compression: 'gzip',
  });
  return new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
}
