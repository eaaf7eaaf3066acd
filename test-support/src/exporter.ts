import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-server.js';

/**
 * A fixture exporter: `GET /metrics` in the Prometheus text format (0.0.4), from a fixed text or a function called
 * on every scrape, so a test knows exactly which series and values Prometheus will see.
 */
export class FixtureExporter extends FakeHttpServer {
  #metrics: string | (() => string);

  constructor(metrics: string | (() => string)) {
    super();
    this.#metrics = metrics;
  }

  /** `127.0.0.1:PORT`, the form a Prometheus static target takes. */
  get target(): string {
    return `127.0.0.1:${this.port}`;
  }

  setMetrics(metrics: string | (() => string)): this {
    this.#metrics = metrics;
    return this;
  }

  protected handle(request: RecordedRequest): FakeReply {
    if (request.path !== '/metrics') return { status: 404, body: 'not found\n' };
    const text = typeof this.#metrics === 'function' ? this.#metrics() : this.#metrics;
    return {
      status: 200,
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
      body: text.endsWith('\n') ? text : `${text}\n`,
    };
  }
}

export async function startExporter(metrics: string | (() => string)): Promise<FixtureExporter> {
  return new FixtureExporter(metrics).start();
}
