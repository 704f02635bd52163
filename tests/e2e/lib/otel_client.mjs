// The client side of the trace tests, with the OpenTelemetry JS SDK (pinned in package.json): a
// BasicTracerProvider whose SimpleSpanProcessor sends every ended span at once with the OTLP/HTTP
// JSON exporter to a given URL, a W3C trace-context propagator, and a fetch for the MCP SDK's
// StreamableHTTPClientTransport that puts the `traceparent` of a chosen span on the tools/call
// POSTs (and only on those).
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * A tracer exporting to `url` (e.g. http://127.0.0.1:<port>/v1/traces) as service `serviceName`.
 * Returns { tracer, propagator, headersOf(span), flush(), shutdown() }.
 */
export function startClientTracer({ url, serviceName }) {
  const exporter = new OTLPTraceExporter({ url, timeoutMillis: 5000 });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const propagator = new W3CTraceContextPropagator();
  const tracer = provider.getTracer('arcade-mcp-cpp-e2e');
  return {
    tracer,
    propagator,
    /** The headers the propagator injects for `span` ({ traceparent, maybe tracestate }). */
    headersOf(span) {
      const carrier = {};
      propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, {
        set: (c, k, v) => {
          c[k] = v;
        },
      });
      return carrier;
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * A fetch for StreamableHTTPClientTransport: POSTs whose JSON body is a tools/call request get
 * the headers `headersFor()` returns at that moment (nothing when it returns null); every
 * tools/call request sent is noted in `sent` ({ id, name, headers }).
 */
export function tracingFetch(headersFor) {
  const sent = [];
  const wrapped = async (url, init = {}) => {
    let message = null;
    if ((init.method ?? 'GET') === 'POST' && typeof init.body === 'string') {
      try {
        message = JSON.parse(init.body);
      } catch {
        message = null;
      }
    }
    if (message?.method === 'tools/call') {
      const extra = headersFor() ?? {};
      const headers = new Headers(init.headers);
      for (const [k, v] of Object.entries(extra)) headers.set(k, v);
      sent.push({ id: message.id, name: message.params?.name, headers: Object.fromEntries(headers) });
      init = { ...init, headers };
    }
    return fetch(url, init);
  };
  wrapped.sent = sent;
  return wrapped;
}
