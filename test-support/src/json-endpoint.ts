import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-server.js';

export interface FakeJsonEndpointOptions {
  /** Serve only this path (404 elsewhere); every path when omitted. */
  path?: string;
  status?: number;
}

/** A plain JSON server (the custom gateway type): answers every GET with the current body. */
export class FakeJsonEndpoint extends FakeHttpServer {
  #body: unknown;
  #status: number;
  readonly #path: string | undefined;

  constructor(body: unknown, options: FakeJsonEndpointOptions = {}) {
    super();
    this.#body = body;
    this.#status = options.status ?? 200;
    this.#path = options.path;
  }

  setBody(body: unknown, status = this.#status): this {
    this.#body = body;
    this.#status = status;
    return this;
  }

  protected handle(request: RecordedRequest): FakeReply {
    if (this.#path !== undefined && request.path !== this.#path) return { status: 404, body: { error: 'not found' } };
    return { status: this.#status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(this.#body) };
  }
}

export async function fakeJsonEndpoint(body: unknown, options: FakeJsonEndpointOptions = {}): Promise<FakeJsonEndpoint> {
  return new FakeJsonEndpoint(body, options).start();
}
